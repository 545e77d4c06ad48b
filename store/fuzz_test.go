package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeStored feeds arbitrary bytes to every decoder of stored
// records: they must refuse or accept without panicking, and whatever the
// search-document decoder accepts must index and search safely.
func FuzzDecodeStored(f *testing.F) {
	f.Add(encodeSearchDoc(newSearchDoc("关于土地征收的公告 ABC", "金泽镇", "〔2026〕17号", "正文 text")))
	f.Add(encodeSearchDoc(searchDoc{}))
	f.Add([]byte(`{"ID":"a","Locations":["all"],"Attachments":[{"SHA256":"x","Size":1}]}`))
	f.Add([]byte(`{"Version":3,"TrustedTime":"2026-03-01T00:00:00Z"}`))
	f.Add([]byte{1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeRecord(b)
		_, _ = decodeState(b)
		d, err := decodeSearchDoc(b)
		if err != nil {
			return
		}
		again, err := decodeSearchDoc(encodeSearchDoc(d))
		if err != nil || again.Title != d.Title || again.Rest != d.Rest || string(again.TitleIni) != string(d.TitleIni) || string(again.RestIni) != string(d.RestIni) {
			t.Fatalf("round trip: %+v, %v", again, err)
		}
		ix := newIndex([]doc{{sum: Summary{ID: "x", Locations: []string{"all"}}, from: -1 << 62, until: 1 << 62,
			title: d.Title, titleN: foldString(d.Title), rest: d.Rest, restN: foldString(d.Rest), titleIni: d.TitleIni, restIni: d.RestIni}})
		q := d.Title
		if utf8.RuneCountInString(q) > 8 {
			q = string([]rune(q)[:8])
		}
		ix.search(parseQuery(q), village, 0, 0)
	})
}

// FuzzSearchQuery: any query string gives an answer, never a panic, and
// every hit is visible with matches taken from its text.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range []string{"土地征收", "tdzs", "tu di", "2026", "〔2026〕17号", "ＰＤＦ", "xian", "", " \x00\xff", strings.Repeat("a", 300)} {
		f.Add(q)
	}
	s := searchStore(f)
	now := at(2026, 3, 2, 10, 0)
	ix, err := s.index()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		hits := ix.search(parseQuery(q), village, now.Unix(), 0)
		for _, h := range hits {
			if !IsVisible(&h.Summary, village, now, s.Location()) {
				t.Fatalf("%q: invisible hit %s", q, h.ID)
			}
			for _, m := range h.Match {
				if m == "" {
					t.Fatalf("%q: empty match in %s", q, h.ID)
				}
			}
		}
	})
}
