package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/bcrypt"

	"gongkai/config"
	"gongkai/store"
	gksync "gongkai/sync"
)

func init() { pinCost = bcrypt.MinCost } // keep PIN tests fast

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
	k.admin.async = func(_ string, fn func()) { fn() }
	w.Resize(portrait)
	return k, w, c
}

func typePIN(k *Kiosk, pin string) {
	for _, r := range pin {
		test.Tap(k.admin.keys[string(r)])
	}
	test.Tap(k.admin.keys["确定"])
}

func tapCorner(k *Kiosk, c *clock, n int, every time.Duration) {
	for range n {
		test.Tap(k.corner)
		c.t = c.t.Add(every)
	}
}

func TestGestureNeedsFiveQuickTaps(t *testing.T) {
	var g gesture
	t0 := demoNow
	for i := range 4 {
		if g.Tap(t0.Add(time.Duration(i) * time.Second)) {
			t.Fatal("opened after fewer than five taps")
		}
	}
	if g.Tap(t0.Add(4 * time.Second)) {
		t.Fatal("five taps over four seconds opened the panel")
	}
	for i := range 5 {
		if g.Tap(t0.Add(10*time.Second+time.Duration(i)*500*time.Millisecond)) != (i == 4) {
			t.Fatalf("tap %d", i+1)
		}
	}
}

func TestFirstOpenSetsPINThenLockout(t *testing.T) {
	dir := t.TempDir()
	k, _, c := newAdminKiosk(t, Deps{DataDir: dir})
	if !k.cornerLayer.Visible() {
		t.Fatal("no corner gesture at home")
	}
	tapCorner(k, c, 5, 400*time.Millisecond)
	if !k.admin.box.Visible() || !k.admin.pad.Visible() {
		t.Fatal("five taps did not open the PIN pad")
	}
	if k.admin.mode != pinNew || !strings.Contains(k.admin.padTitle.Text, "设置") {
		t.Fatalf("first open asks %q, want to set a PIN", k.admin.padTitle.Text)
	}
	typePIN(k, "12") // too short
	if k.admin.mode != pinNew || !strings.Contains(textOf(k.admin.padMsg), "4 到 12 位") {
		t.Fatalf("short PIN accepted: %q", textOf(k.admin.padMsg))
	}
	typePIN(k, "2468")
	typePIN(k, "2469")
	if k.admin.mode != pinNew || !strings.Contains(textOf(k.admin.padMsg), "不一致") {
		t.Fatal("mismatched confirmation accepted")
	}
	typePIN(k, "2468")
	typePIN(k, "2468")
	if !k.admin.panel.Visible() {
		t.Fatal("panel not open after setting the PIN")
	}
	fi, err := os.Stat(filepath.Join(dir, PINFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin.pin: %v %v", fi, err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, PINFile)); strings.Contains(string(data), "2468") {
		t.Fatal("PIN stored in clear")
	}

	// logs out after a minute without a tap
	c.t = c.t.Add(61 * time.Second)
	k.Tick()
	if k.admin.box.Visible() {
		t.Fatal("panel stayed open while idle")
	}

	// five wrong tries lock the pad; each lock is longer
	tapCorner(k, c, 5, 100*time.Millisecond)
	if k.admin.mode != pinEnter {
		t.Fatal("PIN not asked again after logout")
	}
	for i := range 5 {
		typePIN(k, "0000")
		if i < 4 && !strings.Contains(textOf(k.admin.padMsg), "还可再试") {
			t.Fatalf("try %d: %q", i+1, textOf(k.admin.padMsg))
		}
	}
	if k.admin.gate.LockedFor(c.t) != 30*time.Second || !k.admin.keys["1"].Disabled() {
		t.Fatalf("locked for %v", k.admin.gate.LockedFor(c.t))
	}
	if err := k.admin.gate.Check("2468", c.t); !errors.Is(err, errLocked) {
		t.Fatalf("right PIN during lock: %v", err)
	}
	// a restart must not reset the lock
	g, err := openPINGate(dir)
	if err != nil || g.LockedFor(c.t) != 30*time.Second {
		t.Fatalf("reopened gate: locked %v, %v", g.LockedFor(c.t), err)
	}
	c.t = c.t.Add(30 * time.Second)
	k.Tick()
	if k.admin.keys["1"].Disabled() {
		t.Fatal("pad still locked after the delay")
	}
	for range 5 {
		typePIN(k, "1111")
	}
	if d := k.admin.gate.LockedFor(c.t); d != 60*time.Second {
		t.Fatalf("second lock %v, want 60s", d)
	}
	c.t = c.t.Add(60 * time.Second)
	k.Tick() // also logs the idle pad out
	tapCorner(k, c, 5, 100*time.Millisecond)
	typePIN(k, "2468")
	if !k.admin.panel.Visible() {
		t.Fatal("correct PIN after the delay did not open the panel")
	}
	if k.admin.gate.rec.Locks != 0 || k.admin.gate.rec.Failures != 0 {
		t.Error("success did not reset the lockout")
	}
}

func TestLockDelaysGrow(t *testing.T) {
	g := &PINGate{}
	if err := g.Set("1357"); err != nil {
		t.Fatal(err)
	}
	now := demoNow
	for i, want := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute} {
		for range maxTries {
			g.Check("0000", now)
		}
		if got := g.LockedFor(now); got != want {
			t.Fatalf("lock %d: %v, want %v", i+1, got, want)
		}
		now = now.Add(want)
	}
}

