package proof

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What a forger with the screen's files can and cannot do (FORMAT.md,
// "What a forger with file access can do"): each claim is a test here.

// chainLog is a display log of a touch screen that ran a few days, rolled
// up after one day, on the clock c.
func chainLog(t *testing.T) (*Log, *fakeClock, ed25519.PrivateKey) {
	t.Helper()
	key := seedKey(1)
	c := newClock("2026-11-10T00:00:00+08:00")
	l := openLog(t, t.TempDir(), key, c)
	t.Cleanup(func() { l.Close() })
	l.retention = 1
	mustDo(t, l.ProgramUp())
	run(t, l, c, 4)
	return l, c, key
}

// run logs n quarters of a day: the rotation changing, a slide on show.
func run(t *testing.T, l *Log, c *fakeClock, n int) {
	t.Helper()
	for i := range n {
		mustDo(t, l.Showing("touch", []string{"land-001", []string{"school-001", "water-001"}[i%2]}))
		l.OnScreen([]string{"land-001", "school-001", ""}[i%3])
		c.add(6 * time.Hour)
		mustDo(t, l.Tick())
	}
}

func export(t *testing.T, l *Log) []byte {
	t.Helper()
	data, err := l.Export(func(r Records) (Report, error) {
		ref := r.HeadRef()
		return Report{Device: "x", Head: &ref, Notices: []NoticeReport{}}, nil
	})
	mustDo(t, err)
	return data
}

// forge rewrites a verified export as a forger holding device.key does:
// edit the records, chain every entry again, sign summaries and head again.
func forge(t *testing.T, data []byte, key ed25519.PrivateKey, edit func(*Records)) []byte {
	t.Helper()
	r := RecordsOfT(t, data)
	edit(&r)
	var prev Hash
	for i := range r.Summaries {
		s := &r.Summaries[i]
		if i > 0 {
			s.Prev = prev
		}
		s.sign(key)
		prev = s.LastHash
	}
	for i := range r.Entries {
		if i > 0 || len(r.Summaries) > 0 {
			r.Entries[i].Prev = prev
		}
		prev = r.Entries[i].Hash()
	}
	r.Head.Seq, r.Head.Hash = r.Entries[len(r.Entries)-1].Seq, prev
	r.Head.sign(key)
	ref := r.HeadRef()
	out, err := encodeExport(r, Report{Device: "x", Head: &ref, Notices: []NoticeReport{}}, key)
	mustDo(t, err)
	return out
}

// lengthen adds 30 days to the first interval of land-001 from entry from on.
func lengthen(from uint64) func(*Records) {
	return func(r *Records) {
		for i := range r.Entries {
			if e := &r.Entries[i]; e.Seq >= from && e.Item == "land-001" && e.Kind != KindOnScreen {
				e.End += 30 * 24 * 3600
				return
			}
		}
		panic("no interval of land-001 to lengthen")
	}
}

// CAN: with device.key, rewrite the chain (a display interval lengthened by
// 30 days), and the export verifies against the device key alone.
func TestForgerCanResignTheChain(t *testing.T) {
	l, _, key := chainLog(t)
	data := export(t, l)
	forged := forge(t, data, key, lengthen(0))
	if _, err := VerifyExport(forged, l.PublicKey()); err != nil {
		t.Fatalf("the forged export does not verify against the device key (%v): the claim in FORMAT.md is wrong", err)
	}
}

// CANNOT: pass through a head seen outside the device before the forgery
// (printed on a certificate, received by the monitor): every hash after
// the rewritten entry changes. CAN: rewrite what came after the last
// anchor.
func TestAnchorCatchesARewrittenChain(t *testing.T) {
	l, c, key := chainLog(t)
	before := export(t, l)
	v0, err := VerifyExport(before, nil)
	mustDo(t, err)
	anchor := v0.Report.Head // what the certificate printed
	if anchor == nil || anchor.Seq != v0.Head.Seq {
		t.Fatalf("the report carries head %v, want entry %d", anchor, v0.Head.Seq)
	}
	run(t, l, c, 2)
	later := export(t, l)
	v, err := VerifyExport(later, l.PublicKey())
	mustDo(t, err)
	if err := v.CheckAnchor(*anchor); err != nil {
		t.Fatalf("the genuine later export fails its own anchor: %v", err)
	}

	forged := forge(t, later, key, lengthen(0)) // at or before the anchor
	vf, err := VerifyExport(forged, l.PublicKey())
	mustDo(t, err)
	if err := vf.CheckAnchor(*anchor); !errors.Is(err, ErrAltered) || !strings.Contains(err.Error(), "rewritten") {
		t.Errorf("forged before the anchor: %v, want ErrAltered", err)
	}
	tail := forge(t, later, key, lengthen(anchor.Seq+1)) // after it
	vt, err := VerifyExport(tail, l.PublicKey())
	mustDo(t, err)
	if err := vt.CheckAnchor(*anchor); err != nil {
		t.Errorf("a change after the anchor is caught (%v): FORMAT.md says it is not", err)
	}
	cut := forge(t, before, key, func(r *Records) { r.Entries = r.Entries[:len(r.Entries)-1] })
	vc, err := VerifyExport(cut, l.PublicKey())
	mustDo(t, err)
	if err := vc.CheckAnchor(*anchor); !errors.Is(err, ErrAltered) {
		t.Errorf("a chain cut before the anchor: %v, want ErrAltered", err)
	}
}

