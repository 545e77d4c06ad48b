package words

import (
	"fmt"
	"time"

	"gongkai/feed"
	"gongkai/period"
)

// Dates on screen are Chinese and in the feed's time zone: a notice's
// "today" is the township's today, whatever the machine's zone.

func MonthDay(t time.Time) string { return fmt.Sprintf("%d月%d日", int(t.Month()), t.Day()) }

// updatedText is the "last updated" line of the home screen.
func UpdatedText(last time.Time, loc *time.Location) string {
	if last.IsZero() {
		return "尚未更新"
	}
	t := last.In(loc)
	return fmt.Sprintf("更新于 %s %02d:%02d", MonthDay(t), t.Hour(), t.Minute())
}

// validityText says how long a document applies: "有效期 A 至 B", or
// "现行有效" for one without an end.
func ValidityText(published, from, until feed.Date) string {
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

// endingSoon is a period begun and in its last three days (or working
// days), shown in the urgent colour.
func EndingSoon(p period.Period, now time.Time) bool {
	left := p.Left(now)
	return left >= 0 && left <= 3 && !now.Before(p.Start)
}
