package feed

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// CalendarFormat identifies the working-day calendar object.
const CalendarFormat = "gongkai-calendar/1"

// Limits of a calendar object: a century of years, each with at most its
// own days. The object is read through MaxCalendarSize before it is parsed.
const (
	MaxCalendarSize  = 256 << 10
	MaxCalendarYears = 100
	MinCalendarYear  = 2000
	MaxCalendarYear  = 2100
)

// Calendar is the working-day calendar a township publishes with its feed:
// per year the holidays and the adjusted working weekend days (调休) of the
// State Council's holiday notice. A day of a year it lists is a working day
// when it is an adjusted working day, or a Monday–Friday that is not a
// holiday; a year it does not list is counted Monday–Friday (package
// period says so wherever it shows).
type Calendar struct {
	Format string         `json:"format"`
	Years  []CalendarYear `json:"years"`
}

// CalendarYear is one year's holiday arrangement and where it comes from.
type CalendarYear struct {
	Year  int    `json:"year"`
	Title string `json:"title"`            // 国务院办公厅关于2026年部分节假日安排的通知
	DocNo string `json:"doc_no,omitempty"` // 文号, when known
	// Issued is the notice's date.
	Issued Date `json:"issued,omitempty"`
	// Example marks data not taken from an official text: it is shown as
	// an example wherever a period counted with it appears.
	Example  bool   `json:"example,omitempty"`
	Holidays []Date `json:"holidays"`
	Workdays []Date `json:"workdays,omitempty"` // adjusted working weekend days
}

// Year returns the arrangement of year y, or nil when the calendar (which
// may be nil) does not hold it.
func (c *Calendar) Year(y int) *CalendarYear {
	if c == nil {
		return nil
	}
	i, ok := slices.BinarySearchFunc(c.Years, y, func(cy CalendarYear, y int) int { return cy.Year - y })
	if !ok {
		return nil
	}
	return &c.Years[i]
}

// EncodeCalendar gives the canonical bytes of a calendar object: years and
// days sorted, so the same calendar always gives the same hash.
func EncodeCalendar(c *Calendar) ([]byte, error) {
	n := Calendar{Format: CalendarFormat, Years: slices.Clone(c.Years)}
	for i := range n.Years {
		y := &n.Years[i]
		y.Holidays = slices.Compact(slices.Sorted(slices.Values(y.Holidays)))
		y.Workdays = slices.Compact(slices.Sorted(slices.Values(y.Workdays)))
	}
	slices.SortFunc(n.Years, func(a, b CalendarYear) int { return a.Year - b.Year })
	if err := n.check(); err != nil {
		return nil, fmt.Errorf("%w: calendar: %v", ErrFormat, err)
	}
	return encodeJSON(&n)
}

// DecodeCalendar parses and checks a calendar object that was verified
// against the manifest by hash and size.
func DecodeCalendar(data []byte) (*Calendar, error) {
	if len(data) > MaxCalendarSize {
		return nil, fmt.Errorf("%w: calendar is %d bytes, over %d", ErrTooLarge, len(data), MaxCalendarSize)
	}
	var c Calendar
	if err := strictUnmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%w: calendar: %v", ErrFormat, err)
	}
	if c.Format != CalendarFormat {
		return nil, fmt.Errorf("%w: calendar: format %q, want %q", ErrFormat, c.Format, CalendarFormat)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%w: calendar: %v", ErrFormat, err)
	}
	return &c, nil
}

// check enforces what makes a calendar mean one thing: years in range,
// sorted and not repeated; every day a real date of its own year, sorted,
// listed once; no day both a holiday and a working day; an adjusted
// working day on a Saturday or Sunday (a weekday is one already, so
// listing it is a mistake in the source).
func (c *Calendar) check() error {
	if len(c.Years) > MaxCalendarYears {
		return fmt.Errorf("%d years, over %d", len(c.Years), MaxCalendarYears)
	}
	for i, y := range c.Years {
		switch {
		case y.Year < MinCalendarYear || y.Year > MaxCalendarYear:
			return fmt.Errorf("year %d is outside %d..%d", y.Year, MinCalendarYear, MaxCalendarYear)
		case i > 0 && c.Years[i-1].Year >= y.Year:
			return fmt.Errorf("year %d is repeated or out of order", y.Year)
		case strings.TrimSpace(y.Title) == "":
			return fmt.Errorf("year %d: title (the notice the dates come from) is empty", y.Year)
		case y.Issued != "" && !y.Issued.Valid():
			return fmt.Errorf("year %d: issued %.20q is not a date YYYY-MM-DD", y.Year, y.Issued)
		case len(y.Holidays)+len(y.Workdays) > 366:
			return fmt.Errorf("year %d: %d days listed, more than the year has", y.Year, len(y.Holidays)+len(y.Workdays))
		}
		for _, s := range []string{y.Title, y.DocNo} {
			if !utf8.ValidString(s) || !isPrintable(s) || utf8.RuneCountInString(s) > 100 {
				return fmt.Errorf("year %d: title or doc_no is not one printable line of at most 100 characters", y.Year)
			}
		}
		hol := make(map[Date]bool, len(y.Holidays))
		for _, list := range []struct {
			name string
			days []Date
		}{{"holidays", y.Holidays}, {"workdays", y.Workdays}} {
			for j, d := range list.days {
				t, err := time.Parse(time.DateOnly, string(d))
				switch {
				case err != nil || !d.Valid():
					return fmt.Errorf("year %d: %s: %.20q is not a date YYYY-MM-DD", y.Year, list.name, d)
				case t.Year() != y.Year:
					return fmt.Errorf("year %d: %s: %s is not in %d", y.Year, list.name, d, y.Year)
				case j > 0 && list.days[j-1] >= d:
					return fmt.Errorf("year %d: %s: %s is repeated or out of order", y.Year, list.name, d)
				}
				if list.name == "holidays" {
					hol[d] = true
					continue
				}
				if hol[d] {
					return fmt.Errorf("year %d: %s is both a holiday and a working day", y.Year, d)
				}
				if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
					return fmt.Errorf("year %d: working day %s is a %s, not a weekend day", y.Year, d, wd)
				}
			}
		}
	}
	return nil
}
