package ui

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/config"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
)

// newTestDisplay runs the display on the demo store.
func newTestDisplay(t *testing.T, d Deps, size fyne.Size) (*Kiosk, fyne.Window, *clock) {
	t.Helper()
	a := test.NewTempApp(t)
	c := &clock{t: demoNow}
	if d.Store == nil {
		d.Store = demoStore(t)
	}
	d.Location, d.Clock, d.Mode, d.Ticks = dongwan, c.Now, config.ModeDisplay, make(chan time.Time)
	w := test.NewWindow(nil)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	d.Spawn = kit.Inline
	k := New(a, w, d)
	t.Cleanup(k.Close)
	w.Resize(size)
	return k, w, c
}

func TestDisplayTakesNewContentFromSync(t *testing.T) {
	k, _, _ := newTestDisplay(t, Deps{}, landscape)
	n := k.disp.Rot.Len()
	k.disp.Rot.Set(nil, demoNow) // pretend the rotation was empty before a sync
	k.reload()                   // what Store.Changed triggers
	if k.disp.Rot.Len() != n || k.disp.ShownID == "" {
		t.Errorf("after reload: %d slides, want %d", k.disp.Rot.Len(), n)
	}
}

func TestSwitchModeWithoutRestart(t *testing.T) {
	k, _, _ := newTestKiosk(t, portrait)
	if k.disp.Box.Visible() {
		t.Fatal("touch kiosk shows the display")
	}
	c := *mustParse(t, "location = \"310118901201\"\nmode = \"display\"\n")
	k.applyConfig(&c)
	if !k.disp.Box.Visible() || k.touchObjs[1].Visible() {
		t.Fatal("display mode not applied")
	}
}

// The display tells OnSlide each notice as it comes on show, in the
// rotation's order and at its dwell, and "" when nothing is on show: dark
// off-hours, the admin panel over the display, touch mode.
func TestDisplayTellsTheSlideOnShow(t *testing.T) {
	type told struct {
		id string
		at int // seconds since demoNow, on the injected clock
	}
	var got []told
	var c *clock
	onSlide := func(id string) {
		at := 0
		if c != nil { // nil while New builds the kiosk, at demoNow
			at = int(c.t.Sub(demoNow) / time.Second)
		}
		got = append(got, told{id, at})
	}
	k, _, c := newTestDisplay(t, Deps{Dwell: 10 * time.Second, Hours: kit.Hours{On: 7 * 60, Off: 21 * 60}, Runtime: &fakeRuntime{OnShowSlide: onSlide}}, landscape)
	v := k.disp
	slides := v.Rot.Slides()
	if len(slides) < 3 {
		t.Fatalf("%d slides; the test wants a rotation", len(slides))
	}
	if n := len(got); n == 0 || got[n-1] != (told{slides[0].ID, 0}) {
		t.Fatalf("at start OnSlide was told %v, want %s last", got, slides[0].ID)
	}
	got = []told{{slides[0].ID, 0}}
	// Some minutes, waking when the kiosk asks to. Each notice stays a
	// dwell per page it has at this size (read while it is on show).
	pages := map[string]int{}
	dwell := map[string]time.Duration{}
	for c.t.Sub(demoNow) < 10*time.Minute {
		pages[v.ShownID] = v.Body.Pages()
		for _, s := range v.Rot.Slides() {
			dwell[s.ID] = v.Rot.DwellOf(s)
		}
		c.t = k.Tick()
	}
	if len(got) < 4 {
		t.Fatalf("OnSlide was told only %v in ten minutes", got)
	}
	for i := 0; i+1 < len(got); i++ {
		a, b := got[i], got[i+1]
		if want := int(dwell[a.id] * time.Duration(pages[a.id]) / time.Second); b.at-a.at != want {
			t.Errorf("%s was on show %d s (from %d s), want %d s: %d pages at %v", a.id, b.at-a.at, a.at, want, pages[a.id], dwell[a.id])
		}
	}
	if paged := slices.ContainsFunc(got, func(x told) bool { return pages[x.id] > 1 }); !paged {
		t.Errorf("no notice of the demo has more than one page on the display: %v", pages)
	}
	cur := v.ShownID
	got = nil
	k.admin.Open(admin.PurposeOpen)
	k.admin.Close()
	k.applyConfig(mustParse(t, "location = \"310118901201\"\nmode = \"touch\"\n"))
	k.applyConfig(mustParse(t, "location = \"310118901201\"\nmode = \"display\"\ndwell = \"10s\"\ndisplay_on = \"07:00\"\ndisplay_off = \"21:00\"\n"))
	c.t = time.Date(2026, 11, 25, 21, 0, 0, 0, k.Loc)
	k.Tick()
	k.Tick() // nothing new: not told again
	var ids []string
	for _, g := range got {
		ids = append(ids, g.id)
	}
	if want := []string{"", cur, "", cur, ""}; !slices.Equal(ids, want) {
		t.Errorf("admin panel open and closed, touch mode, display mode, night: told %q, want %q", ids, want)
	}
}

// On a display that reads aloud, a slide with audio stays up past its
// dwell until the sound ends, then the rotation goes on.
func TestDisplayWaitsForTheSoundToEnd(t *testing.T) {
	a := test.NewTempApp(t)
	st := spokenStore(t)
	sp := &fakeSpeaker{}
	c := &clock{t: demoNow}
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	k := New(a, w, Deps{Spawn: kit.Inline, Store: st, Location: dongwan, Clock: c.Now, Ticks: make(chan time.Time),
		Changes: make(chan struct{}), Mode: "display", Speaker: sp, ReadAloud: true, Dwell: 5 * time.Second})
	t.Cleanup(k.Close)
	w.Resize(fyne.NewSize(1920, 1080))
	if !k.disp.Rot.Show("land-2026-017", c.t) {
		t.Fatal("no slide")
	}
	k.disp.ShowSlide(c.t)
	eventuallyUI(t, "reading the slide", func() bool { p, _ := sp.State(); return p })
	cur := func() string { s, _ := k.disp.Rot.Current(); return s.ID }
	c.t = c.t.Add(10 * time.Minute) // far past its dwell
	k.Tick()
	if cur() != "land-2026-017" {
		t.Fatalf("the slide left while read aloud; now %s", cur())
	}
	sp.Finish()
	eventuallyUI(t, "the slide to go on after its sound", func() bool { k.Tick(); return cur() != "land-2026-017" })
}
