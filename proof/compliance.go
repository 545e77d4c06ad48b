package proof

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"gongkai/feed"
	posting "gongkai/period"
)

// Tolerance is the time a notice may be missing from a day's on-hours and
// the day still count as covered: a restart, a sync that swapped the
// content, a minute of heartbeat lost to a crash.
const Tolerance = 5 * 60

// MaxGapsListed caps the gaps listed per notice; the rest are counted.
const MaxGapsListed = 200

// Status of a posting period.
const (
	StatusOnTrack = "on track" // not over yet, every day so far covered
	StatusMet     = "met"      // over, every day covered
	StatusFailed  = "failed"   // some day of the period was not covered
)

// Causes of a gap, in the order they are assigned: the first that applies
// to a moment is its cause.
const (
	CauseOffHours    = "off-hours"      // outside the screen's configured on-hours: excused
	CauseAlert       = "alert"          // an urgent alert was on the screen: excused
	CauseWithdrawn   = "withdrawn"      // after the publisher withdrew the notice
	CauseProgramDown = "program down"   // no program-up interval
	CauseScreenOff   = "screen off"     // program up, screen off during on-hours
	CauseNotSynced   = "not yet synced" // before the notice was first on this screen
	CauseNotShown    = "not shown"      // up, on, synced, yet not among the notices on screen
)

// CauseNames are the causes in Chinese, as the admin panel and the
// printed certificate both say them.
var CauseNames = map[string]string{
	CauseOffHours:    "非开屏时段",
	CauseAlert:       "紧急警报",
	CauseWithdrawn:   "已撤回",
	CauseProgramDown: "程序未运行",
	CauseScreenOff:   "熄屏时段",
	CauseNotSynced:   "尚未同步",
	CauseNotShown:    "未展示",
}

// causeOrder is the order causes are assigned in, for listing them.
var causeOrder = []string{CauseOffHours, CauseAlert, CauseWithdrawn, CauseProgramDown, CauseScreenOff, CauseNotSynced, CauseNotShown}

// Hours are the screen's daily on-hours in the feed's time zone, as offsets
// from midnight. On == Off means always on (the zero value). On > Off runs
// across midnight (on at 06:00, off at 01:00).
type Hours struct{ On, Off time.Duration }

