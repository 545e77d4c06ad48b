package monitor

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"gongkai/feed"
)

// TestServeUntilCancelled: Serve answers on its listener and returns
// without error once its context ends; a second opening of a served
// monitor's directory says a monitor holds it.
func TestServeUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /login: %s", resp.Status)
	}
	if _, err := OpenHeld(dir); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "登记屏幕") {
		t.Errorf("opening a held monitor: %v", err)
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("Serve after cancel: %v", err)
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("still listening after Serve returned")
	}
}

func TestArchiveMonitorFingerprint(t *testing.T) {
	m := newTestMonitor(t)
	a := &Archive{Monitor: string(keyLine(feed.EncodePublicKey(m.PublicKey())))}
	if got := a.MonitorFingerprint(); got != feed.Fingerprint(m.PublicKey()) {
		t.Errorf("fingerprint of the monitor's key: %q", got)
	}
	if got := (&Archive{Monitor: "garbage"}).MonitorFingerprint(); got != "?" {
		t.Errorf("fingerprint of garbage: %q", got)
	}
}
