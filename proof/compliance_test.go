package proof

import (
	"testing"
	"time"
)

func at(s string) int64 { t, _ := time.Parse(time.RFC3339, s); return t.Unix() }

// evidence builds a log of program, screen and notice "n" spans.
func evidence(program, screen, item [][2]string) Evidence {
	var r Records
	for _, l := range []struct {
		kind, item string
		spans      [][2]string
	}{{KindProgram, "", program}, {KindScreen, "", screen}, {KindAvailable, "n", item}} {
		for _, s := range l.spans {
			r.Entries = append(r.Entries, Entry{Kind: l.kind, Item: l.item, Start: at(s[0]), End: at(s[1])})
		}
	}
	return NewEvidence(r)
}

func TestCoverage(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	twoDays := [][2]string{{"2026-11-10T00:00:00+08:00", "2026-11-12T00:00:00+08:00"}}
	day := func(s string) [][2]string {
		end := "2026-11-10T" + s[6:] + ":00+08:00"
		if s[6:] == "24:00" {
			end = "2026-11-11T00:00:00+08:00"
		}
		return [][2]string{{"2026-11-10T" + s[:5] + ":00+08:00", end}}
	}
	n := Notice{ID: "n", PostingDays: 2, Start: "2026-11-10"}
	n1 := Notice{ID: "n", PostingDays: 1, Start: "2026-11-10"}
	end := time.Unix(at("2026-11-20T00:00:00Z"), 0)
	type gap struct {
		cause   string
		seconds int64
	}
	for _, tc := range []struct {
		name              string
		ev                Evidence
		n                 Notice
		tz                *time.Location
		hours             string
		now               time.Time
		status            string
		covered, withGaps int
		gaps              []gap // counted gaps only
		excused           int64
	}{
		{"two days across midnight", evidence(twoDays, twoDays, twoDays), n, shanghai, "", end, StatusMet, 2, 0, nil, 0},
		// The same run judged on UTC days: it began at 16:00 UTC on the 9th
		// and ended at 16:00 UTC on the 11th, so the 11th misses 8 hours.
		{"utc days", evidence(twoDays, twoDays, twoDays), n, time.UTC, "", end, StatusFailed, 1, 1,
			[]gap{{CauseProgramDown, 8 * 3600}}, 0},
		{"off-hours excused", evidence(day("07:00-22:00"), day("07:00-22:00"), day("07:00-22:00")), n1, shanghai, "07:00-22:00", end,
			StatusMet, 1, 0, nil, 9 * 3600},
		{"hours across midnight", evidence(day("06:00-24:00"), day("06:00-24:00"), day("06:00-24:00")), n1, shanghai, "06:00-01:00", end,
			StatusFailed, 0, 1, []gap{{CauseProgramDown, 3600}}, 5 * 3600},
		{"four minutes down is covered", evidence([][2]string{{"2026-11-10T00:00:00+08:00", "2026-11-10T10:00:00+08:00"}, {"2026-11-10T10:04:00+08:00", "2026-11-11T00:00:00+08:00"}},
			day("00:00-24:00"), day("00:00-24:00")), n1, shanghai, "", end, StatusMet, 1, 0, []gap{}, 0},
		{"ten minutes down is a gap", evidence(day("00:00-24:00"), day("00:00-24:00"),
			[][2]string{{"2026-11-10T00:00:00+08:00", "2026-11-10T10:00:00+08:00"}, {"2026-11-10T10:10:00+08:00", "2026-11-11T00:00:00+08:00"}}),
			n1, shanghai, "", end, StatusFailed, 0, 1, []gap{{CauseNotShown, 600}}, 0},
		{"screen off and not yet synced", evidence(day("00:00-24:00"), [][2]string{{"2026-11-10T00:00:00+08:00", "2026-11-10T12:00:00+08:00"}, {"2026-11-10T13:00:00+08:00", "2026-11-11T00:00:00+08:00"}},
			[][2]string{{"2026-11-10T09:00:00+08:00", "2026-11-10T12:00:00+08:00"}, {"2026-11-10T13:00:00+08:00", "2026-11-11T00:00:00+08:00"}}),
			n1, shanghai, "", end, StatusFailed, 0, 1,
			[]gap{{CauseNotSynced, 9 * 3600}, {CauseScreenOff, 3600}}, 0},
		{"withdrawn", evidence(twoDays, twoDays, [][2]string{{"2026-11-10T00:00:00+08:00", "2026-11-11T12:00:00+08:00"}}),
			Notice{ID: "n", PostingDays: 2, Start: "2026-11-10", Withdrawn: time.Unix(at("2026-11-11T12:00:00+08:00"), 0)},
			shanghai, "", end, StatusFailed, 1, 1, []gap{{CauseWithdrawn, 12 * 3600}}, 0},
		{"on track mid-period", evidence(twoDays, twoDays, twoDays), Notice{ID: "n", PostingDays: 30, Start: "2026-11-10"}, shanghai, "",
			time.Unix(at("2026-11-11T18:00:00+08:00"), 0), StatusOnTrack, 1, 0, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := ParseHours(tc.hours)
			mustDo(t, err)
			c := Evaluate(tc.ev, tc.n, tc.tz, h, tc.now)
			if c.Status != tc.status || c.DaysCovered != tc.covered || c.DaysWithGaps != tc.withGaps {
				t.Errorf("status %s, covered %d, with gaps %d; want %s %d %d (gaps %+v)", c.Status, c.DaysCovered, c.DaysWithGaps,
					tc.status, tc.covered, tc.withGaps, c.Gaps)
			}
			var counted []gap
			var excused int64
			for _, g := range c.Gaps {
				if g.Counted {
					counted = append(counted, gap{g.Cause, g.End.Unix() - g.Start.Unix()})
				} else {
					excused += g.End.Unix() - g.Start.Unix()
				}
			}
			if tc.gaps != nil && len(tc.gaps) != len(counted) {
				t.Fatalf("gaps %+v, want %+v", counted, tc.gaps)
			}
			for i := range tc.gaps {
				if tc.gaps[i] != counted[i] {
					t.Errorf("gap %d: %+v, want %+v", i, counted[i], tc.gaps[i])
				}
			}
			if excused != tc.excused {
				t.Errorf("off-hours %d s, want %d", excused, tc.excused)
			}
		})
	}
}