// ParseHours reads "HH:MM-HH:MM"; "" is always on.
func ParseHours(s string) (Hours, error) {
	if s == "" {
		return Hours{}, nil
	}
	var h1, m1, h2, m2 int
	if n, err := fmt.Sscanf(s, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil || n != 4 ||
		h1 < 0 || h1 > 24 || h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 {
		return Hours{}, fmt.Errorf("on-hours %.40q: want HH:MM-HH:MM, like 07:00-22:00", s)
	}
	return Hours{time.Duration(h1)*time.Hour + time.Duration(m1)*time.Minute,
		time.Duration(h2)*time.Hour + time.Duration(m2)*time.Minute}, nil
}

func (h Hours) String() string {
	if h.On == h.Off {
		return ""
	}
	f := func(d time.Duration) string { return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	return f(h.On) + "-" + f(h.Off)
}

// spans gives the on-hours of the day starting at day (midnight in tz).
func (h Hours) spans(day time.Time) []Span {
	y, m, d := day.Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, day.Location()).Unix()
	at := func(off time.Duration) int64 {
		return min(time.Date(y, m, d, 0, 0, 0, 0, day.Location()).Add(off).Unix(), next)
	}
	switch {
	case h.On == h.Off:
		return []Span{{day.Unix(), next}}
	case h.On < h.Off:
		return []Span{{at(h.On), at(h.Off)}}
	default:
		return []Span{{day.Unix(), at(h.Off)}, {at(h.On), next}}
	}
}

// Notice is what compliance needs of one notice.
type Notice struct {
	ID              string
	Title           string
	PostingDays     int
	PostingWorkdays int
	// Calendar counts PostingWorkdays (package period); nil: Monday–Friday.
	Calendar *feed.Calendar
	// Start is the first day of the posting period: valid_from, else
	// published (YYYY-MM-DD in the feed's time zone).
	Start string
	// Withdrawn is when the notice was withdrawn; zero if it is not.
	Withdrawn time.Time
}

// Evidence is the log read as spans: program up, screen on, and per notice
// the merged spans it was shown or available, with the seconds of each,
// and the seconds it was the slide on show.
type Evidence struct {
	Program, Screen []Span
	Items           map[string]*ItemEvidence
	Alert           []Span           // some urgent alert was on the screen, merged
	AlertSeconds    map[string]int64 // by alert id
}

// ItemEvidence is one notice's share of the log.
type ItemEvidence struct {
	Spans            []Span // shown ∪ available, merged
	ShownSeconds     int64  // in the rotation (display mode)
	AvailableSeconds int64  // reachable (touch mode)
	OnScreenSeconds  int64  // the slide on show (display mode); no spans
}

// NewEvidence reads records (summaries, entries, and intervals still open)
// as spans.
func NewEvidence(r Records) Evidence {
	ev := Evidence{Items: map[string]*ItemEvidence{}, AlertSeconds: map[string]int64{}}
	item := func(id string) *ItemEvidence {
		it := ev.Items[id]
		if it == nil {
			it = &ItemEvidence{}
			ev.Items[id] = it
		}
		return it
	}
	add := func(kind, id string, seconds int64, spans ...Span) {
		switch kind {
		case KindProgram:
			ev.Program = append(ev.Program, spans...)
		case KindScreen:
			ev.Screen = append(ev.Screen, spans...)
		case KindShown:
			it := item(id)
			it.ShownSeconds += seconds
			it.Spans = append(it.Spans, spans...)
		case KindAvailable:
			it := item(id)
			it.AvailableSeconds += seconds
			it.Spans = append(it.Spans, spans...)
		case KindAlert:
			ev.Alert = append(ev.Alert, spans...)
			ev.AlertSeconds[id] += seconds
		case KindOnScreen:
			// a count, not time on the board: coverage stays with the
			// rotation's shown intervals
			item(id).OnScreenSeconds += seconds
		}
	}
	for _, s := range r.Summaries {
		for _, t := range s.Totals {
			add(t.Kind, t.Item, t.Seconds, t.Spans...)
		}
	}
	for _, list := range [][]Entry{r.Entries, r.Open} {
		for _, e := range list {
			if e.Kind == KindOnScreen {
				add(e.Kind, e.Item, e.Seconds)
				continue
			}
			add(e.Kind, e.Item, e.End-e.Start, Span{e.Start, e.End})
		}
	}
	// Merging joins only touching spans here: every second of a gap counts.
	ev.Program = mergeSpans(ev.Program, 1)
	ev.Screen = mergeSpans(ev.Screen, 1)
	ev.Alert = mergeSpans(ev.Alert, 1)
	for _, it := range ev.Items {
		it.Spans = mergeSpans(it.Spans, 1)
	}
	return ev
}

// Gap is a stretch of a posting day when the notice was not on the screen.
type Gap struct {
	Start, End time.Time
	Cause      string
	Counted    bool // false for off-hours: excused
}

// Coverage is the compliance of one notice's posting period.
type Coverage struct {
	Notice
	DisplayedSeconds int64 // on screen + available
	ShownSeconds     int64 // in the rotation
	AvailableSeconds int64
	OnScreenSeconds  int64
	PeriodStart      time.Time // midnight in the feed's time zone
	PeriodEnd        time.Time // exclusive
	// Period is the posting period as package period computes it for
	// every screen and paper: its words, its note on the calendar.
	Period       posting.Period
	DaysElapsed  int // days of the period that are over
	DaysCovered  int
	DaysWithGaps int // includes today when today already has too much gap
	Gaps         []Gap
	GapsOmitted  int    // beyond MaxGapsListed
	Status       string // "" when the notice has no posting period
}

// PeriodDays is the number of calendar days the notice must be on screen:
// every day from the first to the last of its period, weekends and
// holidays inside it included. 0 without a period.
func (c Coverage) PeriodDays() int {
	if c.PeriodStart.IsZero() {
		return 0
	}
	return c.Period.Days()
}

// HasPeriod reports whether the notice has a posting period at all.
func (c Coverage) HasPeriod() bool { return c.PostingDays > 0 || c.PostingWorkdays > 0 }

// Evaluate computes the coverage of n's posting period up to now. The
// rule (FORMAT.md): a day of the period counts as covered when it is over
// and the notice was shown or available during all of that day's on-hours
// except less than Tolerance in total. Time outside on-hours is a gap with
// cause off-hours and never counts. The period is met when all its days
// are covered, failed as soon as one day is not, on track otherwise.
func Evaluate(ev Evidence, n Notice, tz *time.Location, hours Hours, now time.Time) Coverage {
	c := Coverage{Notice: n}
	it := ev.Items[n.ID]
	if it == nil {
		it = &ItemEvidence{}
	}
	c.ShownSeconds, c.AvailableSeconds, c.OnScreenSeconds = it.ShownSeconds, it.AvailableSeconds, it.OnScreenSeconds
	// Displayed is the time a passer-by could read it: the slide on show
	// in display mode, reachable in touch mode; a screen that ran in both
	// modes adds the two. Time in the rotation (shown) is posting time, not
	// reading time: with 17 notices a minute is 17 minutes of it.
	c.DisplayedSeconds = c.OnScreenSeconds + c.AvailableSeconds
	if !c.HasPeriod() {
		return c
	}
	p, ok := posting.Of(feed.Date(n.Start), n.PostingDays, n.PostingWorkdays, n.Calendar, tz)
	if !ok {
		c.Status = StatusFailed
		return c
	}
	y, m, d := p.Start.Date()
	c.Period, c.PeriodStart, c.PeriodEnd = p, p.Start, p.Next()
	days := p.Days()
	firstAvail := int64(1<<63 - 1)
	if len(it.Spans) > 0 {
		firstAvail = it.Spans[0].Start
	}
	withdrawn := int64(1<<63 - 1)
	if !n.Withdrawn.IsZero() {
		withdrawn = n.Withdrawn.Unix()
	}
	nowU := now.Unix()
	failed := false
	for i := range days {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, tz)
		dayEnd := time.Date(y, m, d+i+1, 0, 0, 0, 0, tz).Unix()
		if day.Unix() >= nowU {
			break
		}
		end := min(dayEnd, nowU)
		on := hours.spans(day)
		var counted int64
		for _, g := range subtract(Span{day.Unix(), end}, clip(it.Spans, day.Unix(), end)) {
			for _, piece := range causes(g, on, withdrawn, firstAvail, ev) {
				if piece.Counted {
					counted += piece.End.Unix() - piece.Start.Unix()
				}
				if len(c.Gaps) < MaxGapsListed {
					piece.Start, piece.End = piece.Start.In(tz), piece.End.In(tz)
					c.Gaps = append(c.Gaps, piece)
				} else {
					c.GapsOmitted++
				}
			}
		}
		over := dayEnd <= nowU
		switch {
		case counted >= Tolerance:
			c.DaysWithGaps++
			failed = true
		case over:
			c.DaysCovered++
		}
		if over {
			c.DaysElapsed++
		}
	}
	switch {
	case failed:
		c.Status = StatusFailed
	case c.DaysElapsed == days:
		c.Status = StatusMet
	default:
		c.Status = StatusOnTrack
	}
	return c
}

