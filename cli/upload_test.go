package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/proof"
	"gongkai/screen"
	"gongkai/store"
	"gongkai/sync"
)

// uploadFixture is a synced demo screen with its display log open, as the
// kiosk has it, and report uploads to whatever URL a test sets.
type uploadFixture struct {
	data   string
	st     *store.Store
	plog   *proof.Log
	live   *atomic.Pointer[config.Config] // the runtime's live configuration, as uploads read it
	up     *screen.Uploads
	logBuf *bytes.Buffer
	logMu  *gosync.Mutex
}

func newUploadFixture(t *testing.T) *uploadFixture {
	t.Helper()
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		t.Fatal(err)
	}
	plog, err := proof.Open(data, key, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plog.Close() })
	if err := plog.ProgramUp(); err != nil {
		t.Fatal(err)
	}
	if err := plog.Showing(config.ModeTouch, []string{"land-2026-017"}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	f := &uploadFixture{data: data, st: st, plog: plog, live: &atomic.Pointer[config.Config]{}, logBuf: &bytes.Buffer{}, logMu: &gosync.Mutex{}}
	f.live.Store(cfg)
	t.Cleanup(func() { f.st.Close() })
	lg := slog.New(slog.NewTextHandler(lockedWriter{f.logBuf, f.logMu}, nil))
	f.up = screen.NewUploads(func() *proof.Log { return plog }, data, func() *store.Store { return f.st }, f.live.Load, lg)
	f.up.Every = 0 // every kick uploads; TestReportUploadsAreSpaced sets it
	f.up.Options = sync.UploadOptions{Retry: sync.Retry{Attempts: 3, Base: 5 * time.Millisecond, Max: 20 * time.Millisecond, Budget: 5 * time.Second}, Timeout: 5 * time.Second}
	t.Cleanup(f.up.Close)
	return f
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *gosync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// setURL points the uploads at u, in the live configuration and in
// config.toml (where gongkai status reads it).
func (f *uploadFixture) setURL(t *testing.T, u string) {
	t.Helper()
	c := *f.live.Load()
	c.ReportURL = u
	if err := config.Save(f.data, &c); err != nil {
		t.Fatal(err)
	}
	f.live.Store(&c)
}

// uploadOnce kicks an upload as a successful sync does and waits for it.
func (f *uploadFixture) uploadOnce() {
	f.up.Kick()
	f.up.Wait()
}

func (f *uploadFixture) logLines() []string {
	f.logMu.Lock()
	defer f.logMu.Unlock()
	return strings.Split(strings.TrimSpace(f.logBuf.String()), "\n")
}

// status runs gongkai status (the store closed meanwhile: it holds the lock).
func (f *uploadFixture) status(t *testing.T) (screen.Status, string) {
	t.Helper()
	f.st.Close()
	defer func() {
		st, err := store.Open(f.data, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f.st = st
	}()
	var s screen.Status
	if err := json.Unmarshal([]byte(mustRun(t, "status", "--data", f.data, "--json")), &s); err != nil {
		t.Fatal(err)
	}
	return s, mustRun(t, "status", "--data", f.data)
}

// proofReceiver answers with codes in turn (the last for ever after) and
// verifies every export it accepts against the screen's device key.
type proofReceiver struct {
	mu       gosync.Mutex
	codes    []int
	requests int
	verified []*proof.Verified
	errs     []error
}

func (r *proofReceiver) start(t *testing.T, data string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		code := r.codes[min(r.requests, len(r.codes)-1)]
		r.requests++
		if code == http.StatusOK {
			pub, err := proof.DevicePublicKey(data)
			if err == nil && req.Header.Get("Content-Type") != "application/json" {
				err = io.ErrUnexpectedEOF
			}
			var v *proof.Verified
			if err == nil {
				v, err = proof.VerifyExport(body, pub)
			}
			if err != nil {
				r.errs = append(r.errs, err)
				code = http.StatusBadRequest
			} else {
				r.verified = append(r.verified, v)
			}
		}
		w.WriteHeader(code)
		io.WriteString(w, http.StatusText(code))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (r *proofReceiver) seen() (int, []*proof.Verified, []error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests, r.verified, r.errs
}

func TestReportUploadArrivesAndVerifies(t *testing.T) {
	f := newUploadFixture(t)
	rcv := &proofReceiver{codes: []int{200}}
	srv := rcv.start(t, f.data)
	f.setURL(t, srv.URL+"/screens/310118901201")

	f.uploadOnce()
	n, verified, errs := rcv.seen()
	if n != 1 || len(verified) != 1 || len(errs) != 0 {
		t.Fatalf("receiver: %d requests, %d verified, errors %v", n, len(verified), errs)
	}
	rep := verified[0].Report
	var land *proof.NoticeReport
	for i := range rep.Notices {
		if rep.Notices[i].ID == "land-2026-017" {
			land = &rep.Notices[i]
		}
	}
	if !verified[0].Device.Equal(f.plog.PublicKey()) || land == nil || land.PostingDays != 30 {
		t.Errorf("the uploaded report: device %x, land notice %+v", verified[0].Device, land)
	}
	if lines := f.logLines(); len(lines) != 1 || !strings.Contains(lines[0], "report uploaded") {
		t.Errorf("log of one upload: %q", lines)
	}

	s, text := f.status(t)
	if s.ReportURL != srv.URL+"/screens/310118901201" || s.LastUpload == nil || s.LastUploadAttempt == nil || s.LastUploadError != nil {
		t.Errorf("status after a success: url %q, last %v, attempt %v, error %v", s.ReportURL, s.LastUpload, s.LastUploadAttempt, s.LastUploadError)
	}
	if !strings.Contains(text, "upload error:  none\n") || strings.Contains(text, "last upload:   never") {
		t.Errorf("status text after a success:\n%s", text)
	}
}

func TestReportUploadRetriesThenGivesUp(t *testing.T) {
	f := newUploadFixture(t)

	// A receiver that fails once is retried within the bound.
	rcv := &proofReceiver{codes: []int{500, 200}}
	f.setURL(t, rcv.start(t, f.data).URL)
	f.uploadOnce()
	if n, verified, _ := rcv.seen(); n != 2 || len(verified) != 1 {
		t.Fatalf("500 then 200: %d requests, %d verified", n, len(verified))
	}
	if s, _ := screen.LoadUploadStatus(f.data); s.LastError != "" || s.Tries != 2 || s.LastSuccess.IsZero() {
		t.Errorf("status after 500 then 200: %+v", s)
	}

	// One that always fails gets three tries, and the status one line.
	down := &proofReceiver{codes: []int{500}}
	f.setURL(t, down.start(t, f.data).URL)
	f.uploadOnce()
	if n, _, _ := down.seen(); n != 3 {
		t.Fatalf("always 500: %d requests, want 3", n)
	}
	s, text := f.status(t)
	if s.LastUploadError == nil || s.LastUpload == nil || s.LastUploadAttempt == nil {
		t.Fatalf("status after giving up: %+v", s)
	}
	var line string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "upload error:") {
			line = l
		}
	}
	t.Log(line)
	if !strings.Contains(line, "server answered 500 Internal Server Error") || !strings.Contains(line, "gave up after 3 tries") {
		t.Errorf("status text after giving up: %q in\n%s", line, text)
	}
	if lines := f.logLines(); len(lines) != 2 || !strings.Contains(lines[1], "report upload failed") {
		t.Errorf("log of two uploads: %q", lines)
	}

	// The next success clears the error.
	down.mu.Lock()
	down.codes = []int{200}
	down.mu.Unlock()
	f.uploadOnce()
	if s, _ := f.status(t); s.LastUploadError != nil {
		t.Errorf("a success left the error: %s", *s.LastUploadError)
	}
}

func TestReportUploadUnreachable(t *testing.T) {
	f := newUploadFixture(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	f.setURL(t, "http://"+addr+"/proof")
	f.uploadOnce()
	s, _ := f.status(t)
	if s.LastUploadError == nil || !strings.Contains(*s.LastUploadError, "connection refused") || s.LastUpload != nil {
		t.Fatalf("status after an unreachable receiver: %+v", s)
	}
}

// An upload never holds up its caller: a sync that succeeds while one is
// stalled asks for one more, and the kiosk stopping cuts a stalled one
// short without recording it.
func TestReportUploadNeverBlocks(t *testing.T) {
	f := newUploadFixture(t)
	arrived, release := make(chan struct{}, 8), make(chan struct{})
	var n int
	var mu gosync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		n++
		mu.Unlock()
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	f.setURL(t, srv.URL)

	f.up.Kick()
	<-arrived
	f.up.Kick() // while the first is stalled: returns at once
	f.up.Kick() // ... and asks for no third
	close(release)
	f.up.Wait()
	mu.Lock()
	if n != 2 {
		t.Errorf("%d uploads for three syncs during a stalled one, want 2", n)
	}
	mu.Unlock()
	os.Remove(filepath.Join(f.data, screen.UploadFile))

	stall := newUploadFixture(t)
	stallSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	defer stallSrv.Close()
	stall.setURL(t, stallSrv.URL)
	stall.up.Kick()
	<-arrived
	stall.up.Close()
	if s, err := screen.LoadUploadStatus(stall.data); err != nil || s != (screen.UploadStatus{}) {
		t.Errorf("an upload cut short by the kiosk stopping was recorded: %+v %v", s, err)
	}
	stall.up.Kick() // after close: nothing
	stall.up.Wait()
}

func TestReportUploadOffWithoutURL(t *testing.T) {
	f := newUploadFixture(t)
	f.uploadOnce()
	if s, err := screen.LoadUploadStatus(f.data); err != nil || s != (screen.UploadStatus{}) {
		t.Errorf("an upload with no report_url: %+v %v", s, err)
	}
	if _, text := f.status(t); strings.Contains(text, "upload") {
		t.Errorf("status of a screen that uploads nothing mentions uploads:\n%s", text)
	}
}

func TestBadReportURLIsRefused(t *testing.T) {
	data, _ := demoScreen(t)
	path := filepath.Join(data, config.File)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"ftp://proof.example.gov.cn/in", "proof.example.gov.cn/in", "https://"} {
		os.WriteFile(path, append(raw, []byte("report_url = \""+bad+"\"\n")...), 0o644)
		_, errOut, code := run(t, "status", "--data", data)
		t.Log(strings.TrimSpace(errOut))
		if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, `report_url "`+bad+`"`) {
			t.Errorf("report_url %q: exit %d, %q", bad, code, errOut)
		}
	}
}

// After an upload arrives, syncs within uploadEvery send nothing (each
// export grows the chain); a failed upload does not count.
func TestReportUploadsAreSpaced(t *testing.T) {
	f := newUploadFixture(t)
	r := &proofReceiver{codes: []int{500, 500, 500, 200}}
	srv := r.start(t, f.data)
	f.setURL(t, srv.URL)
	f.up.Every = time.Hour
	f.uploadOnce() // three tries, all 500
	f.uploadOnce() // a failure does not count: this one arrives
	f.uploadOnce() // within the hour: nothing sent
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.requests != 4 || len(r.verified) != 1 {
		t.Errorf("%d requests, %d exports accepted; want 4 and 1", r.requests, len(r.verified))
	}
}
