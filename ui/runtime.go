package ui

import (
	gkscreen "gongkai/screen"
	"gongkai/ui/admin"
	"gongkai/ui/villager"
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

	// what the admin panel calls: saving settings, sync now, sticks and
	// importing from them
	admin.Runtime
}

// Speaker plays a notice's audio (朗读): *playback.Player on a real
// screen; Deps.Speaker nil when the screen has no sound output.
type Speaker = villager.Speaker

// The runtime is what cli hands in.
var _ Runtime = (*gkscreen.Runtime)(nil)