// causes splits one gap into pieces of one cause each.
func causes(g Span, on []Span, withdrawn, firstAvail int64, ev Evidence) []Gap {
	cuts := []int64{g.Start, g.End, withdrawn, firstAvail}
	for _, list := range [][]Span{on, clip(ev.Program, g.Start, g.End), clip(ev.Screen, g.Start, g.End), clip(ev.Alert, g.Start, g.End)} {
		for _, s := range list {
			cuts = append(cuts, s.Start, s.End)
		}
	}
	slices.Sort(cuts)
	var out []Gap
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if a >= b || a < g.Start || b > g.End {
			continue
		}
		var cause string
		switch {
		case !inside(on, a):
			cause = CauseOffHours
		case inside(ev.Alert, a):
			cause = CauseAlert
		case a >= withdrawn:
			cause = CauseWithdrawn
		case !inside(ev.Program, a):
			cause = CauseProgramDown
		case !inside(ev.Screen, a):
			cause = CauseScreenOff
		case a < firstAvail:
			cause = CauseNotSynced
		default:
			cause = CauseNotShown
		}
		if n := len(out); n > 0 && out[n-1].Cause == cause && out[n-1].End.Unix() == a {
			out[n-1].End = time.Unix(b, 0)
			continue
		}
		out = append(out, Gap{Start: time.Unix(a, 0), End: time.Unix(b, 0), Cause: cause, Counted: cause != CauseOffHours && cause != CauseAlert})
	}
	return out
}

// clip returns the parts of sorted, disjoint spans within [a, b).
func clip(spans []Span, a, b int64) []Span {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End > a })
	var out []Span
	for ; i < len(spans) && spans[i].Start < b; i++ {
		out = append(out, Span{max(spans[i].Start, a), min(spans[i].End, b)})
	}
	return out
}

// subtract returns w minus sorted, disjoint spans inside it.
func subtract(w Span, spans []Span) []Span {
	var out []Span
	at := w.Start
	for _, s := range spans {
		if s.Start > at {
			out = append(out, Span{at, s.Start})
		}
		at = max(at, s.End)
	}
	if at < w.End {
		out = append(out, Span{at, w.End})
	}
	return out
}

// inside reports whether t falls in one of sorted, disjoint spans.
func inside(spans []Span, t int64) bool {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End > t })
	return i < len(spans) && spans[i].Start <= t
}
