package feed

import (
	"strings"
	"testing"
	"time"
)

// A signed but wrong manifest (issued years ahead, a version at the top of
// the range) is refused, and a key-holder's reset (a later epoch) is the
// way back for a screen that took such a manifest before these rules.
func TestVerifyBoundsTimeAndVersion(t *testing.T) {
	year := 365 * 24 * time.Hour
	ahead := testIssued.Add(10 * year) // the clock-from-the-future publication
	in1970 := time.Unix(0, 0)
	tests := []struct {
		name   string
		edit   func(m *Manifest)
		trust  func(tr *Trust)
		want   error // nil: accepted
		reset  bool
		saying string
	}{
		{name: "issued within the skew of a good clock",
			edit: func(m *Manifest) { m.IssuedAt = testNow.Add(MaxClockSkew - time.Minute) }},
		{name: "issued ten years ahead of a good clock", want: ErrFuture, saying: "days ahead of this screen's clock",
			edit: func(m *Manifest) { m.IssuedAt, m.Expires = ahead, ahead.Add(30*24*time.Hour) }},
		{name: "issued just over the skew", want: ErrFuture,
			edit: func(m *Manifest) { m.IssuedAt = testNow.Add(MaxClockSkew + time.Minute) }},
		{name: "clock at 1970, previous issue known, ten years ahead of it", want: ErrFuture, saying: "too wrong to tell",
			edit:  func(m *Manifest) { m.IssuedAt, m.Expires = ahead, ahead.Add(30*24*time.Hour) },
			trust: func(tr *Trust) { tr.Clock, tr.Now, tr.Version, tr.Sum = in1970, testIssued, 6, strings.Repeat("0", 64) }},
		{name: "clock at 1970, previous issue known, a month after it",
			edit: func(m *Manifest) {
				m.IssuedAt, m.Expires = testIssued.Add(30*24*time.Hour), testIssued.Add(60*24*time.Hour)
			},
			trust: func(tr *Trust) { tr.Clock, tr.Now, tr.Version, tr.Sum = in1970, testIssued, 6, strings.Repeat("0", 64) }},
		{name: "clock at 1970, fresh screen: nothing to compare with",
			edit:  func(m *Manifest) { m.IssuedAt, m.Expires = ahead, ahead.Add(30*24*time.Hour) },
			trust: func(tr *Trust) { tr.Clock, tr.Now = in1970, in1970 }},
		{name: "version at the bound",
			edit: func(m *Manifest) { m.Version = MaxVersion }},
		{name: "version over the bound", want: ErrFormat, saying: "outside 1..",
			edit: func(m *Manifest) { m.Version = MaxVersion + 1 }},
		{name: "version at the top of int64", want: ErrFormat,
			edit: func(m *Manifest) { m.Version = 1<<63 - 1 }},
		{name: "negative epoch", want: ErrFormat,
			edit: func(m *Manifest) { m.Epoch = -1 }},
		{name: "epoch over the bound", want: ErrFormat,
			edit: func(m *Manifest) { m.Epoch = MaxVersion + 1 }},
		{name: "reset after an issue from 2036: lower version, trusted time 2036", reset: true,
			edit:  func(m *Manifest) { m.Epoch, m.Version = 1, 1 },
			trust: func(tr *Trust) { tr.Now, tr.Version, tr.Sum = ahead, MaxVersion, strings.Repeat("0", 64) }},
		{name: "reset with the clock at 1970 is not bounded by the old issue", reset: true,
			edit:  func(m *Manifest) { m.Epoch, m.Version = 1, 1 },
			trust: func(tr *Trust) { tr.Clock, tr.Now, tr.Version, tr.Sum = in1970, ahead, 9, strings.Repeat("0", 64) }},
		{name: "reset is still bounded by a good clock", want: ErrFuture,
			edit: func(m *Manifest) { m.Epoch, m.Version, m.IssuedAt, m.Expires = 1, 1, ahead, ahead.Add(time.Hour) },
			trust: func(tr *Trust) {
				tr.Now, tr.Version, tr.Sum = ahead, 9, strings.Repeat("0", 64)
			}},
		{name: "reset that expired by the clock", want: ErrExpired,
			edit:  func(m *Manifest) { m.Epoch, m.Version = 1, 1 },
			trust: func(tr *Trust) { tr.Clock, tr.Version, tr.Sum = testExpires, 9, strings.Repeat("0", 64) }},
		{name: "older epoch", want: ErrRollback, saying: "epoch 0 is older than stored 2",
			trust: func(tr *Trust) { tr.Epoch, tr.Version, tr.Sum = 2, 1, strings.Repeat("0", 64) }},
		{name: "same epoch, older version", want: ErrRollback,
			edit:  func(m *Manifest) { m.Epoch = 3 },
			trust: func(tr *Trust) { tr.Epoch, tr.Version, tr.Sum = 3, 8, strings.Repeat("0", 64) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.edit != nil {
				tc.edit(f.m)
			}
			// rawJSON skips EncodeManifest's own checks, so out-of-range
			// numbers can be signed.
			m := *f.m
			m.Format = ManifestFormat
			raw := rawJSON(t, &m)
			tr := f.trust()
			tr.Clock = testNow
			if tc.trust != nil {
				tc.trust(&tr)
			}
			v, err := Verify(raw, Sign(raw, f.priv), tr)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if v.Reset() != tc.reset {
					t.Errorf("Reset = %v, want %v", v.Reset(), tc.reset)
				}
				return
			}
			wantOnly(t, err, tc.want)
			if !strings.Contains(err.Error(), tc.saying) {
				t.Errorf("error %q does not say %q", err, tc.saying)
			}
		})
	}
}

// EncodeManifest refuses what Verify would: a publisher never signs an
// out-of-range version.
func TestEncodeManifestRefusesOverflow(t *testing.T) {
	f := newFixture(t)
	f.m.Version = MaxVersion + 1
	if _, err := EncodeManifest(f.m); err == nil {
		t.Error("EncodeManifest accepted a version over MaxVersion")
	}
	f.m.Version, f.m.Epoch = 1, 0
	raw, err := EncodeManifest(f.m)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "epoch") {
		t.Errorf("epoch 0 is written: %s (manifests before resets must keep their bytes)", raw)
	}
}
