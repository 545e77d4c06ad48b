package feed

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestItemRoundTrip(t *testing.T) {
	f := newFixture(t)
	for _, ref := range f.m.Items {
		data := f.objects[ref.SHA256]
		if err := CheckObject(data, ref.Object); err != nil {
			t.Fatal(err)
		}
		got, err := DecodeItem(data, ref, f.m)
		if err != nil {
			t.Fatalf("DecodeItem %s: %v", ref.ID, err)
		}
		want := *f.items[ref.ID]
		want.Format = ItemFormat
		if want.Priority == "" {
			want.Priority = PriorityNormal
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("item %s changed in the round trip:\n got %+v\nwant %+v", ref.ID, got, &want)
		}
		again, err := EncodeItem(got)
		if err != nil || !bytes.Equal(again, data) {
			t.Errorf("item %s re-encodes to other bytes (%v):\n%s\n%s", ref.ID, err, data, again)
		}
	}
}

func TestEncodeItemCanonical(t *testing.T) {
	it := &Item{ID: "a", Title: "<标题> & more", Category: "land", Agency: "镇", Published: "2026-01-02",
		Locations: []string{"all"}, Body: "x"}
	a, err := EncodeItem(it)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := EncodeItem(it)
	if !bytes.Equal(a, b) {
		t.Errorf("EncodeItem is not deterministic")
	}
	if !bytes.Contains(a, []byte(`"<标题> & more"`)) || !bytes.Contains(a, []byte(`"format":"gongkai-item/1"`)) ||
		!bytes.Contains(a, []byte(`"priority":"normal"`)) {
		t.Errorf("unexpected encoding: %s", a)
	}
	if it.Format != "" || it.Priority != "" {
		t.Errorf("EncodeItem changed its argument: %+v", it)
	}
}

func TestDecodeItemRejects(t *testing.T) {
	f := newFixture(t)
	base := *f.items["land-2026-021"]
	ref := f.m.Items[0]
	if ref.ID != base.ID {
		t.Fatalf("fixture order: %s", ref.ID)
	}
	enc := func(change func(it *Item)) []byte {
		it := base
		it.Locations = append([]string(nil), base.Locations...)
		it.Attachments = append([]Attachment(nil), base.Attachments...)
		change(&it)
		data, err := EncodeItem(&it)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	good := enc(func(*Item) {})
	if _, err := DecodeItem(good, ref, f.m); err != nil {
		t.Fatalf("the unchanged item fails: %v", err)
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("item has no %q", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	otherRef := ref
	otherRef.ID = "land-2026-099"

	tests := []struct {
		name string
		data []byte
		ref  ItemRef
		want error
	}{
		{"id mismatch", good, otherRef, ErrFormat},
		{"id changed in the object", enc(func(it *Item) { it.ID = "land-2026-099" }), ref, ErrFormat},
		{"undeclared category", enc(func(it *Item) { it.Category = "tax" }), ref, ErrFormat},
		{"empty category", enc(func(it *Item) { it.Category = "" }), ref, ErrFormat},
		{"attachment not in manifest", enc(func(it *Item) {
			it.Attachments[0].Object = objectOf([]byte("another file"))
		}), ref, ErrFormat},
		{"attachment size differs from manifest", enc(func(it *Item) { it.Attachments[0].Size++ }), ref, ErrFormat},
		{"attachment without name", enc(func(it *Item) { it.Attachments[0].Name = "" }), ref, ErrFormat},
		{"bad published 2026-02-30", enc(func(it *Item) { it.Published = "2026-02-30" }), ref, ErrFormat},
		{"bad published 2026-13-01", enc(func(it *Item) { it.Published = "2026-13-01" }), ref, ErrFormat},
		{"published not canonical", enc(func(it *Item) { it.Published = "2026-1-5" }), ref, ErrFormat},
		{"published with time", enc(func(it *Item) { it.Published = "2026-11-18T00:00:00Z" }), ref, ErrFormat},
		{"published empty", enc(func(it *Item) { it.Published = "" }), ref, ErrFormat},
		{"bad valid_from", enc(func(it *Item) { it.ValidFrom = "tomorrow" }), ref, ErrFormat},
		{"bad valid_until", enc(func(it *Item) { it.ValidUntil = "2026-04-31" }), ref, ErrFormat},
		{"valid_until before valid_from", enc(func(it *Item) { it.ValidUntil = "2026-11-17" }), ref, ErrFormat},
		{"bad priority", enc(func(it *Item) { it.Priority = "critical" }), ref, ErrFormat},
		{"bad location", enc(func(it *Item) { it.Locations = []string{"3"} }), ref, ErrFormat},
		{"no locations", enc(func(it *Item) { it.Locations = nil }), ref, ErrFormat},
		{"posting_days negative", enc(func(it *Item) { it.PostingDays = -1 }), ref, ErrFormat},
		{"empty title", enc(func(it *Item) { it.Title = "  " }), ref, ErrFormat},
		{"empty agency", enc(func(it *Item) { it.Agency = "" }), ref, ErrFormat},
		{"unknown field", replace(`{"format":`, `{"colour":"red","format":`), ref, ErrFormat},
		{"trailing garbage", append(bytes.Clone(good), "x"...), ref, ErrFormat},
		{"second value", append(bytes.Clone(good), "{}"...), ref, ErrFormat},
		{"format missing", replace(`"format":"gongkai-item/1",`, ``), ref, ErrFormat},
		{"format wrong", replace(`"format":"gongkai-item/1"`, `"format":"gongkai-item/2"`), ref, ErrFormat},
		{"not JSON", []byte("---\nid: x\n---\n"), ref, ErrFormat},
		{"oversized", append(bytes.Clone(good), bytes.Repeat([]byte(" "), MaxItemSize)...), ref, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it, err := DecodeItem(tc.data, tc.ref, f.m)
			if it != nil {
				t.Errorf("DecodeItem returned an item with error %v", err)
			}
			wantOnly(t, err, tc.want)
		})
	}
}

func TestDateValid(t *testing.T) {
	for d, want := range map[Date]bool{
		"2026-11-18": true, "2028-02-29": true,
		"2026-02-29": false, "2026-13-01": false, "2026-00-10": false, "2026-1-5": false,
		"tomorrow": false, "": false, "2026-11-18 ": false, "２０２６-11-18": false,
	} {
		if d.Valid() != want {
			t.Errorf("Date(%q).Valid() = %v", d, !want)
		}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	got, err := Date("2026-11-18").Time(loc)
	if err != nil || !got.Equal(time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("Time = %v, %v", got, err)
	}
}

func TestItemCheckWithoutManifest(t *testing.T) {
	it := &Item{ID: "x", Title: "t", Agency: "a", Published: "2026-01-01", Locations: []string{"31"}, Category: "undeclared"}
	if err := it.Check(nil); err != nil {
		t.Errorf("Check(nil) looks at the manifest: %v", err)
	}
	it.Body = string([]byte{0xff, 0xfe})
	if err := it.Check(nil); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("invalid UTF-8 body: %v", err)
	}
}
