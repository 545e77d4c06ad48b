package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/bcrypt"

	"gongkai/pin"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
)

// The admin panel tests its PIN pad, gesture and pages itself (package
// admin, with a fake host); these are the window's part: where the corner
// is, the close button, the timer's idle logout, saved settings applied,
// the overlay over the screens.

func init() { pin.Cost = bcrypt.MinCost } // keep PIN tests fast

// newAdminKiosk runs a touch kiosk with a data directory for admin.pin and
// the admin work made synchronous.
func newAdminKiosk(t *testing.T, d Deps) (*Kiosk, fyne.Window, *clock) {
	t.Helper()
	a := test.NewTempApp(t)
	c := &clock{t: demoNow}
	if d.Store == nil {
		d.Store = demoStore(t)
	}
	if d.DataDir == "" {
		d.DataDir = t.TempDir()
	}
	d.Location, d.Clock, d.Ticks = dongwan, c.Now, make(chan time.Time)
	w := test.NewWindow(nil)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	d.Spawn = kit.Inline
	k := New(a, w, d)
	t.Cleanup(k.Close)
	k.admin.Async = func(_ string, fn func()) { fn() }
	w.Resize(portrait)
	return k, w, c
}

// typePIN types pin on the pad as a clerk does, then 确定.
func typePIN(t *testing.T, k *Kiosk, pin string) {
	t.Helper()
	for _, r := range pin {
		test.Tap(button(t, k.admin.Box, string(r)))
	}
	test.Tap(button(t, k.admin.Box, "确定"))
}

// tapCorner does the hidden gesture on the window's top-left corner: a
// long press (DEPLOY.md: three seconds), then five taps.
func tapCorner(k *Kiosk, c *clock) {
	corner := k.cornerLayer.Objects[0]
	press := func(d time.Duration) {
		corner.(desktop.Mouseable).MouseDown(&desktop.MouseEvent{})
		c.t = c.t.Add(d)
		corner.(desktop.Mouseable).MouseUp(&desktop.MouseEvent{})
		test.Tap(corner.(fyne.Tappable))
	}
	press(3 * time.Second)
	for range 5 {
		c.t = c.t.Add(400 * time.Millisecond)
		press(100 * time.Millisecond)
	}
}

// withPIN is a data directory whose admin.pin is pin.
func withPIN(t *testing.T, p string) string {
	t.Helper()
	dir := t.TempDir()
	if err := pin.Write(dir, p); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The gesture on the window's top-left corner opens the PIN pad, and
// the right PIN the panel; the timer's tick logs an idle panel out.
func TestCornerGestureOpensThePanel(t *testing.T) {
	k, _, c := newAdminKiosk(t, Deps{DataDir: withPIN(t, "2468")})
	if !k.cornerLayer.Visible() {
		t.Fatal("no corner gesture at home")
	}
	if pos := k.cornerLayer.Objects[0].Position(); pos != (fyne.Position{}) {
		t.Fatalf("the corner is at %v, not the top-left", pos)
	}
	tapCorner(k, c)
	if !k.admin.Box.Visible() || !strings.Contains(textOf(k.admin.Box), "请输入管理密码") {
		t.Fatal("the gesture did not open the PIN pad")
	}
	typePIN(t, k, "2468")
	if !strings.Contains(textOf(k.admin.Box), "立即同步") {
		t.Fatal("the right PIN did not open the panel")
	}
	c.t = c.t.Add(61 * time.Second)
	k.Tick()
	if k.admin.Box.Visible() {
		t.Fatal("the tick did not log the idle panel out")
	}
}

// Closing the window asks for the PIN; the right one quits.
func TestCloseWindowAsksPINThenQuits(t *testing.T) {
	quit := 0
	k, _, _ := newAdminKiosk(t, Deps{DataDir: withPIN(t, "8642"), Admin: admin.Deps{Quit: func() { quit++ }}})
	k.RequestLeave()
	if !k.admin.Box.Visible() || !strings.Contains(textOf(k.admin.Box), "退出信息屏：请输入管理密码") {
		t.Fatal("closing did not ask for the PIN")
	}
	typePIN(t, k, "1111")
	if quit != 0 {
		t.Fatal("quit with a wrong PIN")
	}
	typePIN(t, k, "8642")
	if quit != 1 {
		t.Fatal("right PIN did not quit")
	}
}

func TestGestureHiddenWhereBackIs(t *testing.T) {
	k, _, _ := newAdminKiosk(t, Deps{})
	if err := k.v.Open("list:land"); err != nil {
		t.Fatal(err)
	}
	if k.cornerLayer.Visible() {
		t.Fatal("the corner covers 返回")
	}
	k.v.Home()
	if !k.cornerLayer.Visible() {
		t.Fatal("no corner at home")
	}
}

// Saved settings take effect without a restart: mode, dwell, lit hours,
// the 字号 a new villager finds (the panel's part, validating and saving:
// admin's TestSettingsValidateSaveApply).
func TestSavedSettingsApplyWithoutRestart(t *testing.T) {
	k, _, _ := newAdminKiosk(t, Deps{})
	cfg := mustParse(t, "location = \"310118901201\"\nsources = [\"https://example.gov.cn/feed/\"]\nmode = \"display\"\ndwell = \"20s\"\ndisplay_on = \"07:00\"\ndisplay_off = \"21:30\"\ntext_size = \"large\"\n")
	k.applyConfig(cfg)
	if !k.display() || k.disp.Rot.Dwell != 20*time.Second || k.disp.Rot.Hours != (kit.Hours{On: 420, Off: 1290}) || k.deps.TextStep != 1 {
		t.Errorf("not applied: mode %s dwell %v hours %v step %d", k.deps.Mode, k.disp.Rot.Dwell, k.disp.Rot.Hours, k.deps.TextStep)
	}
	if k.deps.Admin.Config != cfg {
		t.Error("the panel does not see the saved settings")
	}
}

// TestOverlayTakesEveryTap: a tap on empty space of the admin overlay,
// over a topic tile of the home screen beneath, stays with the overlay.
func TestOverlayTakesEveryTap(t *testing.T) {
	k, w, _ := newAdminKiosk(t, Deps{DataDir: withPIN(t, "2468")})
	k.admin.Open(admin.PurposeOpen)
	tile := tile(t, k.v.Object(), "土地征收")
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(tile)
	test.TapCanvas(w.Canvas(), pos.Add(fyne.NewPos(20, 20)))
	test.Tap(button(t, k.admin.Box, "1")) // the pad itself still works
	if where, _ := k.v.Where(); where != "home" || !strings.Contains(textOf(k.admin.Box), "●") {
		t.Fatalf("a tap on the overlay reached the screen beneath: screen %s", where)
	}
}
