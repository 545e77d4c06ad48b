package sync

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/sync/synctest"
)

// fastRetry keeps failure tests short; the bounds are what is under test,
// not the delays.
var fastRetry = Retry{Attempts: 3, Base: 5 * time.Millisecond, Max: 20 * time.Millisecond, Budget: 2 * time.Second}

var testTimeouts = Timeouts{Dial: 2 * time.Second, TLS: 2 * time.Second, Header: 2 * time.Second, Idle: 500 * time.Millisecond}

func (f *fixture) httpSource(t *testing.T, url string, r Retry) *HTTP {
	t.Helper()
	h, err := NewHTTP(url, filepath.Join(f.dir, "http"), testTimeouts, r)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f *fixture) syncHTTP(t *testing.T, url string, r Retry) (Result, error) {
	t.Helper()
	return Run(context.Background(), f.st, f.cfg, f.httpSource(t, url, r), Options{})
}

func count(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func TestHTTPFromNginx(t *testing.T) {
	f := newFixture(t)
	web := t.TempDir()
	synctest.CopyDir(t, f.v1, web)
	url, accessLog := startNginx(t, web)

	res, err := f.syncHTTP(t, url, DefaultRetry)
	if err != nil {
		t.Fatalf("first sync: %v", err)
	}
	if res.Version != 1 || res.Changes.Added != 4 {
		t.Fatalf("first sync: %+v", res)
	}
	m1 := synctest.ReadManifest(t, f.v1)
	if got := count(accessLog(), "GET /objects/"); got != len(m1.Objects()) {
		t.Errorf("first sync fetched %d objects, the feed has %d", got, len(m1.Objects()))
	}

	// Unchanged: exactly one conditional request, answered 304.
	before := len(accessLog())
	res, err = f.syncHTTP(t, url, DefaultRetry)
	if err != nil || !res.Unchanged {
		t.Fatalf("re-sync: %+v %v", res, err)
	}
	if lines := accessLog()[before:]; len(lines) != 1 || !strings.HasPrefix(lines[0], "GET /manifest.json HTTP/1.1 304") {
		t.Errorf("unchanged re-sync made these requests: %q", lines)
	}

	// Version 2: only the objects the screen lacks.
	synctest.CopyDir(t, f.v2, web)
	before = len(accessLog())
	res, err = f.syncHTTP(t, url, DefaultRetry)
	if err != nil || res.Version != 2 {
		t.Fatalf("sync v2: %+v %v", res, err)
	}
	changed, added, attachment := f.newObjects(t)
	want := map[string]bool{changed.Path(): true, added.Path(): true, attachment.Path(): true}
	var got []string
	for _, l := range accessLog()[before:] {
		if p, ok := strings.CutPrefix(l, "GET /objects/"); ok {
			got = append(got, "objects/"+strings.Fields(p)[0])
		}
	}
	if len(got) != len(want) {
		t.Errorf("v2 fetched objects %q, want only %v", got, want)
	}
	for _, p := range got {
		if !want[p] {
			t.Errorf("v2 fetched %s, which the screen already had", p)
		}
	}
}

// faultServer serves a feed folder and lets a test break chosen requests.
type faultServer struct {
	dir   string
	mu    gosync.Mutex
	fault func(w http.ResponseWriter, r *http.Request) bool // true: handled
	log   []string
	bytes atomic.Int64
}

func newFaultServer(t *testing.T, dir string) (*faultServer, string) {
	fs := &faultServer{dir: dir}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	return fs, srv.URL + "/"
}

func (s *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.log = append(s.log, r.URL.Path+" "+r.Header.Get("Range"))
	fault := s.fault
	s.mu.Unlock()
	if fault != nil && fault(w, r) {
		return
	}
	http.FileServer(http.Dir(s.dir)).ServeHTTP(countingWriter{w, &s.bytes}, r)
}

func (s *faultServer) setFault(f func(w http.ResponseWriter, r *http.Request) bool) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

func (s *faultServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// bigFeed publishes a feed with one large attachment and returns its object.
func bigFeed(t *testing.T, f *fixture, size int) (string, feed.Object) {
	t.Helper()
	big := make([]byte, size)
	rand.Read(big)
	items := itemsV1()
	items[0].Attachments = map[string][]byte{"survey.bin": big}
	src, out := t.TempDir(), t.TempDir()
	synctest.WriteSource(t, src, items)
	synctest.Publish(t, src, out, f.priv, time.Time{})
	return out, feed.Object{SHA256: feed.Sum(big), Size: int64(size)}
}

func TestHTTPResumesAfterConnectionReset(t *testing.T) {
	f := newFixture(t)
	out, big := bigFeed(t, f, 4<<20)
	srv, url := newFaultServer(t, out)
	cut := int64(3 << 20)
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, big.SHA256) || r.Header.Get("Range") != "" {
			return false
		}
		// Promise the whole object, send part of it, drop the connection.
		data, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(big.Path())))
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		st, _ := os.Stat(filepath.Join(out, filepath.FromSlash(big.Path())))
		w.Header().Set("Last-Modified", st.ModTime().UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusOK)
		w.Write(data[:cut])
		w.(http.Flusher).Flush()
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close()
		return true
	})
	noRetry := Retry{Attempts: 1, Base: time.Millisecond, Max: time.Millisecond, Budget: time.Second}
	before := f.snapshot(t)
	if _, err := f.syncHTTP(t, url, noRetry); err == nil {
		t.Fatal("sync with a dropped connection succeeded")
	}
	if after := f.snapshot(t); after != before {
		t.Errorf("a failed sync changed the store")
	}
	srv.setFault(nil)
	sent := srv.bytes.Load()
	res, err := f.syncHTTP(t, url, noRetry)
	if err != nil {
		t.Fatalf("resumed sync: %v", err)
	}
	var resumed bool
	for _, r := range srv.requests() {
		if strings.HasSuffix(strings.Fields(r)[0], big.SHA256) && strings.Contains(r, fmt.Sprintf("bytes=%d-", cut)) {
			resumed = true
		}
	}
	if !resumed {
		t.Errorf("the second sync did not ask for the rest of the object: %q", srv.requests())
	}
	if extra := srv.bytes.Load() - sent; extra > big.Size-cut+big.Size/10 {
		t.Errorf("resume re-fetched %d bytes for %d missing", extra, big.Size-cut)
	}
	if !f.st.HasBlob(big.SHA256) || res.Version != 1 {
		t.Errorf("after resume: %+v, blob stored %v", res, f.st.HasBlob(big.SHA256))
	}
}

