package sync

import (
	"os"
	"strings"
	"testing"
	"time"

	"gongkai/sync/synctest"
)

// An attachment that Check would report (deleted, cut short, altered) is
// fetched again by the next sync, also when the feed is unchanged and when
// a new version lists the same attachment, and status says so (issue 22).
func TestSyncRepairsDamagedAttachments(t *testing.T) {
	damages := []struct {
		name string
		do   func(path string)
	}{
		{"deleted", func(p string) { os.Remove(p) }},
		{"cut short", func(p string) { os.Truncate(p, 4) }},
		{"altered in place", func(p string) {
			f, _ := os.OpenFile(p, os.O_WRONLY, 0)
			f.WriteAt([]byte("XX"), 3)
			f.Close()
			os.Chtimes(p, time.Now(), time.Now().Add(time.Minute))
		}},
	}
	for _, d := range damages {
		for _, next := range []string{"unchanged", "new version listing it"} {
			t.Run(d.name+", "+next, func(t *testing.T) {
				f := newFixture(t)
				f.mustSync(t, f.v1)
				m1 := synctest.ReadManifest(t, f.v1)
				att := m1.Attachments[0]
				d.do(f.st.BlobPath(att.SHA256))
				if problems, _ := f.st.Check(); len(problems) == 0 {
					t.Fatal("Check does not see the damage")
				}
				src, want := f.v1, int64(1)
				if next != "unchanged" {
					src = f.v2 // lists land-001's map again, and adds a CSV
				}
				res, err := f.sync(t, src, Options{})
				if err != nil {
					t.Fatalf("sync: %v", err)
				}
				if res.Repaired != int(want) || res.Unchanged != (next == "unchanged") {
					t.Errorf("sync: %+v, want %d repaired", res, want)
				}
				if problems, err := f.st.Check(); err != nil || len(problems) > 0 {
					t.Errorf("Check after the sync: %v %q", err, problems)
				}
				st, _ := f.st.State()
				if st.Repaired != 1 || st.LastRepair.IsZero() || st.LastError != "" {
					t.Errorf("state: repaired %d at %s, last error %q", st.Repaired, st.LastRepair, st.LastError)
				}
				// Sound now: the sync after that has nothing to mend.
				if res, err := f.sync(t, src, Options{}); err != nil || res.Repaired != 0 {
					t.Errorf("next sync: %+v, %v", res, err)
				}
			})
		}
	}
}

// A damaged attachment the source cannot give again fails the sync with a
// reason in status; the content stays as it was.
func TestSyncRepairFromASourceWithoutTheObject(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	att := synctest.ReadManifest(t, f.v1).Attachments[0]
	os.Remove(f.st.BlobPath(att.SHA256))
	src := f.copyOf(t, f.v1)
	os.Remove(objectFile(src, att))
	_, err := f.sync(t, src, Options{})
	if err == nil || !strings.Contains(err.Error(), "repairing a damaged attachment") {
		t.Fatalf("sync: %v, want a failed repair", err)
	}
	st, _ := f.st.State()
	if st.Version != 1 || !strings.Contains(st.LastError, "repairing") {
		t.Errorf("state: version %d, last error %q", st.Version, st.LastError)
	}
	if res := f.mustSync(t, f.v1); res.Repaired != 1 {
		t.Errorf("sync from a source that has it: %+v", res)
	}
}
