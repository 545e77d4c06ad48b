package cli

import (
	"bytes"
	"testing"
)

// writeJSONList writes what writeJSON writes of the same list, byte for
// byte: the JSON contract of list and search does not change with how it
// is written.
func TestWriteJSONListIsWriteJSON(t *testing.T) {
	type notice struct {
		ID        string   `json:"id"`
		Title     string   `json:"title"`
		Until     *string  `json:"valid_until"`
		Locations []string `json:"locations"`
		Empty     []string `json:"empty"`
		N         int      `json:"n"`
	}
	end := "2026-12-31"
	for name, list := range map[string][]notice{
		"empty": {},
		"one":   {{ID: "a", Title: "征收 <b>&</b> \"引号\"\u2028", Locations: []string{"310118", "all"}}},
		"many": {{ID: "a", Title: "一"}, {ID: "b", Until: &end, Locations: []string{}}, {ID: "c", N: 3,
			Empty: []string{"x"}}},
	} {
		var want, got bytes.Buffer
		if err := writeJSON(&want, list); err != nil {
			t.Fatal(err)
		}
		if err := writeJSONList(&got, list); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s:\n%s\nwant\n%s", name, got.String(), want.String())
		}
	}
}
