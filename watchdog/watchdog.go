// Package watchdog tells systemd that the kiosk is up and still alive, using
// the sd_notify protocol (a datagram to the unix socket in $NOTIFY_SOCKET),
// without cgo or libsystemd. Outside systemd every call is a no-op, so the
// same binary runs unchanged on Windows, under xinit or from a terminal.
package watchdog

import (
	"context"
	"net"
	"os"
	"strconv"
	"time"
)

// Notify sends one sd_notify state ("READY=1", "WATCHDOG=1", "STOPPING=1")
// to the socket in $NOTIFY_SOCKET. It reports false, nil when no supervisor
// asked to be notified.
func Notify(state string) (bool, error) {
	name := os.Getenv("NOTIFY_SOCKET")
	if name == "" {
		return false, nil
	}
	// systemd may hand out a socket in the abstract namespace, spelt with a
	// leading '@' in the environment and a NUL byte on the wire.
	if name[0] == '@' {
		name = "\x00" + name[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return false, err
	}
	defer conn.Close()
	// A full queue on systemd's side must not hang the kiosk.
	_ = conn.SetWriteDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte(state)); err != nil {
		return false, err
	}
	return true, nil
}

// Interval is how often to send WATCHDOG=1: half of $WATCHDOG_USEC, as
// sd_watchdog_enabled(3) advises, or 0 when systemd does not watch this
// process (unset, unparsable, or meant for another PID).
func Interval() time.Duration {
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0
	}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0
	}
	return time.Duration(usec) * time.Microsecond / 2
}

// Start reports READY=1 once the UI loop has run its first callback, then
// WATCHDOG=1 every Interval for as long as the loop keeps running them, and
// STOPPING=1 when ctx ends. ping must run its argument on the UI loop
// (fyne.Do): the pings then prove the loop is alive, and a hung loop stops
// them so systemd kills and restarts the kiosk. At most one callback is
// queued at a time, so a hung loop does not pile them up. Start blocks until
// ctx is done; it returns at once when $NOTIFY_SOCKET is unset.
func Start(ctx context.Context, ping func(func())) {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return
	}
	alive := make(chan struct{}, 1)
	beat := func() {
		select {
		case alive <- struct{}{}:
		default:
		}
	}
	every := Interval()
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	ready, pending := false, true
	ping(beat)
	for {
		select {
		case <-ctx.Done():
			_, _ = Notify("STOPPING=1")
			return
		case <-alive:
			pending = false
			// Errors are not fatal: systemd restarts a kiosk whose pings
			// stop, and nothing else here could do better.
			if !ready {
				ready = true
				_, _ = Notify("READY=1")
			} else {
				_, _ = Notify("WATCHDOG=1")
			}
		case <-tick:
			if !pending {
				pending = true
				ping(beat)
			}
		}
	}
}

// Go runs Start in the background until the returned stop is called;
// stop returns once Start has said STOPPING=1. Call it just before the
// UI loop starts and call stop when the loop has ended.
func Go(ping func(func())) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(ctx, ping)
	}()
	return func() {
		cancel()
		<-done
	}
}
