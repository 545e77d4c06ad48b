package display

import (
	"slices"
	"time"

	"gongkai/feed"
	"gongkai/playback"
	"gongkai/store"
	"gongkai/ui/kit"
)

// Slide is one notice in the rotation.
type Slide struct {
	ID       string
	Priority string
}

// Rotation decides which notice a display shows and when it next has to
// wake up. It holds no timer and reads no clock: the display calls Step
// and NextWake with the time, so tests step time by hand.
type Rotation struct {
	Dwell time.Duration // per page of an ordinary slide; urgent and pinned get 2×
	Hours kit.Hours

	slides []Slide
	cur    int
	since  time.Time // when the current slide went up
	pages  int       // pages of the current slide, as laid out (SetPages); 0 until told
	first  int       // the page the current slide started this turn at
	resume map[string]int
	held   bool // the current slide is being read aloud: it stays until the end
}

// MaxHold bounds how long reading aloud keeps a slide past its dwell: the
// longest sound a notice may carry, and a minute.
const MaxHold = (playback.MaxSeconds + 60) * time.Second

// Hold keeps the current slide up while it is read aloud (on), however
// short its dwell: a listener must hear the notice to its end. Hold(false)
// when the sound ends lets it go at its due time, or at once if that has
// passed. A new slide starts unheld.
func (r *Rotation) Hold(on bool) { r.held = on }

// holding says whether the current slide is kept past its due time.
func (r *Rotation) holding(now time.Time) bool {
	return r.held && now.Before(r.since.Add(MaxHold))
}

// TurnPages caps the pages one slide shows in a turn. Without it a notice
// of a hundred pages (a whole compensation plan, or a careless clerk's
// paste) would hold the screen for an hour and take every other notice's
// posting time; with it, such a notice goes on from where it stopped at
// its next turn, so over the turns all of it is shown.
const TurnPages = 10

// SetPages says how many pages the current slide has at the screen's size:
// it stays up for that many dwells, each page for one. A sync or a resize
// may change the count while the slide is up; the page on show then is
// the one its time so far falls in.
func (r *Rotation) SetPages(n int) { r.pages = max(1, n) }

// Pages of the current slide.
func (r *Rotation) Pages() int { return max(1, r.pages) }

// start is the page this turn began at; 0 when the slide has since
// become shorter (a resize, a sync).
func (r *Rotation) start() int {
	if r.pages > 0 && r.first >= r.pages {
		return 0
	}
	return r.first
}

// end is one past the last page this turn shows.
func (r *Rotation) end() int { return max(r.start()+1, min(r.start()+TurnPages, r.pages)) }

// Page is the page of the current slide due at now.
func (r *Rotation) Page(now time.Time) int {
	s, ok := r.Current()
	if !ok || now.Before(r.since) {
		return r.start()
	}
	return min(r.start()+int(now.Sub(r.since)/r.DwellOf(s)), r.end()-1)
}

// begin puts slide i up at now, at the page its last turn stopped at.
func (r *Rotation) begin(i int, now time.Time) {
	r.cur, r.since, r.pages, r.held = i, now, 0, false
	r.first = r.resume[r.slides[i].ID]
}

// Set replaces the notices, urgent first, then pinned, then the rest in
// the store's order (newest first). The slide on screen stays on screen
// with its time so far, so a sync does not restart or skip it.
func (r *Rotation) Set(items []store.Ref, now time.Time) {
	var curID string
	if s, ok := r.Current(); ok {
		curID = s.ID
	}
	slides := make([]Slide, 0, len(items))
	for _, it := range items {
		slides = append(slides, Slide(it))
	}
	slices.SortStableFunc(slides, func(a, b Slide) int { return store.UrgentFirst(a.Priority) - store.UrgentFirst(b.Priority) })
	r.slides = slides
	for id := range r.resume {
		if !slices.ContainsFunc(slides, func(s Slide) bool { return s.ID == id }) {
			delete(r.resume, id) // withdrawn or ended: its place is forgotten
		}
	}
	r.cur = 0
	if i := slices.IndexFunc(slides, func(s Slide) bool { return s.ID == curID }); i >= 0 {
		r.cur = i
	} else if len(slides) > 0 {
		r.begin(0, now)
	}
	if r.since.IsZero() {
		r.since = now
	}
}

