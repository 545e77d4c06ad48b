package publish

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/assets"
	"gongkai/feed"
)

// The legal minimum of a kind of notice, held at publish: the error names
// the file, the line, the law and the minimum.
func TestKindMinimums(t *testing.T) {
	for _, c := range []struct {
		name    string
		lines   []string
		line    int // 0: accepted
		msg     []string
		warning string // accepted with this warning
	}{
		{"pre-announcement, 10 working days", withLine(11, "posting_workdays: 10"), 0, nil, ""},
		{"pre-announcement, 9 working days", withLine(11, "posting_workdays: 9"), 11,
			[]string{"at least 10 working days", "not 9", "土地管理法实施条例》第二十六条"}, ""},
		{"pre-announcement in calendar days", withLine(11, "posting_days: 14"), 11,
			[]string{"use posting_workdays: 14", "第二十六条"}, ""},
		{"pre-announcement without a period", withoutLine(11), 0, nil, "requires at least 10 working days"},
		{"compensation plan, 30 days", withLine(11, "posting_days: 30"), 0, nil, ""},
		{"compensation plan, 29 days", withLine(11, "posting_days: 29"), 11,
			[]string{"at least 30 days", "not 29", "第二十八条"}, ""},
		{"compensation plan in working days", withLine(11, "posting_workdays: 30"), 11, []string{"use posting_days: 30"}, ""},
		{"village finance has no minimum", withoutLine(11), 0, nil, ""},
		{"unknown kind", withLine(11, "posting_days: 14"), 13, []string{`kind "land"`, "land-pre-announcement, land-compensation-plan"}, ""},
		{"both periods", withLine(11, "posting_days: 14\nposting_workdays: 10"), 11, []string{"both set"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			kind := map[string]string{"pre": "land-pre-announcement", "com": "land-compensation-plan", "vil": "village-finance", "unk": "land", "bot": ""}[c.name[:3]]
			l := c.lines
			if kind != "" {
				// the kind goes just before the closing '---'
				i := len(l) - 4
				l = append(append(append([]string(nil), l[:i]...), "kind: "+kind), l[i:]...)
			}
			data := []byte(strings.Join(l, "\n") + "\n")
			si, err := ParseItemFile(landFile, data)
			if c.line == 0 {
				if err != nil {
					t.Fatal(err)
				}
				var warning string
				for _, w := range si.warnings {
					if w.Rule == RuleNoPeriod {
						warning = w.Msg
					}
				}
				if !strings.Contains(warning, c.warning) || (c.warning == "") != (warning == "") {
					t.Fatalf("warning %q, want %q", warning, c.warning)
				}
				return
			}
			var se *SourceError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *SourceError", err)
			}
			if se.File != landFile || se.Line != c.line {
				t.Errorf("error at %s:%d, want line %d: %v", se.File, se.Line, c.line, err)
			}
			for _, m := range c.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not say %q", err, m)
				}
			}
		})
	}
}

// The warning reaches the source's list with its file and line.
func TestKindWarningListed(t *testing.T) {
	src := t.TempDir()
	writeSource(t, src, withLine(11, "kind: land-pre-announcement"))
	s, err := ParseSource(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 2 || !strings.HasPrefix(s.Warnings[0].String(), filepath.FromSlash(landFile)+":11: ") || s.Warnings[1].Rule != RuleNoContact {
		t.Fatalf("warnings %q", s.Warnings)
	}
}

const goodCalendar = `years:
  - year: 2026
    title: 国务院办公厅关于2026年部分节假日安排的通知
    issued: 2025-11-04
    holidays:
      - 2026-01-01..2026-01-03
      - 2026-10-01..2026-10-07
    workdays: [2026-01-04, 2026-10-10]
`

// The demo's calendar.yaml is read as written, and the calendar object a
// publication carries is the one screens decode.
func TestCalendarPublished(t *testing.T) {
	demo, err := os.ReadFile(filepath.Join("..", "assets", "demo", CalendarFile))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ParseCalendar(demo)
	if err != nil {
		t.Fatal(err)
	}
	if y := cal.Year(2025); y == nil || len(y.Holidays) != 1+8+3+5+3+8 || len(y.Workdays) != 5 || y.Example {
		t.Errorf("2025: %+v", y)
	}
	if y := cal.Year(2026); y == nil || len(y.Holidays) != 3+9+3+5+3+3+7 || len(y.Workdays) != 6 || y.Example {
		t.Errorf("2026: %+v", y)
	}
	if _, err := assets.Demo().Open(CalendarFile); err != nil {
		t.Errorf("the demo calendar is not embedded: %v", err)
	}

	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	writeFiles(t, src, map[string]string{CalendarFile: goodCalendar})
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(out, feed.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := feed.ParseManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Calendar == nil {
		t.Fatal("the manifest names no calendar")
	}
	obj, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(m.Calendar.Path())))
	if err != nil {
		t.Fatal(err)
	}
	if err := feed.CheckObject(obj, *m.Calendar); err != nil {
		t.Fatal(err)
	}
	got, err := feed.DecodeCalendar(obj)
	if err != nil {
		t.Fatal(err)
	}
	if y := got.Year(2026); y == nil || len(y.Holidays) != 10 || y.Workdays[1] != "2026-10-10" {
		t.Errorf("decoded %+v", got)
	}
	// Without calendar.yaml the manifest names none.
	os.Remove(filepath.Join(src, CalendarFile))
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow.Add(60e9)}); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(filepath.Join(out, feed.ManifestFile))
	if bytes.Contains(raw, []byte(`"calendar"`)) {
		t.Error("a feed without calendar.yaml names a calendar")
	}
}

