package ui

import (
	"fmt"
	"time"

	"gongkai/feed"
)

// Dates on screen are Chinese and in the feed's time zone: a notice's
// "today" is the township's today, whatever the machine's zone.

func monthDay(t time.Time) string { return fmt.Sprintf("%d月%d日", int(t.Month()), t.Day()) }

// updatedText is the "last updated" line of the home screen.
func updatedText(last time.Time, loc *time.Location) string {
	if last.IsZero() {
		return "尚未更新"
	}
	t := last.In(loc)
	return fmt.Sprintf("更新于 %s %02d:%02d", monthDay(t), t.Hour(), t.Minute())
}

// validityText says how long a document applies: "有效期 A 至 B", or
// "现行有效" for one without an end.
func validityText(published, from, until feed.Date) string {
	if until == "" {
		return "现行有效"
	}
	if from == "" {
		from = published
	}
	return fmt.Sprintf("有效期 %s 至 %s", from, until)
}

// civilDay is the date of t in loc as a UTC midnight, so day differences
// are whole numbers even across daylight-saving changes.
func civilDay(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func dateDay(d feed.Date) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, string(d))
	return t, err == nil
}

// posting describes a statutory posting period (公示期) at now.
type posting struct {
	Days       int
	Start, End time.Time // civil days, inclusive
	Left       int       // days after today until End; negative when over
	NotYet     bool
}

// postingOf computes the posting period: it starts at valid_from, or else
// at publication, and lasts days calendar days including the first.
func postingOf(published, from feed.Date, days int, now time.Time, loc *time.Location) (posting, bool) {
	if days <= 0 {
		return posting{}, false
	}
	start := from
	if start == "" {
		start = published
	}
	s, ok := dateDay(start)
	if !ok {
		return posting{}, false
	}
	end := s.AddDate(0, 0, days-1)
	today := civilDay(now, loc)
	return posting{
		Days: days, Start: s, End: end,
		Left:   int(end.Sub(today).Hours() / 24),
		NotYet: today.Before(s),
	}, true
}

// Text is the full line for the reader: "公示期 30 天：11月10日至12月9日，剩余 14 天".
func (p posting) Text() string {
	return fmt.Sprintf("公示期 %d 天：%s至%s，%s", p.Days, monthDay(p.Start), monthDay(p.End), p.Status())
}

// Status is the short state for lists.
func (p posting) Status() string {
	switch {
	case p.NotYet:
		return fmt.Sprintf("%s开始公示", monthDay(p.Start))
	case p.Left > 0:
		return fmt.Sprintf("剩余 %d 天", p.Left)
	case p.Left == 0:
		return "今天是最后一天"
	default:
		return "公示期已满"
	}
}
