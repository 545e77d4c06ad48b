package feed

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func testAlerts() *Alerts {
	return &Alerts{
		FeedID: "qinghe-town", Version: 3, IssuedAt: testIssued, Expires: testExpires,
		Alerts: []Alert{{
			ID: "water-cut-1120", Title: "今晚停水通知", Agency: "青禾镇自来水厂", Priority: AlertUrgent,
			Start: testIssued, End: testIssued.Add(12 * time.Hour), Locations: []string{"310118901202"},
			Body: "因管道抢修，今晚20时至次日6时停水。", Instruction: "请提前储水。\n有困难请拨打 12345。",
		}},
	}
}

func signAlerts(t testing.TB, a *Alerts) (raw, sig []byte) {
	t.Helper()
	raw, err := EncodeAlerts(a)
	if err != nil {
		t.Fatal(err)
	}
	_, priv := testKey(1)
	return raw, Sign(raw, priv)
}

// The alerts object is judged by the manifest's rules, with its own
// version, epoch and stored bytes.
func TestVerifyAlerts(t *testing.T) {
	pub, _ := testKey(1)
	_, other := testKey(9)
	raw, sig := signAlerts(t, testAlerts())
	tests := []struct {
		name     string
		raw, sig []byte
		trust    Trust
		is       error
		says     string
	}{
		{name: "fresh screen", raw: raw, sig: sig, trust: Trust{Key: pub, Now: testNow}},
		{name: "newer version", raw: raw, sig: sig, trust: Trust{Key: pub, Now: testNow, FeedID: "qinghe-town", Version: 2, Sum: "x"}},
		{name: "wrong key", raw: raw, sig: Sign(raw, other), trust: Trust{Key: pub, Now: testNow}, is: ErrWrongKey},
		{name: "altered after signing", raw: bytes.Replace(raw, []byte("20时"), []byte("22时"), 1), sig: sig, trust: Trust{Key: pub, Now: testNow}, is: ErrSignature},
		{name: "rollback", raw: raw, sig: sig, trust: Trust{Key: pub, Now: testNow, Version: 4, Sum: "x"}, is: ErrRollback, says: "alerts version 3 is older than stored 4"},
		{name: "older epoch", raw: raw, sig: sig, trust: Trust{Key: pub, Now: testNow, Epoch: 1, Version: 1, Sum: "x"}, is: ErrRollback, says: "alerts epoch"},
		{name: "fork", raw: raw, sig: sig, trust: Trust{Key: pub, Now: testNow, Version: 3, Sum: "x"}, is: ErrFork},
		{name: "frozen server: expired", raw: raw, sig: sig, trust: Trust{Key: pub, Now: testExpires.Add(time.Second)}, is: ErrExpired, says: "alerts version 3 expired"},
		{name: "issued far in the future", raw: raw, sig: sig, trust: Trust{Key: pub, Now: testIssued.Add(-72 * time.Hour)}, is: ErrFuture},
		{name: "other feed", raw: raw, sig: sig, trust: Trust{Key: pub, Now: testNow, FeedID: "other"}, is: ErrWrongFeed},
		{name: "manifest signed as alerts", raw: func() []byte { r, _ := newFixture(t).signed(t); return r }(), trust: Trust{Key: pub, Now: testNow}, is: ErrFormat},
		{name: "end before start", trust: Trust{Key: pub, Now: testNow}, is: ErrFormat, says: "not after start"},
		{name: "bidi in title", trust: Trust{Key: pub, Now: testNow}, is: ErrFormat, says: "bidi"},
		{name: "too large", raw: append(bytes.Clone(raw), bytes.Repeat([]byte(" "), MaxAlertsSize)...), sig: sig, trust: Trust{Key: pub, Now: testNow}, is: ErrTooLarge},
	}
	// Signed but malformed: the signature passes, the format step refuses.
	tests[11].raw, tests[11].sig = signedRaw(t, bytes.Replace(raw, []byte(`"end":"2026-11-20T20:00:00Z"`), []byte(`"end":"2026-11-19T20:00:00Z"`), 1))
	tests[12].raw, tests[12].sig = signedRaw(t, bytes.Replace(raw, []byte("今晚停水通知"), []byte("今晚\u202e停水通知"), 1))
	tests[10].sig = func() []byte { _, priv := testKey(1); return Sign(tests[10].raw, priv) }()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := VerifyAlerts(tc.raw, tc.sig, tc.trust)
			if tc.is == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if v.Alerts.Alerts[0].Title != "今晚停水通知" || v.Sum != Sum(tc.raw) {
					t.Fatalf("verified %+v", v)
				}
				return
			}
			if !errors.Is(err, tc.is) || !strings.Contains(fmtErr(err), tc.says) {
				t.Fatalf("got %v, want %v saying %q", err, tc.is, tc.says)
			}
		})
	}
	// The stored bytes again: unchanged.
	v, err := VerifyAlerts(raw, sig, Trust{Key: pub, Now: testNow, Version: 3, Sum: Sum(raw)})
	if err != nil || !v.Unchanged {
		t.Fatalf("same bytes: %v, unchanged %v", err, v != nil && v.Unchanged)
	}
}

func signedRaw(t testing.TB, raw []byte) ([]byte, []byte) {
	_, priv := testKey(1)
	return raw, Sign(raw, priv)
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestAlertInForceAndTargets(t *testing.T) {
	a := testAlerts().Alerts[0]
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{a.Start.Add(-time.Second), false}, {a.Start, true}, {a.End.Add(-time.Second), true}, {a.End, false},
	} {
		if got := a.InForce(tc.at); got != tc.want {
			t.Errorf("InForce(%s) = %v", tc.at, got)
		}
	}
	for loc, want := range map[string]bool{"310118901202": true, "310118901201": false, "31": false} {
		if a.Targets(loc) != want {
			t.Errorf("Targets(%s) != %v", loc, want)
		}
	}
}

// FuzzVerifyAlerts: never a panic, and whatever is accepted is signed,
// parses on its own and re-encodes to bytes that parse.
func FuzzVerifyAlerts(f *testing.F) {
	raw, sig := signAlerts(f, testAlerts())
	f.Add(raw, sig)
	f.Add(raw[:len(raw)/2], sig)
	f.Add([]byte(`{"format":"gongkai-alerts/1"}`), sig)
	empty := testAlerts()
	empty.Alerts = nil
	r2, s2 := signAlerts(f, empty)
	f.Add(r2, s2)
	pub, priv := testKey(1)
	f.Fuzz(func(t *testing.T, raw, sig []byte) {
		if a, err := ParseAlerts(raw); err == nil {
			enc, err := EncodeAlerts(a)
			if err != nil {
				t.Fatalf("parsed alerts do not re-encode: %v", err)
			}
			if _, err := ParseAlerts(enc); err != nil {
				t.Fatalf("re-encoded alerts do not parse: %v", err)
			}
		}
		for _, s := range [][]byte{sig, Sign(raw, priv)} {
			v, err := VerifyAlerts(raw, s, Trust{Key: pub, Now: testNow})
			if err != nil {
				continue
			}
			if checkSignature(raw, s, pub) != nil || !testNow.Before(v.Expires) {
				t.Fatalf("accepted unsigned or expired alerts")
			}
		}
	})
}