// Slides is the rotation order.
func (r *Rotation) Slides() []Slide { return r.slides }

// Index is the position of the current slide.
func (r *Rotation) Index() int { return r.cur }

// Current is the slide on screen; false when there are no notices.
func (r *Rotation) Current() (Slide, bool) {
	if len(r.slides) == 0 {
		return Slide{}, false
	}
	return r.slides[r.cur], true
}

// DwellOf is how long s stays up.
func (r *Rotation) DwellOf(s Slide) time.Duration {
	d := r.Dwell
	if d <= 0 {
		d = 15 * time.Second
	}
	if s.Priority == feed.PriorityUrgent || s.Priority == feed.PriorityPinned {
		return 2 * d
	}
	return d
}

// due is when the current slide has been up long enough: a dwell for
// each of its pages this turn.
func (r *Rotation) due() time.Time {
	s, _ := r.Current()
	return r.since.Add(r.DwellOf(s) * time.Duration(r.end()-r.start()))
}

// nextPage is when the current slide turns its next page; zero on the
// last page.
func (r *Rotation) nextPage(now time.Time) time.Time {
	s, ok := r.Current()
	p := r.Page(now)
	if !ok || p+1 >= r.end() {
		return time.Time{}
	}
	return r.since.Add(r.DwellOf(s) * time.Duration(p+1-r.start()))
}

// Step moves to the next slide when the current one's time is up (its
// pages of this turn shown) and reports whether it moved; a lone slide
// moves to itself, to the page after the turn's last or back to its first. A clock that jumped backwards (an NTP fix)
// restarts the slide instead of freezing it.
func (r *Rotation) Step(now time.Time) bool {
	if now.Before(r.since) {
		r.since = now
	}
	if len(r.slides) == 0 || now.Before(r.due()) || r.holding(now) {
		return false
	}
	id := r.slides[r.cur].ID
	if r.resume == nil {
		r.resume = map[string]int{}
	}
	if e := r.end(); e < r.pages {
		r.resume[id] = e
	} else {
		delete(r.resume, id)
	}
	r.begin((r.cur+1)%len(r.slides), now)
	return true
}

// NextWake is when the display must next do something: while off, only
// the on time (nothing redraws at night); while on, the sooner of the next
// slide, the next minute of the clock on screen, and the off time.
func (r *Rotation) NextWake(now time.Time) time.Time {
	if !r.Hours.IsOn(now) {
		return kit.NextAt(now, r.Hours.On)
	}
	wake := now.Truncate(time.Minute).Add(time.Minute)
	if len(r.slides) > 0 {
		// also with one slide: the list is re-read then, so notices that
		// start or end today come and go without a sync
		// a held slide is woken by the end of its sound (Hold(false)),
		// or at the hold's limit
		if d := r.due(); r.holding(now) {
			if h := r.since.Add(MaxHold); h.Before(wake) {
				wake = h
			}
		} else if d.Before(wake) {
			wake = d
		}
		if p := r.nextPage(now); !p.IsZero() && p.Before(wake) {
			wake = p
		}
	}
	if r.Hours.On != r.Hours.Off {
		if off := kit.NextAt(now, r.Hours.Off); off.Before(wake) {
			wake = off
		}
	}
	if !wake.After(now) {
		wake = now.Add(time.Second)
	}
	return wake
}

// Show puts the notice id up now, if it is in the rotation (screenshots,
// a publisher's preview of one notice as the road will see it).
func (r *Rotation) Show(id string, now time.Time) bool {
	i := slices.IndexFunc(r.slides, func(s Slide) bool { return s.ID == id })
	if i < 0 {
		return false
	}
	r.cur, r.since, r.pages, r.first = i, now, 0, 0
	return true
}
