package kit

import (
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"gongkai/feed"
	"gongkai/period"
	"gongkai/store"
	"gongkai/ui/words"
)

// Env is what every screen reads: the store, always with this screen's
// own location, so another village's notice is never reachable; the feed's
// state as of the last reload; the clock; where background jobs and their
// panics go. The composition root (package ui) makes one and reloads it
// after each sync; the screens only read it, on the UI goroutine.
type Env struct {
	Store    *store.Store
	Location string           // this screen's division code
	Clock    func() time.Time // the wall clock; Now is the trusted time
	Logger   *slog.Logger

	Feed     store.State    // as of the last Load
	Loc      *time.Location // the feed's time zone
	Calendar *feed.Calendar // counts posting_workdays (package period)

	Faults *Faults
	// Spawn (nil: background reads run on goroutines) takes the jobs of
	// Latest instead: Inline in screenshots and tests (see Latest.Run).
	Spawn func(job func())
}

// Now is the trusted time: a screen whose clock fell back cannot show
// notices that already expired. Without a store (a preview of a notice
// outside any screen: villager.NewReader) it is the clock.
func (e *Env) Now() time.Time {
	if e.Store == nil {
		return e.Clock()
	}
	return e.Store.Now(e.Clock())
}

// Load reads the feed's state, calendar and time zone again.
func (e *Env) Load() {
	st, err := e.Store.State()
	if err != nil {
		st = store.State{}
	}
	e.Feed = st
	// From memory (store.Calendar): a nil calendar counts Monday–Friday.
	e.Calendar, _ = e.Store.Calendar()
	e.Loc = time.Local
	if st.Timezone != "" {
		if loc, err := time.LoadLocation(st.Timezone); err == nil {
			e.Loc = loc
		}
	}
}

// PostingOf is a notice's posting period, from the one home of the rule
// (package period), counted with the feed's calendar: the screens say
// what the report and the poster say.
func (e *Env) PostingOf(published, from feed.Date, days, workdays int) (period.Period, bool) {
	return period.Of(period.StartOf(published, from), days, workdays, e.Calendar, e.Loc)
}

// CategoryName is the feed's name for a category id.
func (e *Env) CategoryName(id string) string {
	for _, c := range e.Feed.Categories {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// Item reads a notice for this screen only.
func (e *Env) Item(id string) (*feed.Item, error) {
	it, err := e.Store.Item(id, e.Location, e.Now())
	if it != nil {
		it.Title = ShownTitle(it.Title) // bounds.go: every screen draws this one
	}
	return it, err
}

// Stale says whether the content may be out of date at now, and why, in
// words: expired, never synced, or no good sync for longer than after.
func (e *Env) Stale(now time.Time, after time.Duration) (bool, string) {
	st := e.Feed
	switch {
	case !st.Expires.IsZero() && !now.Before(st.Expires):
		return true, "公告内容已过有效期，请联系管理员更新"
	case st.LastSuccess.IsZero():
		return true, "尚未从发布方取得公告，请联系管理员"
	case now.Sub(st.LastSuccess) > after:
		days := int(now.Sub(st.LastSuccess).Hours() / 24)
		return true, fmt.Sprintf("已 %d 天未能更新（上次 %s），内容可能不是最新，请联系管理员", days, words.MonthDay(st.LastSuccess.In(e.Loc)))
	}
	return false, ""
}

// Go runs a background job whose panic is logged and shown on the status
// page instead of taking the screen down. The job is not restarted: the
// screen keeps what it shows, and the clerk sees why.
func (e *Env) Go(name string, fn func()) {
	go func() {
		defer e.Faults.Recovered(name)
		fn()
	}()
}

// Do runs fn on the UI goroutine, with the same protection as Go.
func (e *Env) Do(name string, fn func()) {
	fyne.Do(func() {
		defer e.Faults.Recovered(name)
		fn()
	})
}
