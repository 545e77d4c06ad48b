package villager

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/ui/kit"
)

func richText(rt *widget.RichText) string { return kit.Unbreakable(rt.String()) }

// alertText is all the alert view holds, on every page.
func alertText(k *testScreens) string {
	var b strings.Builder
	for _, bl := range k.alerts.pager.Blocks {
		b.WriteString(kit.BlockText(bl))
	}
	return b.String()
}

// tick is the window's tick as the alerts see it: they say when to come
// back, sooner than the hour the window would otherwise wait.
func (k *testScreens) tick() time.Time { return k.TickAlerts(k.c.T, k.c.T.Add(time.Hour)) }

// An alert of 2,000 characters of what to do and 2,000 of body does not
// fit a screen: the touch view pages it with 上一页/下一页, every block of
// a page inside the view, and the display turns a page a dwell.
func TestLongAlertIsPaged(t *testing.T) {
	for _, mode := range []string{config.ModeTouch, config.ModeDisplay} {
		t.Run(mode, func(t *testing.T) {
			st := demoStore(t)
			applyAlerts(t, st, 1, longAlert())
			k := newScreens(t, st, landscape, Options{Dwell: 10 * time.Second}, &fakeHost{display: mode == config.ModeDisplay})
			c := k.c
			k.refresh()
			if mode == config.ModeTouch {
				k.alerts.open("long-1")
			}
			v := k.alerts
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
	k := newScreens(t, st, landscape, Options{}, host)
	c := k.c
	if k.alerts.box.Visible() {
		t.Fatal("an alert before any was published")
	}
	applyAlerts(t, st, 1, typhoon())
	k.refresh()
	if shown := alertText(k); !k.alerts.box.Visible() || !strings.Contains(shown, "紧急转移") || !strings.Contains(shown, "18时前转移") {
		t.Fatalf("the new alert did not take the display: visible %v, text %q", k.alerts.box.Visible(), shown)
	}
	if k.alerts.back.Visible() {
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
		if k.alerts.box.Visible() != want {
			t.Fatalf("turn %d: alert shown %v, want %v", i, k.alerts.box.Visible(), want)
		}
	}
	// At its end it disappears by itself, and stays away.
	c.T = typhoon().End.Add(time.Second)
	k.tick()
	if k.alerts.box.Visible() {
		t.Fatal("the alert outlived its end")
	}
	c.T = c.T.Add(phase)
	k.tick()
	if k.alerts.box.Visible() {
		t.Fatal("after its end the display is not back to the rotation")
	}
	told := host.alerts
	if len(told) < 3 || !slices.Equal(told[len(told)-2], []string{"typhoon-1125"}) || len(told[len(told)-1]) != 0 {
		t.Fatalf("OnAlerts was told %v", told)
	}
}

// On a touch screen a red banner is on every screen while an alert is in
// force; a tap opens the alert, 返回 goes back to where the villager was,
// and the idle reset closes it.
func TestTouchBannerOpensAlert(t *testing.T) {
	k := newScreens(t, demoStore(t), portrait, Options{}, nil)
	if k.alertBar.box.Visible() {
		t.Fatal("a banner before any alert")
	}
	applyAlerts(t, k.Store, 1, typhoon())
	k.refresh()
	if !k.alertBar.box.Visible() || !strings.Contains(richText(k.alertBar.text), "台风") {
		t.Fatal("no banner at home")
	}
	k.push(screen{kind: screenList, category: "land"})
	if !k.alertBar.box.Visible() {
		t.Fatal("no banner on a list")
	}
	test.Tap(k.alertBar.box.Objects[1].(fyne.Tappable))
	if !k.alerts.box.Visible() || !k.alerts.back.Visible() {
		t.Fatal("the banner did not open the alert")
	}
	if k.alerts.nextBtn.Visible() {
		t.Error("下一条 with one alert")
	}
	test.Tap(k.alerts.back)
	if k.alerts.box.Visible() || k.st.cur().kind != screenList {
		t.Fatalf("返回 did not go back to the list: alert %v, screen %v", k.alerts.box.Visible(), k.st.cur().kind)
	}
	test.Tap(k.alertBar.box.Objects[1].(fyne.Tappable))
	k.Reset() // the window's idle reset (ui's TestIdleReturnsHome)
	if k.alerts.box.Visible() || len(k.st.stack) != 1 {
		t.Fatal("the idle reset did not close the alert and go home")
	}
	// Cancelled (a new alerts version without it): the banner goes.
	applyAlerts(t, k.Store, 2)
	k.refresh()
	if k.alertBar.box.Visible() {
		t.Fatal("the banner outlived the cancelled alert")
	}
}

// Under an alert banner, at every 字号, the home's important notices
// still show their card's words whole above their page bar: at 特大 the
// card ran under the bar, which hid the line saying what the notice is
// about. (Landscape at 特大 is tight enough that the card's frame may
// touch the bar; its words may not.)
func TestHomeCardClearsItsPageBarUnderABanner(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		for step := range kit.TextSteps {
			t.Run(orient(size)+"/"+kit.TextSteps[step].Name, func(t *testing.T) {
				st := demoStore(t)
				applyAlerts(t, st, 1, typhoon())
				k := newScreens(t, st, size, Options{TextStep: step}, nil)
				k.refresh()
				if !k.alertBar.box.Visible() {
					t.Fatal("no banner")
				}
				d := fyne.CurrentApp().Driver()
				bar := d.AbsolutePositionForObject(k.home.impBar.Box).Y
				shown := 0
				for _, o := range k.home.imp.Blocks {
					if !o.Obj.Visible() {
						continue
					}
					shown++
					words := o.Obj.(*kit.TapCard).Content
					if bottom := d.AbsolutePositionForObject(words).Y + words.MinSize().Height; bottom > bar {
						t.Errorf("a card's words end at %.0f, under its page bar at %.0f", bottom, bar)
					}
				}
				if shown == 0 {
					t.Fatal("no important notice on show")
				}
			})
		}
	}
}
