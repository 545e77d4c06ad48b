package screen

import (
	"fmt"
	"log/slog"
	"slices"
	gosync "sync"

	"gongkai/config"
	"gongkai/store"
	"gongkai/sync"
)

// background runs the kiosk's sync scheduler and restarts it when the
// admin panel changes the sources or the interval (gocron jobs keep their
// interval, so a new scheduler is simpler than editing one).
type background struct {
	st     *store.Store
	data   string
	lg     *slog.Logger
	onTick func() // a notice became valid or expired: redraw
	// onSynced, when set, follows each scheduled sync that ended updated
	// or unchanged (the report upload); it must not block.
	onSynced func()

	mu    gosync.Mutex
	sched *sync.Scheduler
	cfg   *config.Config
}

func (b *background) start(cfg *config.Config) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sched != nil && b.cfg != nil && b.cfg.SyncInterval == cfg.SyncInterval && slices.Equal(b.cfg.Sources, cfg.Sources) {
		b.cfg = cfg
		return nil
	}
	if b.sched != nil {
		b.sched.Close()
		b.sched = nil
	}
	s, err := sync.NewScheduler(b.st, cfg, b.data, sync.ScheduleOptions{
		Log: func(format string, args ...any) { b.lg.Info(fmt.Sprintf(format, args...), "job", "schedule") },
	})
	if err != nil {
		return err
	}
	events := s.Subscribe()
	go func() {
		defer func() {
			if r := recover(); r != nil {
				b.lg.Error("recovered panic", "job", "schedule events", "panic", fmt.Sprint(r))
			}
		}()
		for e := range events {
			switch e.Stage {
			case sync.StageTick:
				b.onTick()
			case sync.StageFailed:
				b.lg.Warn("scheduled sync failed", "err", e.Err)
			case sync.StageDone:
				b.lg.Info("scheduled sync updated the screen", "version", e.Version)
				b.synced()
			case sync.StageUnchanged:
				b.synced()
			}
		}
	}()
	b.sched, b.cfg = s, cfg
	return nil
}

func (b *background) synced() {
	if b.onSynced != nil {
		b.onSynced()
	}
}

func (b *background) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sched != nil {
		b.sched.Close()
		b.sched = nil
	}
}
