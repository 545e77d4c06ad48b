package proof

import (
	"fmt"
	"testing"
	"time"
)

// onScreen sums the on-screen seconds per notice of records: summaries,
// entries and, with open, what is not sealed yet.
func onScreen(r Records, open bool) map[string]int64 {
	got := map[string]int64{}
	for _, s := range r.Summaries {
		for _, t := range s.Totals {
			if t.Kind == KindOnScreen {
				got[t.Item] += t.Seconds
			}
		}
	}
	lists := [][]Entry{r.Entries}
	if open {
		lists = append(lists, r.Open)
	}
	for _, list := range lists {
		for _, e := range list {
			if e.Kind == KindOnScreen {
				got[e.Item] += e.Seconds
			}
		}
	}
	return got
}

func onScreenEntries(r Records) []Entry {
	var out []Entry
	for _, e := range r.Entries {
		if e.Kind == KindOnScreen {
			out = append(out, e)
		}
	}
	return out
}

// Slide changes are counted in memory and sealed at Close as one entry per
// notice, while the rotation's shown intervals still cover every notice.
func TestOnScreenCountsSlidesAndSealsAtClose(t *testing.T) {
	dir, key := t.TempDir(), seedKey(1)
	c := newClock("2026-11-10T08:00:00Z")
	l := openLog(t, dir, key, c)
	mustDo(t, l.ProgramUp())
	mustDo(t, l.Showing("display", []string{"a", "b", "c"}))
	start := c.t.Unix()
	for _, s := range []struct {
		id  string
		dur time.Duration
	}{{"a", 15 * time.Second}, {"b", 15 * time.Second}, {"c", 15 * time.Second}, {"a", 10 * time.Second},
		{"", time.Minute}, {"a", 5 * time.Second}} {
		l.OnScreen(s.id)
		c.add(s.dur)
	}
	mustDo(t, l.Tick())
	r, err := l.Records()
	mustDo(t, err)
	want := map[string]int64{"a": 30, "b": 15, "c": 15}
	if got := onScreen(r, true); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("while running: on screen %v, want %v", got, want)
	}
	if n := len(onScreenEntries(r)); n != 0 {
		t.Errorf("%d on_screen entries before any sealing; slide changes must not write the chain", n)
	}
	mustDo(t, l.Close())

	l = l2(t, dir, key, c)
	r = checkChain(t, l)
	if got := onScreen(r, false); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after Close: on screen %v, want %v", got, want)
	}
	for _, e := range onScreenEntries(r) {
		if e.Start != start || e.End != c.t.Unix() {
			t.Errorf("%s counted over [%d, %d), want the run [%d, %d)", e.Item, e.Start, e.End, start, c.t.Unix())
		}
	}
	if n := len(onScreenEntries(r)); n != 3 {
		t.Errorf("%d on_screen entries, want one per notice", n)
	}
	ev := NewEvidence(r)
	for _, id := range []string{"a", "b", "c"} {
		if it := ev.Items[id]; it == nil || it.ShownSeconds != 120 {
			t.Errorf("%s: in the rotation %+v, want all 120 s of the run", id, it)
		}
	}
}

// A crash loses at most the time since the last heartbeat, and what a
// Checkpoint sealed is not counted again from the open bucket.
func TestOnScreenCrashLosesAtMostOneHeartbeat(t *testing.T) {
	dir, key := t.TempDir(), seedKey(1)
	c := newClock("2026-11-10T08:00:00Z")
	l := openLog(t, dir, key, c)
	mustDo(t, l.ProgramUp())
	l.OnScreen("a")
	c.add(20 * time.Second)
	l.OnScreen("b")
	c.add(20 * time.Second)
	mustDo(t, l.Tick()) // a 20, b 20 written down
	l.OnScreen("a")
	c.add(25 * time.Second)
	l.db.Close() // the power goes: 25 s of a since the heartbeat are lost
	l = openLog(t, dir, key, c)
	r := checkChain(t, l)
	if got, want := onScreen(r, false), map[string]int64{"a": 20, "b": 20}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after a crash: %v, want %v (up to the last heartbeat)", got, want)
	}

	l.OnScreen("c")
	c.add(30 * time.Second)
	mustDo(t, l.Checkpoint()) // c 30 sealed
	c.add(20 * time.Second)
	mustDo(t, l.Tick()) // c 20 more written down
	c.add(5 * time.Second)
	l.db.Close()
	l = l2(t, dir, key, c)
	r = checkChain(t, l)
	if got, want := onScreen(r, false), map[string]int64{"a": 20, "b": 20, "c": 50}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after a checkpoint and a crash: %v, want %v", got, want)
	}
}

