package cli

import (
	"os"
	"runtime/debug"
)

// kioskGCPercent is the kiosk's garbage-collection target (Go's default is
// 100). A screen keeps a small live heap for months — about 35 MB with
// 10,000 notices, half of it the parsed CJK font — and with the default the
// heap grows to twice that between collections. At 50 it stays within
// half again, some 15 MB less resident on a small board, for collections
// that are more frequent but small; an idle screen hardly allocates, so
// its CPU does not change (BENCHMARKS.md, Screen). GOGC in the
// environment still decides when set.
const kioskGCPercent = 50

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(kioskGCPercent)
	}
}
