package sync

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"gongkai/feed"
	"gongkai/sync/synctest"
)

// wait receives from ch, failing the test if nothing comes: a guard
// against a hang, not a measure of speed.
func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

// eventually polls cond (gocron answers through its own goroutine).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 4000 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}

func nextRun(t *testing.T, s *Scheduler, after time.Time) time.Time {
	t.Helper()
	var next time.Time
	eventually(t, "a next run is scheduled", func() bool {
		n, err := s.sync.NextRun()
		next = n
		return err == nil && n.After(after)
	})
	return next
}

func newTestScheduler(t *testing.T, f *fixture, clock *clockwork.FakeClock, opt ScheduleOptions, run func(context.Context, Options) (Result, error)) *Scheduler {
	t.Helper()
	opt.Clock, opt.run = clock, run
	s, err := NewScheduler(f.st, f.cfg, f.dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSchedulerRunsPeriodicallyWithJitter(t *testing.T) {
	f := newFixture(t)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC))
	runs := make(chan time.Time, 16)
	interval, jitter := 15*time.Minute, 90*time.Second
	s := newTestScheduler(t, f, clock, ScheduleOptions{Interval: interval, Jitter: jitter}, func(context.Context, Options) (Result, error) {
		runs <- clock.Now()
		return Result{Unchanged: true}, nil
	})
	last := clock.Now()
	next := nextRun(t, s, last)
	if d := next.Sub(last); d <= 0 || d > 2*jitter+time.Second {
		t.Errorf("first sync %s after start, want within the jitter window", d)
	}
	for i := range 4 {
		got := advanceToRun(t, s, clock, runs, &next)
		if !got.Equal(next) {
			t.Errorf("run %d at %s, scheduled %s", i, got, next)
		}
		last, next = next, nextRun(t, s, next)
		if d := next.Sub(last); d < interval-jitter || d > interval+jitter {
			t.Errorf("run %d: next after %s, want %s ± %s", i, d, interval, jitter)
		}
	}
}

// advanceToRun moves the clock to the scheduled run and returns when it
// ran, once gocron has finished with it: its singleton runner frees its
// slot a moment after the job returns, and a turn falling due before that
// is skipped by design (no overlap). The short sleep covers that moment;
// it is not a measure of anything.
func advanceToRun(t *testing.T, s *Scheduler, clock *clockwork.FakeClock, runs <-chan time.Time, next *time.Time) time.Time {
	t.Helper()
	clock.Advance(next.Sub(clock.Now()))
	got := wait(t, runs, "periodic sync")
	eventually(t, "the run is complete", func() bool {
		l, err := s.sync.LastRun()
		return err == nil && !l.Before(got)
	})
	time.Sleep(20 * time.Millisecond)
	return got
}

func TestSchedulerRunNowAndNoOverlap(t *testing.T) {
	f := newFixture(t)
	clock := clockwork.NewFakeClock()
	var active, overlaps, total atomic.Int32
	started := make(chan bool, 16)
	release := make(chan bool)
	s := newTestScheduler(t, f, clock, ScheduleOptions{}, func(context.Context, Options) (Result, error) {
		if active.Add(1) > 1 {
			overlaps.Add(1)
		}
		total.Add(1)
		started <- true
		<-release
		active.Add(-1)
		return Result{}, nil
	})
	events := s.Subscribe()
	// "Sync now" runs at once: the fake clock has not moved.
	if err := s.RunNow(); err != nil {
		t.Fatal(err)
	}
	wait(t, started, "run on request")
	// While it runs: more requests, and the periodic turn falling due.
	s.RunNow()
	s.RunNow()
	clock.Advance(time.Hour)
	time.Sleep(200 * time.Millisecond) // give gocron the chance to (wrongly) start another
	close(release)
	eventually(t, "the run ends", func() bool { return active.Load() == 0 })
	if overlaps.Load() != 0 {
		t.Errorf("%d runs overlapped", overlaps.Load())
	}
	s.Close()
	if _, ok := <-events; ok {
		// Only ticks could have been sent (the test run emits nothing).
		for range events {
		}
	}
}

