package ui

import (
	"context"

	"gongkai/config"
	gkscreen "gongkai/screen"
	gksync "gongkai/sync"
)

// Runtime is the running screen behind the window (screen.Runtime
// implements it): all the window tells it and asks of it. Events is its
// one stream to the window: redraw when notices became valid or expired,
// the sticks found for the admin panel's import. A window without one
// (Deps.Runtime nil: screenshots, tests) shows the same screens, and the
// admin pages say that syncing, importing and saving are not available.
type Runtime interface {
	Events() <-chan gkscreen.Event

	// ShowSlide is told the notice on show whenever it changes: display
	// mode's slide, "" for none (the empty slide, dark off-hours, the
	// admin panel over the display, touch mode). ShowAlerts is told the
	// ids of the urgent alerts in force whenever they change. Both run on
	// the UI goroutine, so they must be quick: the display log only counts
	// in memory.
	ShowSlide(id string)
	ShowAlerts(ids []string)

	// SaveConfig validates and writes the configuration (config.Save) and
	// applies what the UI does not own (sync schedule). The UI applies
	// its own part (mode, dwell, hours, idle, text size) itself.
	SaveConfig(*config.Config) error
	SyncNow(ctx context.Context, progress func(gksync.Event)) (gksync.Result, error)
	// WatchVolumes switches the search for sticks on while the admin
	// panel is open and off when it closes: nobody else imports. What it
	// finds arrives as Events.
	WatchVolumes(on bool)
	Preview(ctx context.Context, path string) (ImportDiff, error)
	Import(ctx context.Context, path string, progress func(gksync.Event)) (gksync.Result, error)
}

// The runtime is what cli hands in.
var _ Runtime = (*gkscreen.Runtime)(nil)
