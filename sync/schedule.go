package sync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	gosync "sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"gongkai/config"
	"gongkai/store"
)

// StageTick is not a step of a run: the scheduler sends it when the time
// reaches a day on which a stored item becomes valid or expires, so the
// screen redraws then (at midnight) rather than at the next sync.
const StageTick Stage = "tick"

// ScheduleOptions configure a Scheduler. Zero values take the defaults.
type ScheduleOptions struct {
	Sources  []string        // tried in order; cfg.Sources when nil
	Interval time.Duration   // between syncs; cfg.SyncInterval, else config.DefaultSyncInterval
	Jitter   time.Duration   // each wait is Interval ± Jitter, at random; Interval/10 when zero, none when negative
	Clock    clockwork.Clock // the real clock when nil; tests hand in a fake one
	Log      func(format string, args ...any)
	Run      Options // for each sync; its Progress is called besides the subscribers
	// AlertInterval is between polls of the alerts object; AlertPollInterval
	// when zero. Tests shorten it; screens do not.
	AlertInterval time.Duration

	// For tests: replaces RunSources; delays of the first sync and housekeeping.
	run                          func(ctx context.Context, opt Options) (Result, error)
	pollAlerts                   func(ctx context.Context) (AlertResult, error)
	firstSync, firstHousekeeping time.Duration
}

// AlertPollInterval is how often a screen polls the alerts object: an
// alert published now is on every screen within this and one request
// (the bound is 90 s). An unchanged poll is one request answered
// 304, so a township's thousand screens cost a thousand tiny requests a
// minute.
const AlertPollInterval = 60 * time.Second

// PartialMaxAge is how long housekeeping keeps a partly downloaded object
// of the HTTP cache: after a week the feed has moved on.
const PartialMaxAge = 7 * 24 * time.Hour

// Scheduler runs a screen's syncs and redraws on their own, for months:
// a periodic sync with random jitter (so a thousand screens do not hit the
// server in the same second), never two at once, a sync on request, a
// tick when an item becomes valid or expires, and daily housekeeping. It
// uses gocron; waits are durations on the monotonic clock, so a wall
// clock jumping forward or back neither fires a burst of syncs nor stops
// them. The one wall-clock target, the next validity boundary, is planned
// again after every sync and tick, so a clock jump puts it right within
// one interval.
type Scheduler struct {
	st      *store.Store
	cfg     *config.Config
	dataDir string
	opt     ScheduleOptions
	clock   clockwork.Clock
	gs      gocron.Scheduler
	sync    gocron.Job
	alerts  gocron.Job
	ctx     context.Context
	cancel  context.CancelFunc

	mu       gosync.Mutex // guards what follows
	boundary gocron.Job   // the planned tick, nil when none
	subs     []chan Event
	closed   bool
}

