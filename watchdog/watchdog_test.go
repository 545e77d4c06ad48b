package watchdog

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// listen makes a notify socket in a temp dir, as systemd does, and points
// $NOTIFY_SOCKET at it for this test.
func listen(t *testing.T) *net.UnixConn {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	return conn
}

func recv(t *testing.T, conn *net.UnixConn, wait time.Duration) (string, bool) {
	t.Helper()
	buf := make([]byte, 256)
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	n, err := conn.Read(buf)
	if err != nil {
		return "", false
	}
	return string(buf[:n]), true
}

func TestNotifyUnsetIsNoop(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	sent, err := Notify("READY=1")
	if sent || err != nil {
		t.Fatalf("Notify without NOTIFY_SOCKET = %v, %v; want false, nil", sent, err)
	}
	done := make(chan struct{})
	go func() { Start(context.Background(), func(f func()) { f() }); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Start without NOTIFY_SOCKET did not return at once")
	}
}

func TestNotifySends(t *testing.T) {
	conn := listen(t)
	if sent, err := Notify("READY=1"); !sent || err != nil {
		t.Fatalf("Notify = %v, %v", sent, err)
	}
	if got, ok := recv(t, conn, time.Second); got != "READY=1" {
		t.Fatalf("got %q (%v), want READY=1", got, ok)
	}
}

func TestNotifyAbstractSocket(t *testing.T) {
	name := "gongkai-watchdog-test-" + strconv.Itoa(os.Getpid())
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: "@" + name, Net: "unixgram"})
	if err != nil {
		t.Skip("no abstract unix sockets here:", err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", "@"+name)
	if sent, err := Notify("WATCHDOG=1"); !sent || err != nil {
		t.Fatalf("Notify = %v, %v", sent, err)
	}
	if got, _ := recv(t, conn, time.Second); got != "WATCHDOG=1" {
		t.Fatalf("got %q, want WATCHDOG=1", got)
	}
}

func TestInterval(t *testing.T) {
	self := strconv.Itoa(os.Getpid())
	for _, tc := range []struct {
		usec, pid string
		want      time.Duration
	}{
		{"", "", 0},
		{"junk", "", 0},
		{"-5", "", 0},
		{"30000000", "", 15 * time.Second},
		{"30000000", self, 15 * time.Second},
		{"30000000", "1", 0}, // meant for another process
	} {
		t.Setenv("WATCHDOG_USEC", tc.usec)
		t.Setenv("WATCHDOG_PID", tc.pid)
		if got := Interval(); got != tc.want {
			t.Errorf("WATCHDOG_USEC=%q WATCHDOG_PID=%q: Interval() = %v, want %v", tc.usec, tc.pid, got, tc.want)
		}
	}
}

// uiLoop stands in for Fyne's event loop: it runs queued callbacks until
// hung is closed, after which it never runs another.
type uiLoop struct {
	queue chan func()
	hung  chan struct{}
}

func newUILoop(t *testing.T) *uiLoop {
	l := &uiLoop{queue: make(chan func(), 100), hung: make(chan struct{})}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		for {
			select {
			case <-l.hung:
				return
			case <-stop:
				return
			case f := <-l.queue:
				f()
			}
		}
	}()
	return l
}

func (l *uiLoop) do(f func()) { l.queue <- f }

func TestStartReadyThenPingsWhileLoopRuns(t *testing.T) {
	conn := listen(t)
	t.Setenv("WATCHDOG_USEC", "40000") // pings every 20ms
	t.Setenv("WATCHDOG_PID", "")
	loop := newUILoop(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { Start(ctx, loop.do); close(done) }()

	if got, _ := recv(t, conn, 2*time.Second); got != "READY=1" {
		t.Fatalf("first message %q, want READY=1", got)
	}
	for i := 0; i < 3; i++ {
		if got, _ := recv(t, conn, 2*time.Second); got != "WATCHDOG=1" {
			t.Fatalf("ping %d: %q, want WATCHDOG=1", i, got)
		}
	}

	// A hung UI loop must stop the pings: that is what lets systemd notice.
	close(loop.hung)
	time.Sleep(50 * time.Millisecond) // let a ping already under way arrive
	for {
		if _, ok := recv(t, conn, 10*time.Millisecond); !ok {
			break
		}
	}
	if got, ok := recv(t, conn, 200*time.Millisecond); ok {
		t.Fatalf("got %q after the UI loop hung; want silence", got)
	}
	if n := len(loop.queue); n > 1 {
		t.Errorf("%d callbacks queued on the hung loop; want at most 1", n)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Start did not return after cancel")
	}
	if got, _ := recv(t, conn, time.Second); got != "STOPPING=1" {
		t.Fatalf("last message %q, want STOPPING=1", got)
	}
}

func TestStartWithoutWatchdogOnlyReady(t *testing.T) {
	conn := listen(t)
	t.Setenv("WATCHDOG_USEC", "")
	loop := newUILoop(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Start(ctx, loop.do)
	if got, _ := recv(t, conn, 2*time.Second); got != "READY=1" {
		t.Fatalf("first message %q, want READY=1", got)
	}
	if got, ok := recv(t, conn, 100*time.Millisecond); ok {
		t.Fatalf("got %q without WATCHDOG_USEC; want nothing more", got)
	}
}

// Go runs Start until stop: READY=1, then STOPPING=1.
func TestGoStopWaitsForStopping(t *testing.T) {
	conn := listen(t)
	t.Setenv("WATCHDOG_USEC", "")
	loop := newUILoop(t)
	stop := Go(loop.do)
	if got, _ := recv(t, conn, 2*time.Second); got != "READY=1" {
		t.Fatalf("first message %q, want READY=1", got)
	}
	stop()
	if got, _ := recv(t, conn, time.Second); got != "STOPPING=1" {
		t.Fatalf("after stop: %q, want STOPPING=1", got)
	}
}
