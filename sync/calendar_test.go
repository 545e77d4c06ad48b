package sync

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/sync/synctest"
)

const calendarYAML = `years:
  - year: 2026
    title: 国务院办公厅关于2026年部分节假日安排的通知
    holidays: [2026-10-01..2026-10-07]
    workdays: [2026-09-20, 2026-10-10]
`

// The calendar a publisher signs into the feed reaches the screen's store
// with the version that names it, is kept while later versions name the
// same object, and goes when a version names none.
func TestCalendarSyncs(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	if cal, err := f.st.Calendar(); err != nil || cal != nil {
		t.Fatalf("a feed without a calendar: %v %+v", err, cal)
	}
	os.WriteFile(filepath.Join(f.src, "calendar.yaml"), []byte(calendarYAML), 0o644)
	dir := f.copyOf(t, f.v2)
	synctest.Publish(t, f.src, dir, f.priv, time.Time{}) // version 3
	f.mustSync(t, dir)
	cal, err := f.st.Calendar()
	if err != nil || cal.Year(2026) == nil || len(cal.Year(2026).Holidays) != 7 {
		t.Fatalf("calendar after sync: %v %+v", err, cal)
	}
	// Version 4, same calendar: not fetched again (its object is gone
	// from the folder), still there.
	synctest.WriteSource(t, f.src, itemsV1())
	os.WriteFile(filepath.Join(f.src, "calendar.yaml"), []byte(calendarYAML), 0o644)
	m := synctest.ReadManifest(t, dir)
	synctest.Publish(t, f.src, dir, f.priv, time.Time{})
	os.Remove(filepath.Join(dir, filepath.FromSlash(m.Calendar.Path())))
	f.mustSync(t, dir)
	if cal, err := f.st.Calendar(); err != nil || cal == nil {
		t.Fatalf("calendar after a version naming the same one: %v %+v", err, cal)
	}
	if problems, err := f.st.Check(); err != nil || len(problems) > 0 {
		t.Errorf("Check: %v %q", err, problems)
	}
	// Version 5, no calendar.yaml: the screen drops it.
	os.Remove(filepath.Join(f.src, "calendar.yaml"))
	synctest.Publish(t, f.src, dir, f.priv, time.Time{})
	f.mustSync(t, dir)
	if cal, err := f.st.Calendar(); err != nil || cal != nil {
		t.Fatalf("calendar after a version naming none: %v %+v", err, cal)
	}
}

// A calendar signed by the right key but malformed, or altered on the way,
// is refused: one clear error, and the store (its calendar included)
// exactly as it was.
func TestHostileCalendarLeavesTheStoreUnchanged(t *testing.T) {
	good := []byte(`{"format":"gongkai-calendar/1","years":[{"year":2026,"title":"国务院办公厅关于2026年部分节假日安排的通知","holidays":["2026-10-01"]}]}` + "\n")
	for _, c := range []struct {
		name     string
		calendar []byte
		alter    func(path string)
		is       error
		says     string
	}{
		{name: "not JSON", calendar: []byte("years: [2026]\n"), is: feed.ErrFormat, says: "calendar"},
		{name: "unknown field", calendar: []byte(strings.Replace(string(good), `"years"`, `"x":1,"years"`, 1)), is: feed.ErrFormat, says: "unknown field"},
		{name: "working Friday", calendar: []byte(strings.Replace(string(good), `"holidays":["2026-10-01"]`, `"holidays":[],"workdays":["2026-10-09"]`, 1)), is: feed.ErrFormat, says: "not a weekend day"},
		{name: "day of another year", calendar: []byte(strings.Replace(string(good), `"2026-10-01"`, `"2031-10-01"`, 1)), is: feed.ErrFormat, says: "not in 2026"},
		{name: "grown to a mebibyte", calendar: good, is: feed.ErrObjectSize, says: "bytes",
			alter: func(path string) { os.WriteFile(path, []byte(strings.Repeat(" ", 1<<20)), 0o644) }},
		{name: "altered after signing", calendar: good, is: feed.ErrObjectHash, says: "hash",
			alter: func(path string) {
				b, _ := os.ReadFile(path)
				os.WriteFile(path, []byte(strings.Replace(string(b), "10-01", "10-02", 1)), 0o644)
			}},
		{name: "cut short", calendar: good, is: feed.ErrObjectSize, says: "bytes",
			alter: func(path string) { os.Truncate(path, 20) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			// The screen holds version 2 and a good calendar.
			os.WriteFile(filepath.Join(f.src, "calendar.yaml"), []byte(calendarYAML), 0o644)
			held := f.copyOf(t, f.v1)
			synctest.Publish(t, f.src, held, f.priv, time.Time{})
			f.mustSync(t, held)
			before := f.snapshot(t)
			calBefore, err := f.st.Calendar()
			if err != nil || calBefore == nil {
				t.Fatal(err)
			}
			dir := f.copyOf(t, held)
			m := synctest.PublishRaw(t, dir, f.priv, synctest.Raw{Items: []feed.Item{synctest.RawItem("land-009", "征收土地预公告",
				func(it *feed.Item) { it.PostingWorkdays = 10 })}, Calendar: c.calendar})
			if c.alter != nil {
				c.alter(filepath.Join(dir, filepath.FromSlash(m.Calendar.Path())))
			}
			_, err = f.sync(t, dir, Options{})
			if err == nil {
				t.Fatal("a hostile calendar was applied")
			}
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want %v saying %q in one line", err, c.is, c.says)
			}
			if after := f.snapshot(t); after != before {
				t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
			}
			if cal, _ := f.st.Calendar(); cal == nil || cal.Year(2026) == nil || len(cal.Year(2026).Holidays) != 7 {
				t.Errorf("the stored calendar changed: %+v", cal)
			}
			if problems, err := f.st.Check(); err != nil || len(problems) > 0 {
				t.Errorf("Check: %v %q", err, problems)
			}
		})
	}
}