// Displayed is on screen (display mode) plus available (touch mode); time
// in the rotation (shown) is reported apart and only it makes spans.
func TestDisplayedSecondsAddOnScreenAndAvailable(t *testing.T) {
	ev := NewEvidence(Records{Entries: []Entry{
		{Kind: KindShown, Item: "n", Start: 100, End: 160},
		{Kind: KindOnScreen, Item: "n", Start: 100, End: 160, Seconds: 6},
		{Kind: KindAvailable, Item: "n", Start: 200, End: 230},
	}, Summaries: []Summary{{Totals: []Total{
		{Kind: KindShown, Item: "n", Seconds: 40, Spans: []Span{{10, 50}}},
		{Kind: KindOnScreen, Item: "n", Seconds: 4},
	}}}, Open: []Entry{{Kind: KindOnScreen, Item: "n", Start: 160, End: 170, Seconds: 2}}})
	c := Evaluate(ev, Notice{ID: "n"}, time.UTC, Hours{}, time.Unix(1000, 0))
	if c.DisplayedSeconds != 42 || c.OnScreenSeconds != 12 || c.ShownSeconds != 100 || c.AvailableSeconds != 30 || c.Status != "" {
		t.Errorf("%+v", c)
	}
	if got := ev.Items["n"].Spans; len(got) != 3 || got[1] != (Span{100, 160}) {
		t.Errorf("spans %v: on_screen entries must not add to coverage", got)
	}
}
