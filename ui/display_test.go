package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/config"
	"gongkai/store"
	"gongkai/ui/admin"
	"gongkai/ui/display"
	"gongkai/ui/kit"
)

func sums(specs ...string) []store.Summary {
	var out []store.Summary
	for _, s := range specs {
		id, prio, _ := strings.Cut(s, ":")
		out = append(out, store.Summary{ID: id, Priority: prio})
	}
	return out
}

func ids(r *display.Rotation) []string {
	var out []string
	for _, s := range r.Slides() {
		out = append(out, s.ID)
	}
	return out
}

func TestRotationOrderAndDwell(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	r := display.Rotation{Dwell: 10 * time.Second}
	// the store gives pinned first; an emergency still goes before it
	r.Set(sums("p:pinned", "a", "u:urgent", "b"), t0)
	if got := ids(&r); !slices.Equal(got, []string{"u", "p", "a", "b"}) {
		t.Fatalf("order = %v, want urgent, pinned, then the rest", got)
	}
	var seen []string
	now := t0
	for range 6 {
		s, _ := r.Current()
		seen = append(seen, s.ID)
		wake := r.NextWake(now)
		if want := now.Add(r.DwellOf(s)); !wake.Equal(want) {
			t.Fatalf("%s: next wake %v, want %v", s.ID, wake.Sub(now), want.Sub(now))
		}
		if r.Step(wake.Add(-time.Millisecond)) {
			t.Fatalf("%s left before its dwell", s.ID)
		}
		if !r.Step(wake) {
			t.Fatalf("%s did not leave after its dwell", s.ID)
		}
		now = wake
	}
	if !slices.Equal(seen, []string{"u", "p", "a", "b", "u", "p"}) {
		t.Errorf("shown %v", seen)
	}
	if d := r.DwellOf(display.Slide{Priority: "urgent"}); d != 20*time.Second {
		t.Errorf("urgent dwell %v, want 2×", d)
	}
	if d := (&display.Rotation{}).DwellOf(display.Slide{}); d != 15*time.Second {
		t.Errorf("default dwell %v", d)
	}
}

func TestRotationKeepsSlideAcrossSync(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	r := display.Rotation{Dwell: 10 * time.Second}
	r.Set(sums("a", "b", "c"), t0)
	r.Step(t0.Add(10 * time.Second)) // b is up
	r.Set(sums("new:urgent", "a", "b", "c"), t0.Add(12*time.Second))
	if s, _ := r.Current(); s.ID != "b" {
		t.Fatalf("after a sync the screen shows %s, want b still", s.ID)
	}
	if !r.Step(t0.Add(20 * time.Second)) {
		t.Fatal("b overstayed: its time so far was lost")
	}
	r.Set(sums("a"), t0.Add(21*time.Second)) // c was withdrawn
	if s, _ := r.Current(); s.ID != "a" {
		t.Errorf("current %s after withdrawal", s.ID)
	}
	r.Set(nil, t0.Add(22*time.Second))
	if _, ok := r.Current(); ok || r.Step(t0.Add(time.Hour)) {
		t.Error("empty rotation has a slide")
	}
}

