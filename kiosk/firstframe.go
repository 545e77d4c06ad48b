package kiosk

import (
	"fmt"
	"image"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// logFirstFrame, when GONGKAI_FIRST_FRAME=1, prints "first-frame MS" to w
// once the window's first frame is painted: MS counts from the start of the
// process (exec), so it includes loading the binary and opening the store.
// It is how the screen benchmark (scripts/bench-screen.sh) times start-up.
//
// The probe is a transparent raster laid over the window: its generator is
// called by the painter while the first frame is drawn. Overlays take the
// taps, so the probe removes itself straight after.
func logFirstFrame(win fyne.Window, w io.Writer) {
	if os.Getenv("GONGKAI_FIRST_FRAME") != "1" {
		return
	}
	overlays := win.Canvas().Overlays()
	var probe *canvas.Raster
	done := false
	probe = canvas.NewRaster(func(int, int) image.Image {
		if !done {
			done = true
			fmt.Fprintf(w, "first-frame %d\n", sinceProcessStart().Milliseconds())
			go fyne.Do(func() { overlays.Remove(probe) })
		}
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	probe.Resize(fyne.NewSize(1, 1))
	overlays.Add(probe)
}

// processStarted is the fallback start time where /proc is missing.
var processStarted = time.Now()

// sinceProcessStart is the time since the kernel started this process
// (/proc/self/stat starttime against /proc/uptime, 10 ms resolution).
func sinceProcessStart() time.Duration {
	up, err1 := os.ReadFile("/proc/uptime")
	stat, err2 := os.ReadFile("/proc/self/stat")
	if err1 != nil || err2 != nil {
		return time.Since(processStarted)
	}
	// fields after the command name, which is in parentheses; starttime is field 22
	_, rest, _ := strings.Cut(string(stat), ") ")
	f := strings.Fields(rest)
	upFields := strings.Fields(string(up))
	if len(f) < 20 || len(upFields) == 0 {
		return time.Since(processStarted)
	}
	ticks, err1 := strconv.ParseFloat(f[19], 64)
	uptime, err2 := strconv.ParseFloat(upFields[0], 64)
	if err1 != nil || err2 != nil {
		return time.Since(processStarted)
	}
	const clkTck = 100 // USER_HZ on Linux
	return time.Duration((uptime - ticks/clkTck) * float64(time.Second))
}
