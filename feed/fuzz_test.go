package feed

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzVerify feeds Verify arbitrary manifest and signature bytes. It must
// never panic, and whenever it accepts a manifest, that manifest must really
// be signed by the pinned key, parse on its own, and be unexpired.
func FuzzVerify(f *testing.F) {
	fx := newFixture(f)
	raw, sig := fx.signed(f)
	_, otherPriv := testKey(9)

	f.Add(raw, sig)
	f.Add(raw, Sign(raw, otherPriv))
	f.Add(raw[:len(raw)-10], sig)
	f.Add(append(bytes.Clone(raw), "{}"...), sig)
	f.Add(bytes.Replace(raw, []byte(`"version":7`), []byte(`"version":8`), 1), sig)
	f.Add(raw, sig[:len(sig)-5])
	f.Add(raw, []byte{})
	f.Add([]byte{}, []byte{})
	f.Add([]byte("null"), Sign([]byte("null"), fx.priv))
	// Signed but malformed, so the fuzzer starts past the signature step.
	for _, m := range [][]byte{
		bytes.Replace(raw, []byte(`{"format":`), []byte(`{"x":1,"format":`), 1),
		bytes.Replace(raw, []byte(`"Asia/Shanghai"`), []byte(`"Local"`), 1),
		bytes.Replace(raw, []byte(`"size":`), []byte(`"size":-`), 1),
		append(bytes.Clone(raw), " \n\t"...),
		[]byte(`{"format":"gongkai-feed/1","feed_id":"a","title":"","version":1,"issued_at":"2026-01-01T00:00:00Z","expires":"2099-01-01T00:00:00Z","timezone":"UTC","categories":null,"items":null,"attachments":null}`),
		bytes.Replace(raw, []byte(`"version":7`), []byte(`"version":1,"epoch":2`), 1),
		bytes.Replace(raw, []byte(`"version":7`), []byte(`"version":9223372036854775807`), 1),
		bytes.Replace(raw, []byte(`"issued_at":"2026`), []byte(`"issued_at":"2036`), 1),
	} {
		f.Add(m, Sign(m, fx.priv))
	}

	pub := fx.pub
	f.Fuzz(func(t *testing.T, manifest, sigFile []byte) {
		// ParseManifest on its own: a random manifest rarely carries a good
		// signature, so exercise the parser directly too.
		if m, err := ParseManifest(manifest); err == nil {
			enc, err := EncodeManifest(m)
			if err != nil {
				t.Fatalf("parsed manifest does not re-encode: %v", err)
			}
			if _, err := ParseManifest(enc); err != nil {
				t.Fatalf("re-encoded manifest does not parse: %v", err)
			}
		}

		for _, tr := range []Trust{
			{Key: pub, Now: testNow},
			{Key: pub, Now: testNow, FeedID: "qinghe-town", Version: 7, Sum: Sum(raw)},
			{Key: pub, Now: testExpires.Add(3650 * 24 * time.Hour), Clock: testNow, FeedID: "qinghe-town", Epoch: 1, Version: 9, Sum: Sum(raw)},
		} {
			v, err := Verify(manifest, sigFile, tr)
			if err != nil {
				if v != nil {
					t.Fatalf("Verify returned a manifest and an error %v", err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error is not one line: %q", err)
				}
				continue
			}
			// Accepted: it must really be signed by the pinned key.
			fields := strings.Fields(string(sigFile))
			if len(fields) != 3 {
				t.Fatalf("accepted signature file %q", sigFile)
			}
			s, err := base64.StdEncoding.DecodeString(fields[2])
			if err != nil || !ed25519.Verify(pub, manifest, s) {
				t.Fatalf("accepted a manifest that the key did not sign")
			}
			m, err := ParseManifest(manifest)
			if err != nil {
				t.Fatalf("accepted a manifest that does not parse: %v", err)
			}
			if !reflect.DeepEqual(m, v.Manifest) {
				t.Fatalf("verified manifest differs from the parsed one")
			}
			clock := tr.Clock
			if clock.IsZero() {
				clock = tr.Now
			}
			if m.Epoch < tr.Epoch || m.IssuedAt.After(clock.Add(MaxClockSkew)) || m.Version > MaxVersion {
				t.Fatalf("accepted: epoch %d, issued %v, version %d (trust %+v)", m.Epoch, m.IssuedAt, m.Version, tr)
			}
			if v.Reset() != (m.Epoch > tr.Epoch && tr.Version > 0) {
				t.Fatalf("Reset = %v for epoch %d (stored %d)", v.Reset(), m.Epoch, tr.Epoch)
			}
			if v.Reset() {
				if !clock.Before(m.Expires) {
					t.Fatalf("accepted a reset expired at %v by the clock %v", m.Expires, clock)
				}
				continue
			}
			if v.Sum() != Sum(manifest) || !tr.Now.Before(m.Expires) || m.Version < tr.Version {
				t.Fatalf("accepted: sum %s, expires %v, version %d (trust %+v)", v.Sum(), m.Expires, m.Version, tr)
			}
			if v.Unchanged() != (m.Version == tr.Version) {
				t.Fatalf("Unchanged = %v for version %d (stored %d)", v.Unchanged(), m.Version, tr.Version)
			}
			if tr.FeedID != "" && m.FeedID != tr.FeedID {
				t.Fatalf("accepted feed %q on a screen that follows %q", m.FeedID, tr.FeedID)
			}
		}
	})
}

// FuzzDecodeItem feeds DecodeItem arbitrary object bytes for a fixed
// manifest. It must never panic; an accepted item must be consistent with
// the manifest and re-encode to bytes that decode to the same item.
func FuzzDecodeItem(f *testing.F) {
	fx := newFixture(f)
	for _, ref := range fx.m.Items {
		f.Add(fx.objects[ref.SHA256])
	}
	good := fx.objects[fx.m.Items[0].SHA256]
	f.Add(bytes.Replace(good, []byte(`"land"`), []byte(`"tax"`), 1))
	f.Add(bytes.Replace(good, []byte(`"2026-11-18"`), []byte(`"2026-02-30"`), 1))
	f.Add(append(bytes.Clone(good), 'x'))
	f.Add([]byte(`{"format":"gongkai-item/1","id":"land-2026-021"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(``))

	ref := fx.m.Items[0]
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := DecodeItem(data, ref, fx.m)
		if err != nil {
			if it != nil {
				t.Fatalf("DecodeItem returned an item and an error %v", err)
			}
			return
		}
		if it.ID != ref.ID || it.Format != ItemFormat {
			t.Fatalf("accepted item %q format %q for ref %q", it.ID, it.Format, ref.ID)
		}
		if err := it.Check(fx.m); err != nil {
			t.Fatalf("accepted item fails Check: %v", err)
		}
		enc, err := EncodeItem(it)
		if err != nil {
			t.Fatalf("accepted item does not encode: %v", err)
		}
		again, err := DecodeItem(enc, ref, fx.m)
		if err != nil {
			t.Fatalf("re-encoded item does not decode: %v\n%s", err, enc)
		}
		enc2, err := EncodeItem(again)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not a fixed point (%v):\n%s\n%s", err, enc, enc2)
		}
	})
}
