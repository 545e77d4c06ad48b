package uitest

import (
	"context"
	"errors"

	"gongkai/config"
	gkscreen "gongkai/screen"
	gksync "gongkai/sync"
)

// FakeRuntime stands in for screen.Runtime (ui.Runtime, admin.Runtime)
// where a test needs to see what the window tells it or to answer for it:
// each method calls its On… function when set, and otherwise does nothing
// (or fails, for a call that returns an error). Events is nil: no
// stream, unless a test makes one.
type FakeRuntime struct {
	EventsCh       chan gkscreen.Event
	OnShowSlide    func(id string)
	OnShowAlerts   func(ids []string)
	OnSaveConfig   func(*config.Config) error
	OnSyncNow      func(context.Context, func(gksync.Event)) (gksync.Result, error)
	OnWatchVolumes func(on bool)
	OnPreview      func(context.Context, string) (gkscreen.ImportDiff, error)
	OnImport       func(context.Context, string, func(gksync.Event)) (gksync.Result, error)
}

var ErrNotFaked = errors.New("not faked in this test")

func (f *FakeRuntime) Events() <-chan gkscreen.Event { return f.EventsCh }

func (f *FakeRuntime) ShowSlide(id string) {
	if f.OnShowSlide != nil {
		f.OnShowSlide(id)
	}
}

func (f *FakeRuntime) ShowAlerts(ids []string) {
	if f.OnShowAlerts != nil {
		f.OnShowAlerts(ids)
	}
}

func (f *FakeRuntime) SaveConfig(c *config.Config) error {
	if f.OnSaveConfig == nil {
		return ErrNotFaked
	}
	return f.OnSaveConfig(c)
}

func (f *FakeRuntime) SyncNow(ctx context.Context, progress func(gksync.Event)) (gksync.Result, error) {
	if f.OnSyncNow == nil {
		return gksync.Result{}, ErrNotFaked
	}
	return f.OnSyncNow(ctx, progress)
}

func (f *FakeRuntime) WatchVolumes(on bool) {
	if f.OnWatchVolumes != nil {
		f.OnWatchVolumes(on)
	}
}

func (f *FakeRuntime) Preview(ctx context.Context, path string) (gkscreen.ImportDiff, error) {
	if f.OnPreview == nil {
		return gkscreen.ImportDiff{}, ErrNotFaked
	}
	return f.OnPreview(ctx, path)
}

func (f *FakeRuntime) Import(ctx context.Context, path string, progress func(gksync.Event)) (gksync.Result, error) {
	if f.OnImport == nil {
		return gksync.Result{}, ErrNotFaked
	}
	return f.OnImport(ctx, path, progress)
}
