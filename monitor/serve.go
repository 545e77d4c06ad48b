package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"gongkai/feed"
	"gongkai/watchdog"
)

// Serve serves the monitor's pages and API on ln until ctx ends, then
// shuts down gracefully (10 s for requests under way). The timeouts bound
// what a slow or hostile client holds; systemd hears READY and STOPPING.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 3 * time.Minute,
		WriteTimeout: 3 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(s.lg.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	_, _ = watchdog.Notify("READY=1")
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	_, _ = watchdog.Notify("STOPPING=1")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// OpenHeld opens a monitor's data directory for a command run beside it;
// a running monitor holds it, which the error says.
func OpenHeld(dir string) (*Server, error) {
	srv, err := Open(dir, Options{Logger: slog.New(slog.DiscardHandler)})
	if errors.Is(err, ErrLocked) {
		return nil, fmt.Errorf("%w: stop it, or enrol on its web page (登记屏幕)", err)
	}
	return srv, err
}

// MonitorFingerprint is the fingerprint of the monitor key that signed
// the archive, "?" when its key line is unreadable.
func (a *Archive) MonitorFingerprint() string {
	pub, err := feed.ParsePublicKey([]byte(a.Monitor))
	if err != nil {
		return "?"
	}
	return feed.Fingerprint(pub)
}
