package display

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

func sums(specs ...string) []store.Ref {
	var out []store.Ref
	for _, s := range specs {
		id, prio, _ := strings.Cut(s, ":")
		out = append(out, store.Ref{ID: id, Priority: prio})
	}
	return out
}

func ids(r *Rotation) []string {
	var out []string
	for _, s := range r.Slides() {
		out = append(out, s.ID)
	}
	return out
}

func TestRotationOrderAndDwell(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	r := Rotation{Dwell: 10 * time.Second}
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
	if d := r.DwellOf(Slide{Priority: "urgent"}); d != 20*time.Second {
		t.Errorf("urgent dwell %v, want 2×", d)
	}
	if d := (&Rotation{}).DwellOf(Slide{}); d != 15*time.Second {
		t.Errorf("default dwell %v", d)
	}
}

func TestRotationKeepsSlideAcrossSync(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	r := Rotation{Dwell: 10 * time.Second}
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
	r := Rotation{Dwell: 15 * time.Second, Hours: kit.Hours{On: 7 * 60, Off: 21 * 60}}
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
	r2 := Rotation{Dwell: time.Hour, Hours: kit.Hours{On: 7 * 60, Off: 21 * 60}}
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

func TestDisplayShowsUrgentFirstAndRotates(t *testing.T) {
	v := newTestDisplay(t, nil, Options{Dwell: 10 * time.Second}, landscape)
	c := v.c
	first := textOf(v.title)
	if !strings.Contains(first, "停水") || !strings.Contains(textOf(v.topic), "紧急") {
		t.Fatalf("first slide %q, want the urgent water outage", first)
	}
	if !strings.Contains(textOf(v.tickT), "停水") || !v.ticker.Visible() {
		t.Error("urgent ticker missing")
	}
	if !strings.Contains(textOf(v.place), "东湾村") || !strings.Contains(textOf(v.clock), "11月25日") {
		t.Errorf("header: %q %q", textOf(v.place), textOf(v.clock))
	}
	if v.stale.Visible() {
		t.Error("fresh content marked stale")
	}
	// urgent: twice the dwell, for each of its pages
	up := 20 * time.Second * time.Duration(v.Body.Pages())
	c.T = c.T.Add(up - time.Second)
	v.tick()
	if textOf(v.title) != first {
		t.Fatalf("urgent notice left before 2× dwell for each of its %d pages", v.Body.Pages())
	}
	c.T = c.T.Add(time.Second)
	next := v.tick()
	if textOf(v.title) == first {
		t.Fatal("rotation did not move on")
	}
	if !strings.Contains(textOf(v.counter), "第 2 /") {
		t.Errorf("counter %q", textOf(v.counter))
	}
	if d := next.Sub(c.T); d <= 0 || d > 20*time.Second {
		t.Errorf("next wake in %v", d)
	}
	if v.qr.Image == nil && strings.Contains(textOf(v.title), "2027") {
		t.Error("notice with a URL has no QR code")
	}
}

func TestDisplayEmptySlide(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v := newTestDisplay(t, st, Options{}, portrait)
	if !v.empty.Visible() || v.slide.Visible() {
		t.Fatal("empty store: the empty slide is not up")
	}
	if !strings.Contains(textOf(v.emptyT), "目前没有需要公示的公告") {
		t.Errorf("empty slide: %q", textOf(v.emptyT))
	}
	if !v.stale.Visible() {
		t.Error("a screen that never synced must say so")
	}
}

func TestDisplayStaleBanner(t *testing.T) {
	v := newTestDisplay(t, nil, Options{}, landscape)
	c := v.c
	c.T = demoNow.Add(71 * time.Hour)
	v.tick()
	if v.stale.Visible() {
		t.Fatal("stale before the configured age")
	}
	c.T = demoNow.Add(73 * time.Hour)
	v.tick()
	if !v.stale.Visible() || !strings.Contains(textOf(v.staleT), "3 天未能更新") {
		t.Fatalf("stale banner: %v %q", v.stale.Visible(), textOf(v.staleT))
	}
	// an expired feed is stale whatever the sync age
	c.T = v.env.Feed.Expires.Add(time.Minute)
	v.tick()
	if !strings.Contains(textOf(v.staleT), "已过有效期") {
		t.Errorf("expired: %q", textOf(v.staleT))
	}
}

func TestDisplayOffHours(t *testing.T) {
	// demoNow is 10:00 in the feed's zone: lit from 07:00 to 21:00
	v := newTestDisplay(t, nil, Options{Hours: kit.Hours{On: 7 * 60, Off: 21 * 60}}, landscape)
	c := v.c
	v.tick()
	if !v.content.Visible() || v.dark.Visible() {
		t.Fatal("dark during the day")
	}
	c.T = time.Date(2026, 11, 25, 21, 0, 0, 0, v.env.Loc)
	wake := v.tick()
	if v.content.Visible() || !v.dark.Visible() {
		t.Fatal("still lit after the off time")
	}
	morning := time.Date(2026, 11, 26, 7, 0, 0, 0, v.env.Loc)
	if !wake.Equal(morning) {
		t.Fatalf("asleep until %v, want %v: no timer may fire during the night", wake, morning)
	}
	c.T = c.T.Add(3 * time.Hour) // a stray wake in the night changes nothing
	if wake := v.tick(); !wake.Equal(morning) || v.content.Visible() {
		t.Fatalf("night tick: wake %v lit %v", wake, v.content.Visible())
	}
	c.T = morning
	v.tick()
	if !v.content.Visible() || v.dark.Visible() {
		t.Fatal("not back on in the morning")
	}
}

func TestRotationGivesEachPageItsDwell(t *testing.T) {
	r := Rotation{Dwell: 10 * time.Second}
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
	var one Rotation
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
	r := Rotation{Dwell: dwell}
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
	r = Rotation{Dwell: dwell}
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
	if longest != TurnPages {
		t.Errorf("the long notice held the screen for %d pages in a row, want %d", longest, TurnPages)
	}

	// withdrawn in the middle and published again: it starts from its first page
	r = Rotation{Dwell: dwell}
	now = demoNow
	r.Set(sums("long", "short"), now)
	r.SetPages(24)
	now = now.Add(TurnPages * dwell)
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
			v := newTestDisplay(t, nil, Options{Dwell: 10 * time.Second}, size)
			w, c := v.w, v.c
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
			start := c.T
			seen := map[string]bool{}
			for p := range pages {
				c.T = start.Add(time.Duration(p)*10*time.Second + time.Second)
				v.tick()
				settle(w.Canvas().Content())
				if v.ShownID != id || v.Body.Page() != p {
					t.Fatalf("at %v: %s page %d, want %s page %d", c.T.Sub(start), v.ShownID, v.Body.Page(), id, p)
				}
				if want := kit.PageText(p, pages); !strings.Contains(textOf(v.counter), want) {
					t.Errorf("page %d: counter %q, want %q", p+1, textOf(v.counter), want)
				}
				if p > 0 {
					if v.qrCol.Visible() || !v.runTitle.Visible() || v.Body.Size().Width != v.slide.Size().Width {
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
			c.T = start.Add(time.Duration(pages)*10*time.Second + time.Second)
			v.tick()
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
	r := Rotation{Dwell: 10 * time.Second}
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
	if !r.Step(start.Add(MaxHold)) {
		t.Fatal("held past the longest sound")
	}
}

// The rotation's notices are read off the UI goroutine, at start and after
// a sync (Reload) and at each slide change (Tick): what is on show stays
// until the read is in, then the rotation takes it.
func TestRotationReadsInTheBackground(t *testing.T) {
	v := newTestDisplay(t, nil, Options{Dwell: 10 * time.Second}, landscape)
	var jobs []func()
	v.env.Spawn = func(job func()) { jobs = append(jobs, job) }
	v.Rot.Set(nil, v.c.Now()) // as before the first read
	v.ShowSlide(v.c.Now())

	v.Reload()
	if len(jobs) != 1 {
		t.Fatalf("%d background jobs for Reload, want 1", len(jobs))
	}
	if v.Rot.Len() != 0 {
		t.Fatalf("Reload read %d notices on the UI goroutine", v.Rot.Len())
	}
	jobs[0]()
	if v.Rot.Len() == 0 || !strings.Contains(textOf(v.title), "停水") {
		t.Fatalf("after the read: %d notices, title %q", v.Rot.Len(), textOf(v.title))
	}

	// the urgent slide's time up, nothing's validity changed: the next
	// slide goes up without a read
	first := textOf(v.title)
	v.c.T = v.c.T.Add(20 * time.Second * time.Duration(v.Body.Pages()))
	v.tick()
	if len(jobs) != 1 || textOf(v.title) == first {
		t.Fatalf("a slide change before any notice's validity changed: %d jobs, title %q", len(jobs), textOf(v.title))
	}

	// past the next change the store knows of, the next slide goes up
	// with the re-read
	next, ok, err := v.env.Store.NextChange(v.env.Now())
	if err != nil || !ok {
		t.Fatalf("the demo has no validity change ahead: %v", err)
	}
	v.c.T = next.Add(time.Minute)
	shown := textOf(v.title)
	for range 100 {
		if v.tick(); len(jobs) > 1 {
			break
		}
		v.c.T = v.c.T.Add(time.Duration(v.Body.Pages()) * 20 * time.Second)
	}
	if len(jobs) != 2 {
		t.Fatalf("%d background jobs after the validity change, want 2", len(jobs))
	}
	if textOf(v.title) != shown {
		t.Fatal("the slide changed before the re-read was in")
	}
	jobs[1]()
	if textOf(v.title) == shown {
		t.Error("the slide did not change after the re-read")
	}
}

// A feed that marks hundreds of notices urgent gets one ticker line that
// says how many and names the newest few, read with the rotation (the
// ticker is drawn every minute on the UI goroutine, which read every
// urgent notice for it).
func TestTickerOfManyUrgentNotices(t *testing.T) {
	st := uitest.DemoWith(t, 300, func(i int) (string, string) { return fmt.Sprintf("紧急通知第%d号", i), feed.PriorityUrgent })
	tally, err := st.Tally(uitest.Dongwan, demoNow)
	if err != nil || tally.Urgent < 300 {
		t.Fatalf("tally %+v (%v)", tally, err)
	}
	v := newTestDisplay(t, st, Options{Dwell: 10 * time.Second}, landscape)
	tick := textOf(v.tickT)
	if want := fmt.Sprintf("紧急 %d 条", tally.Urgent); !strings.HasPrefix(tick, want) || strings.Count(tick, "◆") != tickerTitles-1 || !v.ticker.Visible() {
		t.Fatalf("ticker %q, want %q and %d titles", tick, want, tickerTitles)
	}
	uitest.Shot(t, v.w, "display-many-urgent")
	v.showChrome(v.ClockNow().Add(time.Minute)) // the next minute draws the same
	if got := textOf(v.tickT); got != tick {
		t.Errorf("ticker after a minute %q, want %q", got, tick)
	}
}

// The counter of a screen with thousands of notices is written as every
// count is, with a comma: "第 1 / 1,0xx 条".
func TestDisplayCounterHasThousandsSeparators(t *testing.T) {
	st := uitest.DemoWith(t, 1000, func(i int) (string, string) { return fmt.Sprintf("征收公告 %d", i), "normal" })
	v := newTestDisplay(t, st, Options{Dwell: 10 * time.Second}, landscape)
	n := v.Rot.Len()
	if got, want := textOf(v.counter), fmt.Sprintf("/ %d,%03d 条", n/1000, n%1000); n < 1000 || !strings.Contains(got, want) {
		t.Fatalf("counter %q with %d notices, want it to contain %q", got, n, want)
	}
}

// A title of the longest kind over a first paragraph taller than the room
// left under it: page 1 went on show with the heading and facts over an
// empty screen. Now the paragraph is cut between two of its lines: page 1
// holds what fits, page 2 goes on with the rest, and nothing is lost or
// shown twice.
func TestDisplayFirstPageHoldsTheParagraphUnderALongTitle(t *testing.T) {
	const id = "elderly-2026-009"
	title := "关于2026年重阳节期间为本镇六十五周岁以上老年人免费开展健康体检以及家庭医生上门服务、体检报告送达解读和各村（居）分批安排等有关事项的通知（第二次修订稿，请各村委会张贴并广泛告知）"
	para := "为迎接重阳节，镇社区卫生服务中心为本镇六十五周岁以上老年人提供免费健康体检，体检时间为十月十二日至十月三十一日，" +
		"各村卫生室和社区卫生服务中心将按照村（居）分批安排，请老年人按本村日期前往，行动不便的老年人可由家属提前向村委会登记，" +
		"由家庭医生团队上门开展体检服务，体检当天请空腹并携带身份证和医保卡，体检报告将在两周内由家庭医生送达并当面解读，" +
		"如有疑问请拨打社区卫生服务中心公共卫生科电话咨询。"
	st, next := uitest.DemoFeed(t)
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(uitest.Repo("assets/demo"))); err != nil {
		t.Fatal(err)
	}
	notice := fmt.Sprintf("---\nid: %s\ntitle: %s\ncategory: elderly\nagency: 青禾镇社区卫生服务中心\npublished: 2026-10-08\nlocations: [\"310118901\"]\nvalid_from: 2026-10-08\nvalid_until: 2027-12-31\nurl: https://example.gov.cn/qinghe/elderly/2026-009\n---\n%s\n\n## 体检项目\n\n- 一般检查：身高、体重、血压、视力、听力；\n", id, title, para)
	if err := os.WriteFile(filepath.Join(src, "items/elderly/elderly-2026-009.md"), []byte(notice), 0o644); err != nil {
		t.Fatal(err)
	}
	next(src)

	v := newTestDisplay(t, st, Options{Dwell: 10 * time.Second}, portrait)
	if !v.Rot.Show(id, v.ClockNow()) {
		t.Fatal("the notice is not in the rotation")
	}
	v.ShowSlide(v.ClockNow())
	settle(v.w.Canvas().Content())
	if len(v.Body.Layout) < 2 || len(v.Body.Layout[0]) == 0 {
		t.Fatalf("page 1 holds no part of the body (pages %v)", v.Body.Layout)
	}
	var shown strings.Builder
	for p := range v.Body.Pages() {
		for _, i := range v.Body.Layout[p] {
			shown.WriteString(strings.TrimSpace(textOf(v.Body.Object(i))))
		}
	}
	if !strings.HasPrefix(shown.String(), para) {
		t.Errorf("the paragraph as the pages show it:\n%s\nwant it whole, once:\n%s", shown.String(), para)
	}
	first := strings.TrimSpace(textOf(v.Body.Object(v.Body.Layout[0][0])))
	if first == para || !strings.HasPrefix(para, first) {
		t.Errorf("page 1 holds %q, want the paragraph's first lines", first)
	}
}
