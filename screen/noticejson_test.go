package screen

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"testing/quick"
)

// encodingJSON is what the cli's writeJSON writes for v: the form
// WriteNoticesJSON must match byte for byte.
func encodingJSON(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func noticesJSON(t testing.TB, list []Notice) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteNoticesJSON(&b, list); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sameJSON(t *testing.T, list []Notice) {
	t.Helper()
	if got, want := noticesJSON(t, list), encodingJSON(t, list); !bytes.Equal(got, want) {
		t.Fatalf("WriteNoticesJSON wrote\n%s\nencoding/json writes\n%s", got, want)
	}
}

// TestNoticesJSONIsEncodingJSON compares the hand-written encoder with
// encoding/json on notices with every field set at random (testing/quick
// fills a field added to Notice too, so a field the encoder does not
// write fails here) and on the strings JSON escapes.
func TestNoticesJSONIsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	typ := reflect.TypeOf([]Notice{})
	for range 300 {
		v, ok := quick.Value(typ, r)
		if !ok {
			t.Fatal("quick cannot make a []Notice")
		}
		sameJSON(t, v.Interface().([]Notice))
	}
	end := "2026-12-31"
	odd := "\"\\/\b\f\n\r\t\x00\x1f\x7f<>&\u2028\u2029\xff\xe6\x9d 村\U0001F600"
	sameJSON(t, nil)
	sameJSON(t, []Notice{})
	sameJSON(t, []Notice{{}, {Locations: []string{}}})
	sameJSON(t, []Notice{{
		ID: "n-1", Title: odd, CategoryName: strings.Repeat(odd, 3), ValidUntil: &end, PeriodEnd: &end,
		PostingDays: -7, PostingWorkdays: 20, Normative: true, Locations: []string{odd, "", "310118"},
	}})
	// a list longer than the writer's buffer
	long := make([]Notice, 2000)
	for i := range long {
		long[i] = Notice{ID: strings.Repeat("x", i%50), Title: odd, Locations: []string{"all"}}
	}
	sameJSON(t, long)
}

// FuzzNoticesJSON holds the encoder to encoding/json on any bytes.
func FuzzNoticesJSON(f *testing.F) {
	f.Add("关于土地征收的公告", "310118901", 7, true)
	f.Add("\x00\"\\\u2028\xff", "", -1, false)
	f.Fuzz(func(t *testing.T, s, loc string, days int, set bool) {
		n := Notice{ID: s, Title: s + loc, Agency: loc, PostingDays: days, PostingWorkdays: days / 2, Locations: []string{loc, s}}
		if set {
			n.ValidFrom, n.PeriodEnd = &s, &loc
		}
		sameJSON(t, []Notice{n, {Title: loc}})
	})
}
