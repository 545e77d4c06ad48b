package alert

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// the fixtures under their short names
var (
	demoStore   = uitest.DemoStore
	applyAlerts = uitest.ApplyAlerts
	typhoon     = uitest.Typhoon
	longAlert   = uitest.LongAlert
	portrait    = uitest.Portrait
	landscape   = uitest.Landscape
)

// fakeHost stands in for the window and notes what it is told.
type fakeHost struct {
	display bool
	touched int
	alerts  [][]string // ShowAlerts, in order
	hushed  int        // Hush
}

func (h *fakeHost) Touch()                  { h.touched++ }
func (h *fakeHost) Display() bool           { return h.display }
func (h *fakeHost) ShowAlerts(ids []string) { h.alerts = append(h.alerts, ids) }
func (h *fakeHost) Hush()                   { h.hushed++ }

// testAlerts is the alerts in a test window as the window shows them: the
// banner at the top of the touch screens, the view over everything.
type testAlerts struct {
	*Alerts
	host *fakeHost
	c    *uitest.Clock
}

// newAlerts runs the alerts of st at 东湾村 in a test window of the given
// size, as the window does after it has built them.
func newAlerts(t *testing.T, st *store.Store, size fyne.Size, dwell time.Duration, host *fakeHost) *testAlerts {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(kit.NewTheme(0))
	c := &uitest.Clock{T: uitest.DemoNow}
	env := &kit.Env{Store: st, Location: uitest.Dongwan, Clock: c.Now, Logger: slog.Default(), Faults: kit.NewFaults(slog.Default())}
	env.Load()
	if host == nil {
		host = &fakeHost{}
	}
	k := New(env, host, dwell)
	w := test.NewWindow(nil)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	bg := canvas.NewRectangle(kit.ThemeColor(theme.ColorNameBackground))
	w.SetContent(container.NewStack(bg, container.NewVBox(k.Banner()), k.View()))
	k.Reload(c.Now())
	w.Resize(size)
	return &testAlerts{Alerts: k, host: host, c: c}
}

// refresh is what the window does after a sync: the Env loaded again,
// the alerts read again.
func (k *testAlerts) refresh() {
	k.Load()
	k.Reload(k.c.Now())
}

func richText(rt *widget.RichText) string { return kit.Unbreakable(rt.String()) }

// alertText is all the alert view holds, on every page.
func alertText(k *testAlerts) string {
	var b strings.Builder
	for _, bl := range k.view.pager.Blocks {
		b.WriteString(kit.BlockText(bl))
	}
	return b.String()
}

// tick is the window's tick as the alerts see it: they say when to come
// back, sooner than the hour the window would otherwise wait.
func (k *testAlerts) tick() time.Time { return k.Tick(k.c.T, k.c.T.Add(time.Hour)) }

// An alert of 2,000 characters of what to do and 2,000 of body does not
// fit a screen: the touch view pages it with 上一页/下一页, every block of
// a page inside the view, and the display turns a page a dwell.
func TestLongAlertIsPaged(t *testing.T) {
	for _, mode := range []string{config.ModeTouch, config.ModeDisplay} {
		t.Run(mode, func(t *testing.T) {
			st := demoStore(t)
			applyAlerts(t, st, 1, longAlert())
			k := newAlerts(t, st, landscape, 10*time.Second, &fakeHost{display: mode == config.ModeDisplay})
			c := k.c
			k.refresh()
			if mode == config.ModeTouch {
				if err := k.Open("long-1"); err != nil {
					t.Fatal(err)
				}
			}
			v := k.view
			if !v.box.Visible() {
				t.Fatal("the alert is not shown")
			}
			pages := v.pager.Pages()
			if pages < 3 {
				t.Fatalf("%d pages for 4,000 characters", pages)
			}
			if !strings.Contains(alertText(k), "特大暴雨") || !strings.Contains(alertText(k), "常用药品") {
				t.Fatal("the alert's text is not in the view")
			}
			if !v.bar.Box.Visible() || v.bar.Next.Visible() != (mode == config.ModeTouch) {
				t.Fatalf("page bar shown %v, 下一页 shown %v", v.bar.Box.Visible(), v.bar.Next.Visible())
			}
			d := fyne.CurrentApp().Driver()
			inside := func() {
				t.Helper()
				bottom := d.AbsolutePositionForObject(v.pager).Y + v.pager.Size().Height
				for _, b := range v.pager.Blocks {
					if b.Obj.Visible() {
						if end := d.AbsolutePositionForObject(b.Obj).Y + b.Obj.Size().Height; end > bottom+1 {
							t.Fatalf("page %d: a block ends at %.0f, below the view's %.0f", v.pager.Page(), end, bottom)
						}
					}
				}
			}
			if mode == config.ModeTouch {
				for page := 0; page < pages; page++ {
					if v.pager.Page() != page {
						t.Fatalf("on page %d, want %d", v.pager.Page(), page)
					}
					inside()
					test.Tap(v.bar.Next)
				}
				return
			}
			// the display: a page a dwell, each turn going on where the
			// last stopped, until every page has been on the screen
			seen := map[int]bool{}
			for i := 0; i < 20*pages && len(seen) < pages; i++ {
				if v.box.Visible() {
					seen[v.pager.Page()] = true
					inside()
				}
				next := k.tick()
				if v.box.Visible() && next.After(c.T.Add(k.dwell())) {
					t.Fatalf("next wake in %s, after a dwell", next.Sub(c.T))
				}
				c.T = next
				k.tick()
			}
			if len(seen) != pages {
				t.Fatalf("the display showed pages %v of %d", seen, pages)
			}
		})
	}
}

