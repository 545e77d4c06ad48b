// Package kiosk is the screen's program: the window (ui) over the running
// screen behind it (screen.Runtime), its monitor agent, log, sound and
// systemd watchdog, put together from a screen's data directory (Run);
// and the same window painted off-screen (Screenshot). cli parses the
// flags of gongkai kiosk and screenshot and calls these.
package kiosk

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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

// appID names the kiosk to the OS (preferences, single instance).
const appID = "cn.gov.gongkai.kiosk"

// Program is the build of this program, as the admin panel, the log and
// the monitor show it.
type Program struct{ Version, Build, Commit string }

// SetMetadata sets the kiosk's metadata for a plain `go build`. Call it
// from a package init: the init that `fyne package` generates in package
// main (which runs after) then replaces it with FyneApp.toml's: icon,
// version, build. We update widgets from goroutines only through
// fyne.Do, so Fyne's thread-transition checks (and their log noise) are
// not needed.
func SetMetadata(p Program) {
	build := 1 // Build is set by the Makefile from FyneApp.toml
	if n, err := strconv.Atoi(p.Build); err == nil && n > 0 {
		build = n
	}
	app.SetMetadata(fyne.AppMetadata{ID: appID, Name: "公开 Gongkai", Version: p.Version, Build: build,
		Migrations: map[string]bool{"fyneDo": true}})
}

// Options of Run.
type Options struct {
	Data       string
	Mode       string // config.ModeTouch or ModeDisplay; "" for the screen's configured mode
	Fullscreen bool
	Program    Program
	Stderr     io.Writer // warnings, and the first-frame probe's line
}

// Run runs the kiosk on the screen in opt.Data until its window closes.
func Run(opt Options) error {
	cfg, err := config.Load(opt.Data)
	if err != nil {
		return err
	}
	mode := opt.Mode
	if mode == "" {
		mode = cfg.Mode
	}
	switch mode {
	case config.ModeTouch, config.ModeDisplay:
	default:
		return fmt.Errorf("--mode %q: want touch or display", mode)
	}
	if err := screen.HaveDisplay(); err != nil {
		return err
	}

	lg, err := logs.Open(opt.Data, slog.LevelInfo)
	if err != nil {
		// the screen must still come up: log to stderr and memory
		fmt.Fprintf(opt.Stderr, "gongkai: warning: cannot open the log in %s: %v\n", opt.Data, err)
		lg = logs.Memory(opt.Stderr)
	}
	defer lg.Close()
	// every logged error carries its kind, for the admin panel's log page
	lg.Logger = slog.New(sync.KindHandler(lg.Logger.Handler()))
	slog.SetDefault(lg.Logger)
	screen.TuneGC()
	p := opt.Program
	lg.Info("kiosk starting", "version", p.Version, "build", p.Build, "commit", p.Commit, "mode", mode, "data", opt.Data)

	a := app.NewWithID(appID)
	a.Settings().SetTheme(kit.NewTheme(cfg.TextStep())) // the shipped font for the words below
	w := a.NewWindow("公开 · 政务公开")
	w.SetPadded(false)
	// no main menu, no file dialogs: nothing in the window leads to the
	// desktop; closing it asks for the admin PIN (ui.New intercepts it)
	if opt.Fullscreen {
		w.SetFullScreen(true)
	} else if mode == config.ModeDisplay {
		w.Resize(fyne.NewSize(1920, 1080))
	} else {
		w.Resize(fyne.NewSize(1080, 1920))
	}
	w.SetContent(opening())

	// The store opens beside the UI loop, not before it. Opening for
	// writing walks the whole file for damage, and after an upgrade that
	// changes its layout rebuilds what it derives: seconds at 100,000
	// notices, a minute and more at a million on a slow card. The window
	// stayed black all that time, and systemd, told READY=1 only after it,
	// killed the kiosk at TimeoutStartSec and the rebuild began again, for
	// ever. Now the window says it is opening, and the UI loop, and with it
	// the watchdog's pings, runs meanwhile.
	var (
		runErr error
		stop   func()                       // what the UI built, undone; set on the UI goroutine
		opened = make(chan *store.Store, 1) // the store (nil when it failed), once open
	)
	go func() {
		st, err := screen.OpenStore(opt.Data, opt.Stderr)
		opened <- st
		if err != nil {
			fyne.Do(func() { runErr = err; a.Quit() })
			return
		}
		// the runtime behind the window: schedule, sync now, USB, display
		// log (a file it opens), uploads; built here, off the UI goroutine
		rt := screen.New(screen.Options{Data: opt.Data, Store: st, Config: screen.InMode(cfg, mode), Logger: lg.Logger, Alive: screen.AliveThrough(fyne.Do)})
		mon := agent.ForScreen(agent.Options{Data: opt.Data, Store: st, Config: rt.Config, Program: p.Version,
			Started: time.Now(), Export: rt.ExportProof, Logger: lg.Logger})
		deps := screenDeps(cfg, st, opt.Data, p)
		deps.Mode = mode
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
		fyne.Do(func() {
			k := ui.New(a, w, deps)
			rt.Start()
			// before the runtime closes the display log: the agent reads it
			stopMon := mon.Start(k.Capture)
			stop = func() {
				stopMon()
				rt.Close()
				k.Close()
			}
			logFirstFrame(w, opt.Stderr) // GONGKAI_FIRST_FRAME=1: the screen benchmark's start-up probe
		})
	}()
	// systemd: READY=1, then WATCHDOG=1 while the UI loop runs; a hung
	// loop stops the pings and systemd restarts the kiosk
	stopWatchdog := watchdog.Go(fyne.Do)
	w.ShowAndRun()
	stopWatchdog()
	st := <-opened // a window closed while the store still opened waits for it
	if stop != nil {
		stop()
	}
	if st != nil {
		st.Close()
	}
	if runErr != nil {
		return runErr
	}
	lg.Info("kiosk stopped")
	return nil
}

// opening is the window while the store opens: a word for whoever stands
// before the screen, in the kiosk's big type.
func opening() fyne.CanvasObject {
	msg := widget.NewLabel("正在打开本屏的公告，请稍候……")
	msg.SizeName = kit.SizeTitle
	return container.NewStack(canvas.NewRectangle(kit.ThemeColor(theme.ColorNameBackground)), container.NewCenter(msg))
}

// screenDeps is what the kiosk and its screenshots share from the config.
func screenDeps(cfg *config.Config, st *store.Store, data string, p Program) ui.Deps {
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
			Version:      p.Version,
			Build:        p.Build,
			Commit:       p.Commit,
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
