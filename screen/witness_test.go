package screen

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"gongkai/demo"
	"gongkai/proof"
	"gongkai/store"
)

// The window shows its first slide before the display log opens: the relay
// hands it over at attach, and stops at detach.
func TestSlideRelayKeepsTheSlideUntilTheLogOpens(t *testing.T) {
	data := t.TempDir()
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	log, err := proof.Open(data, key, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	var r slideRelay
	r.show("a") // before the log
	r.attach(log)
	clock = clock.Add(20 * time.Second)
	r.show("b")
	clock = clock.Add(10 * time.Second)
	r.attach(nil)
	r.show("a") // after: not counted
	clock = clock.Add(time.Hour)
	recs, err := log.Records()
	if err != nil {
		t.Fatal(err)
	}
	ev := proof.NewEvidence(recs)
	if a, b := ev.Items["a"], ev.Items["b"]; a == nil || b == nil || a.OnScreenSeconds != 20 || b.OnScreenSeconds != 10 {
		t.Errorf("on screen a %+v, b %+v; want 20 s and 10 s (up to the detach)", a, b)
	}
}

// The heartbeat records the notices available again only when they may
// have changed, and a sync that takes one away ends its time at the next
// heartbeat.
func TestWitnessFollowsASync(t *testing.T) {
	data, cfg, st := demoScreen(t)
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	log, err := proof.Open(data, key, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	if err := log.ProgramUp(); err != nil {
		t.Fatal(err)
	}
	var last shownSet
	beat := func(st *store.Store) {
		t.Helper()
		if err := witness(log, cfg, st, &last); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(witnessEvery)
	}
	available := func() map[string]int64 {
		t.Helper()
		recs, err := log.Records()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for id, it := range proof.NewEvidence(recs).Items {
			out[id] = it.AvailableSeconds
		}
		return out
	}
	beat(st)
	beat(st) // nothing changed
	before := available()
	ids, err := st.VisibleIDs(cfg.Location, st.Now(time.Now()))
	if err != nil || len(ids) < 2 || len(before) != len(ids) {
		t.Fatalf("%d notices available, %d visible (%v)", len(before), len(ids), err)
	}
	gone, kept := ids[0], ids[1]
	// counted to the log's clock, a heartbeat after the second
	if before[gone] != 60 || before[kept] != 60 {
		t.Fatalf("after two heartbeats: %s %d s, %s %d s; want 60 s each", gone, before[gone], kept, before[kept])
	}

	// the township takes gone off the feed; the screen syncs
	src := filepath.Join(t.TempDir(), "src")
	if err := os.CopyFS(src, os.DirFS("../assets/demo")); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(src, "items", "*", gone+".md"))
	if len(files) != 1 {
		t.Fatalf("no source file for %s: %v", gone, files)
	}
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := demo.InstallFrom(t.Context(), data, os.DirFS(src), nil); err != nil {
		t.Fatal(err)
	}
	st2, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	beat(st2)
	beat(st2)
	after := available()
	if after[gone] != 60 || after[kept] != 120 {
		t.Errorf("after the sync: %s %d s (want 60: ended at the first heartbeat after it), %s %d s (want 120)", gone, after[gone], kept, after[kept])
	}
}
