// Package screen is the running screen behind its window: the sync
// schedule, sync now, the USB watch and import, the display log's
// heartbeat, the report uploads and the live settings. The window asks it through Runtime's
// methods and hears from it through one stream of events (Events); cli
// wires the two together. It knows no widget: whatever needs the window's
// UI loop is handed in (Options.Alive).
//
// It also holds what a screen's data directory is outside the window:
// provisioning (Provision), opening it with recovery (Open), and what the
// commands report of it (StatusOf, Notices, Check, SyncSummary).
package screen

import (
	"context"
	"log/slog"
	"strings"
	gosync "sync"
	"time"

	"gongkai/config"
	"gongkai/proof"
	"gongkai/store"
	"gongkai/sync"
)

// Options of New.
type Options struct {
	Data   string
	Store  *store.Store
	Config *config.Config // as this run uses it (the kiosk's --mode applied)
	Logger *slog.Logger
	// Alive asks the window's UI loop to answer, in bounded time: the
	// display log records nothing while it does not (a hung window shows
	// nobody anything). nil: always alive.
	Alive func(ctx context.Context) bool
	// OnSynced, when set, follows each sync — scheduled or sync now — that
	// ended updated or unchanged, after the report upload is asked for.
	// It must not block.
	OnSynced func()
	// VolumeRoots are where sticks are looked for (nil: the OS's usual
	// mount folders, sync.DefaultVolumeRoots); VolumeEvery how often (3 s).
	VolumeRoots []string
	VolumeEvery time.Duration
}

// EventKind says what an Event is about.
type EventKind int

const (
	// Tick: a notice became valid or expired, or a sync changed the
	// store's content: draw again.
	Tick EventKind = iota + 1
	// Volumes: the feed folders found on removable media changed (empty
	// when the stick was pulled). Looked for only while WatchVolumes(true).
	Volumes
)

// Event is one thing the window hears from the runtime.
type Event struct {
	Kind    EventKind
	Volumes []string // for Volumes
}

// ImportDiff is what importing a feed would change, by notice title.
type ImportDiff struct {
	Version                            int64
	Added, Changed, Withdrawn, Removed []string
}

// Runtime is one running screen. New it before the window, Start it once
// the window exists, Close it when the window has closed.
type Runtime struct {
	opt     Options
	live    liveConfig
	bg      *background
	slides  slideRelay
	uploads *Uploads
	events  chan Event
	usbOn   chan bool
	ctx     context.Context
	cancel  context.CancelFunc

	mu          gosync.Mutex
	stopWitness func()
}

