package feed

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const calendarJSON = `{"format":"gongkai-calendar/1","years":[{"year":2026,"title":"国务院办公厅关于2026年部分节假日安排的通知","issued":"2025-11-04","holidays":["2026-10-01","2026-10-02"],"workdays":["2026-10-10"]}]}` + "\n"

func TestDecodeCalendar(t *testing.T) {
	c, err := DecodeCalendar([]byte(calendarJSON))
	if err != nil {
		t.Fatal(err)
	}
	if y := c.Year(2026); y == nil || len(y.Holidays) != 2 || c.Year(2027) != nil {
		t.Fatalf("%+v", c)
	}
	again, err := EncodeCalendar(c)
	if err != nil || string(again) != calendarJSON {
		t.Fatalf("not canonical: %s %v", again, err)
	}
	var nilCal *Calendar
	if nilCal.Year(2026) != nil {
		t.Fatal("a nil calendar holds a year")
	}
}

// Every malformed calendar object is refused with ErrFormat (or
// ErrTooLarge) and one line saying why.
func TestDecodeCalendarRefuses(t *testing.T) {
	for _, c := range []struct{ name, in, msg string }{
		{"empty", "", "EOF"},
		{"trailing data", calendarJSON + "{}", "trailing"},
		{"unknown field", strings.Replace(calendarJSON, `"issued"`, `"x":1,"issued"`, 1), "unknown field"},
		{"wrong format", strings.Replace(calendarJSON, "calendar/1", "calendar/2", 1), "format"},
		{"unsorted days", strings.Replace(calendarJSON, `"2026-10-01","2026-10-02"`, `"2026-10-02","2026-10-01"`, 1), "out of order"},
		{"repeated day", strings.Replace(calendarJSON, `"2026-10-01","2026-10-02"`, `"2026-10-01","2026-10-01"`, 1), "repeated"},
		{"not a date", strings.Replace(calendarJSON, `"2026-10-02"`, `"2026-10-32"`, 1), "not a date"},
		{"day of another year", strings.Replace(calendarJSON, `"2026-10-02"`, `"2027-10-02"`, 1), "not in 2026"},
		{"holiday and workday", strings.Replace(calendarJSON, `"workdays":["2026-10-10"]`, `"workdays":["2026-10-02"]`, 1), "both"},
		{"weekday workday", strings.Replace(calendarJSON, `"2026-10-10"`, `"2026-10-09"`, 1), "not a weekend day"},
		{"year out of range", strings.ReplaceAll(calendarJSON, "2026", "2101"), "outside"},
		{"no title", strings.Replace(calendarJSON, "国务院办公厅关于2026年部分节假日安排的通知", " ", 1), "title"},
		{"control in title", strings.Replace(calendarJSON, "的通知", `的通知\u001b[2J`, 1), "printable"},
		{"too many years", `{"format":"gongkai-calendar/1","years":[` + strings.Repeat(`{"year":2026,"title":"x","holidays":[]},`, 100) + `{"year":2026,"title":"x","holidays":[]}]}`, "over 100"},
		{"too large", strings.Repeat(" ", MaxCalendarSize+1), "over"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeCalendar([]byte(c.in))
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v", err)
			}
			if !strings.Contains(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q does not say %q in one line", err, c.msg)
			}
		})
	}
}

// A manifest may name a calendar object; a malformed reference is refused.
func TestManifestCalendar(t *testing.T) {
	m := newFixture(t).m
	m.Calendar = &Object{SHA256: Sum([]byte(calendarJSON)), Size: int64(len(calendarJSON))}
	raw, err := EncodeManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseManifest(raw)
	if err != nil || back.Calendar == nil || *back.Calendar != *m.Calendar {
		t.Fatalf("%v %+v", err, back)
	}
	if objs := back.Objects(); objs[len(objs)-1] != *m.Calendar {
		t.Error("Objects leaves out the calendar")
	}
	bad := bytes.Replace(raw, []byte(fmt.Sprintf(`"size":%d}`, len(calendarJSON))), []byte(`"size":999999999}`), 1)
	if _, err := ParseManifest(bad); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "calendar") {
		t.Errorf("an oversized calendar reference: %v", err)
	}
}

// FuzzDecodeCalendar: the screens' parser of the calendar object never
// panics, and what it accepts encodes back to the same bytes.
func FuzzDecodeCalendar(f *testing.F) {
	f.Add([]byte(calendarJSON))
	f.Add([]byte(`{"format":"gongkai-calendar/1","years":[]}`))
	f.Add([]byte(`{"format":"gongkai-calendar/1","years":[{"year":2026,"title":"x","holidays":["2026-02-29"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCalendar(data)
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v is neither ErrFormat nor ErrTooLarge", err)
			}
			return
		}
		if _, err := EncodeCalendar(c); err != nil {
			t.Fatalf("accepted calendar does not encode: %v", err)
		}
	})
}