// NewScheduler starts the schedule of a screen. The first sync comes after
// a random part of the jitter window, not at once: after a power cut every
// screen of a township boots in the same minute.
func NewScheduler(st *store.Store, cfg *config.Config, dataDir string, opt ScheduleOptions) (*Scheduler, error) {
	if opt.Sources == nil {
		opt.Sources = cfg.Sources
	}
	if opt.Interval <= 0 {
		opt.Interval = cfg.SyncInterval.Duration
	}
	if opt.Interval <= 0 {
		opt.Interval = config.DefaultSyncInterval
	}
	switch {
	case opt.Jitter == 0:
		opt.Jitter = opt.Interval / 10
	case opt.Jitter < 0 || opt.Jitter >= opt.Interval:
		opt.Jitter = max(0, min(opt.Jitter, opt.Interval/2))
	}
	if opt.Clock == nil {
		opt.Clock = clockwork.NewRealClock()
	}
	if opt.Log == nil {
		opt.Log = func(string, ...any) {}
	}
	gs, err := gocron.NewScheduler(gocron.WithClock(opt.Clock), gocron.WithStopTimeout(10*time.Second))
	if err != nil {
		return nil, fmt.Errorf("sync: scheduler: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{st: st, cfg: cfg, dataDir: dataDir, opt: opt, clock: opt.Clock, gs: gs, ctx: ctx, cancel: cancel}
	if s.opt.pollAlerts == nil {
		s.opt.pollAlerts = func(ctx context.Context) (AlertResult, error) {
			return PollAlertSources(ctx, st, cfg, dataDir, s.opt.Sources, s.clock.Now())
		}
	}
	if s.opt.AlertInterval <= 0 {
		s.opt.AlertInterval = AlertPollInterval
	}
	if s.opt.run == nil {
		s.opt.run = func(ctx context.Context, o Options) (Result, error) {
			return RunSources(ctx, st, cfg, dataDir, s.opt.Sources, o)
		}
	}

	now := s.clock.Now()
	if opt.firstSync == 0 {
		opt.firstSync = time.Second + randDuration(2*opt.Jitter)
	}
	if opt.firstHousekeeping == 0 {
		opt.firstHousekeeping = time.Hour + randDuration(time.Hour)
	}
	// Runs never overlap: a sync still running when the next is due (a slow
	// link) makes the scheduler skip that turn, not queue it.
	s.sync, err = gs.NewJob(
		gocron.DurationRandomJob(opt.Interval-opt.Jitter, opt.Interval+opt.Jitter),
		gocron.NewTask(s.runSync),
		gocron.WithName("sync"),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		// The wait counts from the end of a sync: a slow one on a weak link
		// does not eat into the pause before the next.
		gocron.WithIntervalFromCompletion(),
		gocron.WithStartAt(gocron.WithStartDateTime(now.Add(opt.firstSync))),
	)
	if err == nil {
		// Every minute on the dot from a random start: the start spreads
		// the screens of a township over the minute, and a fixed step
		// keeps every screen's wait under AlertInterval.
		s.alerts, err = gs.NewJob(
			gocron.DurationJob(s.opt.AlertInterval),
			gocron.NewTask(s.runAlerts),
			gocron.WithName("alerts"),
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			// from 1 s (gocron refuses a start already past) to one
			// interval: an alert published at start waits no longer
			gocron.WithStartAt(gocron.WithStartDateTime(now.Add(time.Second+randDuration(s.opt.AlertInterval-time.Second)))),
		)
	}
	if err == nil {
		_, err = gs.NewJob(
			gocron.DurationRandomJob(24*time.Hour-time.Hour, 24*time.Hour+time.Hour),
			gocron.NewTask(s.housekeeping),
			gocron.WithName("housekeeping"),
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			gocron.WithStartAt(gocron.WithStartDateTime(now.Add(opt.firstHousekeeping))),
		)
	}
	if err != nil {
		cancel()
		_ = gs.Shutdown()
		return nil, fmt.Errorf("sync: scheduler: %w", err)
	}
	gs.Start()
	s.planBoundary()
	return s, nil
}

func randDuration(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(limit)))
}

// RunNow starts a sync at once (the admin's "sync now"). If one is already
// running it is that one's result the admin gets; no second run starts.
func (s *Scheduler) RunNow() error {
	if err := s.sync.RunNow(); err != nil {
		return fmt.Errorf("sync: run now: %w", err)
	}
	return nil
}

// Subscribe returns a channel of the progress events of every sync and of
// the ticks, for a progress bar and for redrawing. A subscriber that falls
// behind loses the oldest events, never the newest, and never blocks a
// sync. The channel is closed by Close.
func (s *Scheduler) Subscribe() <-chan Event {
	ch := make(chan Event, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		close(ch)
		return ch
	}
	s.subs = append(s.subs, ch)
	return ch
}

func (s *Scheduler) publish(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for _, ch := range s.subs {
		select {
		case ch <- e:
			continue
		default:
		}
		select { // full: drop the oldest to make room
		case <-ch:
		default:
		}
		select {
		case ch <- e:
		default:
		}
	}
}

// Close stops the schedule, cancels a running sync and closes the
// subscriptions.
func (s *Scheduler) Close() error {
	s.cancel()
	err := s.gs.Shutdown()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		for _, ch := range s.subs {
			close(ch)
		}
		s.subs = nil
	}
	if err != nil {
		return fmt.Errorf("sync: scheduler: %w", err)
	}
	return nil
}

func (s *Scheduler) runSync() {
	opt := s.opt.Run
	user := opt.Progress
	opt.Progress = func(e Event) {
		if user != nil {
			user(e)
		}
		s.publish(e)
	}
	res, err := s.opt.run(s.ctx, opt)
	if err != nil {
		s.opt.Log("sync: %v", err)
	} else if !res.Unchanged {
		s.opt.Log("sync: version %d from %s: %d added, %d changed, %d removed", res.Version, res.Source,
			res.Changes.Added, res.Changes.Changed, res.Changes.Removed)
	}
	s.planBoundary()
}