func TestHoursAndNextWake(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	day := func(h, m int) time.Time { return time.Date(2026, 11, 25, h, m, 0, 0, cst) }
	r := display.Rotation{Dwell: 15 * time.Second, Hours: kit.Hours{On: 7 * 60, Off: 21 * 60}}
	r.Set(sums("a", "b"), day(20, 59))
	for _, c := range []struct {
		at   time.Time
		on   bool
		wake time.Time
	}{
		{day(6, 59), false, day(7, 0)},
		{day(7, 0), true, day(7, 0).Add(time.Minute)},          // the clock's next minute
		{day(20, 59), true, day(20, 59).Add(15 * time.Second)}, // the next slide
		{day(21, 0), false, day(7, 0).AddDate(0, 0, 1)},        // asleep until morning
		{day(23, 30), false, day(7, 0).AddDate(0, 0, 1)},
	} {
		if got := r.Hours.IsOn(c.at); got != c.on {
			t.Errorf("%s: on = %v", c.at.Format("15:04"), got)
		}
		if got := r.NextWake(c.at); !got.Equal(c.wake) {
			t.Errorf("%s: next wake %s, want %s", c.at.Format("15:04"), got.Format("Jan 2 15:04:05"), c.wake.Format("Jan 2 15:04:05"))
		}
	}
	// the minute before the off time wakes exactly at it
	r2 := display.Rotation{Dwell: time.Hour, Hours: kit.Hours{On: 7 * 60, Off: 21 * 60}}
	r2.Set(sums("a"), day(20, 59))
	if got := r2.NextWake(day(20, 59).Add(30 * time.Second)); !got.Equal(day(21, 0)) {
		t.Errorf("wake before off = %s", got.Format("15:04:05"))
	}
	overnight := kit.Hours{On: 18 * 60, Off: 2 * 60}
	if !overnight.IsOn(day(1, 0)) || overnight.IsOn(day(12, 0)) || !overnight.IsOn(day(19, 0)) {
		t.Error("overnight hours")
	}
	if !(kit.Hours{}).IsOn(day(3, 0)) {
		t.Error("no hours means always on")
	}
	if h := kit.HoursOf("07:00", "21:00"); h != (kit.Hours{On: 420, Off: 1260}) {
		t.Errorf("HoursOf = %v", h)
	}
}

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
	k := New(a, w, d)
	t.Cleanup(k.Close)
	k.Spawn = kit.Inline
	w.Resize(size)
	return k, w, c
}

func TestDisplayShowsUrgentFirstAndRotates(t *testing.T) {
	k, _, c := newTestDisplay(t, Deps{Dwell: 10 * time.Second}, landscape)
	v := k.disp
	first := textOf(v.Title)
	if !strings.Contains(first, "停水") || !strings.Contains(textOf(v.Topic), "紧急") {
		t.Fatalf("first slide %q, want the urgent water outage", first)
	}
	if !strings.Contains(textOf(v.TickT), "停水") || !v.Ticker.Visible() {
		t.Error("urgent ticker missing")
	}
	if !strings.Contains(textOf(v.Place), "东湾村") || !strings.Contains(textOf(v.Clock), "11月25日") {
		t.Errorf("header: %q %q", textOf(v.Place), textOf(v.Clock))
	}
	if v.Stale.Visible() {
		t.Error("fresh content marked stale")
	}
	// urgent: twice the dwell, for each of its pages
	up := 20 * time.Second * time.Duration(v.Body.Pages())
	c.t = c.t.Add(up - time.Second)
	k.Tick()
	if textOf(v.Title) != first {
		t.Fatalf("urgent notice left before 2× dwell for each of its %d pages", v.Body.Pages())
	}
	c.t = c.t.Add(time.Second)
	next := k.Tick()
	if textOf(v.Title) == first {
		t.Fatal("rotation did not move on")
	}
	if !strings.Contains(textOf(v.Counter), "第 2 /") {
		t.Errorf("counter %q", textOf(v.Counter))
	}
	if d := next.Sub(c.t); d <= 0 || d > 20*time.Second {
		t.Errorf("next wake in %v", d)
	}
	if v.Qr.Image == nil && strings.Contains(textOf(v.Title), "2027") {
		t.Error("notice with a URL has no QR code")
	}
}

func TestDisplayEmptySlide(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	k, _, _ := newTestDisplay(t, Deps{Store: st}, portrait)
	v := k.disp
	if !v.Empty.Visible() || v.Slide.Visible() {
		t.Fatal("empty store: the empty slide is not up")
	}
	if !strings.Contains(textOf(v.EmptyT), "目前没有需要公示的公告") {
		t.Errorf("empty slide: %q", textOf(v.EmptyT))
	}
	if !v.Stale.Visible() {
		t.Error("a screen that never synced must say so")
	}
}

