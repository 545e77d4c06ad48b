package store

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
)

// FuzzDecodeStored feeds arbitrary bytes to every decoder of stored
// records: they must refuse or accept without panicking; a search document
// or posting list they accept must index, match and encode again safely.
func FuzzDecodeStored(f *testing.F) {
	f.Add(encodeDoc(docText{ID: "a", Category: "land", Title: "关于土地征收的公告 ABC", Rest: "金泽镇\n〔2026〕17号\n正文 text"}))
	f.Add(encodeDoc(docText{ID: "x"}))
	rec, err := encodeRecord(record{Summary: Summary{ID: "a", Title: "公告", Published: "2026-03-01", PostingDays: 7, Normative: true,
		Locations: []string{"all", "310118"}}, Attachments: []objectRef{{"x", 1}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(rec)
	f.Add([]byte(`{"Version":3,"TrustedTime":"2026-03-01T00:00:00Z"}`))
	f.Add([]byte{docFormat, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	for _, bm := range []*roaring.Bitmap{roaring.BitmapOf(1, 2, 3, 65535), roaring.BitmapOf(65536, 70000), dense(0, 5000, 3), dense(0, 65536, 1)} {
		b, err := encodeChunk(bm)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// the record reader's varint is binary.Uvarint's
		r := &recordReader{b: string(b)}
		if n, k := binary.Uvarint(b); r.uint() != n || (k > 0) != (r.err == nil) || (k > 0 && len(r.b) != len(b)-k) {
			t.Fatalf("uvarint of %x: %d, %d bytes; record reader: %v", b, n, k, r.err)
		}
		if rec, err := decodeRecord(b); err == nil {
			enc, err := encodeRecord(rec)
			if err != nil || string(enc) != string(b) {
				t.Fatalf("record round trip: %q, %v", enc, err)
			}
		}
		_, _ = decodeState(b)
		if d, err := decodeDoc(b); err == nil {
			again, err := decodeDoc(encodeDoc(d))
			if err != nil || again != d {
				t.Fatalf("round trip: %+v, %v", again, err)
			}
			terms := termsOf(&d, &Summary{ID: d.ID, Locations: []string{"all"}})
			for _, r := range terms.tri {
				// trigrams of the rest spell back their three characters
				k := trigramKey(r)
				if rs := []rune(string(k[5:])); len(rs) != 3 || runeTriple(rs[0], rs[1], rs[2]) != r {
					t.Fatalf("trigram key %q", k)
				}
			}
			for _, h := range terms.han {
				// positional keys give back their position
				if k := termKeyOf(h); k[1] == kindBigramAt || k[1] == kindPairAt {
					if p, err := titlePosition(k, len(k)-1); err != nil || p != int(h>>hanPosShift&(1<<(hanKindShift-hanPosShift)-1)) {
						t.Fatalf("positional key %q: %d, %v", k, p, err)
					}
				}
			}
			q := d.Title
			if utf8.RuneCountInString(q) > 8 {
				q = string([]rune(q)[:8])
			}
			title, rest := newField(d.Title), newField(d.Rest)
			_, _, _, _ = matchAll(parseQuery(q), title, nil, &rest, func(a, b rune) bool { return a < b }, true)
		}
		for n := range min(len(b), 8) {
			if p, err := titlePosition(b, n); err == nil && (p < 0 || p >= titlePositions) {
				t.Fatalf("key %q: position %d accepted", b, p)
			}
		}
		for _, c := range []uint16{0, 1} {
			bm, err := decodeChunkValue(b, c, false)
			if err != nil {
				continue
			}
			if bm.Minimum()>>chunkShift != uint32(c) || bm.Maximum()>>chunkShift != uint32(c) {
				t.Fatalf("chunk %d accepted ordinals %d..%d", c, bm.Minimum(), bm.Maximum())
			}
			enc, err := encodeChunk(bm.Clone())
			if err != nil {
				t.Fatal(err)
			}
			again, err := decodeChunkValue(enc, c, false)
			if err != nil || !again.Equals(bm) {
				t.Fatalf("chunk round trip: %v", err)
			}
			// read in place, as a search does: the same set, and a
			// change made to it leaves the value's bytes as they were
			kept := bytes.Clone(b)
			view, err := decodeChunkValue(b, c, true)
			if err != nil || !view.Equals(bm) {
				t.Fatalf("chunk read in place: %v", err)
			}
			view.Add(uint32(c)<<chunkShift | 7)
			view.Remove(bm.Minimum())
			if !bytes.Equal(b, kept) {
				t.Fatalf("changing a chunk read in place changed its bytes")
			}
		}
	})
}

func dense(from, to, step uint32) *roaring.Bitmap {
	bm := roaring.New()
	for o := from; o < to; o += step {
		bm.Add(o)
	}
	return bm
}

// FuzzSearchQuery: any query string gives an answer, never a panic; every
// hit is visible with matches taken from its text, and the count is the
// number of hits.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range []string{"土地征收", "tdzs", "tu di", "2026", "〔2026〕17号", "ＰＤＦ", "xian", "t", "zs", "", " \x00\xff", strings.Repeat("a", 300)} {
		f.Add(q)
	}
	s := searchStore(f)
	now := at(2026, 3, 2, 10, 0)
	f.Fuzz(func(t *testing.T, q string) {
		hits, err := s.Search(q, village, now, 0)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if n, err := s.SearchCount(q, village, now); err != nil || n != len(hits) {
			t.Fatalf("%q: count %d (%v), %d hits", q, n, err, len(hits))
		}
		for _, h := range hits {
			if !IsVisible(&h.Summary, village, now, s.Location()) {
				t.Fatalf("%q: invisible hit %s", q, h.ID)
			}
			if slices.Contains(h.Match, "") {
				t.Fatalf("%q: empty match in %s", q, h.ID)
			}
		}
	})
}
