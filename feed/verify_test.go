package feed

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestVerifyOK(t *testing.T) {
	f := newFixture(t)
	raw, sig := f.signed(t)
	v, err := Verify(raw, sig, f.trust())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if v.Sum() != Sum(raw) {
		t.Errorf("Sum = %s, want %s", v.Sum(), Sum(raw))
	}
	if v.Unchanged() {
		t.Errorf("a fresh screen reports the feed unchanged")
	}
	want, err := ParseManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.Manifest, want) {
		t.Errorf("verified manifest differs from the parsed one:\n%+v\n%+v", v.Manifest, want)
	}
	if v.FeedID != f.m.FeedID || v.Version != f.m.Version || !v.IssuedAt.Equal(testIssued) || !v.Expires.Equal(testExpires) {
		t.Errorf("verified manifest lost fields: %+v", v.Manifest)
	}
	if len(v.Items) != 2 || len(v.Attachments) != 2 {
		t.Errorf("verified manifest has %d items and %d attachments, want 2 and 2", len(v.Items), len(v.Attachments))
	}

	// A screen that follows this feed and holds an older version accepts it.
	tr := f.trust()
	tr.FeedID, tr.Version, tr.Sum = f.m.FeedID, f.m.Version-1, strings.Repeat("0", 64)
	if v, err := Verify(raw, sig, tr); err != nil || v.Unchanged() {
		t.Errorf("newer version: %v, %v", v, err)
	}
	// Just before expiry is still fine.
	tr = f.trust()
	tr.Now = testExpires.Add(-time.Second)
	if _, err := Verify(raw, sig, tr); err != nil {
		t.Errorf("one second before expiry: %v", err)
	}
}

func TestVerifyUnchanged(t *testing.T) {
	f := newFixture(t)
	raw, sig := f.signed(t)
	tr := f.trust()
	tr.FeedID, tr.Version, tr.Sum = f.m.FeedID, f.m.Version, Sum(raw)
	v, err := Verify(raw, sig, tr)
	if err != nil {
		t.Fatalf("same version, same bytes: %v", err)
	}
	if !v.Unchanged() {
		t.Errorf("same version and bytes: Unchanged = false")
	}
}

func TestVerifyRejects(t *testing.T) {
	f := newFixture(t)
	raw, sig := f.signed(t)
	otherPub, otherPriv := testKey(9)

	flipped := bytes.Clone(raw)
	flipped[len(flipped)/2] ^= 0x01

	padded := append(bytes.Clone(raw), bytes.Repeat([]byte(" "), MaxManifestSize+1-len(raw))...)

	tests := []struct {
		name string
		raw  []byte
		sig  []byte
		tr   func(*Trust)
		want error
	}{
		{name: "altered manifest byte", raw: flipped, sig: sig, want: ErrSignature},
		{name: "manifest with a byte appended", raw: append(bytes.Clone(raw), ' '), sig: sig, want: ErrSignature},
		{name: "empty signature", raw: raw, sig: nil, want: ErrSignature},
		{name: "signature of other bytes", raw: raw, sig: Sign([]byte("other"), f.priv), want: ErrSignature},
		{name: "signed by another key", raw: raw, sig: Sign(raw, otherPriv), want: ErrWrongKey},
		{name: "screen pins another key", raw: raw, sig: sig, tr: func(t *Trust) { t.Key = otherPub }, want: ErrWrongKey},
		{name: "no key pinned", raw: raw, sig: sig, tr: func(t *Trust) { t.Key = nil }, want: ErrWrongKey},
		{name: "expired exactly", raw: raw, sig: sig, tr: func(t *Trust) { t.Now = testExpires }, want: ErrExpired},
		{name: "expired", raw: raw, sig: sig, tr: func(t *Trust) { t.Now = testExpires.Add(time.Hour) }, want: ErrExpired},
		{name: "older version", raw: raw, sig: sig, tr: func(t *Trust) { t.Version = f.m.Version + 1 }, want: ErrRollback},
		{name: "same version different bytes", raw: raw, sig: sig, tr: func(t *Trust) {
			t.Version, t.Sum = f.m.Version, Sum([]byte("another manifest"))
		}, want: ErrFork},
		{name: "wrong feed id", raw: raw, sig: sig, tr: func(t *Trust) { t.FeedID = "other-town" }, want: ErrWrongFeed},
		{name: "oversized manifest, bad signature", raw: padded, sig: sig, want: ErrTooLarge},
		{name: "oversized manifest, good signature", raw: padded, sig: Sign(padded, f.priv), want: ErrTooLarge},
		{name: "oversized signature", raw: raw, sig: append(bytes.Clone(sig), bytes.Repeat([]byte(" "), MaxSignatureSize)...), want: ErrTooLarge},

		// Order of the steps: the earlier rule wins.
		{name: "bad signature before format", raw: []byte("not json"), sig: sig, want: ErrSignature},
		{name: "bad signature before expiry", raw: flipped, sig: sig, tr: func(t *Trust) { t.Now = testExpires.Add(time.Hour) }, want: ErrSignature},
		{name: "wrong key before expiry", raw: raw, sig: Sign(raw, otherPriv), tr: func(t *Trust) { t.Now = testExpires }, want: ErrWrongKey},
		{name: "format before expiry", raw: []byte("not json"), sig: Sign([]byte("not json"), f.priv), tr: func(t *Trust) { t.Now = testExpires }, want: ErrFormat},
		{name: "wrong feed before expiry", raw: raw, sig: sig, tr: func(t *Trust) { t.FeedID, t.Now = "other", testExpires }, want: ErrWrongFeed},
		{name: "expiry before version", raw: raw, sig: sig, tr: func(t *Trust) { t.Now, t.Version = testExpires, f.m.Version+1 }, want: ErrExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := f.trust()
			if tc.tr != nil {
				tc.tr(&tr)
			}
			v, err := Verify(tc.raw, tc.sig, tr)
			if v != nil {
				t.Errorf("Verify returned a manifest with error %v", err)
			}
			wantOnly(t, err, tc.want)
		})
	}
}

