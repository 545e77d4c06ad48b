package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/bcrypt"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/paper"
	"gongkai/pin"
	"gongkai/proof"
	gkscreen "gongkai/screen"
	"gongkai/store"
	gksync "gongkai/sync"
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
	k := New(a, w, d)
	t.Cleanup(k.Close)
	k.admin.Async = func(_ string, fn func()) { fn() }
	k.Spawn = kit.Inline
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

func TestGestureIsALongPressThenFiveTaps(t *testing.T) {
	tap := func(g *admin.Gesture, at time.Time, held time.Duration) bool {
		g.Down(at)
		return g.Up(at.Add(held))
	}
	t0 := demoNow
	short := 150 * time.Millisecond
	for _, tc := range []struct {
		name string
		run  func(g *admin.Gesture) bool // the last Up's answer
		want bool
	}{
		{"five quick taps, no long press", func(g *admin.Gesture) bool {
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(time.Duration(i)*300*time.Millisecond), short)
			}
			return got
		}, false},
		{"seven impatient taps on 返回", func(g *admin.Gesture) bool {
			var got bool
			for i := range 7 {
				got = got || tap(g, t0.Add(time.Duration(i)*200*time.Millisecond), short)
			}
			return got
		}, false},
		{"long press, then five taps", func(g *admin.Gesture) bool {
			tap(g, t0, admin.GestureHold)
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(admin.GestureHold+time.Duration(i+1)*400*time.Millisecond), short)
			}
			return got
		}, true},
		{"long press, then four taps", func(g *admin.Gesture) bool {
			tap(g, t0, admin.GestureHold)
			var got bool
			for i := range 4 {
				got = tap(g, t0.Add(admin.GestureHold+time.Duration(i+1)*400*time.Millisecond), short)
			}
			return got
		}, false},
		{"press too short to arm", func(g *admin.Gesture) bool {
			tap(g, t0, admin.GestureHold-time.Millisecond)
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(admin.GestureHold+time.Duration(i+1)*400*time.Millisecond), short)
			}
			return got
		}, false},
		{"taps too late after the press", func(g *admin.Gesture) bool {
			tap(g, t0, admin.GestureHold)
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(admin.GestureHold+admin.GestureWindow+time.Duration(i)*100*time.Millisecond), short)
			}
			return got
		}, false},
		{"a second long press restarts the count", func(g *admin.Gesture) bool {
			tap(g, t0, admin.GestureHold)
			tap(g, t0.Add(4*time.Second), short)
			tap(g, t0.Add(5*time.Second), admin.GestureHold)
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(9*time.Second+time.Duration(i)*300*time.Millisecond), short)
			}
			return got
		}, true},
		{"a clock that jumps back", func(g *admin.Gesture) bool {
			tap(g, t0, admin.GestureHold)
			return tap(g, t0.Add(-time.Hour), short)
		}, false},
	} {
		var g admin.Gesture
		if got := tc.run(&g); got != tc.want {
			t.Errorf("%s: opened %v, want %v", tc.name, got, tc.want)
		}
	}
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
		Runtime: &fakeRuntime{saveConfig: func(c *config.Config) error { saved = c; return nil }}})
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
	k, _, c := newAdminKiosk(t, Deps{Runtime: &fakeRuntime{watchVolumes: func(on bool) { switched = append(switched, on) }}})
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

