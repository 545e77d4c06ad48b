package screen

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

// A UI loop that runs what it is handed is alive; one that never does is
// not, once the heartbeat's context ends.
func TestAliveThrough(t *testing.T) {
	if !AliveThrough(func(f func()) { go f() })(t.Context()) {
		t.Error("a running loop is not alive")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if AliveThrough(func(func()) {})(ctx) {
		t.Error("a hung loop is alive")
	}
}

func TestHaveDisplay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux needs DISPLAY or WAYLAND_DISPLAY")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if err := HaveDisplay(); !errors.Is(err, ErrNoDisplay) {
		t.Errorf("no display: %v", err)
	}
	t.Setenv("DISPLAY", ":99")
	if err := HaveDisplay(); err != nil {
		t.Errorf("DISPLAY set: %v", err)
	}
}
