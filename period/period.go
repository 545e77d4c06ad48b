// Package period is the one home of the posting-period rule: where a
// notice's statutory period (公示期) starts and ends, how many days or
// working days of it are left, which calendar days it covers, and the
// words every screen, report, certificate and poster says it with.
//
// A period of posting_days N covers N calendar days from its start. A
// period of posting_workdays N ends on its Nth working day, counting from
// the start day itself when that is a working day, with the feed's
// calendar (feed.Calendar): a year the calendar holds counts its holidays
// and adjusted working weekends; a year it lacks is counted Monday–Friday,
// and Note says so. Either way the notice must be on screen every day from
// start to end, weekends and holidays inside the period included (Days).
package period

import (
	"fmt"
	"strings"
	"time"

	"gongkai/feed"
)

// Period is one notice's posting period. Start and End are midnights in
// the feed's time zone; End is the last day, inclusive.
type Period struct {
	Start, End time.Time
	// Count is the statutory length: calendar days, or working days when
	// Workdays is set.
	Count    int
	Workdays bool
	// Missing are the years inside the period the calendar did not hold,
	// counted Monday–Friday; Example the years whose data is marked as an
	// example in the calendar. Both are empty for calendar days.
	Missing, Example []int

	cal *feed.Calendar
}

// StartOf is the first day of a notice's period: valid_from, else published.
func StartOf(published, validFrom feed.Date) feed.Date {
	if validFrom != "" {
		return validFrom
	}
	return published
}

// Of is the period of a notice starting at start (its valid_from, else
// published) with days calendar days or workdays working days (at most
// one of them set). ok is false when the notice has no period or its start
// is not a date.
func Of(start feed.Date, days, workdays int, cal *feed.Calendar, loc *time.Location) (p Period, ok bool) {
	if days <= 0 && workdays <= 0 {
		return Period{}, false
	}
	s, err := start.Time(loc)
	if err != nil {
		return Period{}, false
	}
	p = Period{Start: s, cal: cal}
	if days > 0 {
		p.Count = days
		p.End = addDays(s, days-1)
		return p, true
	}
	p.Count, p.Workdays = workdays, true
	d, n := s, 0
	for {
		if p.working(d) {
			n++
			if n == workdays {
				break
			}
		}
		d = addDays(d, 1)
	}
	p.End = d
	for y := s.Year(); y <= d.Year(); y++ {
		switch cy := cal.Year(y); {
		case cy == nil:
			p.Missing = append(p.Missing, y)
		case cy.Example:
			p.Example = append(p.Example, y)
		}
	}
	return p, true
}

// addDays is midnight n days after day, in its zone (AddDate would keep
// the hour across a DST change).
func addDays(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, day.Location())
}

// working reports whether day is a working day by the calendar: an
// adjusted working day, or a Monday–Friday that is not a holiday. A year
// the calendar lacks is Monday–Friday.
func (p Period) working(day time.Time) bool {
	wd := day.Weekday()
	weekday := wd != time.Saturday && wd != time.Sunday
	cy := p.cal.Year(day.Year())
	if cy == nil {
		return weekday
	}
	d := feed.Date(day.Format(time.DateOnly))
	if weekday {
		return !contains(cy.Holidays, d)
	}
	return contains(cy.Workdays, d)
}

func contains(sorted []feed.Date, d feed.Date) bool {
	lo, hi := 0, len(sorted)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case sorted[m] == d:
			return true
		case sorted[m] < d:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}

// Days is the number of calendar days from Start to End inclusive: the
// days the notice must be on screen.
func (p Period) Days() int {
	return int(p.End.Sub(p.Start).Round(time.Hour).Hours()/24) + 1
}

// Day is the i-th day of the period (0 is Start), midnight in its zone.
func (p Period) Day(i int) time.Time { return addDays(p.Start, i) }

// Next is midnight after End: the period is over from then.
func (p Period) Next() time.Time { return addDays(p.End, 1) }

// Left is how much of the period remains after today (a time of that day,
// in the feed's zone): calendar days, or working days. 0 on the last day,
// negative after it (-1 the day after, whatever the unit).
func (p Period) Left(today time.Time) int {
	t := civil(today, p.Start.Location())
	if t.After(p.End) {
		return -1
	}
	if !p.Workdays {
		return int(p.End.Sub(t).Round(time.Hour).Hours() / 24)
	}
	n := 0
	for d := addDays(t, 1); !d.After(p.End); d = addDays(d, 1) {
		if p.working(d) {
			n++
		}
	}
	return n
}

// civil is midnight of t's day in loc.
func civil(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Unit is "天" or "个工作日".
func (p Period) Unit() string {
	if p.Workdays {
		return "个工作日"
	}
	return "天"
}

// Length is the statutory length as the law says it: "10 个工作日", "30 天".
func (p Period) Length() string { return fmt.Sprintf("%d %s", p.Count, p.Unit()) }

// Span is the first and last day: "12月1日至12月14日"; with years when the
// period is not inside one year, or full dates when full is set.
func (p Period) Span(full bool) string {
	if full || p.Start.Year() != p.End.Year() {
		return fmt.Sprintf("%d年%d月%d日至%d年%d月%d日", p.Start.Year(), p.Start.Month(), p.Start.Day(),
			p.End.Year(), p.End.Month(), p.End.Day())
	}
	return fmt.Sprintf("%d月%d日至%d月%d日", p.Start.Month(), p.Start.Day(), p.End.Month(), p.End.Day())
}

// Status is the short state for lists: "剩余 6 个工作日", "今天是最后一天".
func (p Period) Status(now time.Time) string {
	t := civil(now, p.Start.Location())
	switch left := p.Left(now); {
	case t.Before(p.Start):
		return fmt.Sprintf("%d月%d日开始公示", p.Start.Month(), p.Start.Day())
	case left > 0:
		return fmt.Sprintf("剩余 %d %s", left, p.Unit())
	case left == 0:
		return "今天是最后一天"
	default:
		return "公示期已满"
	}
}

// Label names the period without its state: "公示期 10 个工作日：12月1日至12月14日"
// (full: with years, as reports and certificates say it).
func (p Period) Label(full bool) string {
	return fmt.Sprintf("公示期 %s：%s", p.Length(), p.Span(full))
}

// Text is the full line: "公示期 10 个工作日：12月1日至12月14日，剩余 6 个工作日".
func (p Period) Text(now time.Time) string {
	return p.Label(false) + "，" + p.Status(now)
}

// Note says how the working days were counted when the calendar did not
// hold every year of the period, or held one as an example:
// "未载入2027年节假日安排，按周一至周五计算". "" when there is nothing
// to say. Every place that shows or certifies a period shows it.
func (p Period) Note() string {
	var parts []string
	if len(p.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("未载入%s节假日安排，按周一至周五计算", years(p.Missing)))
	}
	if len(p.Example) > 0 {
		parts = append(parts, fmt.Sprintf("%s节假日安排为示例数据，非官方安排", years(p.Example)))
	}
	return strings.Join(parts, "；")
}

func years(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = fmt.Sprintf("%d年", y)
	}
	return strings.Join(s, "、")
}