// CANNOT: make the monitor take a rewritten chain as the continuation of
// the one it received before, also after the rewritten days were rolled
// up into summaries.
func TestExtendsCatchesARewrittenChain(t *testing.T) {
	l, c, key := chainLog(t)
	first := export(t, l)
	run(t, l, c, 8) // two days more: what first held as entries is rolled up now
	second := export(t, l)
	if err := Extends(first, second, l.PublicKey()); err != nil {
		t.Fatalf("the genuine chain does not extend the one before: %v", err)
	}
	v1, _ := VerifyExport(first, nil)
	v2, _ := VerifyExport(second, nil)
	if len(v2.chain.Summaries) <= len(v1.chain.Summaries) {
		t.Fatalf("no roll-up between the uploads (%d, %d summaries): the test needs one", len(v1.chain.Summaries), len(v2.chain.Summaries))
	}
	if v2.chain.summaryOf(v1.chain.Entries[0].Seq) < 0 {
		t.Fatal("the entries of the first upload are not rolled up in the second")
	}
	for _, tc := range []struct {
		name string
		next []byte
	}{
		{"an entry held before, lengthened", forge(t, first, key, lengthen(0))},
		{"a day held before, summed again", forge(t, second, key, func(r *Records) {
			r.Summaries[r.summaryOf(v1.chain.Entries[0].Seq)].Totals[0].Seconds += 30 * 24 * 3600
		})},
		{"the tail held before, dropped", forge(t, first, key, func(r *Records) { r.Entries = r.Entries[:len(r.Entries)-2] })},
	} {
		if err := Extends(first, tc.next, l.PublicKey()); !errors.Is(err, ErrAltered) {
			t.Errorf("%s: Extends = %v, want ErrAltered", tc.name, err)
		}
	}
	// What came after the earlier upload is the device's word alone.
	v1h := v1.Head.Seq
	if err := Extends(first, forge(t, second, key, lengthen(v1h+1)), l.PublicKey()); err != nil {
		t.Errorf("a change after the earlier head is caught (%v): FORMAT.md says it is not", err)
	}
	// Another device's chain never extends this one.
	if err := Extends(first, forge(t, second, seedKey(7), func(*Records) {}), nil); err == nil {
		t.Error("a chain signed by another device extends this one")
	}
}

// The key files are the kiosk user's only (0600): other users of the
// machine cannot read the device key. The kiosk's own user can: the
// kiosk signs with it.
func TestDeviceKeyIsPrivateToItsUser(t *testing.T) {
	dir := t.TempDir()
	if _, err := EnsureDeviceKey(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, DeviceKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("device.key: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
}

func TestParseAnchor(t *testing.T) {
	for in, want := range map[string]string{
		"1234:3f7a-9c21-0b44-e815":   "1234:3f7a-9c21-0b44-e815",
		" 1234:3F7A9C210B44E815 ":    "1234:3f7a-9c21-0b44-e815",
		"7:00000000-00000000":        "7:0000-0000-0000-0000",
		"1234:3f7a-9c21-0b44":        "",
		"0:3f7a-9c21-0b44-e815":      "",
		"x:3f7a-9c21-0b44-e815":      "",
		"1234:3f7a-9c21-0b44-e815-1": "",
	} {
		a, err := ParseAnchor(in)
		if got := a.String(); (err == nil) != (want != "") || (err == nil && got != want) {
			t.Errorf("ParseAnchor(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func FuzzExtends(f *testing.F) {
	key := seedKey(1)
	c := newClock("2026-11-10T00:00:00+08:00")
	l, err := Open(f.TempDir(), key, c.now)
	if err != nil {
		f.Fatal(err)
	}
	defer l.Close()
	l.retention = 1
	l.ProgramUp()
	for i := range 8 {
		l.Showing("touch", []string{"a", []string{"b", "c"}[i%2]})
		c.add(6 * time.Hour)
		l.Tick()
	}
	build := func(r Records) (Report, error) { return Report{}, nil }
	first, _ := l.Export(build)
	c.add(30 * time.Hour)
	l.Tick()
	second, _ := l.Export(build)
	f.Add(first, second, "1:0000-0000-0000-0000")
	f.Add(second, first, "")
	f.Add([]byte("{}"), second, "x")
	f.Fuzz(func(t *testing.T, prev, next []byte, anchor string) {
		err := Extends(prev, next, nil)
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("error is not one line: %q", err)
		}
		if a, err := ParseAnchor(anchor); err == nil {
			if v, err := VerifyExport(next, nil); err == nil {
				_ = v.CheckAnchor(a)
			}
		}
	})
}
