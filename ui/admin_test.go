package ui

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/bcrypt"

	"gongkai/config"
	"gongkai/pin"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
)

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

func typePIN(k *Kiosk, pin string) {
	for _, r := range pin {
		test.Tap(k.admin.Keys[string(r)])
	}
	test.Tap(k.admin.Keys["确定"])
}

// tapCorner does the hidden gesture: a long press on the corner, then n
// taps every so often.
func tapCorner(k *Kiosk, c *clock, n int, every time.Duration) {
	press(k.corner, c, admin.GestureHold)
	for range n {
		c.t = c.t.Add(every)
		press(k.corner, c, 100*time.Millisecond)
	}
}

// press holds the corner for d.
func press(o *admin.CornerTap, c *clock, d time.Duration) {
	o.MouseDown(&desktop.MouseEvent{})
	c.t = c.t.Add(d)
	o.MouseUp(&desktop.MouseEvent{})
	test.Tap(o)
}

func TestNoPINKeepsThePanelShut(t *testing.T) {
	dir := t.TempDir()
	k, _, c := newAdminKiosk(t, Deps{DataDir: dir})
	if !k.cornerLayer.Visible() {
		t.Fatal("no corner gesture at home")
	}
	tapCorner(k, c, 5, 400*time.Millisecond)
	if !k.admin.Box.Visible() || !k.admin.Pad.Visible() {
		t.Fatal("the gesture did not open the overlay")
	}
	if k.admin.PadKeys.Visible() || !strings.Contains(textOf(k.admin.PadMsg), "gongkai pin") {
		t.Fatalf("a screen without a PIN offers its keys: %q", textOf(k.admin.PadMsg))
	}
	for _, s := range []string{"设置", "新密码"} {
		if strings.Contains(kit.Unbreakable(k.admin.PadTitle.Text), s) {
			t.Fatalf("a passer-by is offered to set the PIN: %q", k.admin.PadTitle.Text)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, pin.File)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("admin.pin written by opening the panel: %v", err)
	}
	// the technician sets it on the machine; the next opening asks for it
	test.Tap(k.admin.Closer)
	if err := pin.Write(dir, "2468"); err != nil {
		t.Fatal(err)
	}
	tapCorner(k, c, 5, 400*time.Millisecond)
	if !k.admin.PadKeys.Visible() {
		t.Fatal("PIN set on the machine, but the pad still says there is none")
	}
	typePIN(k, "2468")
	if !k.admin.Panel.Visible() {
		t.Fatal("the PIN set on the machine does not open the panel")
	}
}

