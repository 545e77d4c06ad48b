package cli

import "gongkai/screen"

// tuneGC: the kiosk (kiosk.go) sets its garbage-collection target.
var tuneGC = screen.TuneGC
