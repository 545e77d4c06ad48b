package store

import (
	"testing"

	"gongkai/feed"
)

const goodCalendar = `{"format":"gongkai-calendar/1","years":[{"year":2026,"title":"国务院办公厅关于2026年部分节假日安排的通知","holidays":["2026-10-01","2026-10-02"],"workdays":["2026-10-10"]}]}` + "\n"

// nextWithCalendar is next whose manifest names cal as its calendar
// object; the update carries the bytes unless held is set (the store is
// to keep its copy).
func (p *publisher) nextWithCalendar(t testing.TB, items []feed.Item, cal []byte, held bool) Update {
	t.Helper()
	u := p.next(t, items)
	m := *u.Manifest.Manifest
	m.Calendar = &feed.Object{SHA256: feed.Sum(cal), Size: int64(len(cal))}
	raw, err := feed.EncodeManifest(&m)
	if err != nil {
		t.Fatal(err)
	}
	u.Manifest = p.verify(t, raw)
	if !held {
		u.Calendar = cal
	}
	return u
}

func TestApplyKeepsTheCalendar(t *testing.T) {
	s, dir := openTemp(t)
	p := newPublisher(t)
	items := []feed.Item{item("land-1", func(it *feed.Item) { it.PostingWorkdays = 10 })}
	mustApply(t, s, p.nextWithCalendar(t, items, []byte(goodCalendar), false))
	cal, err := s.Calendar()
	if err != nil || cal.Year(2026) == nil || len(cal.Year(2026).Holidays) != 2 {
		t.Fatalf("calendar %+v %v", cal, err)
	}
	vis, _ := s.Visible("310118901201", "", p.issued)
	if len(vis) != 1 || vis[0].PostingWorkdays != 10 || vis[0].PostingDays != 0 {
		t.Fatalf("summary %+v", vis)
	}
	// A later version naming the same calendar, which sync does not fetch again.
	mustApply(t, s, p.nextWithCalendar(t, items, []byte(goodCalendar), true))
	s.Close()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if cal, err := s.Calendar(); err != nil || cal == nil {
		t.Fatalf("after reopening: %+v %v", cal, err)
	}
	if problems, err := s.Check(); err != nil || len(problems) > 0 {
		t.Fatalf("Check: %v %q", err, problems)
	}
	// A version naming a calendar the store does not hold, without its bytes.
	other := []byte(goodCalendar[:len(goodCalendar)-1] + " \n")
	if _, err := s.Apply(p.nextWithCalendar(t, items, other, true)); err == nil {
		t.Fatal("applied a version whose calendar is neither fetched nor stored")
	}
	// A version naming none drops it.
	mustApply(t, s, p.next(t, items))
	if cal, err := s.Calendar(); err != nil || cal != nil {
		t.Fatalf("calendar after a version naming none: %+v %v", cal, err)
	}
}

// FuzzApplyCalendar: whatever calendar bytes a signed manifest names,
// Apply either stores exactly a calendar the screens decode, or refuses
// and leaves the store as it was.
func FuzzApplyCalendar(f *testing.F) {
	f.Add([]byte(goodCalendar))
	f.Add([]byte(`{"format":"gongkai-calendar/1","years":[{"year":2026,"title":"x","holidays":[],"workdays":["2026-10-09"]}]}`))
	f.Add([]byte(`{"format":"gongkai-calendar/1","years":[]}` + "\n{}"))
	f.Add([]byte("null"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > feed.MaxCalendarSize {
			return // the manifest itself refuses it (feed's tests)
		}
		s, _ := openTemp(t)
		p := newPublisher(t)
		items := []feed.Item{item("land-1", nil)}
		mustApply(t, s, p.nextWithCalendar(t, items, []byte(goodCalendar), false))
		before, _ := s.State()
		calBefore, _ := s.Calendar()
		_, err := s.Apply(p.nextWithCalendar(t, items, data, false))
		after, _ := s.State()
		cal, calErr := s.Calendar()
		if err != nil {
			if after.Version != before.Version || after.ManifestSum != before.ManifestSum || cal != calBefore || calErr != nil {
				t.Fatalf("a refused calendar changed the store: version %d→%d, calendar %p→%p (%v)", before.Version, after.Version, calBefore, cal, calErr)
			}
			return
		}
		want, derr := feed.DecodeCalendar(data)
		if derr != nil || calErr != nil || cal == nil || len(cal.Years) != len(want.Years) {
			t.Fatalf("applied a calendar screens refuse: %v %v", derr, calErr)
		}
		if problems, err := s.Check(); err != nil || len(problems) > 0 {
			t.Fatalf("Check: %v %q", err, problems)
		}
	})
}