func TestUSBImportPreviewConfirmCancel(t *testing.T) {
	var imported []string
	k, _, _ := newAdminKiosk(t, Deps{Admin: admin.Deps{Unlocked: true}, Runtime: &fakeRuntime{
		preview: func(_ context.Context, path string) (admin.ImportDiff, error) {
			if strings.Contains(path, "bad") {
				return admin.ImportDiff{}, fmt.Errorf("sync: %w", feed.ErrSignature)
			}
			return admin.ImportDiff{Version: 9, Added: []string{"新通知甲"}, Withdrawn: []string{"旧通知乙"}}, nil
		},
		importFeed: func(_ context.Context, path string, progress func(gksync.Event)) (gksync.Result, error) {
			imported = append(imported, path)
			progress(gksync.Event{Stage: gksync.StageApplying})
			return gksync.Result{Version: 9, Changes: store.Changes{Added: 1, Removed: 1}}, nil
		}}})
	k.admin.Open(admin.PurposeOpen)
	p := k.admin.Pages[admin.PageUSB].(*admin.UsbPage)
	// the watcher loop, run here to its end instead of in a goroutine
	events := make(chan gkscreen.Event, 1)
	events <- gkscreen.Event{Kind: gkscreen.Volumes, Volumes: []string{"/media/usb0/feed", "/media/usb0/bad"}}
	close(events)
	k.watchEvents(events)
	if k.admin.Page != admin.PageUSB || len(p.List.Objects) != 2 {
		t.Fatalf("stick not offered: page %d, %d entries", k.admin.Page, len(p.List.Objects))
	}
	test.Tap(p.List.Objects[1].(*kit.TapCard))
	if !strings.Contains(textOf(p.Head), "签名不符") || p.Actions.Visible() {
		t.Fatalf("bad feed: %q", textOf(p.Head))
	}
	test.Tap(p.List.Objects[0].(*kit.TapCard))
	if !strings.Contains(textOf(p.Head), "新增 1 条") || !strings.Contains(pageContent(p.Paged.P), "旧通知乙") || !p.Actions.Visible() {
		t.Fatalf("preview: %q / %q", textOf(p.Head), pageContent(p.Paged.P))
	}
	test.Tap(p.Cancel)
	if len(imported) != 0 || p.Diff != nil {
		t.Fatal("cancel imported")
	}
	test.Tap(p.List.Objects[0].(*kit.TapCard))
	test.Tap(p.Confirm)
	if len(imported) != 1 || imported[0] != "/media/usb0/feed" {
		t.Fatalf("imported %v", imported)
	}
	if !strings.Contains(textOf(p.Head), "已更新到第 9 版") {
		t.Errorf("result %q", textOf(p.Head))
	}
	// item 10: a stick with the version the screen has offers no import
	k.Feed.Version = 9
	test.Tap(p.List.Objects[0].(*kit.TapCard))
	if p.Confirm.Visible() || !p.Cancel.Visible() || !strings.Contains(textOf(p.Head), "无需导入") {
		t.Errorf("same version: confirm shown %v, head %q", p.Confirm.Visible(), textOf(p.Head))
	}
	test.Tap(p.Cancel)
	k.Feed.Version = 8
	test.Tap(p.List.Objects[0].(*kit.TapCard))
	if !p.Confirm.Visible() {
		t.Error("a newer version is not offered for import")
	}
}

