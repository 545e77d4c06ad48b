package display

import (
	"log/slog"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// the fixtures under their short names
var (
	demoNow   = uitest.DemoNow
	textOf    = uitest.TextOf
	orient    = uitest.Orient
	portrait  = uitest.Portrait
	landscape = uitest.Landscape
)

// testView is the display in a test window as the window shows it: on
// show, under the display's theme, on a settable clock.
type testView struct {
	*View
	w fyne.Window
	c *uitest.Clock
}

// newTestDisplay runs the display on st (nil: the demo store) at 东湾村,
// with reads inline. It is on show and says the content is stale as the
// window does, after config.DefaultStaleAfter.
func newTestDisplay(t *testing.T, st *store.Store, o Options, size fyne.Size) *testView {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&kit.KioskTheme{Body: Body})
	if st == nil {
		st = uitest.DemoStore(t)
	}
	c := &uitest.Clock{T: demoNow}
	env := &kit.Env{Store: st, Location: uitest.Dongwan, Clock: c.Now, Logger: slog.Default(), Faults: kit.NewFaults(slog.Default())}
	env.Load()
	env.Spawn = kit.Inline
	if o.Shown == nil {
		o.Shown = func() bool { return true }
	}
	if o.Stale == nil {
		o.Stale = func(now time.Time) (bool, string) { return env.Stale(now, config.DefaultStaleAfter) }
	}
	if o.Speak == nil {
		o.Speak = func(*feed.Item) {}
	}
	v := New(env, o)
	w := test.NewWindow(v.Box)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	v.Box.Show()
	v.Reload()
	w.Resize(size)
	return &testView{View: v, w: w, c: c}
}

// tick is the window's tick: the display does what is due now.
func (v *testView) tick() time.Time { return v.Tick(v.c.Now()) }

// settle lays the window out as a frame would.
func settle(o fyne.CanvasObject) { kit.Settle(o, test.WidgetRenderer) }
