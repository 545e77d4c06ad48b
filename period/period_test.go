package period

import (
	"slices"
	"testing"
	"time"

	"gongkai/feed"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// days lists the dates from a to b inclusive.
func days(a, b string) []feed.Date {
	s, _ := time.Parse(time.DateOnly, a)
	e, _ := time.Parse(time.DateOnly, b)
	var out []feed.Date
	for d := s; !d.After(e); d = d.AddDate(0, 0, 1) {
		out = append(out, feed.Date(d.Format(time.DateOnly)))
	}
	return out
}

func join(lists ...[]feed.Date) []feed.Date { return slices.Concat(lists...) }

// official holds the State Council's arrangements for 2025 (published
// 2024-11-12) and 2026 (published 2025-11-04), as printed by Xinhua.
var official = &feed.Calendar{Format: feed.CalendarFormat, Years: []feed.CalendarYear{
	{Year: 2025, Title: "国务院办公厅关于2025年部分节假日安排的通知", Issued: "2024-11-12",
		Holidays: join(days("2025-01-01", "2025-01-01"), days("2025-01-28", "2025-02-04"), days("2025-04-04", "2025-04-06"),
			days("2025-05-01", "2025-05-05"), days("2025-05-31", "2025-06-02"), days("2025-10-01", "2025-10-08")),
		Workdays: []feed.Date{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}},
	{Year: 2026, Title: "国务院办公厅关于2026年部分节假日安排的通知", Issued: "2025-11-04",
		Holidays: join(days("2026-01-01", "2026-01-03"), days("2026-02-15", "2026-02-23"), days("2026-04-04", "2026-04-06"),
			days("2026-05-01", "2026-05-05"), days("2026-06-19", "2026-06-21"), days("2026-09-25", "2026-09-27"),
			days("2026-10-01", "2026-10-07")),
		Workdays: []feed.Date{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}},
}}

func TestOfWorkdays(t *testing.T) {
	only2026 := &feed.Calendar{Format: feed.CalendarFormat, Years: official.Years[1:]}
	example := &feed.Calendar{Format: feed.CalendarFormat, Years: slices.Clone(official.Years)}
	example.Years[1].Example = true
	for _, c := range []struct {
		name     string
		start    feed.Date
		days     int
		workdays int
		cal      *feed.Calendar
		end      string
		covered  int
		note     string
	}{
		{"calendar days", "2026-11-10", 30, 0, official, "2026-12-09", 30, ""},
		{"calendar days ignore holidays", "2026-09-28", 10, 0, official, "2026-10-07", 10, ""},
		{"国庆 2026 with working Saturday 10-10", "2026-09-28", 0, 10, official, "2026-10-15", 18, ""},
		{"国庆 2026 without a calendar counts Mon-Fri", "2026-09-28", 0, 10, nil, "2026-10-09", 12, "未载入2026年节假日安排，按周一至周五计算"},
		{"国庆 2025 (8 days with 中秋) and Sunday 9-28 worked", "2025-09-26", 0, 5, official, "2025-10-09", 14, ""},
		{"春节 2026 with working Saturdays 2-14 and 2-28", "2026-02-09", 0, 10, official, "2026-02-27", 19, ""},
		{"春节 2025 from the working Sunday 1-26", "2025-01-26", 0, 3, official, "2025-02-05", 11, ""},
		{"starting on a holiday", "2026-10-01", 0, 10, official, "2026-10-20", 20, ""},
		{"starting on a Sunday", "2026-12-06", 0, 1, official, "2026-12-07", 2, ""},
		{"the issue's example", "2026-12-01", 0, 10, official, "2026-12-14", 14, ""},
		{"two years, both held: 元旦 2026 and Sunday 1-4", "2025-12-25", 0, 10, official, "2026-01-08", 15, ""},
		{"two years, the second missing", "2026-12-24", 0, 10, official, "2027-01-06", 14, "未载入2027年节假日安排，按周一至周五计算"},
		{"two years, the first missing", "2025-12-25", 0, 10, only2026, "2026-01-08", 15, "未载入2025年节假日安排，按周一至周五计算"},
		{"an example year says so", "2026-12-01", 0, 10, example, "2026-12-14", 14, "2026年节假日安排为示例数据，非官方安排"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, ok := Of(c.start, c.days, c.workdays, c.cal, shanghai)
			if !ok {
				t.Fatal("no period")
			}
			if got := p.End.Format(time.DateOnly); got != c.end {
				t.Errorf("end %s, want %s", got, c.end)
			}
			if p.End.Location() != shanghai || p.End.Hour() != 0 {
				t.Errorf("end %v is not a midnight in the feed's zone", p.End)
			}
			if got := p.Days(); got != c.covered {
				t.Errorf("%d calendar days to cover, want %d", got, c.covered)
			}
			if got := p.Note(); got != c.note {
				t.Errorf("note %q, want %q", got, c.note)
			}
		})
	}
}

