package ui

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/kit"
)

// typhoon is an urgent alert for 东湾村's town, in force from an hour
// before demoNow for three hours.
func typhoon() feed.Alert {
	return feed.Alert{ID: "typhoon-1125", Title: "台风“海燕”紧急转移通知", Agency: "金泽镇防汛防台指挥部", Priority: feed.AlertUrgent,
		Start: demoNow.Add(-time.Hour), End: demoNow.Add(2 * time.Hour), Locations: []string{"310118901"},
		Body:        "受第18号台风影响，今晚至明晨有大暴雨和10级以上大风。",
		Instruction: "低洼地区和危旧房屋居民请于今天18时前转移到村委会安置点；不要外出，远离河道。"}
}

// applyAlerts signs alerts with the demo key and stores them as a poll does.
func applyAlerts(t testing.TB, st *store.Store, version int64, list ...feed.Alert) {
	t.Helper()
	priv, err := feed.ParsePrivateKey(readFile(t, "../assets/demokey/publisher.key"))
	if err != nil {
		t.Fatal(err)
	}
	state, _ := st.State()
	issued := demoNow.Add(-time.Duration(10-version) * time.Minute)
	raw, err := feed.EncodeAlerts(&feed.Alerts{FeedID: state.FeedID, Version: version, IssuedAt: issued, Expires: issued.Add(30 * 24 * time.Hour), Alerts: list})
	if err != nil {
		t.Fatal(err)
	}
	as, _ := st.AlertState()
	v, err := feed.VerifyAlerts(raw, feed.Sign(raw, priv), feed.Trust{Key: priv.Public().(ed25519.PublicKey), Now: demoNow, FeedID: state.FeedID, Version: as.Version, Sum: as.Sum})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ApplyAlerts(v, raw, "test", demoNow); err != nil {
		t.Fatal(err)
	}
}

func richText(rt *widget.RichText) string { return kit.Unbreakable(rt.String()) }

// alertText is all the alert view holds, on every page.
func alertText(k *Kiosk) string {
	var b strings.Builder
	for _, bl := range k.alerts.pager.Blocks {
		b.WriteString(kit.BlockText(bl))
	}
	return b.String()
}

// longAlert has as much body and instruction as the format allows.
func longAlert() feed.Alert {
	a := typhoon()
	a.ID = "long-1"
	a.Instruction = cutRunes(strings.Repeat("请沿村道向北转移至镇中心小学安置点，携带身份证件和常用药品，听从村干部安排。", 60), feed.MaxAlertText)
	a.Body = cutRunes(strings.Repeat("受台风影响，预计今夜到明天我镇有大暴雨，局部特大暴雨，沿河低洼地带可能出现内涝。\n", 60), feed.MaxAlertText)
	return a
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}

// An alert of 2,000 characters of what to do and 2,000 of body does not
// fit a screen: the touch view pages it with 上一页/下一页, every block of
// a page inside the view, and the display turns a page a dwell.
func TestLongAlertIsPaged(t *testing.T) {
	for _, mode := range []string{config.ModeTouch, config.ModeDisplay} {
		t.Run(mode, func(t *testing.T) {
			a := test.NewTempApp(t)
			c := &clock{t: demoNow}
			w := test.NewWindow(nil)
			t.Cleanup(w.Close)
			st := demoStore(t)
			applyAlerts(t, st, 1, longAlert())
			k := New(a, w, Deps{Store: st, Location: dongwan, Clock: c.Now, Ticks: make(chan time.Time), Changes: make(chan struct{}),
				Mode: mode, Dwell: 10 * time.Second})
			k.Spawn = kit.Inline
			t.Cleanup(k.Close)
			w.Resize(landscape)
			k.Refresh()
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
			d := a.Driver()
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
				next := k.Tick()
				if v.box.Visible() && next.After(c.t.Add(k.dwell())) {
					t.Fatalf("next wake in %s, after a dwell", next.Sub(c.t))
				}
				c.t = next
				k.Tick()
			}
			if len(seen) != pages {
				t.Fatalf("the display showed pages %v of %d", seen, pages)
			}
		})
	}
}

