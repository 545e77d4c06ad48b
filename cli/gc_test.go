package cli

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)

	t.Setenv("GOGC", "")
	tuneGC()
	if got := debug.SetGCPercent(100); got != kioskGCPercent {
		t.Errorf("without GOGC the kiosk collects at %d %%, want %d", got, kioskGCPercent)
	}
	t.Setenv("GOGC", "200")
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set, yet the kiosk changed the target to %d", got)
	}
}
