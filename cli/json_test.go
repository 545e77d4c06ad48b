package cli

import (
	"bytes"
	"testing"

	"gongkai/screen"
)

// screen.WriteNoticesJSON writes what writeJSON writes of the same
// notices, byte for byte: the JSON contract of list and search does not
// change with how it is written (screen's own tests compare the two on
// random notices and fuzzed strings).
func TestNoticesJSONIsWriteJSON(t *testing.T) {
	end := "2026-12-31"
	for name, list := range map[string][]screen.Notice{
		"empty": {},
		"one":   {{ID: "a", Title: "征收 <b>&</b> \"引号\"\u2028", Locations: []string{"310118", "all"}}},
		"many": {{ID: "a", Title: "一"}, {ID: "b", ValidUntil: &end, Locations: []string{}},
			{ID: "c", PostingDays: 3, PostingWorkdays: 5, PeriodEnd: &end, Locations: []string{"x"}}},
	} {
		var want, got bytes.Buffer
		if err := writeJSON(&want, list); err != nil {
			t.Fatal(err)
		}
		if err := screen.WriteNoticesJSON(&got, list); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s:\n%s\nwant\n%s", name, got.String(), want.String())
		}
	}
}