// On the display a new alert takes the whole face at once, alternates
// with the rotation (a phase each), and is gone by itself at its end; the
// display log is told which alerts are in force.
func TestDisplayAlertTakesOverAndAlternates(t *testing.T) {
	a := test.NewTempApp(t)
	st := demoStore(t)
	c := &clock{t: demoNow}
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	var told [][]string
	k := New(a, w, Deps{Store: st, Location: dongwan, Clock: c.Now, Ticks: make(chan time.Time), Changes: make(chan struct{}),
		Mode: config.ModeDisplay, Runtime: &fakeRuntime{showAlerts: func(ids []string) { told = append(told, ids) }}})
	k.Spawn = kit.Inline
	t.Cleanup(k.Close)
	w.Resize(landscape)
	if k.alerts.box.Visible() {
		t.Fatal("an alert before any was published")
	}
	applyAlerts(t, st, 1, typhoon())
	k.Refresh()
	if shown := alertText(k); !k.alerts.box.Visible() || !strings.Contains(shown, "紧急转移") || !strings.Contains(shown, "18时前转移") {
		t.Fatalf("the new alert did not take the display: visible %v, text %q", k.alerts.box.Visible(), shown)
	}
	if k.alerts.back.Visible() {
		t.Error("the display's takeover has a 返回 button")
	}
	phase := k.alertPhase()
	for i, want := range []bool{false, true, false, true} {
		next := k.Tick()
		if next.After(c.t.Add(phase)) {
			t.Fatalf("turn %d: next wake %s is after the phase's end", i, next.Sub(c.t))
		}
		c.t = c.t.Add(phase)
		k.Tick()
		if k.alerts.box.Visible() != want {
			t.Fatalf("turn %d: alert shown %v, want %v", i, k.alerts.box.Visible(), want)
		}
	}
	// At its end it disappears by itself, and stays away.
	c.t = typhoon().End.Add(time.Second)
	k.Tick()
	if k.alerts.box.Visible() {
		t.Fatal("the alert outlived its end")
	}
	c.t = c.t.Add(phase)
	k.Tick()
	if k.alerts.box.Visible() || !k.disp.Box.Visible() {
		t.Fatal("after its end the display is not back to the rotation")
	}
	if len(told) < 3 || !slices.Equal(told[len(told)-2], []string{"typhoon-1125"}) || len(told[len(told)-1]) != 0 {
		t.Fatalf("OnAlerts was told %v", told)
	}
}

// On a touch screen a red banner is on every screen while an alert is in
// force; a tap opens the alert, 返回 goes back to where the villager was,
// and the idle reset closes it.
func TestTouchBannerOpensAlert(t *testing.T) {
	a := test.NewTempApp(t)
	c := &clock{t: demoNow}
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	// the store's own change signal is not watched: the test refreshes
	k := New(a, w, Deps{Store: demoStore(t), Location: dongwan, Clock: c.Now, Ticks: make(chan time.Time), Changes: make(chan struct{})})
	k.Spawn = kit.Inline
	t.Cleanup(k.Close)
	w.Resize(portrait)
	if k.alertBar.box.Visible() {
		t.Fatal("a banner before any alert")
	}
	applyAlerts(t, k.Store, 1, typhoon())
	k.Refresh()
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
	c.t = c.t.Add(k.deps.IdleTimeout + k.deps.IdleCountdown + time.Second)
	k.CheckIdle()
	if k.alerts.box.Visible() || len(k.st.stack) != 1 {
		t.Fatal("the idle reset did not close the alert and go home")
	}
	// Cancelled (a new alerts version without it): the banner goes.
	applyAlerts(t, k.Store, 2)
	k.Refresh()
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
				a := test.NewTempApp(t)
				w := test.NewWindow(nil)
				t.Cleanup(w.Close)
				st := demoStore(t)
				applyAlerts(t, st, 1, typhoon())
				k := New(a, w, Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow },
					Ticks: make(chan time.Time), Changes: make(chan struct{}), TextStep: step})
				k.Spawn = kit.Inline
				t.Cleanup(k.Close)
				w.Resize(size)
				k.Refresh()
				if !k.alertBar.box.Visible() {
					t.Fatal("no banner")
				}
				d := a.Driver()
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
