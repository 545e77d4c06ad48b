package admin

import (
	"log/slog"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/bcrypt"

	"gongkai/config"
	"gongkai/pin"
	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

func init() { pin.Cost = bcrypt.MinCost } // keep PIN tests fast

// the fixtures under their short names
var (
	demoNow     = uitest.DemoNow
	demoStore   = uitest.DemoStore
	textOf      = uitest.TextOf
	pageContent = uitest.PageContent
	cardFor     = uitest.CardFor
	blockObj    = uitest.BlockObj
	landLog     = uitest.LandLog
	mustParse   = uitest.Config
	portrait    = uitest.Portrait
)

const (
	dongwan = uitest.Dongwan
)

type (
	clock       = uitest.Clock
	fakeRuntime = uitest.FakeRuntime
)

// kioskDeps is what a test sets of the window around the panel.
type kioskDeps struct {
	Store   *store.Store // the demo store when nil
	DataDir string       // a fresh folder when ""
	Admin   Deps
	Runtime Runtime
	Demo    bool         // the content is signed with the demo key
	Logger  *slog.Logger // slog.Default() when nil
}

// testKiosk is the panel in a test window as the window has it: its Host
// made of a kit.Env on the store at 东湾村 and what the window would do.
type testKiosk struct {
	*kit.Env
	admin   *Panel
	corner  *CornerTap // the hidden gesture's square, as the window places it
	deps    kioskDeps
	w       fyne.Window
	c       *clock
	applied []*config.Config // what ApplyConfig was handed
}

// newAdminKiosk runs the panel with a data directory for admin.pin and
// its work made synchronous.
func newAdminKiosk(t *testing.T, d kioskDeps) (*testKiosk, fyne.Window, *clock) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(kit.NewTheme(0)) // the panel's own size, as the window sets it
	c := &clock{T: demoNow}
	if d.Store == nil {
		d.Store = demoStore(t)
	}
	if d.DataDir == "" {
		d.DataDir = t.TempDir()
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	env := &kit.Env{Store: d.Store, Location: uitest.Dongwan, Clock: c.Now, Logger: d.Logger, Faults: kit.NewFaults(d.Logger)}
	env.Load()
	env.Spawn = kit.Inline
	k := &testKiosk{Env: env, deps: d, c: c}
	host := &Host{Env: env, Admin: &k.deps.Admin, Runtime: d.Runtime, DataDir: d.DataDir, Started: demoNow, Demo: d.Demo,
		Do:          func(_ string, fn func()) { fn() },
		GoSafe:      env.Go,
		Card:        func(content fyne.CanvasObject, tapped func()) *kit.TapCard { return kit.NewTapCard(content, tapped) },
		Wake:        func() {},
		ApplyTheme:  func() {},
		ApplyConfig: func(c *config.Config) { k.applied = append(k.applied, c) },
		Hush:        func() {},
		Display:     func() bool { return false },
		IsStale:     func(now time.Time) (bool, string) { return env.Stale(now, config.DefaultStaleAfter) },
		QuitApp:     func() {},
	}
	k.admin = New(host)
	k.admin.Async = func(_ string, fn func()) { fn() }
	k.corner = k.admin.Corner().(*CornerTap)
	w := test.NewWindow(k.admin.Box)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	w.Resize(portrait)
	k.w = w
	return k, w, c
}

func typePIN(k *testKiosk, pin string) {
	for _, r := range pin {
		test.Tap(k.admin.keys[string(r)])
	}
	test.Tap(k.admin.keys["确定"])
}

// tapCorner does the hidden gesture: a long press on the corner, then n
// taps every so often.
func tapCorner(k *testKiosk, c *clock, n int, every time.Duration) {
	press(k.corner, c, gestureHold)
	for range n {
		c.T = c.T.Add(every)
		press(k.corner, c, 100*time.Millisecond)
	}
}

// press holds the corner for d.
func press(o *CornerTap, c *clock, d time.Duration) {
	o.MouseDown(&desktop.MouseEvent{})
	c.T = c.T.Add(d)
	o.MouseUp(&desktop.MouseEvent{})
	test.Tap(o)
}