func TestDisplayStaleBanner(t *testing.T) {
	k, _, c := newTestDisplay(t, Deps{StaleAfter: 72 * time.Hour}, landscape)
	v := k.disp
	c.t = demoNow.Add(71 * time.Hour)
	k.Tick()
	if v.Stale.Visible() {
		t.Fatal("stale before the configured age")
	}
	c.t = demoNow.Add(73 * time.Hour)
	k.Tick()
	if !v.Stale.Visible() || !strings.Contains(textOf(v.StaleT), "3 天未能更新") {
		t.Fatalf("stale banner: %v %q", v.Stale.Visible(), textOf(v.StaleT))
	}
	// an expired feed is stale whatever the sync age
	c.t = k.Feed.Expires.Add(time.Minute)
	k.Tick()
	if !strings.Contains(textOf(v.StaleT), "已过有效期") {
		t.Errorf("expired: %q", textOf(v.StaleT))
	}
}

func TestDisplayOffHours(t *testing.T) {
	// demoNow is 10:00 in the feed's zone: lit from 07:00 to 21:00
	k, _, c := newTestDisplay(t, Deps{Hours: kit.Hours{On: 7 * 60, Off: 21 * 60}}, landscape)
	v := k.disp
	k.Tick()
	if !v.Content.Visible() || v.Dark.Visible() {
		t.Fatal("dark during the day")
	}
	c.t = time.Date(2026, 11, 25, 21, 0, 0, 0, k.Loc)
	wake := k.Tick()
	if v.Content.Visible() || !v.Dark.Visible() {
		t.Fatal("still lit after the off time")
	}
	morning := time.Date(2026, 11, 26, 7, 0, 0, 0, k.Loc)
	if !wake.Equal(morning) {
		t.Fatalf("asleep until %v, want %v: no timer may fire during the night", wake, morning)
	}
	c.t = c.t.Add(3 * time.Hour) // a stray wake in the night changes nothing
	if wake := k.Tick(); !wake.Equal(morning) || v.Content.Visible() {
		t.Fatalf("night tick: wake %v lit %v", wake, v.Content.Visible())
	}
	c.t = morning
	k.Tick()
	if !v.Content.Visible() || v.Dark.Visible() {
		t.Fatal("not back on in the morning")
	}
}

