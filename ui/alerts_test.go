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
// counts them; villager's TestDisplayAlertTakesOverAndAlternates for when).
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
	if !k.v.AlertView().Visible() || !strings.Contains(textOf(k.v.AlertView()), "金泽镇防汛防台指挥部") {
		t.Fatal("the alert is not over the display")
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
