package feed

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// testKey is a fixed key made from a fixed seed, so fuzz seeds and failures
// reproduce.
func testKey(seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

var (
	testIssued  = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	testExpires = testIssued.Add(30 * 24 * time.Hour)
	testNow     = testIssued.Add(time.Hour)
)

// fixture is a small, valid feed: a manifest, its item and attachment
// objects, and the key that signs it.
type fixture struct {
	pub     ed25519.PublicKey
	priv    ed25519.PrivateKey
	m       *Manifest
	items   map[string]*Item  // by id
	objects map[string][]byte // by sha256
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	pub, priv := testKey(1)
	f := &fixture{pub: pub, priv: priv, items: map[string]*Item{}, objects: map[string][]byte{}}
	f.m = &Manifest{
		FeedID: "qinghe-town", Title: "青禾镇政务公开", Version: 7,
		IssuedAt: testIssued, Expires: testExpires, Timezone: "Asia/Shanghai",
		Categories: []Category{{ID: "land", Name: "土地征收"}, {ID: "school", Name: "义务入学"}},
		Locations:  []Place{{Code: "310118901", Name: "青禾镇"}, {Code: "310118901202", Name: "柳塘村"}},
	}
	pdf := []byte("%PDF-1.4 fake map\n")
	csv := []byte("date,pm25\n2026-11-01,31\n")
	for _, data := range [][]byte{pdf, csv} {
		f.objects[Sum(data)] = data
		f.m.Attachments = append(f.m.Attachments, Object{SHA256: Sum(data), Size: int64(len(data))})
	}
	items := []*Item{
		{ID: "land-2026-021", Title: "拟征收土地预公告", Category: "land", Agency: "青禾镇人民政府",
			Published: "2026-11-18", Locations: []string{"310118901202"}, DocNo: "青禾府〔2026〕21号",
			ValidFrom: "2026-11-18", ValidUntil: "2026-12-01", PostingDays: 10, Priority: PriorityUrgent,
			Body: "为实施柳塘路拓宽改建工程……\n\n见附件 <map.pdf> & 表格。\n",
			Attachments: []Attachment{
				{Name: "map.pdf", Type: "application/pdf", Object: f.m.Attachments[0]},
				{Name: "data/readings.csv", Type: "text/csv", Object: f.m.Attachments[1]},
			}},
		{ID: "school-2027-001", Title: "2027年义务教育入学登记", Category: "school", Agency: "青禾镇教育办",
			Published: "2026-11-01", Locations: []string{AllLocations}, Body: "登记时间……"},
	}
	for _, it := range items {
		data, err := EncodeItem(it)
		if err != nil {
			t.Fatal(err)
		}
		f.objects[Sum(data)] = data
		f.m.Items = append(f.m.Items, ItemRef{ID: it.ID, Object: Object{SHA256: Sum(data), Size: int64(len(data))}})
		f.items[it.ID] = it
	}
	return f
}

// signed encodes the fixture's manifest and signs it.
func (f *fixture) signed(t testing.TB) (raw, sig []byte) {
	t.Helper()
	raw, err := EncodeManifest(f.m)
	if err != nil {
		t.Fatal(err)
	}
	return raw, Sign(raw, f.priv)
}

func (f *fixture) trust() Trust {
	return Trust{Key: f.pub, Now: testNow}
}

// rawJSON encodes a manifest without any of EncodeManifest's checks, to
// make manifests that are signed but malformed.
func rawJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var allErrors = []error{
	ErrTooLarge, ErrSignature, ErrWrongKey, ErrFormat, ErrExpired, ErrRollback,
	ErrFork, ErrObjectSize, ErrObjectHash, ErrWrongFeed, ErrFuture,
}

// wantOnly checks that err wraps want and none of the other sentinel errors.
func wantOnly(t testing.TB, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	for _, e := range allErrors {
		if got := errors.Is(err, e); got != (e == want) {
			t.Errorf("errors.Is(%q, %q) = %v", err, e, got)
		}
	}
}
