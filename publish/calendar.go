package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/feed"
)

// CalendarFile is the working-day calendar in a source folder. It is
// optional; without it screens count working days Monday–Friday and say so.
const CalendarFile = "calendar.yaml"

// calendarSource is calendar.yaml as a clerk writes it: per year the
// notice the dates come from, the holidays and the adjusted working
// weekend days, each a date or a range "2026-02-15..2026-02-23" inside the
// year.
type calendarSource struct {
	Years []struct {
		Year     int      `yaml:"year"`
		Title    string   `yaml:"title"`
		DocNo    string   `yaml:"doc_no"`
		Issued   string   `yaml:"issued"`
		Example  bool     `yaml:"example"`
		Holidays []string `yaml:"holidays"`
		Workdays []string `yaml:"workdays"`
	} `yaml:"years"`
}

// readCalendar reads calendar.yaml, when the folder has one, into
// src.Calendar: the same checks a screen makes of the signed object
// (feed.DecodeCalendar), with the file and line of the first mistake.
func (src *Source) readCalendar() error {
	path := filepath.Join(src.Dir, CalendarFile)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	data, err := readCapped(path, feed.MaxCalendarSize)
	if err != nil {
		return &SourceError{File: CalendarFile, Msg: err.Error()}
	}
	cal, err := ParseCalendar(data)
	if err != nil {
		return err
	}
	src.Calendar = cal
	return nil
}

// ParseCalendar parses the bytes of a calendar.yaml. Errors are
// *SourceError naming calendar.yaml and, where one line is at fault, it.
func ParseCalendar(data []byte) (*feed.Calendar, error) {
	fail := func(line int, format string, args ...any) error {
		return &SourceError{File: CalendarFile, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > feed.MaxCalendarSize {
		return nil, fail(0, "%d bytes, over %d", len(data), feed.MaxCalendarSize)
	}
	if !utf8.Valid(data) {
		return nil, fail(firstBadLine(data), "not UTF-8 text (save the file as UTF-8)")
	}
	if n := loneCR(data); n > 0 {
		return nil, fail(n, "a carriage return inside the line (save the file with ordinary line ends)")
	}
	var cs calendarSource
	if err := unmarshalYAML(data, &cs); err != nil {
		return nil, yamlError(CalendarFile, 0, err)
	}
	if len(cs.Years) == 0 {
		return nil, fail(lineOf(data, "years"), "years: list at least one year, or remove the file")
	}
	if len(cs.Years) > feed.MaxCalendarYears {
		return nil, fail(lineOf(data, "years"), "%d years, over %d", len(cs.Years), feed.MaxCalendarYears)
	}
	cal := &feed.Calendar{Format: feed.CalendarFormat}
	for _, y := range cs.Years {
		yearLine := lineContaining(data, fmt.Sprintf("year: %d", y.Year))
		cy := feed.CalendarYear{Year: y.Year, Title: strings.TrimSpace(y.Title), DocNo: strings.TrimSpace(y.DocNo),
			Issued: feed.Date(y.Issued), Example: y.Example}
		for _, list := range []struct {
			name string
			in   []string
			out  *[]feed.Date
		}{{"holidays", y.Holidays, &cy.Holidays}, {"workdays", y.Workdays, &cy.Workdays}} {
			for _, s := range list.in {
				days, err := expand(s, y.Year)
				if err != nil {
					return nil, fail(lineContaining(data, s), "year %d: %s: %v", y.Year, list.name, err)
				}
				*list.out = append(*list.out, days...)
				if len(*list.out) > 366 {
					return nil, fail(yearLine, "year %d: %s: more days than the year has", y.Year, list.name)
				}
			}
		}
		cal.Years = append(cal.Years, cy)
	}
	// The screens' own checks, on the canonical object publish will sign.
	raw, err := feed.EncodeCalendar(cal)
	if err != nil {
		return nil, fail(calendarLine(data, err), "%v", strings.TrimPrefix(strings.TrimPrefix(err.Error(), feed.ErrFormat.Error()+": "), "calendar: "))
	}
	return feed.DecodeCalendar(raw)
}

// expand reads one entry of a day list: a date, or a range a..b of dates
// in year.
func expand(s string, year int) ([]feed.Date, error) {
	a, b, isRange := strings.Cut(strings.TrimSpace(s), "..")
	parse := func(s string) (time.Time, error) {
		s = strings.TrimSpace(s)
		t, err := time.Parse(time.DateOnly, s)
		if err != nil || t.Format(time.DateOnly) != s {
			return time.Time{}, fmt.Errorf("%.30q is not a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD", s)
		}
		if t.Year() != year {
			return time.Time{}, fmt.Errorf("%s is not in %d", s, year)
		}
		return t, nil
	}
	start, err := parse(a)
	if err != nil {
		return nil, err
	}
	end := start
	if isRange {
		if end, err = parse(b); err != nil {
			return nil, err
		}
		if end.Before(start) {
			return nil, fmt.Errorf("the range %s ends before it starts", strings.TrimSpace(s))
		}
	}
	var out []feed.Date
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		out = append(out, feed.Date(d.Format(time.DateOnly)))
	}
	return out, nil
}

// calendarLine finds the line a calendar check complains about: the first
// date or "year: N" its message names, else 0.
func calendarLine(data []byte, err error) int {
	for _, w := range strings.FieldsFunc(err.Error(), func(r rune) bool { return r == ' ' || r == ':' || r == ',' }) {
		if feed.Date(w).Valid() {
			if n := lineContaining(data, w); n > 0 {
				return n
			}
		}
	}
	var y int
	if _, e := fmt.Sscanf(strings.TrimPrefix(err.Error(), feed.ErrFormat.Error()+": calendar: "), "year %d", &y); e == nil {
		return lineContaining(data, fmt.Sprintf("year: %d", y))
	}
	return 0
}

// lineContaining is the first line holding s, or 0.
func lineContaining(data []byte, s string) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if bytes.Contains(l, []byte(s)) {
			return i + 1
		}
	}
	return 0
}

// CalendarWarning is the warning for a source that counts posting periods
// in working days (posting_workdays) without a CalendarFile: screens then
// count Monday–Friday, and say so. "" when there is nothing to say.
func (src *Source) CalendarWarning() string {
	if src.Calendar != nil || !slices.ContainsFunc(src.Items, func(si *SourceItem) bool { return si.Item.PostingWorkdays > 0 }) {
		return ""
	}
	return fmt.Sprintf("%s has no %s: screens count posting_workdays Monday–Friday and say so", src.Dir, CalendarFile)
}
