package sync

import (
	"context"
	"errors"
	"math/rand/v2"

	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/sync/synctest"
)

// slowTimeouts make the minimum rate trip in a second, not in half a minute.
var slowTimeouts = Timeouts{Dial: 2 * time.Second, TLS: 2 * time.Second, Header: 2 * time.Second, Idle: 3 * time.Second,
	MinRate: 200, RateWindow: time.Second}

// TUF's slow retrieval: nginx sends the headers and then manifest.json at
// one byte a second (limit_rate 1), which never trips the idle timeout. The run stops at the
// minimum rate with a clear error, and the store is as it was.
func TestHTTPSlowRetrievalIsCut(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	web := f.copyOf(t, f.v2)
	url, _ := startNginxWith(t, web, "limit_rate_after 600; limit_rate 1;")
	before := f.snapshot(t)
	h, err := NewHTTP(url, filepath.Join(f.dir, "http"), slowTimeouts, fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	// Without a minimum rate this would run for the manifest's length in
	// seconds; the test's own bound turns that into a failure, not a hang.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = Run(ctx, f.st, f.cfg, h, Options{})
	if !errors.Is(err, ErrTooSlow) || !strings.Contains(err.Error(), "bytes a second") {
		t.Fatalf("sync from a trickling server: %v, want ErrTooSlow", err)
	}
	if after := f.snapshot(t); after != before {
		t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
	}
	if st, _ := f.st.State(); !strings.Contains(st.LastError, "too slow") {
		t.Errorf("last_error %q does not say why", st.LastError)
	}
}

// A run has a deadline of its own: nginx sends a large attachment fast
// enough for every per-request limit, but the run takes longer than it may.
// It stops with ErrDeadline, and what arrived is kept: the next run, from
// an unthrottled server, fetches only the rest.
func TestRunDeadlineKeepsWhatArrived(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	big := make([]byte, 400<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	items := itemsV2()
	items[0].Attachments = map[string][]byte{"land-001-map.png": png, "survey.bin": big}
	synctest.WriteSource(t, f.src, items)
	web := t.TempDir()
	synctest.CopyDir(t, f.v2, web)
	synctest.Publish(t, f.src, web, f.priv, time.Time{})
	slow, _ := startNginxWith(t, web, "limit_rate 64k;")
	fast, _ := startNginx(t, web)
	shown := f.visibleIDs(t)

	h, err := NewHTTP(slow, filepath.Join(f.dir, "http"), slowTimeouts, fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), f.st, f.cfg, h, Options{Deadline: 2 * time.Second})
	if !errors.Is(err, ErrDeadline) || !strings.Contains(err.Error(), "kept for the next run") {
		t.Fatalf("sync past its deadline: %+v, %v; want ErrDeadline", res, err)
	}
	// The content shown is as it was; attachments that arrived whole wait,
	// unreferenced, for the next run.
	if st, _ := f.st.State(); st.Version != 1 || !slices.Equal(f.visibleIDs(t), shown) {
		t.Errorf("after the deadline: version %d, shown %v; want 1, %v", st.Version, f.visibleIDs(t), shown)
	}
	if problems, err := f.st.Check(); err != nil || len(problems) > 0 {
		t.Errorf("Check: %v %q", err, problems)
	}
	got := res.BytesFetched
	if got < 32<<10 {
		t.Fatalf("only %d bytes arrived before the deadline; the test needs some", got)
	}
	// Same state folder, another server with the same files: the partial
	// download resumes.
	h2, err := NewHTTP(fast, filepath.Join(f.dir, "http"), slowTimeouts, fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	h2.dir = h.dir // the cache is per URL; the resumed object is the same
	res, err = Run(context.Background(), f.st, f.cfg, h2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 3 || res.BytesFetched >= int64(len(big)) {
		t.Errorf("resumed sync: version %d, fetched %d bytes of a %d-byte attachment; want version 3 and less", res.Version, res.BytesFetched, len(big))
	}
}

// A 304 when the screen holds no copy of the manifest is not "a bad
// signature": the error says what the server answered.
func TestHTTP304WithNothingCached(t *testing.T) {
	f := newFixture(t)
	web := f.copyOf(t, f.v1)
	url, _ := startNginxWith(t, web, "location = /manifest.json { return 304; }")
	_, err := f.syncHTTP(t, url, fastRetry)
	if err == nil || !strings.Contains(err.Error(), "304 Not Modified") || errors.Is(err, feed.ErrSignature) {
		t.Fatalf("sync against a server answering 304: %v", err)
	}
	if st, _ := f.st.State(); !strings.Contains(st.LastError, "304") {
		t.Errorf("last_error %q", st.LastError)
	}
}

// A hostile server's status line (escape sequences that clear the screen
// or retitle the terminal, 5 KB of text) reaches the error and last_error
// as one printable, bounded line.
func TestHTTPHostileStatusLine(t *testing.T) {
	f := newFixture(t)
	status := "404 \x1b[2J\x1b]0;owned\x07" + strings.Repeat("Not Found ", 500)
	url := synctest.RawHTTPServer(t, status)
	_, err := f.syncHTTP(t, url, fastRetry)
	if err == nil {
		t.Fatal("sync against a 404 succeeded")
	}
	st, _ := f.st.State()
	for what, s := range map[string]string{"error": err.Error(), "last_error": st.LastError} {
		if strings.ContainsAny(s, "\x1b\x07\n\r") || len(s) > 4*feed.MaxErrorText {
			t.Errorf("%s keeps the server's text raw (%d bytes): %.120q", what, len(s), s)
		}
		if !strings.Contains(s, "server answered 404") {
			t.Errorf("%s lost what the server said: %.120q", what, s)
		}
	}
}
