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
	if !k.alerts.box.Visible() || !strings.Contains(richText(k.alerts.title), "紧急转移") || !strings.Contains(richText(k.alerts.todoT), "18时前转移") {
		t.Fatalf("the new alert did not take the display: visible %v, title %q", k.alerts.box.Visible(), richText(k.alerts.title))
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
}
