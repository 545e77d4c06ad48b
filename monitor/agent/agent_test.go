package agent

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/demo"
	"gongkai/feed"
	"gongkai/monitor"
	"gongkai/monitor/wire"
	"gongkai/proof"
	"gongkai/store"
	"gongkai/sync"
)

// screen is a provisioned demo screen with its store, display log and
// device key, whose monitor_url points at a monitor.
type screen struct {
	data string
	cfg  *config.Config
	st   *store.Store
	key  []byte
	log  *proof.Log
	// the display log's clock: it moves when the test says
	mu  gosync.Mutex
	now time.Time
}

func (s *screen) clock() time.Time { s.mu.Lock(); defer s.mu.Unlock(); return s.now }

func (s *screen) advance(d time.Duration) {
	s.mu.Lock()
	s.now = s.now.Add(d)
	s.mu.Unlock()
}

func newScreen(t *testing.T, monitorURL string) *screen {
	t.Helper()
	data := filepath.Join(t.TempDir(), "screen")
	if _, err := demo.Install(context.Background(), data, nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MonitorURL, cfg.HeartbeatEvery = monitorURL, config.Duration{Duration: 5 * time.Second}
	cfg.Mode = config.ModeDisplay
	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		t.Fatal(err)
	}
	s := &screen{data: data, cfg: cfg, st: st, key: key, now: time.Now().Add(-time.Hour)}
	l, err := proof.Open(data, key, s.clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	l.ProgramUp()
	s.log = l
	s.advance(10 * time.Minute)
	return s
}

// agent is an agent of the screen: the export reports nothing but the chain.
func (s *screen) agent(t *testing.T, capture func(context.Context) (image.Image, error)) *Agent {
	t.Helper()
	a, err := New(Options{Data: s.data, Key: s.key, Store: s.st, Config: func() *config.Config { return s.cfg },
		Program: "test", Started: time.Now().Add(-time.Minute), Capture: capture, Logger: slog.New(slog.DiscardHandler),
		Export: func() ([]byte, error) {
			return s.log.Export(func(proof.Records) (proof.Report, error) {
				return proof.NewReport(s.log.PublicKey(), nil, time.UTC, proof.Hours{}, time.Now()), nil
			})
		}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newMonitor(t *testing.T) (*monitor.Server, *httptest.Server) {
	t.Helper()
	m, err := monitor.Open(t.TempDir(), monitor.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(m)
	t.Cleanup(func() {
		hs.Close()
		m.Close()
	})
	return m, hs
}

func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(r.IntN(256)), uint8(x), uint8(y), 255})
		}
	}
	return img
}

// waitFor polls cond for up to a minute (the agent's first heartbeat
// comes within half a second of a 5 s interval).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestAgentReports: a screen's agent, running against a real monitor,
// delivers a heartbeat with the screen's state, its proof (the chain the
// monitor then holds verifies) and a screenshot.
func TestAgentReports(t *testing.T) {
	m, hs := newMonitor(t)
	s := newScreen(t, hs.URL+"/")
	pub, _ := proof.DevicePublicKey(s.data)
	if err := m.Enroll(pub, "东湾村村委会", s.cfg.Location, "test"); err != nil {
		t.Fatal(err)
	}
	var shots gosync.WaitGroup
	shots.Add(1)
	once := gosync.Once{}
	a := s.agent(t, func(context.Context) (image.Image, error) {
		once.Do(shots.Done)
		return picture(1920, 1080), nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "a proof upload", func() bool {
		x, err := m.Export(pub)
		return err == nil && len(x) > 0
	})
	shots.Wait()
	x, _ := m.Export(pub)
	if _, err := proof.VerifyExport(x, pub); err != nil {
		t.Fatalf("the monitor's copy: %v", err)
	}
	hb := m.Heartbeat(pub)
	if hb == nil {
		t.Fatal("no heartbeat")
	}
	st, _ := s.st.State()
	visible, _ := s.st.Visible(s.cfg.Location, "", s.st.Now(time.Now()))
	if hb.Feed.Version != st.Version || hb.Location != s.cfg.Location || hb.Place != s.st.PlaceName(s.cfg.Location) ||
		len(hb.Notices) != len(visible) || hb.Interval != 5 || hb.DiskTotal == 0 || hb.Mode != "display" {
		t.Fatalf("heartbeat: %+v", hb)
	}
}

// TestAgentOffline: with the monitor out of reach heartbeats queue, at
// most queueMax, the oldest dropped; when it answers again the queue goes,
// oldest first, and the drop is reported.
func TestAgentOffline(t *testing.T) {
	m, hs := newMonitor(t)
	s := newScreen(t, "http://127.0.0.1:1/") // nothing listens on port 1
	pub, _ := proof.DevicePublicKey(s.data)
	m.Enroll(pub, "东湾村村委会", s.cfg.Location, "test")
	a := s.agent(t, nil)
	a.opt.Export = nil
	for range queueMax + 5 {
		a.enqueue(s.cfg, time.Now())
	}
	if err := a.flush(context.Background(), s.cfg); err == nil {
		t.Fatal("a flush to nowhere succeeded")
	}
	names, _ := a.queue.names()
	if len(names) != queueMax || a.dropped != 5 {
		t.Fatalf("%d queued, %d dropped; want %d and 5", len(names), a.dropped, queueMax)
	}
	s.cfg.MonitorURL = hs.URL
	if err := a.flush(context.Background(), s.cfg); err != nil {
		t.Fatal(err)
	}
	if names, _ := a.queue.names(); len(names) != 0 {
		t.Fatalf("%d left in the queue", len(names))
	}
	if hb := m.Heartbeat(pub); hb == nil || hb.Queued != 0 {
		t.Fatalf("last heartbeat: %+v", hb)
	}
	if !strings.Contains(strings.Join(m.EventTexts(pub), "\n"), "丢弃了 5 条心跳") {
		t.Errorf("the drop is not on the record: %v", m.EventTexts(pub))
	}
}

// TestAgentCounterRestored: a screen whose counter file went back (a
// backup restored, the clock wrong) continues above the monitor's.
func TestAgentCounterRestored(t *testing.T) {
	m, hs := newMonitor(t)
	s := newScreen(t, hs.URL)
	pub, _ := proof.DevicePublicKey(s.data)
	m.Enroll(pub, "东湾村村委会", s.cfg.Location, "test")
	a := s.agent(t, nil)
	a.opt.Export = nil
	// the monitor has seen a counter far ahead of the screen's clock
	a.counter.above(uint64(time.Now().Add(time.Hour).UnixMilli()))
	a.enqueue(s.cfg, time.Now())
	if err := a.flush(context.Background(), s.cfg); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(s.data, "monitor", "counter"))
	b := s.agent(t, nil)
	b.opt.Export = nil
	b.enqueue(s.cfg, time.Now())
	if err := b.flush(context.Background(), s.cfg); err != nil {
		t.Fatalf("a screen with its counter lost: %v", err)
	}
}