// Every single-byte change of a signed manifest is caught by the signature.
func TestVerifyEveryByteAltered(t *testing.T) {
	f := newFixture(t)
	raw, sig := f.signed(t)
	for i := range raw {
		alt := bytes.Clone(raw)
		alt[i] ^= 0x20
		_, err := Verify(alt, sig, f.trust())
		wantOnly(t, err, ErrSignature)
		if t.Failed() {
			t.Fatalf("byte %d altered", i)
		}
	}
}

// A manifest that is properly signed but malformed is refused as ErrFormat:
// the signature proves who wrote it, not that it is well formed.
func TestVerifySignedButMalformed(t *testing.T) {
	f := newFixture(t)
	raw, _ := f.signed(t)

	// mod returns the fixture manifest, changed, as raw JSON with none of
	// EncodeManifest's checks.
	mod := func(change func(m *Manifest)) []byte {
		m := *f.m
		m.Format = ManifestFormat
		m.Items = append([]ItemRef(nil), f.m.Items...)
		m.Attachments = append([]Object(nil), f.m.Attachments...)
		m.Categories = append([]Category(nil), f.m.Categories...)
		m.Locations = append([]Place(nil), f.m.Locations...)
		change(&m)
		return rawJSON(t, &m)
	}
	if _, err := ParseManifest(mod(func(*Manifest) {})); err != nil {
		t.Fatalf("the unchanged manifest does not parse: %v", err)
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(raw, []byte(old)) {
			t.Fatalf("manifest has no %q", old)
		}
		return bytes.Replace(raw, []byte(old), []byte(new), 1)
	}

	tests := []struct {
		name string
		raw  []byte
	}{
		{"unknown field", replace(`{"format":`, `{"extra":1,"format":`)},
		{"unknown nested field", replace(`"size":`, `"length":1,"size":`)},
		{"trailing garbage", append(bytes.Clone(raw), "garbage"...)},
		{"second JSON value", append(bytes.Clone(raw), "{}"...)},
		{"not JSON", []byte("hello")},
		{"empty", []byte{}},
		{"JSON array", []byte("[]")},
		{"JSON null", []byte("null")},
		{"truncated", raw[:len(raw)/2]},
		{"bad sha256 upper case", mod(func(m *Manifest) { m.Items[0].SHA256 = strings.ToUpper(m.Items[0].SHA256) })},
		{"bad sha256 short", mod(func(m *Manifest) { m.Attachments[0].SHA256 = m.Attachments[0].SHA256[:63] })},
		{"bad sha256 path", mod(func(m *Manifest) { m.Attachments[0].SHA256 = "../../../../etc/passwd" + strings.Repeat("0", 42) })},
		{"negative size", mod(func(m *Manifest) { m.Attachments[0].Size = -1 })},
		{"negative item size", mod(func(m *Manifest) { m.Items[0].Size = -5 })},
		{"item over the size limit", mod(func(m *Manifest) { m.Items[0].Size = MaxItemSize + 1 })},
		{"attachment over the size limit", mod(func(m *Manifest) { m.Attachments[0].Size = MaxAttachmentSize + 1 })},
		{"duplicate item id", mod(func(m *Manifest) { m.Items[1].ID = m.Items[0].ID })},
		{"invalid item id", mod(func(m *Manifest) { m.Items[0].ID = "Land 2026" })},
		{"empty item id", mod(func(m *Manifest) { m.Items[0].ID = "" })},
		{"unknown timezone", mod(func(m *Manifest) { m.Timezone = "Mars/Olympus_Mons" })},
		{"Local timezone", mod(func(m *Manifest) { m.Timezone = "Local" })},
		{"empty timezone", mod(func(m *Manifest) { m.Timezone = "" })},
		{"timezone path", mod(func(m *Manifest) { m.Timezone = "../../etc/passwd" })},
		{"format string wrong", mod(func(m *Manifest) { m.Format = "gongkai-feed/2" })},
		{"format string missing", mod(func(m *Manifest) { m.Format = "" })},
		{"item format string", mod(func(m *Manifest) { m.Format = ItemFormat })},
		{"invalid feed id", mod(func(m *Manifest) { m.FeedID = "Qinghe Town" })},
		{"version zero", mod(func(m *Manifest) { m.Version = 0 })},
		{"negative version", mod(func(m *Manifest) { m.Version = -3 })},
		{"expires before issued", mod(func(m *Manifest) { m.Expires = m.IssuedAt.Add(-time.Second) })},
		{"expires equals issued", mod(func(m *Manifest) { m.Expires = m.IssuedAt })},
		{"no issued_at", mod(func(m *Manifest) { m.IssuedAt = time.Time{} })},
		{"duplicate category", mod(func(m *Manifest) { m.Categories[1].ID = m.Categories[0].ID })},
		{"category without name", mod(func(m *Manifest) { m.Categories[0].Name = "" })},
		{"bad location code", mod(func(m *Manifest) { m.Locations[0].Code = "31011890120123" })},
		{"location code with letters", mod(func(m *Manifest) { m.Locations[0].Code = "3101a" })},
		{"bad issued_at", replace(`"issued_at":"2026-11-20T08:00:00Z"`, `"issued_at":"yesterday"`)},
		{"version as string", replace(`"version":7`, `"version":"7"`)},
		{"version as float", replace(`"version":7`, `"version":7.5`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Verify(tc.raw, Sign(tc.raw, f.priv), f.trust())
			if v != nil {
				t.Errorf("Verify returned a manifest with error %v", err)
			}
			wantOnly(t, err, ErrFormat)
			if _, err := ParseManifest(tc.raw); err == nil {
				t.Errorf("ParseManifest accepted it")
			}
		})
	}
}