// On the display a new alert takes the whole face at once, alternates
// with the rotation (a phase each), and is gone by itself at its end; the
// display log is told which alerts are in force (through the window:
// ui's TestRuntimeIsToldTheAlerts).
func TestDisplayAlertTakesOverAndAlternates(t *testing.T) {
	st := demoStore(t)
	host := &fakeHost{display: true}
	k := newAlerts(t, st, landscape, 0, host)
	c := k.c
	if k.view.box.Visible() {
		t.Fatal("an alert before any was published")
	}
	applyAlerts(t, st, 1, typhoon())
	k.refresh()
	if shown := alertText(k); !k.view.box.Visible() || !strings.Contains(shown, "紧急转移") || !strings.Contains(shown, "18时前转移") {
		t.Fatalf("the new alert did not take the display: visible %v, text %q", k.view.box.Visible(), shown)
	}
	if k.host.hushed == 0 {
		t.Error("the slide read aloud was not stopped for the alert")
	}
	if k.view.back.Visible() {
		t.Error("the display's takeover has a 返回 button")
	}
	phase := k.alertPhase()
	for i, want := range []bool{false, true, false, true} {
		next := k.tick()
		if next.After(c.T.Add(phase)) {
			t.Fatalf("turn %d: next wake %s is after the phase's end", i, next.Sub(c.T))
		}
		c.T = c.T.Add(phase)
		k.tick()
		if k.view.box.Visible() != want {
			t.Fatalf("turn %d: alert shown %v, want %v", i, k.view.box.Visible(), want)
		}
	}
	// At its end it disappears by itself, and stays away.
	c.T = typhoon().End.Add(time.Second)
	k.tick()
	if k.view.box.Visible() {
		t.Fatal("the alert outlived its end")
	}
	c.T = c.T.Add(phase)
	k.tick()
	if k.view.box.Visible() {
		t.Fatal("after its end the display is not back to the rotation")
	}
	told := host.alerts
	if len(told) < 3 || !slices.Equal(told[len(told)-2], []string{"typhoon-1125"}) || len(told[len(told)-1]) != 0 {
		t.Fatalf("OnAlerts was told %v", told)
	}
}

// On a touch screen a red banner shows while an alert is in force; a tap
// opens the alert, 返回 closes it, and Close (the window's idle reset)
// closes it too. (The window puts the banner on every villager's screen
// and goes back to the screen under the view: ui's
// TestBannerOverTheVillagersScreens.)
func TestTouchBannerOpensAlert(t *testing.T) {
	k := newAlerts(t, demoStore(t), portrait, 0, nil)
	if k.banner.box.Visible() {
		t.Fatal("a banner before any alert")
	}
	applyAlerts(t, k.Store, 1, typhoon())
	k.refresh()
	if !k.banner.box.Visible() || !strings.Contains(richText(k.banner.text), "台风") {
		t.Fatal("no banner")
	}
	if err := k.Open("no-such-alert"); err == nil {
		t.Error("an alert not in force opened")
	}
	test.Tap(k.banner.box.Objects[1].(fyne.Tappable))
	if !k.view.box.Visible() || !k.view.back.Visible() || !k.IsOpen() {
		t.Fatal("the banner did not open the alert")
	}
	if k.view.nextBtn.Visible() {
		t.Error("下一条 with one alert")
	}
	test.Tap(k.view.back)
	if k.view.box.Visible() || k.IsOpen() {
		t.Fatal("返回 did not close the alert")
	}
	test.Tap(k.banner.box.Objects[1].(fyne.Tappable))
	k.Close() // the window's idle reset
	if k.view.box.Visible() || k.IsOpen() {
		t.Fatal("the idle reset did not close the alert")
	}
	if k.host.touched != 3 {
		t.Errorf("%d taps told to the window's idle clock, want 3", k.host.touched)
	}
	// Cancelled (a new alerts version without it): the banner goes.
	applyAlerts(t, k.Store, 2)
	k.refresh()
	if k.banner.box.Visible() {
		t.Fatal("the banner outlived the cancelled alert")
	}
}