// TestCut: the upload carries what follows the monitor's copy, or the
// whole chain when the copy is not on the screen's chain.
func TestCut(t *testing.T) {
	s := newScreen(t, "")
	s.log.Showing("display", []string{"a"})
	s.advance(time.Minute)
	export, err := s.log.Export(func(proof.Records) (proof.Report, error) { return proof.Report{Notices: []proof.NoticeReport{}}, nil })
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := proof.RecordsOf(export)
	first := recs.Entries[0]
	h := first.Hash()
	base := wire.Chain{Seq: first.Seq, Hash: fmt.Sprintf("%x", h[:])}
	up, err := Cut(export, base, false)
	if err != nil || up.Base != base {
		t.Fatalf("cut: %v %+v", err, up.Base)
	}
	rest, _ := proof.RecordsOf(up.Export)
	if len(rest.Entries) != len(recs.Entries)-1 || rest.Entries[0].Seq != first.Seq+1 {
		t.Fatalf("cut to %d entries from %d", len(rest.Entries), len(recs.Entries))
	}
	for name, b := range map[string]wire.Chain{
		"another hash":             {Seq: first.Seq, Hash: strings.Repeat("0", 64)},
		"a head beyond ours":       {Seq: 999, Hash: base.Hash},
		"summaries we do not have": {Seq: first.Seq, Hash: base.Hash, Summarized: 1},
	} {
		up, _ := Cut(export, b, false)
		if up.Base != (wire.Chain{}) || string(up.Export) != string(export) {
			t.Errorf("%s: not the whole chain", name)
		}
	}
}