func TestDisplayTakesNewContentFromSync(t *testing.T) {
	k, _, _ := newTestDisplay(t, Deps{}, landscape)
	n := k.disp.Rot.Len()
	k.disp.Rot.Set(nil, demoNow) // pretend the rotation was empty before a sync
	k.reload()                   // what Store.Changed triggers
	if k.disp.Rot.Len() != n || !k.disp.Slide.Visible() {
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

func mustParse(t *testing.T, toml string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	return c
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
	k, _, c := newTestDisplay(t, Deps{Dwell: 10 * time.Second, Hours: kit.Hours{On: 7 * 60, Off: 21 * 60}, Runtime: &fakeRuntime{showSlide: onSlide}}, landscape)
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

func TestRotationGivesEachPageItsDwell(t *testing.T) {
	r := display.Rotation{Dwell: 10 * time.Second}
	t0 := demoNow
	r.Set(sums("a", "b"), t0)
	r.SetPages(3)
	for _, tc := range []struct {
		after time.Duration
		page  int
		wake  time.Duration // NextWake, after t0
	}{
		{0, 0, 10 * time.Second},
		{9 * time.Second, 0, 10 * time.Second},
		{10 * time.Second, 1, 20 * time.Second},
		{25 * time.Second, 2, 30 * time.Second},
	} {
		now := t0.Add(tc.after)
		if r.Step(now) {
			t.Fatalf("%v: moved to the next notice before its three pages were shown", tc.after)
		}
		if p := r.Page(now); p != tc.page {
			t.Errorf("%v: page %d, want %d", tc.after, p, tc.page)
		}
		if w := r.NextWake(now).Sub(t0); w != tc.wake {
			t.Errorf("%v: next wake %v, want %v", tc.after, w, tc.wake)
		}
	}
	if !r.Step(t0.Add(30*time.Second)) || r.Page(t0.Add(30*time.Second)) != 0 || r.Pages() != 1 {
		t.Fatalf("after three pages: notice %d, page %d of %d", r.Index(), r.Page(t0.Add(30*time.Second)), r.Pages())
	}
	// a lone notice of pages starts again from its first page
	var one display.Rotation
	one.Dwell = 10 * time.Second
	one.Set(sums("a"), t0)
	one.SetPages(2)
	if one.Step(t0.Add(15*time.Second)) || one.Page(t0.Add(15*time.Second)) != 1 {
		t.Fatal("a lone notice did not turn to its second page")
	}
	if !one.Step(t0.Add(20*time.Second)) || one.Page(t0.Add(20*time.Second)) != 0 {
		t.Fatal("a lone notice did not come back to its first page")
	}
}

// TestRotationTurnsALongNoticeInParts: a notice of 24 pages holds the
// screen for TurnPages dwells, lets the other notice have its turn, goes
// on from where it stopped at the next turn and starts again at its
// first once all 24 were shown. A notice withdrawn meanwhile is forgotten.
func TestRotationTurnsALongNoticeInParts(t *testing.T) {
	const dwell = 10 * time.Second
	r := display.Rotation{Dwell: dwell}
	now := demoNow
	r.Set(sums("long", "short"), now)
	var shown []int // the long notice's pages, in the order they came up
	for range 80 {
		s, _ := r.Current()
		if s.ID == "long" {
			r.SetPages(24)
			shown = append(shown, r.Page(now))
		} else {
			r.SetPages(1)
		}
		now = r.NextWake(now)
		r.Step(now)
	}
	var want []int
	for range 2 {
		for p := range 24 {
			want = append(want, p)
		}
	}
	if len(shown) < len(want) || !slices.Equal(shown[:len(want)], want) {
		t.Fatalf("the long notice's pages came up as %v, want %v first", shown, want)
	}
	// between its turns the short notice had the screen: never more than
	// TurnPages of the long one in a row
	r = display.Rotation{Dwell: dwell}
	now = demoNow
	r.Set(sums("long", "short"), now)
	run, longest := 0, 0
	for range 80 {
		s, _ := r.Current()
		if s.ID == "long" {
			r.SetPages(24)
			run++
		} else {
			r.SetPages(1)
			run = 0
		}
		longest = max(longest, run)
		now = r.NextWake(now)
		r.Step(now)
	}
	if longest != display.TurnPages {
		t.Errorf("the long notice held the screen for %d pages in a row, want %d", longest, display.TurnPages)
	}

	// withdrawn in the middle and published again: it starts from its first page
	r = display.Rotation{Dwell: dwell}
	now = demoNow
	r.Set(sums("long", "short"), now)
	r.SetPages(24)
	now = now.Add(display.TurnPages * dwell)
	r.Step(now) // short on show, long to go on at page TurnPages
	r.Set(sums("short"), now)
	r.Set(sums("long", "short"), now)
	now = now.Add(dwell)
	r.SetPages(1)
	r.Step(now)
	r.SetPages(24)
	if s, _ := r.Current(); s.ID != "long" || r.Page(now) != 0 {
		t.Errorf("published again: %s on page %d, want long on page 0", s.ID, r.Page(now))
	}
}

// TestDisplayPagesThroughTheWholeNotice: the village finance notice, all
// of it — every paragraph and every table row — comes on the display page
// by page, each page for a dwell, with "第 n/m 页"; pages that start inside
// a table repeat its header; pages after the first carry the title on one
// line and give the body the whole width.
func TestDisplayPagesThroughTheWholeNotice(t *testing.T) {
	for _, size := range []fyne.Size{landscape, portrait} {
		t.Run(orient(size), func(t *testing.T) {
			k, w, c := newTestDisplay(t, Deps{Dwell: 10 * time.Second}, size)
			v := k.disp
			const id = "village-dw-2026q3-finance"
			if !v.Rot.Show(id, v.ClockNow()) {
				t.Fatal("the finance notice is not in the rotation")
			}
			v.ShowSlide(v.ClockNow())
			settle(w.Canvas().Content())
			pages := v.Body.Pages()
			if pages < 2 {
				t.Fatalf("%d page(s): the notice's tables do not fit one slide", pages)
			}
			start := c.t
			seen := map[string]bool{}
			for p := range pages {
				c.t = start.Add(time.Duration(p)*10*time.Second + time.Second)
				k.Tick()
				settle(w.Canvas().Content())
				if v.ShownID != id || v.Body.Page() != p {
					t.Fatalf("at %v: %s page %d, want %s page %d", c.t.Sub(start), v.ShownID, v.Body.Page(), id, p)
				}
				if want := kit.PageText(p, pages); !strings.Contains(textOf(v.Counter), want) {
					t.Errorf("page %d: counter %q, want %q", p+1, textOf(v.Counter), want)
				}
				if p > 0 {
					if v.QrCol.Visible() || !v.RunTitle.Visible() || v.Body.Size().Width != v.Slide.Size().Width {
						t.Errorf("page %d: the QR code or the heading is still up, or the body is not full width", p+1)
					}
					first := v.Body.Layout[p][0]
					if b := v.Body.Blocks[first]; b.Header != nil && !b.Header.Visible() {
						t.Errorf("page %d starts inside a table without its header", p+1)
					}
				}
				for _, i := range v.Body.Layout[p] {
					seen[textOf(v.Body.Object(i))] = true
				}
			}
			for i, b := range v.Body.Blocks {
				if !seen[textOf(b.Obj)] {
					t.Errorf("block %d (%q) never came on the display", i, textOf(b.Obj))
				}
			}
			// the next notice after the last page's dwell
			c.t = start.Add(time.Duration(pages)*10*time.Second + time.Second)
			k.Tick()
			if v.ShownID == id {
				t.Errorf("still on %s after %d pages", id, pages)
			}
		})
	}
}

// A slide read aloud stays up until its sound ends (Hold), however short
// its dwell, and no longer than the longest sound allows; the next slide
// starts unheld.
func TestRotationHoldsASlideWhileReadAloud(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	r := display.Rotation{Dwell: 10 * time.Second}
	r.Set(sums("a", "b"), t0)
	r.Hold(true)
	late := t0.Add(5 * time.Minute)
	if r.Step(late) {
		t.Fatal("the slide left while it was read aloud")
	}
	if wake := r.NextWake(late); !wake.After(late.Add(30 * time.Second)) {
		t.Errorf("a held slide wakes the display every %s", wake.Sub(late))
	}
	r.Hold(false)
	if !r.Step(late) {
		t.Fatal("the slide stayed after its sound ended")
	}
	if s, _ := r.Current(); s.ID != "b" {
		t.Fatalf("now %s", s.ID)
	}
	if r.Step(late.Add(11 * time.Second)); func() string { s, _ := r.Current(); return s.ID }() != "a" {
		t.Fatal("the next slide inherited the hold")
	}
	// a sound whose end never comes (a stuck card) holds no longer than
	// the longest a notice may carry
	r.Hold(true)
	start := late.Add(11 * time.Second)
	if !r.Step(start.Add(display.MaxHold)) {
		t.Fatal("held past the longest sound")
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
	k := New(a, w, Deps{Store: st, Location: dongwan, Clock: c.Now, Ticks: make(chan time.Time),
		Changes: make(chan struct{}), Mode: "display", Speaker: sp, ReadAloud: true, Dwell: 5 * time.Second})
	k.Spawn = kit.Inline
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