func TestSyncNowProgress(t *testing.T) {
	var values []float64
	var k *Kiosk
	k, _, _ = newAdminKiosk(t, Deps{Admin: admin.Deps{Unlocked: true}, Runtime: &fakeRuntime{
		syncNow: func(_ context.Context, progress func(gksync.Event)) (gksync.Result, error) {
			bar := k.admin.Pages[admin.PageSync].(*admin.SyncPage).Bar
			for _, e := range []gksync.Event{
				{Stage: gksync.StageChecking}, {Stage: gksync.StageVerifying},
				{Stage: gksync.StageDownloading, Objects: 1, TotalObjects: 4, Bytes: 50, TotalBytes: 100},
				{Stage: gksync.StageApplying}, {Stage: gksync.StageDone},
			} {
				progress(e)
				values = append(values, bar.Value)
			}
			return gksync.Result{Version: 8, Changes: store.Changes{Added: 2, Changed: 1}}, nil
		}}})
	k.admin.Open(admin.PurposeOpen)
	k.admin.ShowPage(admin.PageSync)
	p := k.admin.Pages[admin.PageSync].(*admin.SyncPage)
	test.Tap(p.Run)
	want := []float64{0.05, 0.15, 0.55, 0.95, 1}
	for i := range want {
		if i >= len(values) || values[i] < want[i]-1e-9 || values[i] > want[i]+1e-9 {
			t.Fatalf("bar values %v, want %v", values, want)
		}
	}
	if !strings.Contains(textOf(p.Result), "已更新到第 8 版：新增 2 条，更新 1 条") || p.Running {
		t.Errorf("result %q", textOf(p.Result))
	}

	// a failure in plain words, a panic recovered
	k.deps.Runtime.(*fakeRuntime).syncNow = func(_ context.Context, progress func(gksync.Event)) (gksync.Result, error) {
		progress(gksync.Event{Stage: gksync.StageChecking})
		progress(gksync.Event{Stage: gksync.StageFailed})
		return gksync.Result{}, fmt.Errorf(`sync: reading the manifest from https://x: Get "https://x": %w`,
			&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true})
	}
	test.Tap(p.Run)
	if !strings.Contains(textOf(p.Result), "无法连接服务器") {
		t.Errorf("failure %q", textOf(p.Result))
	}
	// item 10: no full bar beside a failure
	if p.Bar.Visible() && p.Bar.Value > 0.06 {
		t.Errorf("a failed sync shows the bar at %.0f%%", 100*p.Bar.Value)
	}
	k.deps.Runtime.(*fakeRuntime).syncNow = func(context.Context, func(gksync.Event)) (gksync.Result, error) { panic("boom") }
	test.Tap(p.Run)
	if !strings.Contains(textOf(p.Result), "同步失败") || p.Running {
		t.Errorf("panic: %q", textOf(p.Result))
	}
}

func TestBackgroundPanicIsReported(t *testing.T) {
	k, _, _ := newAdminKiosk(t, Deps{Admin: admin.Deps{Unlocked: true}})
	// what goSafe wraps around every job, run here without a goroutine
	func() {
		defer k.Faults.Recovered("test job")
		panic("kaputt")
	}()
	found := false
	for _, l := range k.admin.StatusLines() {
		if l.Name == "后台错误" && strings.Contains(l.Value, "kaputt") && l.Bad {
			found = true
		}
	}
	if !found {
		t.Errorf("panic not on the status page: %+v", k.admin.StatusLines())
	}
}

// TestPlainErrors: a failure is said by its kind, which KindOf chose from
// the error's value: the same English words without the value say nothing.
func TestPlainErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("sync: %w", feed.ErrSignature), "签名不符"},
		{fmt.Errorf("sync: %w", feed.ErrExpired), "内容已过期"},
		{fmt.Errorf("dial tcp 10.0.0.1:80: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), "无法连接服务器"},
		{fmt.Errorf("sync: %w", feed.ErrRollback), "版本不对"},
		{fmt.Errorf("open /media/usb/feed/manifest.json: %w", fs.ErrNotExist), "找不到数据源"},
		{errors.New("sync: feed: manifest expired"), "同步失败"},
	} {
		if got := kit.ProblemOf(tc.err); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%v → %q, want %q", tc.err, got, tc.want)
		}
	}
	for _, kind := range []gksync.Kind{gksync.KindCanceled, gksync.KindSignature, gksync.KindWrongFeed, gksync.KindExpired,
		gksync.KindRollback, gksync.KindDamaged, gksync.KindTooLarge, gksync.KindDiskFull, gksync.KindStorage,
		gksync.KindNetwork, gksync.KindServer, gksync.KindRefused, gksync.KindNoSource, gksync.KindOther} {
		if _, ok := kit.FailureWords[kind]; !ok {
			t.Errorf("kind %q has no words", kind)
		}
	}
	if kit.PlainError(gksync.KindNone) != "" || kit.PlainError("from-a-later-version") != "同步失败" {
		t.Error("no failure, or an unknown kind, said wrongly")
	}
}