// runAlerts polls the alerts object; a change replans the redraw at the
// next alert's start or end (the store tells the screens itself).
func (s *Scheduler) runAlerts() {
	res, err := s.opt.pollAlerts(s.ctx)
	switch {
	case err != nil:
		s.opt.Log("alerts: %v", err)
	case !res.Unchanged && !res.None:
		s.opt.Log("alerts: version %d from %s: %d alerts", res.Version, res.Source, res.InForce)
		s.planBoundary()
	}
}

// planBoundary (re)schedules the tick for the next day an item becomes
// valid or expires. The target is computed from trusted time (a clock
// fallen back to 1970 must not wait decades) and turned into a delay on
// the scheduler's clock.
func (s *Scheduler) planBoundary() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.boundary != nil {
		if err := s.gs.RemoveJob(s.boundary.ID()); err != nil && !errors.Is(err, gocron.ErrJobNotFound) {
			s.opt.Log("sync: replanning the next redraw: %v", err)
		}
		s.boundary = nil
	}
	clock := s.clock.Now()
	trusted := s.st.Now(clock)
	next, ok, err := s.st.NextChange(trusted)
	if err != nil {
		s.opt.Log("sync: next redraw: %v", err)
		return
	}
	if a, aok, err := s.st.NextAlertChange(trusted); err != nil {
		s.opt.Log("sync: next redraw for an alert: %v", err)
	} else if aok && (!ok || a.Before(next)) {
		next, ok = a, true
	}
	if !ok {
		return
	}
	// At least a second ahead: gocron refuses a start already past, and
	// loops for ever on one that passes between its check and its
	// scheduling. A redraw a second late is no harm.
	at := clock.Add(max(next.Sub(trusted), time.Second))
	j, err := s.gs.NewJob(gocron.OneTimeJob(gocron.OneTimeJobStartDateTime(at)), gocron.NewTask(s.tick), gocron.WithName("tick"))
	if err != nil {
		s.opt.Log("sync: planning the redraw at %s: %v", next, err)
		return
	}
	s.boundary = j
}

func (s *Scheduler) tick() {
	s.publish(Event{Stage: StageTick})
	s.planBoundary()
}

// housekeeping runs daily, between syncs (it takes the same turn as a
// run, so it never collects the attachments a sync has just written for
// the Apply it is about to make).
func (s *Scheduler) housekeeping() {
	running.Lock()
	// Every record a screen shows, checked against the signed item it came
	// from (bbolt keeps no checksums of its pages); Repair rebuilds what
	// Check found damaged.
	if problems, err := s.st.Check(); err != nil {
		s.opt.Log("housekeeping: check: %v", err)
	} else if len(problems) > 0 {
		s.opt.Log("housekeeping: check found %d problems, the first: %s", len(problems), problems[0])
		if ok, err := s.st.Repair(); err != nil {
			s.opt.Log("housekeeping: repair: %v", err)
		} else if ok {
			s.opt.Log("housekeeping: rebuilt the lists and the search index from the stored notices")
		}
	}
	if err := s.st.GC(); err != nil {
		s.opt.Log("housekeeping: %v", err)
	}
	if sp, err := s.st.Space(); err != nil {
		s.opt.Log("housekeeping: %v", err)
	} else if sp.CompactionDue() {
		if err := s.st.Compact(); err != nil {
			s.opt.Log("housekeeping: %v", err)
		} else {
			s.opt.Log("housekeeping: compacted the database: %d of %d MiB were free", sp.Free>>20, sp.FileSize>>20)
		}
	}
	n, err := PruneCache(filepath.Join(s.dataDir, "http"), s.clock.Now().Add(-PartialMaxAge))
	if err != nil {
		s.opt.Log("housekeeping: pruning the download cache: %v", err)
	} else if n > 0 {
		s.opt.Log("housekeeping: removed %d stale partial downloads", n)
	}
	running.Unlock()
}

// PruneCache removes the partial downloads of the HTTP cache (dir is the
// data directory's "http" folder) last written before before, and returns
// how many it removed. Call it between syncs.
func PruneCache(dir string, before time.Time) (int, error) {
	sources, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	var first error
	for _, src := range sources {
		part := filepath.Join(dir, src.Name(), "partial")
		files, err := os.ReadDir(part)
		if err != nil {
			continue
		}
		for _, f := range files {
			fi, err := f.Info()
			if err != nil || !fi.Mode().IsRegular() || !fi.ModTime().Before(before) {
				continue
			}
			if err := os.Remove(filepath.Join(part, f.Name())); err != nil {
				if first == nil {
					first = err
				}
				continue
			}
			n++
		}
	}
	return n, first
}
