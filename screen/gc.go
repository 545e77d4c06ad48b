package screen

import (
	"os"
	"runtime/debug"
)

// GCPercent is the kiosk's garbage-collection target (Go's default is
// 100). A screen keeps a small live heap for months — about 35 MB with
// 10,000 notices, half of it the parsed CJK font — and with the default the
// heap grows to twice that between collections. At 25 it stays within a
// quarter more: measured after browsing 10,000 notices, 226 MB resident at
// 100, 214 at 50, 204 at 25, on boards that may have 1 GB. Collections come
// more often while a villager taps (each is a few ms of a 35 MB heap, on
// another core); an idle screen hardly allocates, so its CPU does not change
// (BENCHMARKS.md, Screen). GOGC in the environment still decides when set.
const GCPercent = 25

// TuneGC sets the kiosk's garbage-collection target unless GOGC is set.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}
