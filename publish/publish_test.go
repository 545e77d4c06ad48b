package publish

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
)

func TestPublishRoundTrip(t *testing.T) {
	src, out := t.TempDir(), filepath.Join(t.TempDir(), "feed")
	writeSource(t, src, landLines)
	priv := testKey(1)
	pub := priv.Public().(ed25519.PublicKey)

	s, err := ParseSource(src)
	if err != nil {
		t.Fatalf("ParseSource: %v", err)
	}
	res, err := Publish(s, out, Options{Key: priv, Now: testNow})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if res.Version != 1 || res.Items != 2 || res.Attachments != 1 || res.NewObjects != 3 {
		t.Errorf("result = %+v, want version 1, 2 items, 1 attachment, 3 new objects", res)
	}

	v, items, raw := screenRead(t, out, pub, feed.Trust{Now: testNow})
	if v.Sum() != res.Manifest || feed.Sum(raw) != res.Manifest {
		t.Errorf("result names manifest %s, the file is %s", res.Manifest, v.Sum())
	}
	if v.FeedID != "qinghe-town" || v.Title != "青禾镇政务公开" || v.Timezone != "Asia/Shanghai" || v.Version != 1 {
		t.Errorf("manifest header = %+v", v.Manifest)
	}
	wantCats := []feed.Category{{ID: "land", Name: "土地征收"}, {ID: "school", Name: "义务入学"}}
	wantLocs := []feed.Place{{Code: "310118901", Name: "青禾镇"}, {Code: "310118901202", Name: "柳塘村"}}
	if !reflect.DeepEqual(v.Categories, wantCats) || !reflect.DeepEqual(v.Locations, wantLocs) {
		t.Errorf("categories %v, locations %v", v.Categories, v.Locations)
	}
	if !v.IssuedAt.Equal(testNow) {
		t.Errorf("issued_at = %v, want %v", v.IssuedAt, testNow)
	}

	// The items are the source, and nothing else.
	if len(items) != len(s.Items) {
		t.Fatalf("%d items published, source has %d", len(items), len(s.Items))
	}
	for _, si := range s.Items {
		got := items[si.Item.ID]
		if got == nil {
			t.Fatalf("item %s is missing", si.Item.ID)
		}
		want := si.Item
		want.Format = feed.ItemFormat
		want.Attachments = nil
		for i, a := range si.Item.Attachments {
			data, err := os.ReadFile(si.Files[i])
			if err != nil {
				t.Fatal(err)
			}
			a.Object = feed.Object{SHA256: feed.Sum(data), Size: int64(len(data))}
			want.Attachments = append(want.Attachments, a)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("item %s:\n got %+v\nwant %+v", want.ID, got, &want)
		}
	}

	// Spot checks against the files themselves, independent of ParseSource.
	land := items["land-001"]
	if land == nil {
		t.Fatal("land-001 missing")
	}
	if land.Title != "柳塘村四组拟征收土地预公告" || land.DocNo != "青禾府〔2026〕21号" || land.Published != "2026-11-18" ||
		land.ValidUntil != "2026-12-01" || land.PostingDays != 14 || land.Priority != feed.PriorityNormal ||
		!reflect.DeepEqual(land.Locations, []string{"310118901202"}) {
		t.Errorf("land-001 = %+v", land)
	}
	if want := strings.Join(landLines[13:], "\n") + "\n"; land.Body != want {
		t.Errorf("body = %q, want %q", land.Body, want)
	}
	if len(land.Attachments) != 1 || land.Attachments[0].Name != "map.png" || land.Attachments[0].Type != "image/png" {
		t.Fatalf("attachments = %+v", land.Attachments)
	}
	att, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(land.Attachments[0].Path())))
	if err != nil || !bytes.Equal(att, mapPNG) {
		t.Errorf("published attachment = %q, %v", att, err)
	}
	school := items["school-2027-001"]
	if school == nil || school.Priority != feed.PriorityPinned || !school.Normative || school.ValidFrom != "2026-11-01" ||
		!reflect.DeepEqual(school.Locations, []string{feed.AllLocations}) || !strings.Contains(school.Body, "| 户口簿 | 1 |") {
		t.Errorf("school item = %+v", school)
	}

	// Nothing half-written is left behind.
	for name := range snapshot(t, out) {
		if strings.Contains(filepath.Base(name), ".tmp") {
			t.Errorf("temporary file left: %s", name)
		}
	}
}