func TestSchedulerTicksAtValidityBoundary(t *testing.T) {
	f := newFixture(t)
	tz, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Now().In(tz)
	day := func(d int) string { return start.AddDate(0, 0, d).Format(time.DateOnly) }
	midnight := func(d int) time.Time {
		y, m, dd := start.AddDate(0, 0, d).Date()
		return time.Date(y, m, dd, 0, 0, 0, 0, tz)
	}
	items := []synctest.Item{
		{ID: "ends", Title: "明天截止", Category: "policy", Locations: []string{"all"}, ValidUntil: day(1), Body: "x"},
		{ID: "starts", Title: "后天开始", Category: "policy", Locations: []string{"all"}, ValidFrom: day(3), Body: "y"},
	}
	src, out := t.TempDir(), t.TempDir()
	synctest.WriteSource(t, src, items)
	synctest.Publish(t, src, out, f.priv, start.Add(-72*time.Hour))
	f.mustSync(t, out)

	clock := clockwork.NewFakeClockAt(start)
	// No periodic sync or housekeeping inside the days the test advances
	// through: each would replan the redraw while the test moves the clock.
	s := newTestScheduler(t, f, clock, ScheduleOptions{Interval: 7 * 24 * time.Hour,
		firstSync: 30 * 24 * time.Hour, firstHousekeeping: 30 * 24 * time.Hour}, func(context.Context, Options) (Result, error) {
		return Result{Unchanged: true}, nil
	})
	events := s.Subscribe()
	boundaryAt := func(want time.Time) {
		t.Helper()
		eventually(t, "the redraw planned at "+want.String(), func() bool {
			s.mu.Lock()
			j := s.boundary
			s.mu.Unlock()
			if j == nil {
				return false
			}
			n, err := j.NextRun()
			return err == nil && n.Equal(want)
		})
	}
	// "ends" is shown until the end of tomorrow: the redraw is at the
	// midnight after it.
	boundaryAt(midnight(2))

	// The clock jumps back a day (NTP, a flat RTC battery): after the next
	// sync the redraw is still planned at the same midnight.
	s.mu.Lock()
	planned := s.boundary.ID()
	s.mu.Unlock()
	clock.Advance(-24 * time.Hour)
	s.RunNow()
	eventually(t, "replanned after the jump", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		n, _ := s.boundary.NextRun()
		return s.boundary.ID() != planned && n.Equal(midnight(2))
	})
	clock.Advance(24 * time.Hour)

	clock.Advance(midnight(2).Sub(clock.Now()))
	for e := wait(t, events, "tick"); e.Stage != StageTick; e = wait(t, events, "tick") {
	}
	if ids := visibleAt(t, f, clock.Now()); len(ids) != 0 {
		t.Errorf("at the tick still visible: %q", ids)
	}
	// Then the day "starts" begins.
	boundaryAt(midnight(3))
	clock.Advance(midnight(3).Sub(clock.Now()))
	for e := wait(t, events, "tick"); e.Stage != StageTick; e = wait(t, events, "tick") {
	}
	if ids := visibleAt(t, f, clock.Now()); len(ids) != 1 || ids[0] != "starts" {
		t.Errorf("at the second tick visible: %q", ids)
	}
}

func visibleAt(t *testing.T, f *fixture, at time.Time) []string {
	t.Helper()
	vis, err := f.st.Visible(synctest.Village, "", at)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range vis {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestHousekeeping(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	orphan := []byte("left by a failed sync")
	if err := f.st.PutBlob(feed.Sum(orphan), bytes.NewReader(orphan)); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(f.dir, "http", "0123456789abcdef", "partial")
	old, fresh := filepath.Join(part, "old"), filepath.Join(part, "fresh")
	writeFile(t, old, []byte("x"))
	writeFile(t, fresh, []byte("y"))
	clock := clockwork.NewFakeClockAt(time.Now())
	os.Chtimes(old, clock.Now().Add(-8*24*time.Hour), clock.Now().Add(-8*24*time.Hour))
	var logged []string
	var mu gosync.Mutex
	s := newTestScheduler(t, f, clock, ScheduleOptions{Log: func(format string, args ...any) {
		mu.Lock()
		logged = append(logged, format)
		mu.Unlock()
	}}, func(context.Context, Options) (Result, error) { return Result{}, nil })
	s.housekeeping()
	if f.st.HasBlob(feed.Sum(orphan)) {
		t.Error("orphan attachment kept")
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("stale partial download kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("fresh partial download removed")
	}
	if ids := f.visibleIDs(t); len(ids) != 3 {
		t.Errorf("housekeeping changed the content: %q", ids)
	}
}
