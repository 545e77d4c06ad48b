package screen

import (
	"context"
	"errors"
	"os"
	"runtime"
	"time"
)

// AliveThrough is the display log's heartbeat (Options.Alive) for a
// window whose UI loop runs functions through do (fyne.Do): it asks the
// loop to run a no-op and waits a bounded time for it.
func AliveThrough(do func(func())) func(context.Context) bool {
	return func(ctx context.Context) bool {
		answered := make(chan struct{})
		do(func() { close(answered) })
		select {
		case <-answered:
			return true
		case <-ctx.Done():
		case <-time.After(20 * time.Second):
		}
		return false
	}
}

// ErrNoDisplay: on Linux the window needs an X or Wayland display; without
// one, GLFW panics with a page of goroutines instead of a word why.
var ErrNoDisplay = errors.New("no display (DISPLAY and WAYLAND_DISPLAY are unset): start the kiosk in a desktop session, or under Xvfb as make run does (xvfb-run -a gongkai)")

// HaveDisplay says, before any window is made, when there is nowhere to
// show one (ErrNoDisplay).
func HaveDisplay() error {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return ErrNoDisplay
	}
	return nil
}