// landLog keeps a display log of the land notice (30 days from 11-10) on
// this touch screen up to demoNow, with the program down three hours on
// 11-12 and the screen off an hour on 11-15; build computes its report
// the way gongkai report does.
func landLog(t *testing.T) (*proof.Log, func(proof.Records) (proof.Report, error)) {
	t.Helper()
	dir := t.TempDir()
	key, err := proof.EnsureDeviceKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 9, 23, 0, 0, 0, demoNow.Location())}
	const land = "land-2026-017"
	up := func() *proof.Log {
		l, err := proof.Open(dir, key, c.Now)
		if err != nil {
			t.Fatal(err)
		}
		l.ProgramUp()
		l.Showing(config.ModeTouch, []string{land})
		return l
	}
	at := func(l *proof.Log, day, hour int) {
		c.t = time.Date(2026, 11, day, hour, 0, 0, 0, demoNow.Location())
		l.Tick()
	}
	l := up()
	at(l, 12, 9)
	l.Close()
	c.t = c.t.Add(3 * time.Hour)
	l = up()
	at(l, 15, 20)
	l.ScreenOn(false)
	at(l, 15, 21)
	l.ScreenOn(true)
	c.t = demoNow
	l.Tick()
	t.Cleanup(func() { l.Close() })
	tz := demoNow.Location()
	return l, func(r proof.Records) (proof.Report, error) {
		ev := proof.NewEvidence(r)
		n := proof.Notice{ID: land, Title: "东湾村三组集体土地征收补偿安置方案公告", PostingDays: 30, Start: "2026-11-10"}
		return proof.NewReport(l.PublicKey(), []proof.Coverage{proof.Evaluate(ev, n, tz, proof.Hours{}, demoNow)}, tz, proof.Hours{}, demoNow), nil
	}
}

