package monitor

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
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

// Run is gongkai monitor: the monitor in dir served on addr until ctx
// ends. Its log goes to logTo; the line that says it is up, with the
// address as bound (":0" picks a free port: tests read this line), to w.
func Run(ctx context.Context, dir, addr string, trusted []netip.Prefix, logTo, w io.Writer) error {
	lg := slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := Open(dir, Options{TrustedProxies: trusted, Logger: lg})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	fmt.Fprintf(w, "monitor listening on http://%s (data %s, key %s)\n", ln.Addr(), dir, feed.Fingerprint(srv.PublicKey()))
	return srv.Serve(ctx, ln)
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

// EnrollFile is gongkai monitor enroll: the screen whose device.pub is
// the file devicePath enrolled in the monitor in dir (which must not be
// running), by the command line.
func EnrollFile(dir, devicePath, name, village string) (ed25519.PublicKey, error) {
	pub, err := ReadDeviceKey(devicePath)
	if err != nil {
		return nil, err
	}
	srv, err := OpenHeld(dir)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	return pub, srv.Enroll(pub, name, village, "cli")
}

// SetPasswordHeld is gongkai monitor user: the operator's password set in
// the monitor in dir (which must not be running).
func SetPasswordHeld(dir, name, password string) error {
	srv, err := OpenHeld(dir)
	if err != nil {
		return err
	}
	defer srv.Close()
	return srv.SetPassword(name, password)
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
