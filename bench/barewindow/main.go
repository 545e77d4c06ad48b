// Command barewindow is the floor the screen benchmark measures Gongkai
// against: a bare Fyne window showing one label in the kiosk's font, the
// least this toolkit and GL driver need. With GONGKAI_FIRST_FRAME=1 it
// prints "first-frame MS" when its first frame is painted, as the kiosk does
// (kiosk/firstframe.go; copied, so the bare window links nothing of Gongkai's
// but the font).
package main

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/assets"
)

var font = fyne.NewStaticResource("GongkaiFallback.ttf", assets.Font)

// fontTheme is the default theme with the kiosk's font.
type fontTheme struct{ fyne.Theme }

func (t fontTheme) Font(fyne.TextStyle) fyne.Resource { return font }

func (t fontTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}

func main() {
	a := app.NewWithID("cn.gov.gongkai.barewindow")
	a.Settings().SetTheme(fontTheme{theme.DefaultTheme()})
	w := a.NewWindow("公开 bare window")
	w.SetContent(widget.NewLabel("公开 · 政务公开"))
	w.Resize(fyne.NewSize(1080, 1920))
	logFirstFrame(w)
	w.ShowAndRun()
}

func logFirstFrame(win fyne.Window) {
	if os.Getenv("GONGKAI_FIRST_FRAME") != "1" {
		return
	}
	overlays := win.Canvas().Overlays()
	var probe *canvas.Raster
	done := false
	probe = canvas.NewRaster(func(int, int) image.Image {
		if !done {
			done = true
			fmt.Fprintf(os.Stderr, "first-frame %d\n", sinceProcessStart().Milliseconds())
			go fyne.Do(func() { overlays.Remove(probe) })
		}
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	probe.Resize(fyne.NewSize(1, 1))
	overlays.Add(probe)
}

var processStarted = time.Now()

func sinceProcessStart() time.Duration {
	up, err1 := os.ReadFile("/proc/uptime")
	stat, err2 := os.ReadFile("/proc/self/stat")
	if err1 != nil || err2 != nil {
		return time.Since(processStarted)
	}
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
	return time.Duration((uptime - ticks/100) * float64(time.Second))
}