func TestWords(t *testing.T) {
	p, _ := Of("2026-12-01", 0, 10, official, shanghai)
	at := func(s string) time.Time {
		d, _ := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
		return d
	}
	for _, c := range []struct{ now, text string }{
		{"2026-11-30 09:00", "公示期 10 个工作日：12月1日至12月14日，12月1日开始公示"},
		{"2026-12-01 00:00", "公示期 10 个工作日：12月1日至12月14日，剩余 9 个工作日"},
		{"2026-12-05 23:59", "公示期 10 个工作日：12月1日至12月14日，剩余 6 个工作日"},
		{"2026-12-06 12:00", "公示期 10 个工作日：12月1日至12月14日，剩余 6 个工作日"},
		{"2026-12-11 12:00", "公示期 10 个工作日：12月1日至12月14日，剩余 1 个工作日"},
		{"2026-12-12 12:00", "公示期 10 个工作日：12月1日至12月14日，剩余 1 个工作日"},
		{"2026-12-14 18:00", "公示期 10 个工作日：12月1日至12月14日，今天是最后一天"},
		{"2026-12-15 00:00", "公示期 10 个工作日：12月1日至12月14日，公示期已满"},
	} {
		if got := p.Text(at(c.now)); got != c.text {
			t.Errorf("at %s: %q, want %q", c.now, got, c.text)
		}
	}
	d, _ := Of("2026-11-10", 30, 0, official, shanghai)
	if got := d.Text(at("2026-11-25 10:00")); got != "公示期 30 天：11月10日至12月9日，剩余 14 天" {
		t.Errorf("calendar days: %q", got)
	}
	y, _ := Of("2026-12-24", 0, 10, official, shanghai)
	if got := y.Span(false); got != "2026年12月24日至2027年1月6日" {
		t.Errorf("a period across the new year names both years: %q", got)
	}
	// A UTC instant late on the 5th is the 6th in Shanghai.
	if got := p.Left(time.Date(2026, 12, 5, 17, 0, 0, 0, time.UTC)); got != 6 {
		t.Errorf("left on the 6th in Shanghai: %d", got)
	}
}

func TestNoPeriod(t *testing.T) {
	for _, c := range []struct {
		start          feed.Date
		days, workdays int
	}{{"2026-12-01", 0, 0}, {"", 0, 10}, {"2026-13-01", 10, 0}} {
		if _, ok := Of(c.start, c.days, c.workdays, official, shanghai); ok {
			t.Errorf("%+v has a period", c)
		}
	}
}

// A calendar that lists every weekday of its years as a holiday still
// ends: the period runs on into the years it does not hold.
func TestNoWorkingDayInTheCalendar(t *testing.T) {
	var all []feed.CalendarYear
	for y := 2026; y <= 2030; y++ {
		var hol []feed.Date
		for _, d := range days(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)) {
			tt, _ := time.Parse(time.DateOnly, string(d))
			if wd := tt.Weekday(); wd != time.Saturday && wd != time.Sunday {
				hol = append(hol, d)
			}
		}
		all = append(all, feed.CalendarYear{Year: y, Title: "x", Holidays: hol})
	}
	p, _ := Of("2026-03-01", 0, 2, &feed.Calendar{Years: all}, shanghai)
	if got := p.End.Format(time.DateOnly); got != "2031-01-02" {
		t.Errorf("end %s", got)
	}
}

func BenchmarkOfWorkdays(b *testing.B) {
	for b.Loop() {
		Of("2026-09-01", 0, 30, official, shanghai)
	}
}