func TestLockoutOnThePad(t *testing.T) {
	dir := t.TempDir()
	if err := pin.Write(dir, "2468"); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	k, _, c := newAdminKiosk(t, Deps{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	tapCorner(k, c, 5, 100*time.Millisecond)
	for i := range 5 {
		typePIN(k, "0000")
		if i < 4 && !strings.Contains(textOf(k.admin.PadMsg), "还可再试") {
			t.Fatalf("try %d: %q", i+1, textOf(k.admin.PadMsg))
		}
	}
	if k.admin.Gate.LockedFor(c.t) != 30*time.Second || !k.admin.Keys["1"].Disabled() {
		t.Fatalf("locked for %v", k.admin.Gate.LockedFor(c.t))
	}
	if !strings.Contains(textOf(k.admin.PadMsg), "30 秒") {
		t.Fatalf("lock message %q", textOf(k.admin.PadMsg))
	}
	if n := strings.Count(logged.String(), "admin PIN locked"); n != 1 {
		t.Fatalf("%d lockouts logged, want 1:\n%s", n, logged.String())
	}
	c.t = c.t.Add(30 * time.Second)
	k.Tick()
	if k.admin.Keys["1"].Disabled() {
		t.Fatal("pad still locked after the delay")
	}
	for range 5 {
		typePIN(k, "1111")
	}
	if d := k.admin.Gate.LockedFor(c.t); d != 60*time.Second {
		t.Fatalf("second lock %v, want 60s", d)
	}
	if n := strings.Count(logged.String(), "admin PIN locked"); n != 2 || !strings.Contains(logged.String(), "locks_in_a_row=2") {
		t.Fatalf("second lockout not logged with its count:\n%s", logged.String())
	}
	c.t = c.t.Add(60 * time.Second)
	k.Tick() // also logs the idle pad out
	tapCorner(k, c, 5, 100*time.Millisecond)
	typePIN(k, "2468")
	if !k.admin.Panel.Visible() {
		t.Fatal("correct PIN after the delay did not open the panel")
	}
}

func TestDemoPadTellsTheDemoPIN(t *testing.T) {
	dir := t.TempDir()
	if err := pin.Write(dir, pin.Demo); err != nil {
		t.Fatal(err)
	}
	k, _, c := newAdminKiosk(t, Deps{DataDir: dir, Demo: true})
	tapCorner(k, c, 5, 100*time.Millisecond)
	if !strings.Contains(textOf(k.admin.PadMsg), pin.Demo) {
		t.Fatalf("demo pad: %q", textOf(k.admin.PadMsg))
	}
	// a real screen never shows its PIN
	dir2 := t.TempDir()
	pin.Write(dir2, pin.Demo)
	k2, _, c2 := newAdminKiosk(t, Deps{DataDir: dir2})
	tapCorner(k2, c2, 5, 100*time.Millisecond)
	if strings.Contains(textOf(k2.admin.PadMsg), pin.Demo) {
		t.Fatalf("a screen that is no demo shows its PIN: %q", textOf(k2.admin.PadMsg))
	}
}

func TestCloseWindowAsksPINThenQuits(t *testing.T) {
	quit := 0
	k, _, _ := newAdminKiosk(t, Deps{Admin: admin.Deps{Quit: func() { quit++ }}})
	k.admin.Gate.Set("8642")
	k.RequestLeave()
	if !k.admin.Pad.Visible() || k.admin.Purpose != admin.PurposeLeave {
		t.Fatal("closing did not ask for the PIN")
	}
	typePIN(k, "1111")
	if quit != 0 {
		t.Fatal("quit with a wrong PIN")
	}
	typePIN(k, "8642")
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

func TestSettingsValidateSaveApply(t *testing.T) {
	cfg := mustParse(t, "location = \"310118901201\"\nsources = [\"https://example.gov.cn/feed/\"]\n")
	var saved *config.Config
	k, _, _ := newAdminKiosk(t, Deps{Admin: admin.Deps{Unlocked: true, Config: cfg},
		Runtime: &fakeRuntime{OnSaveConfig: func(c *config.Config) error { saved = c; return nil }}})
	k.admin.Open(admin.PurposeOpen)
	k.admin.ShowPage(admin.PageSettings)
	p := k.admin.Pages[admin.PageSettings].(*admin.SettingsPage)
	field := func(prefix string) *admin.Setting {
		for _, s := range p.Settings() {
			if strings.HasPrefix(s.Name, prefix) {
				return s
			}
		}
		t.Fatalf("no field %s", prefix)
		return nil
	}
	enter := func(s *admin.Setting, value string) {
		p.Edit(s)
		test.Tap(p.Keys[kit.KeyClear])
		for _, r := range value {
			test.Tap(p.Keys[string(r)])
		}
		test.Tap(p.Keys["确定"])
	}

	enter(field("位置代码"), "3101")
	if !p.Editor.Visible() || !strings.Contains(textOf(p.EdMsg), "位置代码不正确") {
		t.Fatalf("bad location accepted: %q", textOf(p.EdMsg))
	}
	test.Tap(p.Keys["取消"])
	enter(field("添加数据源"), "ftp://x")
	if !strings.Contains(textOf(p.EdMsg), "数据源不正确") {
		t.Fatalf("bad URL accepted: %q", textOf(p.EdMsg))
	}
	test.Tap(p.Keys["取消"])
	enter(field("开屏"), "7:00")
	if !strings.Contains(textOf(p.EdMsg), "开屏") {
		t.Fatalf("bad time accepted: %q", textOf(p.EdMsg))
	}
	test.Tap(p.Keys["取消"])
	if saved != nil || p.Draft.Location != "310118901201" {
		t.Fatal("a refused value reached the draft or the file")
	}

	enter(field("添加数据源"), "http://10.0.0.2/feed/")
	enter(field("轮播时长"), "20")
	enter(field("开屏"), "07:00")
	enter(field("关屏"), "21:30")
	enter(field("新管理密码"), "97531")
	test.Tap(p.Keys["模式:电子信息屏"])
	test.Tap(p.Keys["默认字号:大"])
	test.Tap(p.Save)
	if saved == nil {
		t.Fatalf("not saved: %q", textOf(p.Msg))
	}
	if saved.Dwell.Duration != 20*time.Second || saved.DisplayOn != "07:00" || saved.DisplayOff != "21:30" ||
		len(saved.Sources) != 2 || saved.Mode != config.ModeDisplay || saved.TextSize != config.TextLarge {
		t.Fatalf("saved %+v", saved)
	}
	// applied without restart
	if !k.display() || k.disp.Rot.Dwell != 20*time.Second || k.disp.Rot.Hours != (kit.Hours{On: 420, Off: 1290}) || k.deps.TextStep != 1 {
		t.Errorf("not applied: mode %s dwell %v hours %v", k.deps.Mode, k.disp.Rot.Dwell, k.disp.Rot.Hours)
	}
	if err := k.admin.Gate.Check("97531", demoNow); err != nil {
		t.Errorf("new PIN: %v", err)
	}
	if !strings.Contains(textOf(p.Msg), "已保存") {
		t.Errorf("message %q", textOf(p.Msg))
	}
}

// Sticks are looked for only while the panel is open: from the gesture,
// through the PIN pad, to closing or the idle logout.
func TestPanelWatchesVolumesOnlyWhileOpen(t *testing.T) {
	var switched []bool
	k, _, c := newAdminKiosk(t, Deps{Runtime: &fakeRuntime{OnWatchVolumes: func(on bool) { switched = append(switched, on) }}})
	if len(switched) != 0 {
		t.Fatalf("watching before the panel opened: %v", switched)
	}
	tapCorner(k, c, 5, 100*time.Millisecond)
	if !k.admin.Box.Visible() || !slices.Equal(switched, []bool{true}) {
		t.Fatalf("gesture: open %v, watch %v", k.admin.Box.Visible(), switched)
	}
	typePIN(k, "2468")
	typePIN(k, "2468")
	k.admin.Close() // the 关闭 button
	if k.admin.Box.Visible() || !slices.Equal(switched, []bool{true, false}) {
		t.Fatalf("closed: open %v, watch %v", k.admin.Box.Visible(), switched)
	}
	k.admin.Open(admin.PurposeOpen)
	c.t = c.t.Add(61 * time.Second)
	k.Tick()
	if k.admin.Box.Visible() || !slices.Equal(switched, []bool{true, false, true, false}) {
		t.Fatalf("idle logout: open %v, watch %v", k.admin.Box.Visible(), switched)
	}
}

// TestOverlayTakesEveryTap: a tap on empty space of the admin overlay,
// over a topic tile of the home screen beneath, stays with the overlay.
func TestOverlayTakesEveryTap(t *testing.T) {
	k, w, c := newAdminKiosk(t, Deps{})
	k.admin.Gate.Set("2468")
	tapCorner(k, c, 5, 100*time.Millisecond)
	if !k.admin.Pad.Visible() {
		t.Fatal("no PIN pad")
	}
	tile := tile(t, k.v.Object(), "土地征收")
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(tile)
	test.TapCanvas(w.Canvas(), pos.Add(fyne.NewPos(20, 20)))
	test.Tap(k.admin.Keys["1"]) // the pad itself still works
	if where, _ := k.v.Where(); where != "home" || k.admin.Entry != "1" {
		t.Fatalf("a tap on the overlay reached the screen beneath: screen %s", where)
	}
}