// Hostile and malformed calendar files: one clear line naming the file
// (and the line where there is one), and nothing written.
func TestCalendarRefusals(t *testing.T) {
	big := "years:\n" + strings.Repeat("  - {year: 2026, title: x, holidays: [2026-01-01]}\n", 6000)
	for _, c := range []struct {
		name, yaml string
		line       int
		msg        string
	}{
		{"not YAML", "years: [", -1, "YAML"},
		{"unknown key", strings.Replace(goodCalendar, "issued:", "isued:", 1), 4, "YAML"},
		{"no years", "years: []\n", 1, "at least one year"},
		{"bad date", strings.Replace(goodCalendar, "2026-01-04", "2026-02-30", 1), 8, `"2026-02-30" is not a date`},
		{"date of another year", strings.Replace(goodCalendar, "2026-10-10]", "2027-10-10]", 1), 8, "2027-10-10 is not in 2026"},
		{"range backwards", strings.Replace(goodCalendar, "2026-10-01..2026-10-07", "2026-10-07..2026-10-01", 1), 7, "ends before it starts"},
		{"range across years", strings.Replace(goodCalendar, "2026-10-01..2026-10-07", "2026-10-01..2100-10-07", 1), 7, "not in 2026"},
		{"holiday and workday", strings.Replace(goodCalendar, "2026-10-10]", "2026-10-10, 2026-10-03]", 1), 8, "2026-10-03 is both"},
		{"workday on a weekday", strings.Replace(goodCalendar, "2026-10-10]", "2026-10-09]", 1), 8, "2026-10-09 is a Friday"},
		{"year repeated", goodCalendar + strings.Join(strings.Split(goodCalendar, "\n")[1:], "\n"), 2, "year 2026 is repeated"},
		{"year out of range", strings.Replace(strings.ReplaceAll(goodCalendar, "2026-", "1926-"), "year: 2026", "year: 1926", 1), 2, "outside 2000..2100"},
		{"no title", strings.Replace(goodCalendar, "    title: 国务院办公厅关于2026年部分节假日安排的通知\n", "", 1), 2, "title"},
		{"control character", strings.Replace(goodCalendar, "的通知", "的通知\\x1b[2J", 1) + "", 2, "printable"},
		{"not UTF-8", goodCalendar + "# \xff\n", 9, "UTF-8"},
		{"too large", big, 0, "over"},
		{"alias bomb", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nyears: [*c]\n", -1, "calendar.yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "control character" {
				c.yaml = strings.Replace(goodCalendar, "的通知", "的通知\x1b[2J", 1)
			}
			src, out := t.TempDir(), t.TempDir()
			writeSource(t, src, landLines)
			writeFiles(t, src, map[string]string{CalendarFile: c.yaml})
			before := snapshot(t, out)
			_, err := build(src, out, Options{Key: testKey(1), Now: testNow})
			var se *SourceError
			if !errors.As(err, &se) || se.File != CalendarFile {
				t.Fatalf("error %v, want one naming %s", err, CalendarFile)
			}
			if c.line >= 0 && se.Line != c.line {
				t.Errorf("line %d, want %d: %v", se.Line, c.line, err)
			}
			if msg := err.Error(); !strings.Contains(msg, c.msg) || strings.ContainsAny(msg, "\r\n") || len(msg) > 500 {
				t.Errorf("error %q: want one short line saying %q", msg, c.msg)
			}
			if after := snapshot(t, out); len(after) != len(before) {
				t.Errorf("a refused source wrote %d files", len(after)-len(before))
			}
		})
	}
}

// FuzzParseCalendar feeds calendar.yaml arbitrary bytes: never a panic;
// a refusal is one line naming the file; what is accepted is a calendar
// the screens' own decoder takes back unchanged.
func FuzzParseCalendar(f *testing.F) {
	f.Add([]byte(goodCalendar))
	demo, _ := os.ReadFile(filepath.Join("..", "assets", "demo", CalendarFile))
	f.Add(demo)
	f.Add([]byte("years: [{year: 2026, title: x, holidays: [2026-02-30]}]"))
	f.Add([]byte("years: [{year: 2026, title: x, holidays: ['2026-01-01..2026-12-31'], workdays: [2026-01-03]}]"))
	f.Add([]byte("years: [{year: 99999999999999999999, title: x}]"))
	f.Add([]byte("years: !0"))
	f.Add([]byte("a: &a [x, x]\nyears: [*a, *a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := ParseCalendar(data)
		if err != nil {
			var se *SourceError
			if !errors.As(err, &se) || se.File != CalendarFile {
				t.Fatalf("error %q (%T) does not name %s", err, err, CalendarFile)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || len(msg) > 1000 {
				t.Fatalf("error is not one short line: %q", msg)
			}
			return
		}
		raw, err := feed.EncodeCalendar(cal)
		if err != nil {
			t.Fatalf("accepted calendar does not encode: %v", err)
		}
		back, err := feed.DecodeCalendar(raw)
		if err != nil {
			t.Fatalf("screens refuse an accepted calendar: %v", err)
		}
		again, _ := feed.EncodeCalendar(back)
		if !bytes.Equal(raw, again) {
			t.Fatal("the calendar object is not canonical")
		}
	})
}
