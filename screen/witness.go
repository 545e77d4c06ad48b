package screen

import (
	"context"
	"log/slog"
	gosync "sync"
	"time"

	"gongkai/config"
	"gongkai/proof"
	"gongkai/store"
)

// witnessEvery is the display log's heartbeat: a crash loses at most this
// much evidence, and proof.Log wants one at least every 60 s.
const witnessEvery = 30 * time.Second

// startWitness keeps the display log of a running kiosk: program up, the
// screen lit or dark (display mode's on/off hours), the notices in the
// rotation (display) or available (touch), and, through slides, the one
// on show (display). Each heartbeat first asks the UI loop (alive), so a
// hung window stops the evidence instead of recording a screen nobody can
// see. The returned stop closes the log.
func startWitness(ctx context.Context, data string, live *liveConfig, st *store.Store, lg *slog.Logger, slides *slideRelay, alive func(context.Context) bool) (stop func(), err error) {
	if alive == nil {
		alive = func(context.Context) bool { return true }
	}
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		return nil, err
	}
	plog, err := proof.Open(data, key, time.Now)
	if err != nil {
		return nil, err
	}
	if err := plog.ProgramUp(); err != nil {
		plog.Close()
		return nil, err
	}
	slides.attach(plog)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				lg.Error("recovered panic", "job", "display log", "panic", r)
			}
		}()
		// The first record is made at once: the window is only being
		// opened, so there is no UI loop to ask yet.
		var last shownSet
		if err := witness(plog, live.get(), st, &last); err != nil {
			lg.Error("display log", "err", err)
		}
		t := time.NewTicker(witnessEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if !alive(ctx) {
				if ctx.Err() == nil {
					lg.Error("display log paused: the window did not answer")
				}
				continue
			}
			if err := witness(plog, live.get(), st, &last); err != nil {
				lg.Error("display log", "err", err)
			}
		}
	}()
	return func() {
		cancel()
		<-done
		slides.attach(nil)
		if err := plog.Close(); err != nil {
			lg.Error("display log close", "err", err)
		}
	}, nil
}

// InMode is cfg as this run of the kiosk uses it: --mode overrides the
// file, and the display log records what the screen runs as (shown in
// display mode, available in touch mode).
func InMode(cfg *config.Config, mode string) *config.Config {
	if cfg.Mode == mode {
		return cfg
	}
	c := *cfg
	c.Mode = mode
	return &c
}

// shownSet is what decides the notices a heartbeat records as shown:
// while none of it changes, neither do they.
type shownSet struct {
	mode, location, manifest, day string
	lit                           bool
}

// witness records what the screen shows now. The notices shown are read
// again only when last says they may have changed (a sync, a new day, the
// screen lit or dark, another mode or place): every 30 s at a million
// notices that read was 418,359 ids and 80 MB of heap, for the same set.
func witness(plog *proof.Log, cfg *config.Config, st *store.Store, last *shownSet) error {
	wall := time.Now().In(st.Location())
	lit := cfg.Mode != config.ModeDisplay || config.Lit(cfg.DisplayOn, cfg.DisplayOff, wall)
	if err := plog.ScreenOn(lit); err != nil {
		return err
	}
	state, err := st.State()
	if err != nil {
		return err
	}
	now := st.Now(time.Now())
	set := shownSet{mode: cfg.Mode, location: cfg.Location, manifest: state.ManifestSum,
		day: now.In(st.Location()).Format(time.DateOnly), lit: lit}
	if set != *last {
		var ids []string
		if lit {
			if ids, err = st.VisibleIDs(cfg.Location, now); err != nil {
				return err
			}
		}
		if err := plog.Showing(cfg.Mode, ids); err != nil {
			return err
		}
		*last = set
	}
	return plog.Tick()
}

// slideRelay is the kiosk's handle on its open display log. It carries the
// display's slide changes (ui.Deps.OnSlide, called on the UI goroutine) to
// the log: the window is built, and shows its first slide, before the log
// opens, so the relay keeps the last slide until the log is attached.
// OnScreen only counts in memory: the UI never waits for the disk. The
// admin panel and the report upload read the log through current: bbolt's
// file lock admits one open of display.db per process.
type slideRelay struct {
	mu     gosync.Mutex
	id     string
	alerts []string // the urgent alerts in force on the screen (ui.Deps.OnAlerts)
	log    *proof.Log

	alertMu gosync.Mutex // one write of the alerts at a time
}

// alerting carries the alerts in force to the log. Unlike a slide change
// it is a write to display.db, so it runs off the UI goroutine; the last
// set wins, whatever order the writes run in.
func (r *slideRelay) alerting(ids []string) {
	r.mu.Lock()
	r.alerts = ids
	r.mu.Unlock()
	go func() {
		// writes take turns on alertMu, so r.mu (which OnSlide takes on
		// the UI goroutine) is never held across the disk
		r.alertMu.Lock()
		defer r.alertMu.Unlock()
		r.mu.Lock()
		log, ids := r.log, r.alerts
		r.mu.Unlock()
		if log != nil {
			_ = log.Alerting(ids) // a failure shows in the next heartbeat's
		}
	}()
}

func (r *slideRelay) show(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.id = id
	if r.log != nil {
		r.log.OnScreen(id)
	}
}

// current is the display log while it is open, else nil.
func (r *slideRelay) current() *proof.Log {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log
}

// attach sends the slide changes to log from now, starting with the slide
// on show; nil stops them, and the count of the log attached till then.
func (r *slideRelay) attach(log *proof.Log) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.log != nil && log == nil {
		r.log.OnScreen("")
	}
	r.log = log
	if log != nil {
		log.OnScreen(r.id)
		if len(r.alerts) > 0 {
			_ = log.Alerting(r.alerts)
		}
	}
}
