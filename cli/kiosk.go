package cli

import (
	"bytes"
	"fmt"
	"image/png"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"gongkai/atomicfile"
	"gongkai/config"
	"gongkai/feed"
	"gongkai/logs"
	"gongkai/monitor/agent"
	"gongkai/playback"
	"gongkai/proof"
	"gongkai/screen"
	"gongkai/store"
	"gongkai/sync"
	"gongkai/ui"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
	"gongkai/watchdog"
)

func init() {
	register("kiosk", "run the screen: --data DIR [--mode touch|display] [--fullscreen]", runKiosk)
	register("screenshot", "render a screen to PNG: --data DIR --out FILE.png [--screen home|item:ID|attachment:ID:N|search:QUERY|list:CAT|display[:ID[:PAGE]]|admin[:PAGE]] [--size WxH] [--text-size 标准|大|特大] [--at TIME]", runScreenshot)
}

// appID names the kiosk to the OS (preferences, single instance).
const appID = "cn.gov.gongkai.kiosk"

// The kiosk's metadata for a plain `go build`. It is set at package init,
// so the init that `fyne package` generates in package main (which runs
// after ours) replaces it with FyneApp.toml's: icon, version, build. We
// update widgets from goroutines only through fyne.Do, so Fyne's
// thread-transition checks (and their log noise) are not needed.
func init() {
	app.SetMetadata(fyne.AppMetadata{ID: appID, Name: "公开 Gongkai", Version: Version, Build: buildNumber(),
		Migrations: map[string]bool{"fyneDo": true}})
}

// buildNumber is Build (set by the Makefile from FyneApp.toml) as a number.
func buildNumber() int {
	if n, err := strconv.Atoi(Build); err == nil && n > 0 {
		return n
	}
	return 1
}

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
	case config.ModeTouch, config.ModeDisplay:
	default:
		return fmt.Errorf("--mode %q: want touch or display", *mode)
	}
	if err := screen.HaveDisplay(); err != nil {
		return err
	}

	lg, err := logs.Open(*data, slog.LevelInfo)
	if err != nil {
		// the screen must still come up: log to stderr and memory
		fmt.Fprintf(env.Stderr, "gongkai: warning: cannot open the log in %s: %v\n", *data, err)
		lg = logs.Memory(env.Stderr)
	}
	defer lg.Close()
	// every logged error carries its kind, for the admin panel's log page
	lg.Logger = slog.New(sync.KindHandler(lg.Logger.Handler()))
	slog.SetDefault(lg.Logger)
	screen.TuneGC()
	lg.Info("kiosk starting", "version", Version, "build", Build, "commit", Commit, "mode", *mode, "data", *data)

	a := app.NewWithID(appID)
	w := a.NewWindow("公开 · 政务公开")
	w.SetPadded(false)
	// no main menu, no file dialogs: nothing in the window leads to the
	// desktop; closing it asks for the admin PIN (ui.New intercepts it)
	if *full {
		w.SetFullScreen(true)
	} else if *mode == config.ModeDisplay {
		w.Resize(fyne.NewSize(1920, 1080))
	} else {
		w.Resize(fyne.NewSize(1080, 1920))
	}
	// the runtime behind the window: schedule, sync now, USB, display log, uploads
	rt := screen.New(screen.Options{Data: *data, Store: st, Config: screen.InMode(cfg, *mode), Logger: lg.Logger, Alive: screen.AliveThrough(fyne.Do)})
	mon := agent.ForScreen(agent.Options{Data: *data, Store: st, Config: rt.Config, Program: Version,
		Started: time.Now(), Export: rt.ExportProof, Logger: lg.Logger})
	deps := screenDeps(cfg, st, *data)
	deps.Mode = *mode
	deps.Clock = time.Now
	deps.Logger = lg.Logger
	deps.Runtime = rt
	deps.Admin.Started = time.Now()
	deps.Admin.LogLines = lg.Recent.Lines
	deps.Admin.Quit = a.Quit
	wirePaper(&deps.Admin, screen.Paper{Log: rt.DisplayLog, Store: st, Config: rt.Config, Clock: time.Now})
	// The sound card for 朗读: a screen without one (or without ALSA)
	// shows no 朗读 button, and says why in its log.
	if p, err := playback.New(); err != nil {
		slog.Warn("no sound output: notices are not read aloud", "err", err)
	} else {
		deps.Speaker = p
	}
	k := ui.New(a, w, deps)
	defer k.Close()
	rt.Start()
	defer rt.Close()
	// before the runtime closes the display log: the agent reads it
	defer mon.Start(k.Capture)()
	logFirstFrame(w, env.Stderr) // GONGKAI_FIRST_FRAME=1: the screen benchmark's start-up probe
	// systemd: READY=1, then WATCHDOG=1 while the UI loop runs; a hung
	// loop stops the pings and systemd restarts the kiosk
	defer watchdog.Go(fyne.Do)()
	w.ShowAndRun()
	lg.Info("kiosk stopped")
	return nil
}