func TestHTTPServerFaults(t *testing.T) {
	cases := []struct {
		name  string
		fault func(big feed.Object) func(w http.ResponseWriter, r *http.Request) bool
		want  string // in the error
		is    error
		// idle, when set, replaces testTimeouts.Idle: reading 32 MB under
		// -race on a loaded machine has pauses of seconds between reads
		idle time.Duration
	}{
		{"500 on every request", func(feed.Object) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				http.Error(w, "boom", http.StatusInternalServerError)
				return true
			}
		}, "500", nil, 0},
		{"stall after headers", func(big feed.Object) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, big.SHA256) {
					return false
				}
				w.Header().Set("Content-Length", fmt.Sprint(big.Size))
				w.WriteHeader(http.StatusOK)
				w.Write([]byte("partial"))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
				return true
			}
		}, "no data for", nil, 0},
		{"longer Content-Length than the manifest", func(big feed.Object) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, big.SHA256) {
					return false
				}
				w.Header().Set("Content-Length", fmt.Sprint(big.Size+100))
				w.WriteHeader(http.StatusOK)
				w.Write(make([]byte, big.Size+100))
				return true
			}
		}, "", feed.ErrObjectSize, 0},
		{"endless stream", func(big feed.Object) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, big.SHA256) {
					return false
				}
				w.WriteHeader(http.StatusOK)
				chunk := make([]byte, 32<<10)
				for r.Context().Err() == nil {
					if _, err := w.Write(chunk); err != nil {
						break
					}
				}
				return true
			}
		}, "", feed.ErrObjectSize, 0},
		{"endless manifest", func(feed.Object) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/manifest.json" {
					return false
				}
				w.WriteHeader(http.StatusOK)
				chunk := []byte(strings.Repeat(" ", 32<<10))
				for r.Context().Err() == nil {
					if _, err := w.Write(chunk); err != nil {
						break
					}
				}
				return true
			}
		}, "", feed.ErrTooLarge, time.Minute},
		{"wrong object bytes", func(big feed.Object) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, big.SHA256) {
					return false
				}
				w.Write(make([]byte, big.Size))
				return true
			}
		}, "", feed.ErrObjectHash, 0},
		{"404 for an object", func(big feed.Object) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, big.SHA256) {
					return false
				}
				http.NotFound(w, r)
				return true
			}
		}, "404", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			out, big := bigFeed(t, f, 256<<10)
			srv, url := newFaultServer(t, out)
			srv.setFault(c.fault(big))
			before := f.snapshot(t)
			timeouts := testTimeouts
			if c.idle > 0 {
				timeouts.Idle = c.idle
			}
			src, err := NewHTTP(url, filepath.Join(f.dir, "http"), timeouts, fastRetry)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Run(context.Background(), f.st, f.cfg, src, Options{})
			if err == nil {
				t.Fatal("sync succeeded against a faulty server")
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v, want %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q does not say %q on one line", err, c.want)
			}
			if n := len(srv.requests()); n > 20 {
				t.Errorf("%d requests: retries are not bounded", n)
			}
			if after := f.snapshot(t); after != before {
				t.Errorf("a failed sync changed the store")
			}
			st, _ := f.st.State()
			if st.LastError == "" {
				t.Errorf("status has no last error")
			}
			// The server heals: the next sync converges.
			srv.setFault(nil)
			if _, err := f.syncHTTP(t, url, fastRetry); err != nil {
				t.Errorf("after the server healed: %v", err)
			}
		})
	}
}