var volatile = regexp.MustCompile(`"(issued_at|expires)":"[^"]*"|"version":[0-9]+`)

func TestPublishVersions(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	priv := testKey(1)
	pub := priv.Public().(ed25519.PublicKey)

	r1, err := build(src, out, Options{Key: priv, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	v1, _, raw1 := screenRead(t, out, pub, feed.Trust{Now: testNow})

	r2, err := build(src, out, Options{Key: priv, Now: testNow.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	v2, _, raw2 := screenRead(t, out, pub, feed.Trust{Now: testNow.Add(24 * time.Hour), FeedID: v1.FeedID, Version: v1.Version, Sum: v1.Sum()})
	if r1.Version != 1 || r2.Version != 2 || v1.Version != 1 || v2.Version != 2 {
		t.Errorf("versions %d, %d (manifests %d, %d), want 1, 2", r1.Version, r2.Version, v1.Version, v2.Version)
	}
	if r2.NewObjects != 0 {
		t.Errorf("re-publishing an unchanged source wrote %d new objects", r2.NewObjects)
	}
	if bytes.Equal(raw1, raw2) {
		t.Fatalf("the second manifest is the first")
	}
	b1, b2 := volatile.ReplaceAll(raw1, nil), volatile.ReplaceAll(raw2, nil)
	if !bytes.Equal(b1, b2) {
		t.Errorf("manifests differ in more than issued_at, expires and version:\n%s\n%s", raw1, raw2)
	}
	if !reflect.DeepEqual(v1.Objects(), v2.Objects()) {
		t.Errorf("object hashes changed for an unchanged source")
	}
	// Both versions stay readable: the old signature is still there.
	if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(feed.SignaturePath(v1.Sum())))); err != nil {
		t.Errorf("old signature: %v", err)
	}

	// One changed item: one new object, the other keeps its hash.
	writeSource(t, src, withLine(3, "title: 柳塘村四组拟征收土地预公告（更正）"))
	r3, err := build(src, out, Options{Key: priv, Now: testNow.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	v3, items3, _ := screenRead(t, out, pub, feed.Trust{Now: testNow.Add(48 * time.Hour), FeedID: v2.FeedID, Version: v2.Version, Sum: v2.Sum()})
	if r3.Version != 3 || r3.NewObjects != 1 {
		t.Errorf("after an edit: %+v, want version 3 and 1 new object", r3)
	}
	if items3["land-001"].Title != "柳塘村四组拟征收土地预公告（更正）" {
		t.Errorf("edit not published: %q", items3["land-001"].Title)
	}
	if !reflect.DeepEqual(v3.Attachments, v2.Attachments) {
		t.Errorf("attachment hashes changed")
	}
}

func TestPublishExpiry(t *testing.T) {
	src := t.TempDir()
	writeSource(t, src, landLines)
	priv := testKey(1)
	pub := priv.Public().(ed25519.PublicKey)
	for _, tc := range []struct {
		opt  time.Duration
		want time.Duration
	}{{0, 720 * time.Hour}, {48 * time.Hour, 48 * time.Hour}, {time.Hour, time.Hour}} {
		out := t.TempDir()
		if _, err := build(src, out, Options{Key: priv, Now: testNow.Add(123456789 * time.Nanosecond), Expiry: tc.opt}); err != nil {
			t.Fatal(err)
		}
		v, _, _ := screenRead(t, out, pub, feed.Trust{Now: testNow.Add(time.Second)})
		if got := v.Expires.Sub(v.IssuedAt); got != tc.want {
			t.Errorf("Expiry %v: expires - issued_at = %v, want %v", tc.opt, got, tc.want)
		}
	}
	if DefaultExpiry != 720*time.Hour {
		t.Errorf("DefaultExpiry = %v", DefaultExpiry)
	}
	// Too short an expiry is refused, and nothing is written.
	out := t.TempDir()
	if _, err := build(src, out, Options{Key: priv, Now: testNow, Expiry: time.Minute}); err == nil {
		t.Errorf("expiry of a minute accepted")
	}
	if len(snapshot(t, out)) != 1 {
		t.Errorf("refused publish wrote %v", snapshot(t, out))
	}
}

// A second publication takes its time from this computer's clock. A clock
// earlier than the last publication, far after it, or before this program
// existed is refused, and nothing is written: a wrong clock must not reach
// the screens. A step back of seconds (an NTP correction) is absorbed.
func TestPublishClock(t *testing.T) {
	priv := testKey(1)
	pub := priv.Public().(ed25519.PublicKey)
	for _, tc := range []struct {
		name   string
		second time.Time
		says   string // "": accepted
	}{
		{"same instant", testNow, ""},
		{"same second, later fraction", testNow.Add(500 * time.Millisecond), ""},
		{"a fraction behind", testNow.Add(-time.Millisecond), ""},
		{"ten seconds behind", testNow.Add(-10 * time.Second), ""},
		{"a month later", testNow.AddDate(0, 1, 0), ""},
		{"an hour behind", testNow.Add(-time.Hour), "earlier than the last publication"},
		{"a year behind", testNow.AddDate(-1, 0, 0), "before 2026-01-01"},
		{"1970", time.Unix(0, 0), "before 2026-01-01"},
		{"ten years ahead", testNow.AddDate(10, 0, 0), "days after the last publication"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, out := t.TempDir(), t.TempDir()
			writeSource(t, src, landLines)
			if _, err := build(src, out, Options{Key: priv, Now: testNow}); err != nil {
				t.Fatal(err)
			}
			v1, _, _ := screenRead(t, out, pub, feed.Trust{Now: testNow})
			before := snapshot(t, out)
			_, err := build(src, out, Options{Key: priv, Now: tc.second})
			if tc.says != "" {
				if !errors.Is(err, ErrClock) || !strings.Contains(err.Error(), tc.says) {
					t.Fatalf("publish with the clock at %s: %v, want ErrClock saying %q", tc.second, err, tc.says)
				}
				sameSnapshot(t, before, snapshot(t, out))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The screen's trusted time is the first issue; the new
			// version must be later and valid at that time.
			v2, _, _ := screenRead(t, out, pub, feed.Trust{Now: v1.IssuedAt, Clock: tc.second, FeedID: v1.FeedID, Version: v1.Version, Sum: v1.Sum()})
			if !v2.IssuedAt.After(v1.IssuedAt) {
				t.Errorf("second issued_at %v is not after the first %v", v2.IssuedAt, v1.IssuedAt)
			}
			if got := v2.Expires.Sub(v2.IssuedAt); got != DefaultExpiry {
				t.Errorf("expires - issued_at = %v", got)
			}
		})
	}
}

// The key-holder's way back: a publication issued by a clock ten years
// ahead (or at the top of the version range) blocks the next ordinary one;
// --reset starts a new epoch at version 1 with the right time, which a
// screen that took the bad one accepts.
func TestPublishReset(t *testing.T) {
	priv := testKey(1)
	pub := priv.Public().(ed25519.PublicKey)
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	future := testNow.AddDate(10, 0, 0)
	if _, err := build(src, out, Options{Key: priv, Now: future}); err != nil {
		t.Fatal(err)
	}
	bad, _, _ := screenRead(t, out, pub, feed.Trust{Now: future})
	if _, err := build(src, out, Options{Key: priv, Now: testNow}); !errors.Is(err, ErrClock) || !strings.Contains(err.Error(), "--reset") {
		t.Fatalf("publish after a publication from the future: %v, want ErrClock pointing to --reset", err)
	}
	res, err := build(src, out, Options{Key: priv, Now: testNow, Reset: true})
	if err != nil {
		t.Fatal(err)
	}
	// A screen that took the bad publication: trusted time ten years ahead.
	v, _, _ := screenRead(t, out, pub, feed.Trust{Now: future, Clock: testNow, FeedID: bad.FeedID, Version: bad.Version, Sum: bad.Sum()})
	if res.Version != 1 || v.Epoch != 1 || !v.Reset() || !v.IssuedAt.Equal(testNow) {
		t.Errorf("reset: version %d, epoch %d, reset %v, issued %s", res.Version, v.Epoch, v.Reset(), v.IssuedAt)
	}
	// Ordinary publications follow in the new epoch.
	if res, err := build(src, out, Options{Key: priv, Now: testNow.Add(time.Hour)}); err != nil || res.Version != 2 {
		t.Fatalf("after the reset: %+v, %v", res, err)
	}
	if v2, _, _ := screenRead(t, out, pub, feed.Trust{Now: testNow, FeedID: v.FeedID, Epoch: 1, Version: 1, Sum: v.Sum()}); v2.Epoch != 1 || v2.Version != 2 {
		t.Errorf("after the reset: epoch %d version %d", v2.Epoch, v2.Version)
	}
}

// A version at the top of the range (signed by hand, or by an older
// publisher) cannot be followed by version + 1: publish says so instead of
// overflowing, and --reset gets past it.
func TestPublishVersionOverflow(t *testing.T) {
	priv := testKey(1)
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	if _, err := build(src, out, Options{Key: priv, Now: testNow}); err != nil {
		t.Fatal(err)
	}
	for _, version := range []string{"9007199254740991", "9223372036854775807"} {
		path := filepath.Join(out, feed.ManifestFile)
		raw, _ := os.ReadFile(path)
		raw = regexp.MustCompile(`"version":[0-9]+`).ReplaceAll(raw, []byte(`"version":`+version))
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := build(src, out, Options{Key: priv, Now: testNow.Add(time.Hour)})
		if err == nil || !strings.Contains(err.Error(), "--reset") {
			t.Errorf("publish after version %s: %v, want a refusal pointing to --reset", version, err)
		}
		if err != nil && strings.Contains(err.Error(), "-9223372036854775808") {
			t.Errorf("version overflowed: %v", err)
		}
		res, err := build(src, out, Options{Key: priv, Now: testNow.Add(time.Hour), Reset: true})
		if err != nil || res.Version != 1 {
			t.Errorf("reset after version %s: %+v, %v", version, res, err)
		}
	}
}

func TestPublishRefusesOtherFeed(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	priv := testKey(1)
	if _, err := build(src, out, Options{Key: priv, Now: testNow}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)
	writeFiles(t, src, map[string]string{"feed.yaml": strings.Replace(feedYAML, "id: qinghe-town", "id: other-town", 1)})
	_, err := build(src, out, Options{Key: priv, Now: testNow.Add(time.Hour)})
	if err == nil || !strings.Contains(err.Error(), "other-town") {
		t.Errorf("publishing feed other-town over qinghe-town: %v", err)
	}
	sameSnapshot(t, before, snapshot(t, out))

	// A damaged previous manifest is not silently replaced.
	if err := os.WriteFile(filepath.Join(out, feed.ManifestFile), []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	before = snapshot(t, out)
	if _, err := build(src, out, Options{Key: priv, Now: testNow.Add(time.Hour)}); err == nil {
		t.Errorf("published over a broken manifest")
	}
	sameSnapshot(t, before, snapshot(t, out))
}

func TestPublishWithoutKey(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	if _, err := build(src, out, Options{Now: testNow}); err == nil {
		t.Errorf("published without a key")
	}
	if len(snapshot(t, out)) != 1 {
		t.Errorf("failed publish wrote files")
	}
}

// A damaged object in --out is rewritten, not trusted because it exists.
func TestPublishRepairsDamagedObject(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	priv := testKey(1)
	if _, err := build(src, out, Options{Key: priv, Now: testNow}); err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(out, filepath.FromSlash(feed.ObjectPath(feed.Sum(mapPNG))))
	if err := os.WriteFile(obj, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := build(src, out, Options{Key: priv, Now: testNow.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if res.NewObjects != 1 {
		t.Errorf("NewObjects = %d, want 1 (the repaired attachment)", res.NewObjects)
	}
	screenRead(t, out, priv.Public().(ed25519.PublicKey), feed.Trust{Now: testNow.Add(time.Hour)})
}

// The demo content shipped with the program must publish cleanly.
func TestDemoPublishes(t *testing.T) {
	s, err := ParseSource(filepath.Join("..", "assets", "demo"))
	if err != nil {
		t.Fatalf("demo source: %v", err)
	}
	out := t.TempDir()
	priv := testKey(7)
	res, err := Publish(s, out, Options{Key: priv})
	if err != nil {
		t.Fatalf("demo publish: %v", err)
	}
	_, items, _ := screenRead(t, out, priv.Public().(ed25519.PublicKey), feed.Trust{Now: time.Now()})
	if len(items) != len(s.Items) || res.Items != len(s.Items) {
		t.Errorf("demo: %d items published, %d in the source", len(items), len(s.Items))
	}
	t.Logf("demo: %d items, %d attachments", res.Items, res.Attachments)
}
