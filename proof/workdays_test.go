package proof

import (
	"crypto/ed25519"
	"testing"
	"time"

	"gongkai/feed"
)

// 国庆 2026: holidays 10-01..10-07 (and 中秋 09-25..27), Saturday 10-10 worked.
var nationalDay = &feed.Calendar{Format: feed.CalendarFormat, Years: []feed.CalendarYear{{Year: 2026, Title: "国务院办公厅关于2026年部分节假日安排的通知",
	Holidays: []feed.Date{"2026-09-25", "2026-09-26", "2026-09-27", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"},
	Workdays: []feed.Date{"2026-09-20", "2026-10-10"}}}}

// Ten working days from 9-28 end on 10-15: compliance needs every one of
// the 18 calendar days from 9-28 to 10-15 on screen, the Golden Week
// included, and is not met on 10-09, where Monday–Friday would end it.
func TestCoverageWorkdays(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	n := Notice{ID: "n", PostingWorkdays: 10, Start: "2026-09-28", Calendar: nationalDay}
	all := [][2]string{{"2026-09-27T00:00:00+08:00", "2026-10-20T00:00:00+08:00"}}
	holidayGap := [][2]string{{"2026-09-27T00:00:00+08:00", "2026-10-03T09:00:00+08:00"}, {"2026-10-03T10:00:00+08:00", "2026-10-20T00:00:00+08:00"}}
	for _, c := range []struct {
		name     string
		ev       Evidence
		n        Notice
		now      string
		status   string
		elapsed  int
		covered  int
		withGaps int
		end      string
	}{
		{"all 18 days covered", evidence(all, all, all), n, "2026-10-19T12:00:00+08:00", StatusMet, 18, 18, 0, "2026-10-15"},
		{"on track on 10-10, a calendar count would be over", evidence(all, all, all), n, "2026-10-10T12:00:00+08:00", StatusOnTrack, 12, 12, 0, "2026-10-15"},
		{"an hour off on a holiday inside the period fails it", evidence(holidayGap, holidayGap, holidayGap), n, "2026-10-19T12:00:00+08:00", StatusFailed, 18, 17, 1, "2026-10-15"},
		{"without the calendar, Monday–Friday", evidence(all, all, all), Notice{ID: "n", PostingWorkdays: 10, Start: "2026-09-28"}, "2026-10-19T12:00:00+08:00", StatusMet, 12, 12, 0, "2026-10-09"},
	} {
		t.Run(c.name, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, c.now)
			cov := Evaluate(c.ev, c.n, shanghai, Hours{}, now)
			if cov.Status != c.status || cov.DaysElapsed != c.elapsed || cov.DaysCovered != c.covered || cov.DaysWithGaps != c.withGaps {
				t.Errorf("status %q elapsed %d covered %d with gaps %d; want %q %d %d %d",
					cov.Status, cov.DaysElapsed, cov.DaysCovered, cov.DaysWithGaps, c.status, c.elapsed, c.covered, c.withGaps)
			}
			if got := cov.Period.End.Format(time.DateOnly); got != c.end {
				t.Errorf("end %s, want %s", got, c.end)
			}
			r := NewReport(seedKey(1).Public().(ed25519.PublicKey), []Coverage{cov}, shanghai, Hours{}, now)
			nr := r.Notices[0]
			if nr.PeriodEnd == nil || *nr.PeriodEnd != c.end || nr.PeriodDays != cov.PeriodDays() || nr.PostingWorkdays != 10 {
				t.Errorf("report %+v", nr)
			}
		})
	}
	cov := Evaluate(evidence(all, all, all), Notice{ID: "n", PostingWorkdays: 10, Start: "2026-12-24", Calendar: nationalDay}, shanghai, Hours{},
		time.Date(2027, 2, 1, 0, 0, 0, 0, shanghai))
	nr := NewReport(seedKey(1).Public().(ed25519.PublicKey), []Coverage{cov}, shanghai, Hours{}, time.Now())
	if nr.Notices[0].CalendarNote != "未载入2027年节假日安排，按周一至周五计算" ||
		nr.Notices[0].Period != "公示期 10 个工作日：2026年12月24日至2027年1月6日" {
		t.Errorf("a period into a year the calendar lacks: %+v", nr.Notices[0])
	}
}
