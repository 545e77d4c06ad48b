package cli_test

import (
	"strings"
	"testing"
)

// gongkai studio is a command: help lists it, and with nowhere to show a
// window it says so in one line.
func TestStudioCommand(t *testing.T) {
	if _, stdout, _ := run(t, "help"); !strings.Contains(stdout, "studio") {
		t.Errorf("help does not list studio:\n%s", stdout)
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	code, _, stderr := run(t, "studio", "--src", t.TempDir())
	if code == 0 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "no display") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := run(t, "studio", "extra"); code != 2 {
		t.Errorf("an extra argument: exit %d, want 2", code)
	}
}
