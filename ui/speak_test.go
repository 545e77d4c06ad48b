package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/ui/admin"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

type fakeSpeaker = uitest.FakeSpeaker

var (
	spokenStore  = uitest.SpokenStore
	eventuallyUI = uitest.Eventually
)

// Opening the admin panel stops a notice read aloud (villager's
// TestReadAloud for the other ways the sound stops).
func TestAdminPanelStopsReadingAloud(t *testing.T) {
	a := test.NewTempApp(t)
	sp := &fakeSpeaker{}
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	k := New(a, w, Deps{Spawn: kit.Inline, Store: spokenStore(t), Location: dongwan, Clock: func() time.Time { return demoNow }, Ticks: make(chan time.Time), Changes: make(chan struct{}), Speaker: sp})
	t.Cleanup(k.Close)
	w.Resize(portrait)
	if err := k.v.Open("item:land-2026-017"); err != nil {
		t.Fatal(err)
	}
	test.Tap(button(t, w.Content(), "▶ 朗读"))
	eventuallyUI(t, "playing", func() bool { p, _ := sp.State(); return p })
	k.admin.Open(admin.PurposeOpen)
	if p, _ := sp.State(); p {
		t.Fatal("still playing under the admin panel")
	}
}

// A display screen reads its slides aloud only when the settings say so.
func TestDisplayReadsAloudOnlyWhenOn(t *testing.T) {
	for _, on := range []bool{false, true} {
		a := test.NewTempApp(t)
		st := spokenStore(t)
		sp := &fakeSpeaker{}
		w := test.NewWindow(nil)
		k := New(a, w, Deps{Spawn: kit.Inline, Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }, Ticks: make(chan time.Time),
			Changes: make(chan struct{}), Mode: "display", Speaker: sp, ReadAloud: on})
		w.Resize(fyne.NewSize(1920, 1080))
		if !k.disp.Rot.Show("land-2026-017", demoNow) {
			t.Fatal("no slide")
		}
		k.disp.ShowSlide(demoNow)
		if on {
			eventuallyUI(t, "reading the slide", func() bool { p, _ := sp.State(); return p })
		} else if _, n := sp.State(); n != 0 {
			t.Fatal("a display read aloud with read_aloud off")
		}
		k.Close()
		w.Close()
	}
}

// TestWriteSpeakShots renders the reader of a notice with audio (朗读)
// and the settings page into $GONGKAI_SHOTS, portrait and landscape,
// every text size.
func TestWriteSpeakShots(t *testing.T) {
	out := os.Getenv("GONGKAI_SHOTS")
	if out == "" {
		t.Skip("set GONGKAI_SHOTS=DIR to write screenshots")
	}
	st := spokenStore(t)
	for _, size := range []fyne.Size{portrait, landscape} {
		for step := range kit.TextSteps {
			img, err := Screenshot(Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }, TextStep: step, Speaker: &fakeSpeaker{}},
				"item:land-2026-017", size)
			if err != nil {
				t.Fatal(err)
			}
			writePNG(t, filepath.Join(out, "speak-reader-"+orient(size)+"-"+kit.TextSteps[step].Name+".png"), img)
		}
		img, err := Screenshot(Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }}, "admin:settings", size)
		if err != nil {
			t.Fatal(err)
		}
		writePNG(t, filepath.Join(out, "speak-settings-"+orient(size)+".png"), img)
	}
}