// TestKind: errors as sync returns them, by kind.
func TestKind(t *testing.T) {
	dnsErr := &net.DNSError{Err: "no such host", Name: "feed.example", IsNotFound: true}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("sync: %w", feed.ErrSignature), wire.KindSignature},
		{fmt.Errorf("sync: %w", feed.ErrWrongKey), wire.KindSignature},
		{fmt.Errorf("sync: %w", feed.ErrExpired), wire.KindExpired},
		{fmt.Errorf("sync: %w", feed.ErrRollback), wire.KindRollback},
		{fmt.Errorf("sync: %w", feed.ErrObjectHash), wire.KindDamaged},
		{fmt.Errorf("usb: %w", sync.ErrBundle), wire.KindDamaged},
		{fmt.Errorf("apply: %w", &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}), wire.KindStorage},
		{fmt.Errorf("apply: %w", store.ErrDamaged), wire.KindStorage},
		{sync.ErrNoSource, wire.KindNoSource},
		{&url.Error{Op: "Get", URL: "https://feed.example/", Err: dnsErr}, wire.KindNetwork},
		{fmt.Errorf("fetch: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), wire.KindNetwork},
		{fmt.Errorf("fetch: %w", context.DeadlineExceeded), wire.KindNetwork},
		{errors.New("something else"), wire.KindOther},
	} {
		if got := Kind(tc.err); got != tc.want {
			t.Errorf("Kind(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestEncodeShot: a full-HD screen of noise, the worst case for JPEG,
// fits the cap.
func TestEncodeShot(t *testing.T) {
	for _, size := range [][2]int{{1920, 1080}, {1080, 1920}, {3840, 2160}} {
		jpg, err := EncodeShot(picture(size[0], size[1]))
		if err != nil || len(jpg) > wire.MaxScreenshot {
			t.Fatalf("%v: %v, %d bytes", size, err, len(jpg))
		}
		cfg, format, err := image.DecodeConfig(strings.NewReader(string(jpg)))
		if err != nil || format != "jpeg" || cfg.Width > shotWidth {
			t.Fatalf("%v: %v %s %dx%d", size, err, format, cfg.Width, cfg.Height)
		}
	}
}

// TestBackoff: from 30 s (or the interval), doubling, capped.
func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		n        int
		interval time.Duration
		lo, hi   time.Duration
	}{
		{1, 15 * time.Minute, 15 * time.Second, 30 * time.Second},
		{2, 15 * time.Minute, 30 * time.Second, time.Minute},
		{10, 15 * time.Minute, 30 * time.Minute, time.Hour},
		{50, 15 * time.Minute, 30 * time.Minute, time.Hour},
		{1, 5 * time.Second, 2500 * time.Millisecond, 5 * time.Second},
		{10, 5 * time.Second, 10 * time.Second, 20 * time.Second},
	} {
		for range 20 {
			if d := backoff(tc.n, tc.interval); d < tc.lo || d > tc.hi {
				t.Errorf("backoff(%d, %s) = %s, want %s..%s", tc.n, tc.interval, d, tc.lo, tc.hi)
			}
		}
	}
}

// TestQueueDamage: a damaged file in the queue is dropped, a stray one ignored.
func TestQueueDamage(t *testing.T) {
	m, hs := newMonitor(t)
	s := newScreen(t, hs.URL)
	pub, _ := proof.DevicePublicKey(s.data)
	m.Enroll(pub, "东湾村村委会", s.cfg.Location, "test")
	a := s.agent(t, nil)
	a.opt.Export = nil
	a.queue.push([]byte("{not json"))
	os.WriteFile(filepath.Join(a.queue.dir, ".tmp-123"), []byte("x"), 0o600)
	a.enqueue(s.cfg, time.Now())
	if err := a.flush(context.Background(), s.cfg); err != nil {
		t.Fatal(err)
	}
	if names, _ := a.queue.names(); len(names) != 0 {
		t.Fatalf("left in the queue: %v", names)
	}
	if m.Heartbeat(pub) == nil {
		t.Fatal("the good heartbeat behind the damaged one did not arrive")
	}
}

// TestAgentBeforeEnrolment: a screen not enrolled yet keeps its
// heartbeats; once enrolled, they arrive, and its proof after them.
func TestAgentBeforeEnrolment(t *testing.T) {
	m, hs := newMonitor(t)
	s := newScreen(t, hs.URL)
	a := s.agent(t, nil)
	for range 3 {
		a.enqueue(s.cfg, time.Now())
	}
	if err := a.flush(context.Background(), s.cfg); err == nil || !strings.Contains(err.Error(), "not enrolled") {
		t.Fatalf("flush before enrolment: %v", err)
	}
	if names, _ := a.queue.names(); len(names) != 3 || !a.lastProof.IsZero() {
		t.Fatalf("before enrolment: %d queued, last proof %v", len(names), a.lastProof)
	}
	pub, _ := proof.DevicePublicKey(s.data)
	m.Enroll(pub, "东湾村村委会", s.cfg.Location, "test")
	if err := a.flush(context.Background(), s.cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Export(pub); err != nil {
		t.Fatalf("no proof after enrolment: %v", err)
	}
	if n := len(m.EventTexts(pub)); n < 2 {
		t.Fatalf("events: %v", m.EventTexts(pub))
	}
}

// TestAgentShotTooSoon: a screen restarted within ten minutes of its last
// screenshot is refused one (429); its heartbeats go on, no back-off.
func TestAgentShotTooSoon(t *testing.T) {
	m, hs := newMonitor(t)
	s := newScreen(t, hs.URL)
	pub, _ := proof.DevicePublicKey(s.data)
	m.Enroll(pub, "东湾村村委会", s.cfg.Location, "test")
	shot := func(context.Context) (image.Image, error) { return picture(640, 360), nil }
	for run := range 2 {
		a := s.agent(t, shot)
		a.opt.Export = nil
		a.enqueue(s.cfg, time.Now())
		if err := a.flush(context.Background(), s.cfg); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if a.lastShot.IsZero() {
			t.Fatalf("run %d: the screenshot is due again at once", run)
		}
	}
	if hb := m.Heartbeat(pub); hb == nil {
		t.Fatal("no heartbeat")
	}
}
