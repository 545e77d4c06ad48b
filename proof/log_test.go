package proof

import (
	"fmt"
	"gongkai/feed"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// checkChain asserts the stored chain is contiguous, links by hash and ends
// at a head the device signed.
func checkChain(t *testing.T, l *Log) Records {
	t.Helper()
	r, err := l.Records()
	mustDo(t, err)
	var seq uint64
	var prev Hash
	for i, s := range r.Summaries {
		if !s.verify(l.PublicKey()) {
			t.Fatalf("summary %d: bad signature", i)
		}
		if i > 0 && (s.FirstSeq != seq+1 || s.Prev != prev) {
			t.Fatalf("summary %d does not follow %d", s.FirstSeq, seq)
		}
		seq, prev = s.LastSeq, s.LastHash
	}
	for _, e := range r.Entries {
		if (seq != 0 || len(r.Summaries) > 0) && (e.Seq != seq+1 || e.Prev != prev) {
			t.Fatalf("entry %d does not follow %d", e.Seq, seq)
		}
		seq, prev = e.Seq, e.Hash()
	}
	if r.Head.Seq != seq || r.Head.Hash != prev || !r.Head.verify(l.PublicKey()) {
		t.Fatalf("head %d does not match chain end %d or is not signed", r.Head.Seq, seq)
	}
	return r
}

func TestIntervalsAndRestartContinueTheChain(t *testing.T) {
	dir, key := t.TempDir(), seedKey(1)
	c := newClock("2026-11-10T00:00:00+08:00")
	l := openLog(t, dir, key, c)
	mustDo(t, l.ProgramUp())
	mustDo(t, l.Showing("touch", []string{"a", "b"}))
	c.add(time.Hour)
	mustDo(t, l.Showing("touch", []string{"b", "c"})) // a closes, c opens
	c.add(30 * time.Minute)
	mustDo(t, l.ScreenOn(false)) // b, c and screen close
	c.add(time.Hour)
	mustDo(t, l.ScreenOn(true)) // b, c reopen
	c.add(10 * time.Minute)
	mustDo(t, l.Close())
	l = openLog(t, dir, key, c)
	r := checkChain(t, l)
	mustDo(t, l.Close())
	got := map[string]int64{}
	for _, e := range r.Entries {
		got[e.Kind+":"+e.Item] += e.End - e.Start
	}
	want := map[string]int64{"program:": 9600, "screen:": 6000, "available:a": 3600, "available:b": 6000, "available:c": 2400}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("seconds %v, want %v", got, want)
	}

	// A restarted program continues from the same head.
	head := r.Head
	l = openLog(t, dir, key, c)
	if h := l.Head(); h.Seq != head.Seq || h.Hash != head.Hash {
		t.Fatalf("reopened head %d, want %d", h.Seq, head.Seq)
	}
	mustDo(t, l.ProgramUp())
	c.add(time.Minute)
	mustDo(t, l.Close())
	l = openLog(t, dir, key, c)
	defer l.Close()
	r = checkChain(t, l)
	if r.Entries[len(r.Entries)-1].Prev == (Hash{}) || r.Head.Seq != head.Seq+2 {
		t.Errorf("after restart head is %d, want %d", r.Head.Seq, head.Seq+2)
	}
}

// l2 reopens a closed log for reading.
func l2(t *testing.T, dir string, key []byte, c *fakeClock) *Log {
	l := openLog(t, dir, key, c)
	t.Cleanup(func() { l.Close() })
	return l
}

func TestCrashLosesAtMostSinceTheLastHeartbeat(t *testing.T) {
	dir, key := t.TempDir(), seedKey(1)
	c := newClock("2026-11-10T08:00:00Z")
	l := openLog(t, dir, key, c)
	mustDo(t, l.ProgramUp())
	mustDo(t, l.Showing("display", []string{"a"}))
	c.add(10 * time.Minute)
	mustDo(t, l.Tick())
	c.add(50 * time.Second)
	l.db.Close() // the power goes: nothing sealed
	c.add(time.Hour)
	l = l2(t, dir, key, c)
	r := checkChain(t, l)
	if len(r.Entries) != 3 {
		t.Fatalf("%d entries after the crash, want program, screen, a", len(r.Entries))
	}
	for _, e := range r.Entries {
		if e.End-e.Start != 600 {
			t.Errorf("%s %s: %d s, want 600 (up to the last heartbeat)", e.Kind, e.Item, e.End-e.Start)
		}
	}
	if r.Entries[2].Kind != KindShown {
		t.Errorf("display mode logged %s", r.Entries[2].Kind)
	}
}

func TestAnotherDeviceKeyStartsANewChain(t *testing.T) {
	dir := t.TempDir()
	c := newClock("2026-11-10T08:00:00Z")
	l := openLog(t, dir, seedKey(1), c)
	mustDo(t, l.ProgramUp())
	c.add(time.Minute)
	mustDo(t, l.Close())
	l = l2(t, dir, seedKey(2), c)
	if l.Head().Seq != 0 {
		t.Error("a chain signed by another key was continued")
	}
	aside, _ := filepath.Glob(filepath.Join(dir, "display.db.other-device-key-*"))
	if len(aside) != 1 {
		t.Errorf("old chain not kept aside: %v", aside)
	}
}

func TestDamagedFileIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	mustDo(t, os.WriteFile(filepath.Join(dir, dbFile), []byte(strings.Repeat("garbage!", 4096)), 0o600))
	l := l2(t, dir, seedKey(1), newClock("2026-11-10T08:00:00Z"))
	mustDo(t, l.ProgramUp())
	if aside, _ := filepath.Glob(filepath.Join(dir, "display.db.damaged-*")); len(aside) != 1 {
		t.Errorf("damaged file not kept aside: %v", aside)
	}
}

func TestDeviceKey(t *testing.T) {
	dir := t.TempDir()
	if got := DeviceFingerprint(dir); got != "" {
		t.Errorf("fingerprint without a device key: %q", got)
	}
	k1, err := EnsureDeviceKey(dir)
	mustDo(t, err)
	fi, err := os.Stat(filepath.Join(dir, DeviceKeyFile))
	mustDo(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("device.key mode %v", fi.Mode().Perm())
	}
	k2, err := EnsureDeviceKey(dir)
	mustDo(t, err)
	pub, err := DevicePublicKey(dir)
	mustDo(t, err)
	if !k1.Equal(k2) || !pub.Equal(k1.Public()) {
		t.Error("the device key changed on second use")
	}
	if got := DeviceFingerprint(dir); got != feed.Fingerprint(pub) {
		t.Errorf("fingerprint %q", got)
	}
}

// A year of a busy display screen: a rotation of 20 notices at a 15 s
// dwell (the slide changes ~3,600 times a day, counted in memory), the set
// changing every 15 min. The log keeps 35 days of entries and a signed
// summary a day, far under a few MB, still verifies, and has lost no
// second of on-screen time across restarts, midnights and roll-ups.
func TestYearStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a year")
	}
	dir, key := t.TempDir(), seedKey(1)
	c := newClock("2026-01-01T00:00:00+08:00")
	l := openLog(t, dir, key, c)
	l.db.NoSync = true // the test is about size, not durability
	notices := make([]string, 40)
	const dwell = 15 * time.Second
	for i := range notices {
		notices[i] = fmt.Sprintf("notice-%02d", i)
	}
	intervals, maxEntries := 0, 0
	for day := range 365 {
		mustDo(t, l.ProgramUp())
		c.add(7 * time.Hour)
		mustDo(t, l.ScreenOn(true))
		for step := range 60 { // 07:00-22:00, the set changes every 15 min
			k := (day + step) % 20
			rotation := notices[k : k+20]
			mustDo(t, l.Showing("display", rotation))
			intervals++
			for range 3 {
				for i := range 5 * time.Minute / dwell {
					l.OnScreen(rotation[int(i)%len(rotation)])
					c.add(dwell)
				}
				mustDo(t, l.Tick())
			}
		}
		l.OnScreen("") // dark
		mustDo(t, l.ScreenOn(false))
		c.add(2 * time.Hour)
		if day%7 == 6 { // a weekly restart
			mustDo(t, l.Close())
			l = openLog(t, dir, key, c)
			l.db.NoSync = true
		}
		c.add(24*time.Hour - 7*time.Hour - 15*time.Hour - 2*time.Hour)
		r, err := l.Records()
		mustDo(t, err)
		maxEntries = max(maxEntries, len(r.Entries))
	}
	r := checkChain(t, l)
	var onScreenTotal int64
	for _, s := range onScreen(r, true) {
		onScreenTotal += s
	}
	if want := int64(365 * 15 * 3600); onScreenTotal != want {
		t.Errorf("%d s on screen in all, want %d (15 h a day)", onScreenTotal, want)
	}
	mustDo(t, l.Close())
	fi, err := os.Stat(filepath.Join(dir, dbFile))
	mustDo(t, err)
	t.Logf("%d Showing changes, %d slide changes, head entry %d, %d entries kept (%d on_screen; max %d), %d summaries, display.db %d KiB",
		intervals, intervals*int(15*time.Minute/dwell), r.Head.Seq, len(r.Entries), len(onScreenEntries(r)), maxEntries, len(r.Summaries), fi.Size()>>10)
	if r.Head.Seq < 20000 {
		t.Errorf("only %d entries logged in a year; the simulation is not busy", r.Head.Seq)
	}
	perDay := int(r.Head.Seq) / 365
	if maxEntries > (RetentionDays+2)*perDay*2 {
		t.Errorf("%d entries kept, over %d days' worth", maxEntries, RetentionDays+2)
	}
	if fi.Size() > 8<<20 {
		t.Errorf("display.db is %d bytes after a year", fi.Size())
	}
	if len(r.Summaries) < 300 || len(r.Summaries) > 366 {
		t.Errorf("%d daily summaries", len(r.Summaries))
	}
}