func TestCompliancePageShowsGapsAndCauses(t *testing.T) {
	log, build := landLog(t)
	k, _, _ := newAdminKiosk(t, Deps{Admin: admin.Deps{Unlocked: true,
		Compliance: func() (proof.Report, error) {
			r, err := log.Records()
			if err != nil {
				return proof.Report{}, err
			}
			rep, err := build(r)
			// a notice on record without a posting period is no row
			rep.Notices = append(rep.Notices, proof.NoticeReport{ID: "x", Title: "没有公示期的公告", DisplayedSeconds: 60})
			return rep, err
		}}})
	k.admin.Open(admin.PurposeOpen)
	tapTab(t, k, "公示期")
	p := k.admin.Pages[admin.PageCompliance].(*admin.CompliancePage)
	if !strings.Contains(textOf(p.Head), "有公示期的公告 1 条：公示中 1 条（其中有缺口 1 条）") {
		t.Fatalf("head %q", textOf(p.Head))
	}
	list := pageContent(p.Paged.P)
	for _, want := range []string{"东湾村三组集体土地征收补偿安置方案公告", "公示期 30 天：2026年11月10日至2026年12月9日",
		"有缺口 2 天", "已覆盖 13 / 30 天", "程序未运行 1 次，共 3 小时 0 分", "熄屏时段 1 次"} {
		if !strings.Contains(list, want) {
			t.Errorf("row lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "没有公示期") {
		t.Error("a notice without a posting period is listed")
	}
	test.Tap(cardFor(t, p.Paged.P, "东湾村三组"))
	gaps := pageContent(p.Paged.P)
	for _, want := range []string{"11月12日 09:00 至 12:00", "程序未运行", "11月15日 20:00 至 21:00", "熄屏时段"} {
		if !strings.Contains(gaps, want) {
			t.Errorf("gaps lack %q:\n%s", want, gaps)
		}
	}
	if !p.Back.Visible() {
		t.Fatal("no way back to the list")
	}
	test.Tap(p.Back)
	if p.Detail != -1 || !strings.Contains(pageContent(p.Paged.P), "已覆盖") {
		t.Error("返回列表 did not return")
	}
}

// tapTab taps the panel's page button named name.
func tapTab(t *testing.T, k *Kiosk, name string) {
	t.Helper()
	for _, b := range k.admin.Tabs {
		if b.Text == name {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no tab %s", name)
}

func TestComplianceExportToStick(t *testing.T) {
	log, build := landLog(t)
	var sticks []string
	k, _, _ := newAdminKiosk(t, Deps{Admin: admin.Deps{Unlocked: true,
		Compliance:   func() (proof.Report, error) { return proof.Report{}, nil },
		ExportReport: func() ([]byte, []byte, error) { return paper.ExportAndCertificate(log, build) },
		Sticks:       func() []string { return sticks }}})
	k.admin.Open(admin.PurposeOpen)
	k.admin.ShowPage(admin.PageCompliance)
	p := k.admin.Pages[admin.PageCompliance].(*admin.CompliancePage)

	test.Tap(p.Export)
	if !strings.Contains(textOf(p.Sticks.Msg), "请插入U盘") || len(p.Sticks.List.Objects) != 0 {
		t.Fatalf("no stick: %q", textOf(p.Sticks.Msg))
	}
	// the stick comes (with a feed on it, as sticks often have): the
	// question is asked again and the panel stays on this page
	stick := t.TempDir()
	sticks = []string{stick}
	k.admin.VolumesChanged([]string{filepath.Join(stick, "feed")})
	if k.admin.Page != admin.PageCompliance || len(p.Sticks.List.Objects) != 1 {
		t.Fatalf("page %d, %d sticks offered", k.admin.Page, len(p.Sticks.List.Objects))
	}
	test.Tap(p.Sticks.List.Objects[0].(*kit.TapCard))

	base := filepath.Join(stick, "gongkai-report-"+dongwan+"-20261125-1000")
	raw, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatalf("%v; says %q", err, textOf(p.Sticks.Msg))
	}
	v, err := proof.VerifyExport(raw, log.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if n := v.Report.Notices; len(n) != 1 || n[0].Status != proof.StatusFailed || n[0].DaysWithGaps != 2 {
		t.Errorf("exported report %+v", n)
	}
	if pdf, err := os.ReadFile(base + ".pdf"); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("certificate: %v", err)
	}
	if msg := textOf(p.Sticks.Msg); !strings.Contains(msg, "可以拔出U盘") || !strings.Contains(msg, filepath.Base(base)+".pdf") {
		t.Errorf("result %q", msg)
	}

	// a stick that cannot be written says so, with nothing left behind
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o644)
	sticks = []string{notDir}
	test.Tap(p.Export)
	test.Tap(p.Sticks.List.Objects[0].(*kit.TapCard))
	if msg := textOf(p.Sticks.Msg); !strings.Contains(msg, "没有写成") {
		t.Errorf("failed write says %q", msg)
	}
}

func TestStickErrorsInWords(t *testing.T) {
	for err, want := range map[error]string{
		&fs.PathError{Op: "open", Path: "/media/u/x", Err: syscall.EROFS}:  "只读",
		fmt.Errorf("writing: %w", syscall.ENOSPC):                          "U盘已满",
		&fs.PathError{Op: "open", Path: "/media/u/x", Err: syscall.EACCES}: "权限",
		&fs.PathError{Op: "open", Path: "/media/u/x", Err: syscall.ENOENT}: "已被拔出",
		errors.New("write /media/u/x: input/output error"):                 "写入失败",
	} {
		if got := admin.StickError(err); !strings.Contains(got, want) {
			t.Errorf("%v → %q, want %q", err, got, want)
		}
	}
}

func TestPosterToStick(t *testing.T) {
	st := demoStore(t)
	stick := t.TempDir()
	var sticks []string
	k, _, _ := newAdminKiosk(t, Deps{Store: st, Admin: admin.Deps{Unlocked: true,
		Poster: func(id string) ([]byte, error) {
			it, err := st.Item(id, dongwan, demoNow)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			err = paper.Poster(&buf, it, nil, st.PlaceName(dongwan), func(string) (string, error) { return "", errors.New("not here") })
			return buf.Bytes(), err
		},
		Sticks: func() []string { return sticks }}})
	k.admin.Open(admin.PurposeOpen)
	tapTab(t, k, "打印海报")
	p := k.admin.Pages[admin.PagePoster].(*admin.PosterPage)
	for i := range p.Paged.P.Blocks {
		if strings.Contains(textOf(blockObj(p.Paged.P, i)), "柳塘村四组拟征收土地预公告") {
			t.Error("another village's notice is offered")
		}
	}
	test.Tap(cardFor(t, p.Paged.P, "东湾村三组集体土地征收补偿安置方案公告"))
	if !strings.Contains(textOf(p.Sticks.Msg), "请插入U盘") {
		t.Fatalf("no stick: %q", textOf(p.Sticks.Msg))
	}
	sticks = []string{stick}
	test.Tap(cardFor(t, p.Paged.P, "东湾村三组集体土地征收补偿安置方案公告"))
	test.Tap(p.Sticks.List.Objects[0].(*kit.TapCard))
	pdf, err := os.ReadFile(filepath.Join(stick, "gongkai-poster-land-2026-017.pdf"))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("poster: %v; says %q", err, textOf(p.Sticks.Msg))
	}
	if !strings.Contains(textOf(p.Sticks.Msg), "已把海报写到U盘") {
		t.Errorf("result %q", textOf(p.Sticks.Msg))
	}
}

// failedUpload sends a report to a real receiver that answers 503, once,
// and records the failure as the kiosk does.
func failedUpload(t *testing.T, dataDir string) (gkscreen.UploadStatus, error) {
	t.Helper()
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer receiver.Close()
	tries, err := gksync.Upload(context.Background(), receiver.URL, []byte("{}"), gksync.UploadOptions{Retry: gksync.Retry{Attempts: 1}})
	if err == nil {
		t.Fatal("the upload to a receiver answering 503 succeeded")
	}
	return gkscreen.RecordUpload(dataDir, receiver.URL, demoNow, 100, tries, err)
}

// The status page says how the last report upload went, in one line.
func TestStatusShowsReportUpload(t *testing.T) {
	k, _, _ := newAdminKiosk(t, Deps{})
	line := func() (admin.StatusLine, bool) {
		for _, l := range k.admin.StatusLines() {
			if l.Name == "证明上报" {
				return l, true
			}
		}
		return admin.StatusLine{}, false
	}
	if l, ok := line(); ok {
		t.Errorf("no upload yet, but the status says %+v", l)
	}
	if _, err := failedUpload(t, k.deps.DataDir); err != nil {
		t.Fatal(err)
	}
	if l, ok := line(); !ok || !l.Bad || !strings.Contains(l.Value, "失败") || !strings.Contains(l.Value, "服务器出错") || strings.Contains(l.Value, "Service") {
		t.Errorf("after a failed upload the status says %+v", l)
	}
	if _, err := gkscreen.RecordUpload(k.deps.DataDir, "https://example.gov.cn/proof", demoNow.Add(time.Hour), 100, 1, nil); err != nil {
		t.Fatal(err)
	}
	if l, ok := line(); !ok || l.Bad || !strings.Contains(l.Value, "正常") {
		t.Errorf("after an upload arrived the status says %+v", l)
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

// TestGapsAreMergedAcrossMidnight: the report splits a gap at each
// midnight; the page lists one power cut of 27 days as one row, and counts
// it once (item 10: 27 rows of "1 天 0 小时", "程序未运行 27 次").
func TestGapsAreMergedAcrossMidnight(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, cst)
	var gaps []proof.GapJSON
	for i := range 27 {
		a, b := day.AddDate(0, 0, i), day.AddDate(0, 0, i+1)
		gaps = append(gaps, proof.GapJSON{Start: a.Format(time.RFC3339), End: b.Format(time.RFC3339),
			Seconds: int64(b.Sub(a).Seconds()), Cause: proof.CauseProgramDown, Counted: true})
	}
	// and later a screen switched off for an hour, twice, apart
	for _, h := range []int{20, 44} {
		a := day.AddDate(0, 0, 28).Add(time.Duration(h) * time.Hour)
		gaps = append(gaps, proof.GapJSON{Start: a.Format(time.RFC3339), End: a.Add(time.Hour).Format(time.RFC3339),
			Seconds: 3600, Cause: proof.CauseScreenOff, Counted: true})
	}
	n := proof.NoticeReport{Gaps: gaps}
	runs := admin.MergedGaps(n)
	if len(runs) != 3 || runs[0].Seconds != 27*24*3600 {
		t.Fatalf("runs = %+v", runs)
	}
	if got := admin.CausesText(n); got != "程序未运行 1 次，共 27 天 0 小时；熄屏时段 2 次，共 2 小时 0 分" {
		t.Errorf("causes: %q", got)
	}
	blocks := (&admin.CompliancePage{}).GapBlocks(n)
	rows := 0
	for _, b := range blocks {
		if strings.Contains(textOf(b.Obj), "程序未运行") {
			rows++
		}
	}
	if rows != 1 {
		t.Errorf("%d rows for one power cut", rows)
	}
}

// englishWord finds a word of Latin letters a clerk would have to know
// English to read; names the screen shows as they are (a web address, a
// folder, a stick's name, the gongkai command) are left out before.
var englishWord = regexp.MustCompile(`[A-Za-z]{3,}`)

func english(text string) []string {
	var words []string
	for _, f := range strings.Fields(strings.NewReplacer("：", " ", "，", " ", "（", " ", "）", " ", "“", " ", "”", " ", "。", " ").Replace(text)) {
		if strings.ContainsAny(f, "/.:") {
			continue // an address, a path, a file
		}
		for _, w := range englishWord.FindAllString(f, -1) {
			switch w {
			case "gongkai", "pin", "PDF", "JSON", "CSV", "usb", "feed", "KINGSTON":
			default:
				words = append(words, w)
			}
		}
	}
	return words
}

// TestClerkSeesNoEnglish (item 7): every page of the panel, with a sync
// that failed, a stick that cannot be imported, a report upload that
// failed and an English log, says it all in Chinese, with local times and
// what to do next.
func TestClerkSeesNoEnglish(t *testing.T) {
	netErr := fmt.Errorf(`sync: reading the manifest from https://x: Get "https://x": %w`,
		&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	var k *Kiosk
	k, _, _ = newAdminKiosk(t, Deps{Admin: admin.Deps{Unlocked: true, Version: "0.1.0-dev", Build: "dev", Commit: "unknown",
		LogLines: func() []string {
			return []string{
				`{"time":"2026-11-25T01:59:11Z","level":"WARN","msg":"scheduled sync failed","err":"` + strings.ReplaceAll(netErr.Error(), `"`, `\"`) + `","kind":"network"}`,
				`{"time":"2026-11-25T02:00:00Z","level":"INFO","msg":"usb import","path":"/media/usb0/feed","version":9}`,
				`{"time":"2026-11-25T02:01:00Z","level":"ERROR","msg":"something new in a later version","detail":"x"}`,
				`not json at all`,
			}
		}},
		Runtime: &fakeRuntime{
			syncNow: func(context.Context, func(gksync.Event)) (gksync.Result, error) {
				return gksync.Result{}, netErr
			},
			preview: func(context.Context, string) (admin.ImportDiff, error) {
				return admin.ImportDiff{}, fmt.Errorf("sync: preview: %w over manifest.json", feed.ErrSignature)
			},
			importFeed: func(context.Context, string, func(gksync.Event)) (gksync.Result, error) { return gksync.Result{}, nil },
		}})
	if _, err := failedUpload(t, k.deps.DataDir); err != nil {
		t.Fatal(err)
	}
	k.admin.Open(admin.PurposeOpen)
	k.admin.ShowPage(admin.PageSync)
	test.Tap(k.admin.Pages[admin.PageSync].(*admin.SyncPage).Run)
	if err := k.Store.RecordAttempt("https://x", demoNow, 0, netErr, string(gksync.KindOf(netErr))); err != nil {
		t.Fatal(err)
	}
	usb := k.admin.Pages[admin.PageUSB].(*admin.UsbPage)
	k.admin.VolumesChanged([]string{"/media/KINGSTON/feed"})
	test.Tap(usb.List.Objects[0].(*kit.TapCard))
	seen := map[string]string{}
	for i, name := range admin.PageNames {
		if i != admin.PageUSB { // the preview's answer stays on show
			k.admin.ShowPage(i)
		}
		all := textOf(k.admin.Pages[i].Object())
		switch pg := k.admin.Pages[i].(type) {
		case *admin.StatusPage:
			all += pageContent(pg.Paged.P)
		case *admin.LogPage:
			all += pageContent(pg.Paged.P)
		case *admin.UsbPage:
			all += pageContent(pg.Paged.P)
		}
		seen[name] = all
		if w := english(all); len(w) > 0 {
			t.Errorf("%s shows English %v:\n%s", name, w, all)
		}
	}
	for page, want := range map[string][]string{
		"立即同步": {"无法连接服务器", "请检查网络"},
		"U盘导入": {"签名不符", "请确认数据来自本镇的发布方"},
		"日志":   {"11-25 09:59 注意 定时同步失败：无法连接服务器", "U 盘导入（第 9 版）", "技术记录（详见日志文件）"},
		"状态":   {"处理办法", "证明上报", "服务器出错", "0.1.0-dev（测试版）"},
	} {
		for _, w := range want {
			if !strings.Contains(seen[page], w) {
				t.Errorf("%s lacks %q:\n%s", page, w, seen[page])
			}
		}
	}
}

// TestPanelReopensOnStatus: the next clerk does not meet 退出信息屏 and
// its red button because the last one looked at it.
func TestPanelReopensOnStatus(t *testing.T) {
	k, _, _ := newAdminKiosk(t, Deps{Admin: admin.Deps{Unlocked: true}})
	k.admin.Open(admin.PurposeOpen)
	tapTab(t, k, "退出信息屏")
	test.Tap(k.admin.Closer)
	k.admin.Open(admin.PurposeOpen)
	if k.admin.Page != admin.PageStatus || !k.admin.Pages[admin.PageStatus].Object().Visible() {
		t.Fatalf("the panel reopened on page %d", k.admin.Page)
	}
}

// TestLogPageKnowsTheAdminEvents: the events the admin panel logs are
// said in words on the 日志 page, none as a bare technical record.
func TestLogPageKnowsTheAdminEvents(t *testing.T) {
	for _, msg := range []string{"admin PIN pad shown", "admin panel unlocked", "admin PIN: wrong try", "admin PIN locked",
		"admin PIN changed in the settings", "admin PIN: saving the new PIN", "leaving the kiosk from the admin panel"} {
		line := kit.LogLine(`{"time":"2026-11-25T02:00:00Z","level":"INFO","msg":"`+msg+`"}`, time.FixedZone("CST", 8*3600))
		if strings.Contains(line, "技术记录") || !strings.HasPrefix(line, "11-25 10:00 ") {
			t.Errorf("%s: %q", msg, line)
		}
	}
}
