package store

import (
	"os"
	"path/filepath"
	"testing"

	"gongkai/boltfile"
)

// mappedKB is how much of the file at path this process has resident.
func mappedKB(t *testing.T, path string) int {
	t.Helper()
	kb, err := boltfile.ResidentKB(path)
	if err != nil {
		t.Skip("no /proc/self/smaps:", err)
	}
	return kb
}

// After Open (whose freelist walk reads every page) and after Apply, the
// database's pages are no longer resident in this process; a read brings
// back only what it reads.
func TestOpenAndApplyLeaveFewPagesResident(t *testing.T) {
	s, dir := openTemp(t)
	mustApply(t, s, newPublisher(t).next(t, genItems(2000, 7)))
	path := dir + "/" + dbFile
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if kb := mappedKB(t, path); kb > 64 {
		t.Errorf("after Apply %d KB of the %d KB file resident", kb, fi.Size()/1024)
	}
	s.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if kb := mappedKB(t, path); kb > 64 {
		t.Errorf("after Open %d KB of the %d KB file resident", kb, fi.Size()/1024)
	}
	// the pages come back when read: nothing is lost
	if _, err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if kb := mappedKB(t, path); kb < 64 {
		t.Errorf("after a Check reading every item only %d KB resident: is smaps read right?", kb)
	}
}

// A walk through every hit (Find) maps pages ahead of it, but keeps no
// more of them than its budget: the rest were released as it went.
func TestFindKeepsFewPagesResident(t *testing.T) {
	s, dir := openTemp(t)
	mustApply(t, s, newPublisher(t).next(t, genItems(6000, 7)))
	defer func(b uintptr) { aheadBudget = b }(aheadBudget)
	aheadBudget = 64 << 10
	loc, now := benchVillageCode(0), at(2026, 3, 1, 12, 0)
	hits, err := s.Find("关于", loc, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 1000 {
		t.Fatalf("%d hits: want a query that lists most of the store", len(hits))
	}
	if kb := mappedKB(t, filepath.Join(dir, dbFile)); kb > 3*aheadRun/1024 {
		t.Errorf("after listing %d hits %d KB of the file resident, budget %d KB", len(hits), kb, aheadBudget/1024)
	}
}
