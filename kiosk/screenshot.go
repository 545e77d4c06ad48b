package kiosk

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"gongkai/atomicfile"
	"gongkai/config"
	"gongkai/proof"
	"gongkai/screen"
	"gongkai/ui"
	"gongkai/ui/kit"
)

// Shot is what Screenshot paints: the screen Which (ui.Screenshot's names)
// of the screen in Data, at Size (WxH), at the time At (screen.ParseAt;
// "" now), at the text size TextSize (kit.TextStepOf; "" the screen's),
// into the PNG file Out.
type Shot struct {
	Data, Out, Which, Size, At, TextSize string
	Program                              Program
	Stderr                               io.Writer // warnings of opening the screen
}

// Screenshot paints s off-screen (no display server needed) and writes
// the PNG; it returns the picture's size in pixels.
func Screenshot(s Shot) (image.Point, error) {
	size, err := parseSize(s.Size)
	if err != nil {
		return image.Point{}, err
	}
	cfg, st, err := screen.Open(s.Data, s.Stderr)
	if err != nil {
		return image.Point{}, err
	}
	defer st.Close()
	clock := time.Now
	if s.At != "" {
		at, err := screen.ParseAt(s.At, st.Location())
		if err != nil {
			return image.Point{}, err
		}
		clock = func() time.Time { return at }
	}
	deps := screenDeps(cfg, st, s.Data, s.Program)
	deps.Clock = clock
	deps.Mode = config.ModeTouch // --screen display asks for the display
	if s.TextSize != "" {
		if deps.TextStep, err = kit.TextStepOf(s.TextSize); err != nil {
			return image.Point{}, fmt.Errorf("--text-size: %w", err)
		}
	}
	var plog *proof.Log
	if s.Which == "admin:compliance" {
		// The page reads the display log, which the kiosk keeps open
		// while it runs; then the page shows that it cannot read it.
		if key, err := proof.EnsureDeviceKey(s.Data); err == nil {
			if plog, err = proof.Open(s.Data, key, clock); err == nil {
				defer plog.Close()
			}
		}
	}
	wirePaper(&deps.Admin, screen.Paper{Log: func() *proof.Log { return plog }, Store: st, Config: func() *config.Config { return cfg }, Clock: clock})
	img, err := ui.Screenshot(deps, s.Which, size)
	if err != nil {
		return image.Point{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return image.Point{}, err
	}
	if err := atomicfile.Write(s.Out, buf.Bytes()); err != nil {
		return image.Point{}, err
	}
	return img.Bounds().Size(), nil
}

// parseSize reads WxH in pixels.
func parseSize(s string) (fyne.Size, error) {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	wi, err1 := strconv.Atoi(w)
	hi, err2 := strconv.Atoi(h)
	if !ok || err1 != nil || err2 != nil || wi < 320 || hi < 320 || wi > 8192 || hi > 8192 {
		return fyne.Size{}, fmt.Errorf("--size %q: want WxH in pixels, e.g. 1080x1920", s)
	}
	return fyne.NewSize(float32(wi), float32(hi)), nil
}