// At each UTC midnight the counting period ends, so no on_screen entry
// spans two days, and an entry ending at midnight is the day before's.
func TestOnScreenSealsAtUTCMidnight(t *testing.T) {
	dir, key := t.TempDir(), seedKey(1)
	c := newClock("2026-11-10T23:59:00Z")
	l := l2(t, dir, key, c)
	l.OnScreen("a")
	c.add(90 * time.Second) // 00:00:30; the next heartbeat seals the 10th
	mustDo(t, l.Tick())
	r := checkChain(t, l)
	es := onScreenEntries(r)
	if len(es) != 1 || es[0].Seconds != 60 || utcDay(es[0].Start) != "2026-11-10" || entryDay(es[0]) != "2026-11-10" {
		t.Fatalf("at midnight sealed %+v, want a's 60 s of the 10th", es)
	}
	// Two days without a heartbeat (the test's clock jumps) still make one
	// period a day; a dark screen at midnight starts none.
	c.add(2 * 24 * time.Hour)
	l.OnScreen("")
	c.add(time.Hour)
	mustDo(t, l.Checkpoint())
	r = checkChain(t, l)
	days := map[string]int64{}
	for _, e := range onScreenEntries(r) {
		if e.End-e.Start > 24*3600 || utcDay(e.Start) != entryDay(e) {
			t.Errorf("entry %d spans [%s, %s)", e.Seq, unixText(e.Start), unixText(e.End))
		}
		days[entryDay(e)] += e.Seconds
	}
	want := map[string]int64{"2026-11-10": 60, "2026-11-11": 86400, "2026-11-12": 86400, "2026-11-13": 30}
	if fmt.Sprint(days) != fmt.Sprint(want) {
		t.Errorf("on screen per day %v, want %v", days, want)
	}
}

// Daily summaries keep each day's on-screen seconds per notice.
func TestRollupKeepsOnScreenSeconds(t *testing.T) {
	dir, key := t.TempDir(), seedKey(1)
	c := newClock("2026-11-10T00:00:00Z")
	l := l2(t, dir, key, c)
	l.retention = 1
	mustDo(t, l.ProgramUp())
	mustDo(t, l.Showing("display", []string{"a", "b"}))
	for range 4 * 24 * 4 { // four days: each quarter hour a for 10 min, then b for 5
		l.OnScreen("a")
		c.add(5 * time.Minute)
		mustDo(t, l.Tick())
		c.add(5 * time.Minute)
		mustDo(t, l.Tick())
		l.OnScreen("b")
		c.add(5 * time.Minute)
		mustDo(t, l.Tick())
	}
	r := checkChain(t, l)
	if len(r.Summaries) < 2 {
		t.Fatalf("%d summaries; the test wants rolled days", len(r.Summaries))
	}
	for _, s := range r.Summaries {
		got := map[string]int64{}
		for _, t := range s.Totals {
			if t.Kind == KindOnScreen {
				got[t.Item] = t.Seconds
			}
		}
		if want := map[string]int64{"a": 2400 * 24, "b": 1200 * 24}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("summary of %s: on screen %v, want the day's %v", s.Day, got, want)
		}
	}
	if got, want := onScreen(r, true), map[string]int64{"a": 4 * 2400 * 24, "b": 4 * 1200 * 24}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("in all: %v, want %v", got, want)
	}
}