func TestDamagedPINFileStaysShut(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, PINFile), []byte("{garbage"), 0o600)
	g, err := openPINGate(dir)
	if err == nil || !g.HasPIN() {
		t.Fatal("a damaged PIN file lets anyone set a new PIN")
	}
	if err := g.Check("1234", demoNow); !errors.Is(err, errDamagedPIN) {
		t.Errorf("Check = %v", err)
	}
}

func TestCloseWindowAsksPINThenQuits(t *testing.T) {
	quit := 0
	k, _, _ := newAdminKiosk(t, Deps{Admin: AdminDeps{Quit: func() { quit++ }}})
	k.admin.gate.Set("8642")
	k.RequestLeave()
	if !k.admin.pad.Visible() || k.admin.purpose != purposeLeave {
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
	k.push(screen{kind: screenList, category: "land"})
	if k.cornerLayer.Visible() {
		t.Fatal("the corner covers 返回")
	}
	k.goHome()
	if !k.cornerLayer.Visible() {
		t.Fatal("no corner at home")
	}
}

func TestSettingsValidateSaveApply(t *testing.T) {
	cfg := mustParse(t, "location = \"310118901201\"\nsources = [\"https://example.gov.cn/feed/\"]\n")
	var saved *config.Config
	k, _, _ := newAdminKiosk(t, Deps{Admin: AdminDeps{Unlocked: true, Config: cfg,
		SaveConfig: func(c *config.Config) error { saved = c; return nil }}})
	k.admin.open(purposeOpen)
	k.admin.showPage(pageSettings)
	p := k.admin.pages[pageSettings].(*settingsPage)
	field := func(prefix string) *setting {
		for _, s := range p.settings() {
			if strings.HasPrefix(s.name, prefix) {
				return s
			}
		}
		t.Fatalf("no field %s", prefix)
		return nil
	}
	enter := func(s *setting, value string) {
		p.edit(s)
		test.Tap(p.keys[keyClear])
		for _, r := range value {
			test.Tap(p.keys[string(r)])
		}
		test.Tap(p.keys["确定"])
	}

	enter(field("位置代码"), "3101")
	if !p.editor.Visible() || !strings.Contains(textOf(p.edMsg), "位置代码不正确") {
		t.Fatalf("bad location accepted: %q", textOf(p.edMsg))
	}
	test.Tap(p.keys["取消"])
	enter(field("添加数据源"), "ftp://x")
	if !strings.Contains(textOf(p.edMsg), "数据源不正确") {
		t.Fatalf("bad URL accepted: %q", textOf(p.edMsg))
	}
	test.Tap(p.keys["取消"])
	enter(field("开屏"), "7:00")
	if !strings.Contains(textOf(p.edMsg), "开屏") {
		t.Fatalf("bad time accepted: %q", textOf(p.edMsg))
	}
	test.Tap(p.keys["取消"])
	if saved != nil || p.draft.Location != "310118901201" {
		t.Fatal("a refused value reached the draft or the file")
	}

	enter(field("添加数据源"), "http://10.0.0.2/feed/")
	enter(field("轮播时长"), "20")
	enter(field("开屏"), "07:00")
	enter(field("关屏"), "21:30")
	enter(field("新管理密码"), "97531")
	test.Tap(p.keys["模式:电子信息屏"])
	test.Tap(p.keys["默认字号:大"])
	test.Tap(p.save)
	if saved == nil {
		t.Fatalf("not saved: %q", textOf(p.msg))
	}
	if saved.Dwell.Duration != 20*time.Second || saved.DisplayOn != "07:00" || saved.DisplayOff != "21:30" ||
		len(saved.Sources) != 2 || saved.Mode != config.ModeDisplay || saved.TextSize != config.TextLarge {
		t.Fatalf("saved %+v", saved)
	}
	// applied without restart
	if !k.display() || k.disp.rot.Dwell != 20*time.Second || k.disp.rot.Hours != (Hours{420, 1290}) || k.deps.TextStep != 1 {
		t.Errorf("not applied: mode %s dwell %v hours %v", k.deps.Mode, k.disp.rot.Dwell, k.disp.rot.Hours)
	}
	if err := k.admin.gate.Check("97531", demoNow); err != nil {
		t.Errorf("new PIN: %v", err)
	}
	if !strings.Contains(textOf(p.msg), "已保存") {
		t.Errorf("message %q", textOf(p.msg))
	}
}

func TestUSBImportPreviewConfirmCancel(t *testing.T) {
	var imported []string
	k, _, _ := newAdminKiosk(t, Deps{Admin: AdminDeps{Unlocked: true,
		Preview: func(_ context.Context, path string) (ImportDiff, error) {
			if strings.Contains(path, "bad") {
				return ImportDiff{}, errors.New("sync: feed: bad signature")
			}
			return ImportDiff{Version: 9, Added: []string{"新通知甲"}, Withdrawn: []string{"旧通知乙"}}, nil
		},
		Import: func(_ context.Context, path string, progress func(gksync.Event)) (gksync.Result, error) {
			imported = append(imported, path)
			progress(gksync.Event{Stage: gksync.StageApplying})
			return gksync.Result{Version: 9, Changes: store.Changes{Added: 1, Removed: 1}}, nil
		}}})
	k.admin.open(purposeOpen)
	p := k.admin.pages[pageUSB].(*usbPage)
	// the watcher loop, run here to its end instead of in a goroutine
	vols := make(chan []string, 1)
	vols <- []string{"/media/usb0/feed", "/media/usb0/bad"}
	close(vols)
	k.watchVolumes(vols)
	if k.admin.page != pageUSB || len(p.list.Objects) != 2 {
		t.Fatalf("stick not offered: page %d, %d entries", k.admin.page, len(p.list.Objects))
	}
	test.Tap(p.list.Objects[1].(*tapCard))
	if !strings.Contains(textOf(p.head), "签名不符") || p.actions.Visible() {
		t.Fatalf("bad feed: %q", textOf(p.head))
	}
	test.Tap(p.list.Objects[0].(*tapCard))
	if !strings.Contains(textOf(p.head), "新增 1 条") || !strings.Contains(pageContent(p.paged.p), "旧通知乙") || !p.actions.Visible() {
		t.Fatalf("preview: %q / %q", textOf(p.head), pageContent(p.paged.p))
	}
	test.Tap(p.cancel)
	if len(imported) != 0 || p.diff != nil {
		t.Fatal("cancel imported")
	}
	test.Tap(p.list.Objects[0].(*tapCard))
	test.Tap(p.confirm)
	if len(imported) != 1 || imported[0] != "/media/usb0/feed" {
		t.Fatalf("imported %v", imported)
	}
	if !strings.Contains(textOf(p.head), "已更新到第 9 版") {
		t.Errorf("result %q", textOf(p.head))
	}
}

func TestSyncNowProgress(t *testing.T) {
	var values []float64
	var k *Kiosk
	k, _, _ = newAdminKiosk(t, Deps{Admin: AdminDeps{Unlocked: true,
		SyncNow: func(_ context.Context, progress func(gksync.Event)) (gksync.Result, error) {
			bar := k.admin.pages[pageSync].(*syncPage).bar
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
	k.admin.open(purposeOpen)
	k.admin.showPage(pageSync)
	p := k.admin.pages[pageSync].(*syncPage)
	test.Tap(p.run)
	want := []float64{0.05, 0.15, 0.55, 0.95, 1}
	for i := range want {
		if i >= len(values) || values[i] < want[i]-1e-9 || values[i] > want[i]+1e-9 {
			t.Fatalf("bar values %v, want %v", values, want)
		}
	}
	if !strings.Contains(textOf(p.result), "已更新到第 8 版：新增 2 条，更新 1 条") || p.running {
		t.Errorf("result %q", textOf(p.result))
	}

	// a failure in plain words, a panic recovered
	k.deps.Admin.SyncNow = func(context.Context, func(gksync.Event)) (gksync.Result, error) {
		return gksync.Result{}, errors.New(`sync: reading the manifest from https://x: Get "https://x": dial tcp: lookup x: no such host`)
	}
	test.Tap(p.run)
	if !strings.Contains(textOf(p.result), "无法连接服务器") {
		t.Errorf("failure %q", textOf(p.result))
	}
	k.deps.Admin.SyncNow = func(context.Context, func(gksync.Event)) (gksync.Result, error) { panic("boom") }
	test.Tap(p.run)
	if !strings.Contains(textOf(p.result), "同步失败") || p.running {
		t.Errorf("panic: %q", textOf(p.result))
	}
}

func TestBackgroundPanicIsReported(t *testing.T) {
	k, _, _ := newAdminKiosk(t, Deps{Admin: AdminDeps{Unlocked: true}})
	// what goSafe wraps around every job, run here without a goroutine
	func() {
		defer k.recovered("test job")
		panic("kaputt")
	}()
	found := false
	for _, l := range k.admin.statusLines() {
		if l.name == "后台错误" && strings.Contains(l.value, "kaputt") && l.bad {
			found = true
		}
	}
	if !found {
		t.Errorf("panic not on the status page: %+v", k.admin.statusLines())
	}
}

func TestPlainErrors(t *testing.T) {
	for msg, want := range map[string]string{
		"sync: feed: bad signature":                                     "签名不符",
		"sync: feed: manifest expired":                                  "内容已过期",
		"dial tcp 10.0.0.1:80: connect: connection refused":             "无法连接服务器",
		"sync: feed: version older than the stored one":                 "版本不对",
		"open /media/usb/feed/manifest.json: no such file or directory": "找不到数据源",
		"something else": "同步失败",
	} {
		if got := plainError(msg); !strings.Contains(got, want) {
			t.Errorf("%q → %q, want %q", msg, got, want)
		}
	}
}