func TestHTTP200InsteadOf206RestartsTheObject(t *testing.T) {
	f := newFixture(t)
	out, big := bigFeed(t, f, 1<<20)
	srv, url := newFaultServer(t, out)
	var dropped atomic.Bool
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, big.SHA256) {
			return false
		}
		data, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(big.Path())))
		if !dropped.Load() {
			dropped.Store(true)
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			w.WriteHeader(http.StatusOK)
			w.Write(data[:len(data)/2])
			w.(http.Flusher).Flush()
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
			return true
		}
		// Ignore the Range header: a whole 200 answer.
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.WriteHeader(http.StatusOK)
		w.Write(data)
		return true
	})
	if _, err := f.syncHTTP(t, url, fastRetry); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if !f.st.HasBlob(big.SHA256) {
		t.Error("object not stored")
	}
	var ranged bool
	for _, r := range srv.requests() {
		ranged = ranged || strings.Contains(r, "bytes=")
	}
	if !ranged {
		t.Error("the retry did not ask for a range")
	}
}

func TestHTTPRetryAfterAndGiveUp(t *testing.T) {
	f := newFixture(t)
	srv, url := newFaultServer(t, f.v1)
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return true
	})
	// A Retry-After beyond the budget ends the request instead of waiting an hour.
	_, err := f.syncHTTP(t, url, Retry{Attempts: 5, Base: time.Millisecond, Max: time.Millisecond, Budget: time.Second})
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("error %v", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests; a Retry-After past the budget should stop after the first", n)
	}
}

func TestHTTPUnreachableGivesUp(t *testing.T) {
	f := newFixture(t)
	_, err := f.syncHTTP(t, "http://127.0.0.1:1/feed/", fastRetry)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "connection refused") { // Windows: "Connection refused."
		t.Fatalf("error %v", err)
	}
}

func TestBackoffIsBoundedFullJitter(t *testing.T) {
	r := Retry{Base: 100 * time.Millisecond, Max: time.Second}
	for attempt := range 10 {
		ceil := min(r.Max, r.Base<<attempt)
		for range 50 {
			if d := backoff(r, attempt); d < 0 || d > ceil {
				t.Fatalf("attempt %d: delay %s outside [0, %s]", attempt, d, ceil)
			}
		}
	}
}
