package admin

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

	"fyne.io/fyne/v2/test"

	"gongkai/config"
	"gongkai/pin"
	"gongkai/ui/kit"
)

// The PIN pad behind the corner gesture, and the settings, tested on the
// panel alone (the window's part of them: ui's admin_test.go).

func TestNoPINKeepsThePanelShut(t *testing.T) {
	dir := t.TempDir()
	k, _, c := newAdminKiosk(t, kioskDeps{DataDir: dir})
	tapCorner(k, c, 5, 400*time.Millisecond)
	if !k.admin.Box.Visible() || !k.admin.pad.Visible() {
		t.Fatal("the gesture did not open the overlay")
	}
	if k.admin.keyBox.Visible() || !strings.Contains(textOf(k.admin.padMsg), "gongkai pin") {
		t.Fatalf("a screen without a PIN offers its keys: %q", textOf(k.admin.padMsg))
	}
	for _, s := range []string{"设置", "新密码"} {
		if strings.Contains(kit.Unbreakable(k.admin.padTitle.Text), s) {
			t.Fatalf("a passer-by is offered to set the PIN: %q", k.admin.padTitle.Text)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, pin.File)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("pin written by opening the panel: %v", err)
	}
	// the technician sets it on the machine; the next opening asks for it
	test.Tap(k.admin.closer)
	if err := pin.Write(dir, "2468"); err != nil {
		t.Fatal(err)
	}
	tapCorner(k, c, 5, 400*time.Millisecond)
	if !k.admin.keyBox.Visible() {
		t.Fatal("PIN set on the machine, but the pad still says there is none")
	}
	typePIN(k, "2468")
	if !k.admin.panel.Visible() {
		t.Fatal("the PIN set on the machine does not open the panel")
	}
}

func TestLockoutOnThePad(t *testing.T) {
	dir := t.TempDir()
	if err := pin.Write(dir, "2468"); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	k, _, c := newAdminKiosk(t, kioskDeps{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	tapCorner(k, c, 5, 100*time.Millisecond)
	for i := range 5 {
		typePIN(k, "0000")
		if i < 4 && !strings.Contains(textOf(k.admin.padMsg), "还可再试") {
			t.Fatalf("try %d: %q", i+1, textOf(k.admin.padMsg))
		}
	}
	if k.admin.gate.LockedFor(c.T) != 30*time.Second || !k.admin.keys["1"].Disabled() {
		t.Fatalf("locked for %v", k.admin.gate.LockedFor(c.T))
	}
	if !strings.Contains(textOf(k.admin.padMsg), "30 秒") {
		t.Fatalf("lock message %q", textOf(k.admin.padMsg))
	}
	if n := strings.Count(logged.String(), "admin PIN locked"); n != 1 {
		t.Fatalf("%d lockouts logged, want 1:\n%s", n, logged.String())
	}
	c.T = c.T.Add(30 * time.Second)
	k.admin.CheckIdle(c.T)
	if k.admin.keys["1"].Disabled() {
		t.Fatal("pad still locked after the delay")
	}
	for range 5 {
		typePIN(k, "1111")
	}
	if d := k.admin.gate.LockedFor(c.T); d != 60*time.Second {
		t.Fatalf("second lock %v, want 60s", d)
	}
	if n := strings.Count(logged.String(), "admin PIN locked"); n != 2 || !strings.Contains(logged.String(), "locks_in_a_row=2") {
		t.Fatalf("second lockout not logged with its count:\n%s", logged.String())
	}
	c.T = c.T.Add(60 * time.Second)
	k.admin.CheckIdle(c.T) // also logs the idle pad out
	tapCorner(k, c, 5, 100*time.Millisecond)
	typePIN(k, "2468")
	if !k.admin.panel.Visible() {
		t.Fatal("correct PIN after the delay did not open the panel")
	}
}

func TestDemoPadTellsTheDemoPIN(t *testing.T) {
	dir := t.TempDir()
	if err := pin.Write(dir, pin.Demo); err != nil {
		t.Fatal(err)
	}
	k, _, c := newAdminKiosk(t, kioskDeps{DataDir: dir, Demo: true})
	tapCorner(k, c, 5, 100*time.Millisecond)
	if !strings.Contains(textOf(k.admin.padMsg), pin.Demo) {
		t.Fatalf("demo pad: %q", textOf(k.admin.padMsg))
	}
	// a real screen never shows its PIN
	dir2 := t.TempDir()
	pin.Write(dir2, pin.Demo)
	k2, _, c2 := newAdminKiosk(t, kioskDeps{DataDir: dir2})
	tapCorner(k2, c2, 5, 100*time.Millisecond)
	if strings.Contains(textOf(k2.admin.padMsg), pin.Demo) {
		t.Fatalf("a screen that is no demo shows its PIN: %q", textOf(k2.admin.padMsg))
	}
}

func TestCloseWindowAsksPINThenQuits(t *testing.T) {
	quit := 0
	k, _, _ := newAdminKiosk(t, kioskDeps{Admin: Deps{Quit: func() { quit++ }}})
	k.admin.gate.Set("8642")
	k.admin.Open(PurposeLeave) // the window's close button (ui's RequestLeave)
	if !k.admin.pad.Visible() || k.admin.asked != PurposeLeave {
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

func TestSettingsValidateSaveApply(t *testing.T) {
	cfg := mustParse(t, "location = \"310118901201\"\nsources = [\"https://example.gov.cn/feed/\"]\n")
	var saved *config.Config
	k, _, _ := newAdminKiosk(t, kioskDeps{Admin: Deps{Unlocked: true, Config: cfg},
		Runtime: &fakeRuntime{OnSaveConfig: func(c *config.Config) error { saved = c; return nil }}})
	k.admin.Open(PurposeOpen)
	k.admin.ShowPage(PageSettings)
	p := k.admin.Pages[PageSettings].(*SettingsPage)
	field := func(prefix string) *Setting {
		for _, s := range p.Settings() {
			if strings.HasPrefix(s.Name, prefix) {
				return s
			}
		}
		t.Fatalf("no field %s", prefix)
		return nil
	}
	enter := func(s *Setting, value string) {
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
	// handed to the window to apply without a restart (ui's
	// TestSavedSettingsApplyWithoutRestart)
	if len(k.applied) != 1 || k.applied[0] != saved {
		t.Errorf("the window was handed %v, want the saved settings", k.applied)
	}
	if err := k.admin.gate.Check("97531", demoNow); err != nil {
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
	k, _, c := newAdminKiosk(t, kioskDeps{Runtime: &fakeRuntime{OnWatchVolumes: func(on bool) { switched = append(switched, on) }}})
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
	k.admin.Open(PurposeOpen)
	c.T = c.T.Add(61 * time.Second)
	k.admin.CheckIdle(c.T)
	if k.admin.Box.Visible() || !slices.Equal(switched, []bool{true, false, true, false}) {
		t.Fatalf("idle logout: open %v, watch %v", k.admin.Box.Visible(), switched)
	}
}