// A caller that forgets the trusted time must not accept an expired feed.
func TestVerifyZeroNowUsesClock(t *testing.T) {
	f := newFixture(t)
	f.m.IssuedAt = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	f.m.Expires = f.m.IssuedAt.Add(24 * time.Hour)
	raw, sig := f.signed(t)
	_, err := Verify(raw, sig, Trust{Key: f.pub})
	wantOnly(t, err, ErrExpired)

	f.m.IssuedAt = time.Now().Add(-time.Hour)
	f.m.Expires = time.Now().Add(24 * time.Hour)
	raw, sig = f.signed(t)
	if _, err := Verify(raw, sig, Trust{Key: f.pub}); err != nil {
		t.Errorf("fresh feed with zero Trust.Now: %v", err)
	}
}

func TestEncodeManifestDeterministic(t *testing.T) {
	f := newFixture(t)
	a, err := EncodeManifest(f.m)
	if err != nil {
		t.Fatal(err)
	}
	// The same manifest, with lists in another order, a repeated
	// attachment, times in another zone and with a fraction of a second.
	m := *f.m
	m.Items = []ItemRef{f.m.Items[1], f.m.Items[0]}
	m.Attachments = []Object{f.m.Attachments[1], f.m.Attachments[0], f.m.Attachments[1]}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	m.IssuedAt = f.m.IssuedAt.In(shanghai).Add(400 * time.Millisecond)
	m.Expires = f.m.Expires.In(shanghai)
	m.Format = "whatever the caller left here"
	b, err := EncodeManifest(&m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("the same manifest encodes to different bytes:\n%s\n%s", a, b)
	}
	// The caller's manifest is not reordered.
	if m.Items[0].ID != f.m.Items[1].ID || len(m.Attachments) != 3 {
		t.Errorf("EncodeManifest changed its argument")
	}
	// And the bytes parse back to the same content.
	back, err := ParseManifest(a)
	if err != nil {
		t.Fatal(err)
	}
	again, err := EncodeManifest(back)
	if err != nil || !bytes.Equal(again, a) {
		t.Errorf("parse and re-encode changes the bytes (%v):\n%s\n%s", err, a, again)
	}
	if bytes.Contains(a, []byte(`\u003c`)) || !bytes.HasSuffix(a, []byte("\n")) {
		t.Errorf("unexpected encoding: %s", a)
	}
}

