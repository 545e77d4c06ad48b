package villager

import (
	"log/slog"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// the fixtures under their short names
var (
	demoNow     = uitest.DemoNow
	demoStore   = uitest.DemoStore
	demoFeed    = uitest.DemoFeed
	demoWith    = uitest.DemoWith
	applyAlerts = uitest.ApplyAlerts
	typhoon     = uitest.Typhoon
	textOf      = uitest.TextOf
	segments    = uitest.Segments
	pageContent = uitest.PageContent
	blockObj    = uitest.BlockObj
	cardFor     = uitest.CardFor
	hasCard     = uitest.HasCard
	orient      = uitest.Orient
	short       = uitest.Short
	portrait    = uitest.Portrait
	landscape   = uitest.Landscape
)

const (
	dongwan = uitest.Dongwan
	liutang = uitest.Liutang
)

type clock = uitest.Clock

// fakeHost stands in for the window: it sets the theme for the 字号
// step, and notes what it is told.
type fakeHost struct {
	s       *Screens
	display bool
	touched int
	atHome  bool
	held    bool              // HoldSlide
	banner  fyne.CanvasObject // Banner
}

func (h *fakeHost) Touch()                    { h.touched++ }
func (h *fakeHost) Display() bool             { return h.display }
func (h *fakeHost) ApplyTheme()               { fyne.CurrentApp().Settings().SetTheme(kit.NewTheme(h.s.Step())) }
func (h *fakeHost) Navigated(atHome bool)     { h.atHome = atHome }
func (h *fakeHost) Banner() fyne.CanvasObject { return h.banner }
func (h *fakeHost) HoldSlide(on bool)         { h.held = on }
func (h *fakeHost) Canvas() fyne.Canvas       { return nil }

// testScreens is the villager's screens in a test window as the window
// shows them.
type testScreens struct {
	*Screens
	host *fakeHost
	w    fyne.Window
	c    *clock
}

// newScreens runs the screens on st in a test window of the given size,
// with background reads inline.
func newScreens(t *testing.T, st *store.Store, size fyne.Size, o Options, host *fakeHost) *testScreens {
	t.Helper()
	a := test.NewTempApp(t)
	c := &clock{T: demoNow}
	env := &kit.Env{Store: st, Location: dongwan, Clock: c.Now, Logger: slog.Default(), Faults: kit.NewFaults(slog.Default())}
	env.Load()
	a.Settings().SetTheme(kit.NewTheme(kit.ClampStep(o.TextStep)))
	if host == nil {
		host = &fakeHost{}
	}
	if host.banner == nil { // no alert in force: the banner is hidden
		host.banner = canvas.NewRectangle(nil)
		host.banner.Hide()
	}
	s := New(env, host, o)
	host.s = s
	s.Spawn = kit.Inline
	t.Cleanup(s.Hush)
	w := test.NewWindow(nil)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	bg := canvas.NewRectangle(kit.ThemeColor(theme.ColorNameBackground))
	w.SetContent(container.NewStack(bg, s.Object()))
	if !host.display {
		s.Render()
	}
	w.Resize(size)
	return &testScreens{Screens: s, host: host, w: w, c: c}
}

// newTestScreens runs the screens on the demo store, as a demo screen.
func newTestScreens(t *testing.T, size fyne.Size) *testScreens {
	t.Helper()
	return newScreens(t, demoStore(t), size, Options{Demo: true}, nil)
}

// refresh is what the window does after a sync: the Env loaded again,
// the screens reloaded.
func (k *testScreens) refresh() {
	k.Load()
	k.Reload()
}

// settle lays the window out as a frame would.
func settle(o fyne.CanvasObject) { kit.Settle(o, test.WidgetRenderer) }

func (k *Screens) tile(t *testing.T, name string) *kit.TapCard {
	t.Helper()
	for _, o := range k.home.tiles.Objects {
		if c := o.(*kit.TapCard); strings.Contains(textOf(c), name) {
			return c
		}
	}
	t.Fatalf("no tile %q", name)
	return nil
}

const (
	landTitle  = "东湾村三组集体土地征收补偿安置方案公告" // land-2026-017, 东湾村
	otherTitle = "柳塘村四组拟征收土地预公告"       // land-2026-021, 柳塘村 only
	otherID    = "land-2026-021"
)
