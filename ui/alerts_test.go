package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/ui/kit"
)

// The running screen is told which alerts are in force (the display log
// counts them; alert's TestDisplayAlertTakesOverAndAlternates for when).
func TestRuntimeIsToldTheAlerts(t *testing.T) {
	a := test.NewTempApp(t)
	st := demoStore(t)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	var told [][]string
	k := New(a, w, Deps{Spawn: kit.Inline, Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }, Ticks: make(chan time.Time), Changes: make(chan struct{}),
		Mode: config.ModeDisplay, Runtime: &fakeRuntime{OnShowAlerts: func(ids []string) { told = append(told, ids) }}})
	t.Cleanup(k.Close)
	w.Resize(landscape)
	applyAlerts(t, st, 1, typhoon())
	k.Refresh()
	if len(told) < 2 || len(told[0]) != 0 || !slices.Equal(told[len(told)-1], []string{"typhoon-1125"}) {
		t.Fatalf("the runtime was told %v", told)
	}
	if !k.alerts.View().Visible() || !strings.Contains(textOf(k.alerts.View()), "金泽镇防汛防台指挥部") {
		t.Fatal("the alert is not over the display")
	}
}

// On a touch screen the window puts the alerts' banner on every
// villager's screen; the alert it opens lies over the screen the villager
// was on, which is there again when it closes; the idle reset closes it
// and goes home, and nothing is at rest while it is open.
func TestBannerOverTheVillagersScreens(t *testing.T) {
	k, w, c := newTestKioskWith(t, portrait, Deps{Changes: make(chan struct{})}) // Refresh below, on this goroutine
	applyAlerts(t, k.Store, 1, typhoon())
	k.Refresh()
	banner := k.alerts.Banner()
	if !banner.Visible() || !strings.Contains(textOf(w.Canvas().Content()), "紧急通知　台风") {
		t.Fatal("no banner at home")
	}
	if y := fyne.CurrentApp().Driver().AbsolutePositionForObject(banner).Y; y <= 0 || y > portrait.Height/4 {
		t.Fatalf("the banner is at y %.0f, not under the top bar", y)
	}
	if err := k.v.Open("list:land"); err != nil {
		t.Fatal(err)
	}
	if !banner.Visible() {
		t.Fatal("no banner on a list")
	}
	if err := k.alerts.Open("typhoon-1125"); err != nil {
		t.Fatal(err)
	}
	if !k.alerts.View().Visible() || k.atRest() {
		t.Fatalf("the alert is not open over the list: shown %v, at rest %v", k.alerts.View().Visible(), k.atRest())
	}
	test.Tap(button(t, k.alerts.View(), "‹ 返回"))
	if where, _ := k.v.Where(); k.alerts.View().Visible() || where != "list:land" {
		t.Fatalf("返回 did not go back to the list: alert %v, screen %s", k.alerts.View().Visible(), where)
	}
	// at home with the alert open, there is something to lose: the idle
	// prompt asks before the reset
	k.v.Home()
	if err := k.alerts.Open("typhoon-1125"); err != nil {
		t.Fatal(err)
	}
	if k.atRest() {
		t.Fatal("at rest with an alert open")
	}
	c.t = c.t.Add(k.deps.IdleTimeout + time.Second)
	k.CheckIdle()
	if !k.prompt.box.Visible() {
		t.Fatal("the idle prompt did not ask with the alert open")
	}
	// the prompt lies over the alert: a tap on 继续阅读 answers it and
	// the alert stays open
	// and is seen: its shade darkens the alert's light page
	if r, g, b, _ := w.Canvas().Capture().At(20, int(portrait.Height/2)).RGBA(); (r+g+b)/3 > 0x8000 {
		t.Fatalf("the idle prompt is hidden under the alert (colour %x %x %x where its shade should be)", r>>8, g>>8, b>>8)
	}
	cont := fyne.CurrentApp().Driver().AbsolutePositionForObject(k.prompt.cont)
	test.TapCanvas(w.Canvas(), cont.Add(fyne.NewPos(k.prompt.cont.Size().Width/2, k.prompt.cont.Size().Height/2)))
	if k.prompt.box.Visible() || !k.alerts.View().Visible() {
		t.Fatalf("a tap on 继续阅读 over the alert: prompt %v, alert %v", k.prompt.box.Visible(), k.alerts.View().Visible())
	}
	c.t = c.t.Add(k.deps.IdleTimeout + time.Second)
	k.CheckIdle()
	c.t = c.t.Add(k.deps.IdleCountdown)
	k.CheckIdle() // nobody answered
	if where, _ := k.v.Where(); k.alerts.View().Visible() || where != "home" || !k.atRest() {
		t.Fatalf("the idle reset did not close the alert and go home: alert %v, screen %s", k.alerts.View().Visible(), where)
	}
}

// TestWriteAlertShots renders the alert screens into $GONGKAI_SHOTS: the
// display's takeover, the touch home with its banner and the opened
// alert, portrait and landscape, every text size.
func TestWriteAlertShots(t *testing.T) {
	out := os.Getenv("GONGKAI_SHOTS")
	if out == "" {
		t.Skip("set GONGKAI_SHOTS=DIR to write screenshots")
	}
	st := demoStore(t)
	second := typhoon()
	second.ID, second.Title, second.Priority, second.Instruction = "water-1125", "今晚20时至明晨6时东湾村停水", feed.AlertNormal, ""
	applyAlerts(t, st, 1, typhoon(), second)
	for _, size := range []fyne.Size{portrait, landscape} {
		img, err := Screenshot(Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }}, "display", size)
		if err != nil {
			t.Fatal(err)
		}
		writePNG(t, filepath.Join(out, "alert-display-"+orient(size)+".png"), img)
		for step := range kit.TextSteps {
			for _, s := range []string{"home", "alert:typhoon-1125"} {
				img, err := Screenshot(Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }, TextStep: step}, s, size)
				if err != nil {
					t.Fatal(err)
				}
				name := strings.NewReplacer(":", "-").Replace(s)
				writePNG(t, filepath.Join(out, "alert-"+name+"-"+orient(size)+"-"+kit.TextSteps[step].Name+".png"), img)
			}
		}
	}
	// the longest alert the format allows, paged
	long := demoStore(t)
	applyAlerts(t, long, 1, longAlert())
	for _, size := range []fyne.Size{portrait, landscape} {
		img, err := Screenshot(Deps{Store: long, Location: dongwan, Clock: func() time.Time { return demoNow }}, "display", size)
		if err != nil {
			t.Fatal(err)
		}
		writePNG(t, filepath.Join(out, "alert-long-display-"+orient(size)+".png"), img)
		img, err = Screenshot(Deps{Store: long, Location: dongwan, Clock: func() time.Time { return demoNow }, TextStep: len(kit.TextSteps) - 1}, "alert:long-1", size)
		if err != nil {
			t.Fatal(err)
		}
		writePNG(t, filepath.Join(out, "alert-long-"+orient(size)+"-特大.png"), img)
	}
}