// New makes the runtime of a screen and starts its USB watch, which looks
// for sticks only while WatchVolumes(true).
func New(opt Options) *Runtime {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.VolumeEvery <= 0 {
		opt.VolumeEvery = 3 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runtime{opt: opt, events: make(chan Event, 16), usbOn: make(chan bool, 1), ctx: ctx, cancel: cancel}
	r.live.set(opt.Config)
	r.uploads = NewUploads(r.DisplayLog, opt.Data, func() *store.Store { return opt.Store }, r.Config, opt.Logger)
	r.bg = &background{st: opt.Store, data: opt.Data, lg: opt.Logger, onTick: r.tick, onSynced: r.synced}
	vols := sync.WatchVolumes(ctx, opt.VolumeRoots, opt.VolumeEvery, r.usbOn)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case v, ok := <-vols:
				if !ok {
					return
				}
				select {
				case r.events <- Event{Kind: Volumes, Volumes: v}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return r
}

// Start runs the sync schedule and the display log. What fails is logged:
// the screen runs on without it.
func (r *Runtime) Start() {
	if err := r.bg.start(r.live.get()); err != nil {
		r.opt.Logger.Error("sync schedule not running", "err", err)
	}
	stop, err := startWitness(r.ctx, r.opt.Data, &r.live, r.opt.Store, r.opt.Logger, &r.slides, r.opt.Alive)
	if err != nil {
		r.opt.Logger.Error("display log unavailable: the screen runs without proof of display", "err", err)
		return
	}
	r.mu.Lock()
	r.stopWitness = stop
	r.mu.Unlock()
}

// Close stops an upload under way, the display log, the schedule and the
// USB watch, and waits for them. Whatever else reads the display log (the
// monitor agent) must stop first.
func (r *Runtime) Close() {
	r.uploads.Close() // before the display log it reads closes
	r.mu.Lock()
	stop := r.stopWitness
	r.stopWitness = nil
	r.mu.Unlock()
	if stop != nil {
		stop()
	}
	r.bg.close()
	r.cancel()
}

// Events is the one stream the window hears from the runtime.
func (r *Runtime) Events() <-chan Event { return r.events }

// tick asks the window to draw again; one pending tick is enough.
func (r *Runtime) tick() {
	select {
	case r.events <- Event{Kind: Tick}:
	default:
	}
}

func (r *Runtime) synced() {
	r.uploads.Kick()
	if r.opt.OnSynced != nil {
		r.opt.OnSynced()
	}
}

// Config is the configuration as the admin panel last saved it.
func (r *Runtime) Config() *config.Config { return r.live.get() }

// SaveConfig writes the configuration (config.Save) and applies what the
// window does not own: the sync schedule restarts when its sources or
// interval changed.
func (r *Runtime) SaveConfig(c *config.Config) error {
	if err := config.Save(r.opt.Data, c); err != nil {
		return err
	}
	r.live.set(c)
	if err := r.bg.start(c); err != nil {
		r.opt.Logger.Error("restarting the sync schedule", "err", err)
	}
	return nil
}

// SyncNow syncs from the configured sources at once (the admin panel's
// 立即同步), reporting progress.
func (r *Runtime) SyncNow(ctx context.Context, progress func(sync.Event)) (sync.Result, error) {
	c := r.live.get()
	res, err := sync.RunSources(ctx, r.opt.Store, c, r.opt.Data, c.Sources, sync.Options{Progress: progress})
	if err == nil {
		r.synced()
	}
	return res, err
}

// WatchVolumes switches the search for sticks on while the admin panel is
// open and off when it closes: nobody else imports.
func (r *Runtime) WatchVolumes(on bool) {
	// the window's UI goroutine is the one sender, so draining first
	// never blocks
	select {
	case <-r.usbOn:
	default:
	}
	r.usbOn <- on
}

// Preview says what importing the feed at path (a folder or a bundle on a
// stick) would change, verified as a sync verifies it, without changing
// anything. The clerk confirms before Import.
func (r *Runtime) Preview(ctx context.Context, path string) (ImportDiff, error) {
	src, done, err := r.openSource(path)
	if err != nil {
		return ImportDiff{}, err
	}
	defer done()
	d, err := sync.Preview(ctx, r.opt.Store, r.live.get(), src)
	return ImportDiff{Version: d.Version, Added: titles(d.Added), Changed: titles(d.Changed),
		Withdrawn: titles(d.Withdrawn), Removed: titles(d.Removed)}, err
}

// Import syncs from the feed at path through the ordinary verified sync.
func (r *Runtime) Import(ctx context.Context, path string, progress func(sync.Event)) (sync.Result, error) {
	src, done, err := r.openSource(path)
	if err != nil {
		return sync.Result{}, err
	}
	defer done()
	return sync.Run(ctx, r.opt.Store, r.live.get(), src, sync.Options{Progress: progress})
}

func (r *Runtime) openSource(path string) (sync.Source, func(), error) {
	src, err := sync.ParseSource(path, r.opt.Data)
	if err != nil {
		return nil, nil, err
	}
	done := func() {}
	if c, ok := src.(interface{ Close() error }); ok {
		done = func() { c.Close() }
	}
	return src, done, nil
}

// ShowSlide tells the display log the notice on show (the display's
// slides, on the UI goroutine): it only counts in memory.
func (r *Runtime) ShowSlide(id string) { r.slides.show(id) }

// ShowAlerts tells the display log the urgent alerts in force on the
// screen (ui.Deps.OnAlerts); the write runs off the UI goroutine.
func (r *Runtime) ShowAlerts(ids []string) { r.slides.alerting(ids) }

// ExportProof is the signed export of the display log for the live
// configuration, as a report upload sends it (the monitor agent's proof).
func (r *Runtime) ExportProof() ([]byte, error) { return r.uploads.Export(r.live.get()) }

// DisplayLog is the display log while it is open, else nil: bbolt's lock
// admits one open of display.db per process, so whatever reads it (the
// admin panel's proof page, the report upload) reads this one.
func (r *Runtime) DisplayLog() *proof.Log { return r.slides.current() }

// titles are the notices of a preview's lines ("ID TITLE") by title: the
// clerk confirming an import reads titles, not ids.
func titles(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		_, t, ok := strings.Cut(l, " ")
		if !ok || strings.TrimSpace(t) == "" {
			t = l
		}
		out[i] = t
	}
	return out
}

// liveConfig is the configuration as the admin panel last saved it, read
// by syncs started from other goroutines.
type liveConfig struct {
	mu  gosync.Mutex
	cfg *config.Config
}

func (l *liveConfig) get() *config.Config { l.mu.Lock(); defer l.mu.Unlock(); return l.cfg }
func (l *liveConfig) set(c *config.Config) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cfg = c
}
