package sync

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var fastUpload = UploadOptions{Timeouts: testTimeouts, Retry: fastRetry, Timeout: 2 * time.Second}

// receiver is a loopback report receiver answering with the codes in turn
// (the last one for ever after), counting the requests it saw.
func receiver(t *testing.T, codes ...int) (*httptest.Server, *atomic.Int32, chan []byte) {
	t.Helper()
	var n atomic.Int32
	got := make(chan []byte, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		code := codes[min(i, len(codes)-1)]
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			code = http.StatusBadRequest
		}
		body, _ := io.ReadAll(r.Body)
		if code < 300 {
			got <- body
		}
		w.WriteHeader(code)
		io.WriteString(w, "receiver says\n"+http.StatusText(code))
	}))
	t.Cleanup(srv.Close)
	return srv, &n, got
}

func TestUploadRetriesWithinTheBound(t *testing.T) {
	body := []byte(`{"format":"test"}`)
	for _, tc := range []struct {
		name      string
		codes     []int
		wantTries int
		wantErr   string
	}{
		{"ok at once", []int{200}, 1, ""},
		{"201 is a success", []int{201}, 1, ""},
		{"500 then 200", []int{500, 200}, 2, ""},
		{"503 twice then 200", []int{503, 503, 200}, 3, ""},
		{"always 500", []int{500}, 3, `server answered 500 Internal Server Error "receiver says Internal Server Error" (gave up after 3 tries)`},
		{"429 then 500 for ever", []int{429, 500}, 3, "gave up after 3 tries"},
		{"403 is not retried", []int{403}, 1, "403 Forbidden"},
		{"a redirect is not followed", []int{302}, 1, "302 Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n, got := receiver(t, tc.codes...)
			tries, err := Upload(context.Background(), srv.URL+"/proof?token=secret", body, fastUpload)
			if tries != tc.wantTries || int(n.Load()) != tc.wantTries {
				t.Errorf("%d tries reported, %d requests seen; want %d", tries, n.Load(), tc.wantTries)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Upload: %v", err)
				}
				if b := <-got; string(b) != string(body) {
					t.Errorf("received %q", b)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Upload: %v, want %q", err, tc.wantErr)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "secret") || !strings.HasPrefix(msg, "report to 127.0.0.1:") {
				t.Errorf("error is not one line naming only the host: %q", msg)
			}
		})
	}
}

func TestUploadUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	tries, err := Upload(context.Background(), "http://"+addr+"/proof", []byte("{}"), fastUpload)
	if err == nil || tries != 3 || !strings.Contains(err.Error(), "connection refused") || strings.Count(err.Error(), "http://") != 0 {
		t.Fatalf("Upload to %s: %d tries, %v", addr, tries, err)
	}
}

func TestUploadBoundsTheAnswerAndTheRequest(t *testing.T) {
	// An endless answer is read only up to the cap.
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		chunk := []byte(strings.Repeat("x", 32<<10))
		for range 1 << 12 { // 128 MiB, unless the client hangs up
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer endless.Close()
	if _, err := Upload(context.Background(), endless.URL, []byte("{}"), fastUpload); err != nil {
		t.Fatalf("endless 200 answer: %v", err)
	}

	// A receiver that never answers costs one timeout per try.
	stall := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-stall }))
	defer slow.Close()
	defer close(stall)
	opt := fastUpload
	opt.Timeout = 100 * time.Millisecond
	start := time.Now()
	tries, err := Upload(context.Background(), slow.URL, []byte("{}"), opt)
	if err == nil || tries != 3 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stalled receiver: %d tries, %v", tries, err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("three 100 ms tries took %s", took)
	}
}

func TestUploadRefusesABadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x/y", "https:///path", "://"} {
		if tries, err := Upload(context.Background(), u, nil, fastUpload); err == nil || tries != 0 {
			t.Errorf("Upload(%q): %d tries, %v", u, tries, err)
		}
	}
}

func TestRecordUpload(t *testing.T) {
	dir := t.TempDir()
	if s, err := LoadUploadStatus(dir); err != nil || s != (UploadStatus{}) {
		t.Fatalf("no file yet: %+v %v", s, err)
	}
	t1 := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	if _, err := RecordUpload(dir, "https://clerk:pw@proof.example/x", t1, 1000, 1, nil); err != nil {
		t.Fatal(err)
	}
	t2 := t1.Add(15 * time.Minute)
	s, err := RecordUpload(dir, "https://clerk:pw@proof.example/x", t2, 1200, 3, errors.New("report to proof.example: server answered\n500"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadUploadStatus(dir)
	if err != nil || back != s {
		t.Fatalf("read back %+v %v, wrote %+v", back, err, s)
	}
	if !s.LastSuccess.Equal(t1) || !s.LastAttempt.Equal(t2) || s.LastError != "report to proof.example: server answered 500" ||
		s.Tries != 3 || s.Bytes != 1200 || strings.Contains(s.URL, "pw") {
		t.Errorf("after a failure: %+v", s)
	}
	s, _ = RecordUpload(dir, "https://proof.example/x", t2.Add(time.Minute), 1300, 2, nil)
	if s.LastError != "" || !s.LastSuccess.Equal(t2.Add(time.Minute)) {
		t.Errorf("a success did not clear the error: %+v", s)
	}
}

// A damaged, hostile or oversized upload.json gives a one-line error (the
// status says so) and the next upload writes a sound one over it.
func TestLoadUploadStatusDamaged(t *testing.T) {
	for name, write := range map[string]func(path string) error{
		"garbage": func(p string) error { return os.WriteFile(p, []byte("{\"last_attempt\": \"yesterday\""), 0o644) },
		"wrong":   func(p string) error { return os.WriteFile(p, []byte(`{"tries": "three"}`), 0o644) },
		"oversized": func(p string) error {
			return os.WriteFile(p, []byte(`{"url":"`+strings.Repeat("x", maxUploadFile)+`"}`), 0o644)
		},
		"directory": func(p string) error { return os.Mkdir(p, 0o755) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, UploadFile)
			if err := write(path); err != nil {
				t.Fatal(err)
			}
			s, err := LoadUploadStatus(dir)
			if err == nil || s != (UploadStatus{}) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %+v, %v; want the zero status and a one-line error", s, err)
			}
			if name == "directory" {
				return // nothing to write over; the status keeps saying why
			}
			at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
			if _, err := RecordUpload(dir, "https://proof.example/x", at, 10, 1, nil); err != nil {
				t.Fatal(err)
			}
			if s, err := LoadUploadStatus(dir); err != nil || !s.LastSuccess.Equal(at) {
				t.Errorf("after an upload over the damaged file: %+v, %v", s, err)
			}
		})
	}
}

// FuzzLoadUploadStatus: whatever upload.json holds, loading it ends in a
// status or a one-line error, never a panic.
func FuzzLoadUploadStatus(f *testing.F) {
	f.Add([]byte(`{"url":"https://proof.example/x","last_attempt":"2026-11-10T09:00:00Z","tries":3}`))
	f.Add([]byte(`{"last_error":"a\nb"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, UploadFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadUploadStatus(dir); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error of more than one line: %q", err)
		}
	})
}
