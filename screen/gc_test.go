package screen

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)

	t.Setenv("GOGC", "")
	TuneGC()
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("without GOGC the kiosk collects at %d %%, want %d", got, GCPercent)
	}
	t.Setenv("GOGC", "200")
	TuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set, yet the kiosk changed the target to %d", got)
	}
}