func TestEncodeManifestRefusesInvalid(t *testing.T) {
	f := newFixture(t)
	f.m.Items = append(f.m.Items, f.m.Items[0])
	_, err := EncodeManifest(f.m)
	wantOnly(t, err, ErrFormat)

	f = newFixture(t)
	f.m.Timezone = "Nowhere/Town"
	_, err = EncodeManifest(f.m)
	wantOnly(t, err, ErrFormat)
}

func TestParseManifestTooLarge(t *testing.T) {
	_, err := ParseManifest(make([]byte, MaxManifestSize+1))
	wantOnly(t, err, ErrTooLarge)
}

// FuzzValidators holds the hand-written validators to the regular
// expressions they replaced.
func FuzzValidators(f *testing.F) {
	id := regexp.MustCompile(`^[a-z0-9._-]{1,128}$`)
	sum := regexp.MustCompile(`^[0-9a-f]{64}$`)
	code := regexp.MustCompile(`^[0-9]{2,12}$`)
	for _, s := range []string{"land-2026-021", "310118901", strings.Repeat("a", 128), strings.Repeat("f0", 32), "a\n", "3\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidID(s) != id.MatchString(s) || ValidCode(s) != code.MatchString(s) || IsHex(s, 64) != sum.MatchString(s) {
			t.Errorf("%q: ValidID %v, ValidCode %v, IsHex %v", s, ValidID(s), ValidCode(s), IsHex(s, 64))
		}
	})
}

func TestValidators(t *testing.T) {
	for s, want := range map[string]bool{
		"land-2026-021": true, "a": true, "v1.2_x": true, strings.Repeat("a", 128): true,
		"": false, "Land": false, "a b": false, "土地": false, "a/b": false, strings.Repeat("a", 129): false,
	} {
		if ValidID(s) != want {
			t.Errorf("ValidID(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{
		"31": true, "310118901": true, "310118901202": true,
		"3": false, "3101189012021": false, "31a": false, "": false, "all": false,
	} {
		if ValidCode(s) != want {
			t.Errorf("ValidCode(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{
		"Asia/Shanghai": true, "UTC": true, "": false, "Local": false, "Mars/Base": false, "../etc/passwd": false,
	} {
		if ValidTimezone(s) != want {
			t.Errorf("ValidTimezone(%q) = %v", s, !want)
		}
	}
}

func TestPaths(t *testing.T) {
	sum := Sum([]byte("x"))
	if got, want := ObjectPath(sum), "objects/"+sum[:2]+"/"+sum; got != want {
		t.Errorf("ObjectPath = %s, want %s", got, want)
	}
	if got := (Object{SHA256: sum}).Path(); got != ObjectPath(sum) {
		t.Errorf("Object.Path = %s", got)
	}
	if got, want := SignaturePath(sum), "signatures/"+sum+".sig"; got != want {
		t.Errorf("SignaturePath = %s, want %s", got, want)
	}
	m := newFixture(t).m
	if loc, err := m.Location(); err != nil || loc.String() != "Asia/Shanghai" {
		t.Errorf("Location = %v, %v", loc, err)
	}
	objs := m.Objects()
	if len(objs) != 4 || objs[0] != m.Items[0].Object || objs[3] != m.Attachments[1] {
		t.Errorf("Objects = %v", objs)
	}
}