// screenDeps is what the kiosk and its screenshots share from the config.
func screenDeps(cfg *config.Config, st *store.Store, data string) ui.Deps {
	return ui.Deps{
		Store:       st,
		Location:    cfg.Location,
		Demo:        screen.IsDemo(cfg),
		IdleTimeout: cfg.IdleTimeout.Duration,
		Mode:        cfg.Mode,
		Dwell:       cfg.Dwell.Duration,
		Hours:       kit.HoursOf(cfg.DisplayOn, cfg.DisplayOff),
		StaleAfter:  cfg.StaleAfter.Duration,
		TextStep:    cfg.TextStep(),
		Volume:      cfg.Volume,
		Quiet:       kit.HoursOf(cfg.QuietFrom, cfg.QuietTo),
		ReadAloud:   cfg.ReadAloud == "on",
		DataDir:     data,
		Admin: admin.Deps{
			Version:      Version,
			Build:        Build,
			Commit:       Commit,
			PublisherKey: feed.Fingerprint(cfg.PublicKey()),
			DeviceKey:    proof.DeviceFingerprint(data),
			Config:       cfg,
		},
	}
}

// wirePaper gives the admin panel its 公示期 and 打印海报 pages, and the
// sticks to write their files to.
func wirePaper(a *admin.Deps, p screen.Paper) {
	a.Compliance, a.ExportReport, a.Poster, a.Sticks = p.Compliance, p.ExportReport, p.Poster, sync.MountedVolumes
}

func runScreenshot(env *Env, args []string) error {
	fs := newFlags(env, "screenshot")
	data := dataFlag(fs)
	out := fs.String("out", "", "PNG file to write")
	which := fs.String("screen", "home", "home, list:CATEGORY, item:ID, attachment:ID:N, search:QUERY, display[:ID[:PAGE]], or admin[:pin|status|sync|usb|compliance|poster|settings|log|leave]")
	sizeFlag := fs.String("size", "1080x1920", "window size WxH (portrait 1080x1920, landscape 1920x1080)")
	atFlag := fs.String("at", "", "render as at this time: YYYY-MM-DD (feed time zone) or RFC 3339 (default now)")
	textSize := fs.String("text-size", "", "the touch screen's 字号 step: 标准, 大 or 特大 (also normal, large, xlarge or 0, 1, 2); default the screen's text_size")
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
	deps := screenDeps(cfg, st, *data)
	deps.Clock = clock
	deps.Mode = config.ModeTouch // --screen display asks for the display
	if *textSize != "" {
		if deps.TextStep, err = kit.TextStepOf(*textSize); err != nil {
			return fmt.Errorf("--text-size: %w", err)
		}
	}
	var plog *proof.Log
	if *which == "admin:compliance" {
		// The page reads the display log, which the kiosk keeps open
		// while it runs; then the page shows that it cannot read it.
		if key, err := proof.EnsureDeviceKey(*data); err == nil {
			if plog, err = proof.Open(*data, key, clock); err == nil {
				defer plog.Close()
			}
		}
	}
	wirePaper(&deps.Admin, screen.Paper{Log: func() *proof.Log { return plog }, Store: st, Config: func() *config.Config { return cfg }, Clock: clock})
	img, err := ui.Screenshot(deps, *which, size)
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
	fmt.Fprintf(env.Stdout, "wrote %s (%s, %dx%d)\n", *out, *which, img.Bounds().Dx(), img.Bounds().Dy())
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
