package cli

import (
	"bytes"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"gongkai/atomicfile"
	"gongkai/config"
	"gongkai/ui"
)

func init() {
	register("kiosk", "run the screen: --data DIR [--mode touch|display] [--fullscreen]", runKiosk)
	register("screenshot", "render a screen to PNG: --data DIR --out FILE.png [--screen home|item:ID|search:QUERY|list:CAT] [--size WxH] [--at TIME]", runScreenshot)
}

// appID names the kiosk to the OS (preferences, single instance).
const appID = "cn.gov.gongkai.kiosk"

func runKiosk(env *Env, args []string) error {
	fs := newFlags(env, "kiosk")
	data := dataFlag(fs)
	mode := fs.String("mode", "", "touch (lobby touch screen) or display (unattended bulletin); default from config")
	full := fs.Bool("fullscreen", false, "fill the screen, no window frame")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if *mode == "" {
		*mode = cfg.Mode
	}
	switch *mode {
	case "", config.ModeTouch:
	case config.ModeDisplay:
		return fmt.Errorf("--mode display is not built yet (unattended bulletin screen)")
	default:
		return fmt.Errorf("--mode %q: want touch or display", *mode)
	}

	// we update widgets from goroutines only through fyne.Do, so Fyne's
	// thread-transition checks (and their log noise) are not needed
	app.SetMetadata(fyne.AppMetadata{ID: appID, Name: "公开 Gongkai", Migrations: map[string]bool{"fyneDo": true}})
	a := app.NewWithID(appID)
	w := a.NewWindow("公开 · 政务公开")
	w.SetPadded(false)
	if *full {
		w.SetFullScreen(true)
	} else {
		w.Resize(fyne.NewSize(1080, 1920))
	}
	k := ui.New(a, w, ui.Deps{
		Store:       st,
		Location:    cfg.Location,
		Clock:       time.Now,
		Demo:        isDemo(cfg),
		IdleTimeout: cfg.IdleTimeout.Duration,
	})
	defer k.Close()
	w.ShowAndRun()
	return nil
}

func runScreenshot(env *Env, args []string) error {
	fs := newFlags(env, "screenshot")
	data := dataFlag(fs)
	out := fs.String("out", "", "PNG file to write")
	screen := fs.String("screen", "home", "home, list:CATEGORY, item:ID or search:QUERY")
	sizeFlag := fs.String("size", "1080x1920", "window size WxH (portrait 1080x1920, landscape 1920x1080)")
	atFlag := fs.String("at", "", "render as at this time: YYYY-MM-DD (feed time zone) or RFC 3339 (default now)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := required(fs, "out"); err != nil {
		return err
	}
	size, err := parseSize(*sizeFlag)
	if err != nil {
		return err
	}
	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	clock := time.Now
	if *atFlag != "" {
		at, err := parseAt(*atFlag, st.Location())
		if err != nil {
			return err
		}
		clock = func() time.Time { return at }
	}
	img, err := ui.Screenshot(ui.Deps{Store: st, Location: cfg.Location, Clock: clock, Demo: isDemo(cfg)}, *screen, size)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	if err := atomicfile.Write(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s, %dx%d)\n", *out, *screen, img.Bounds().Dx(), img.Bounds().Dy())
	return nil
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
