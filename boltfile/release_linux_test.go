package boltfile

import (
	"os"
	"path/filepath"
	"testing"
)

// A read-write open walks every page (the freelist is rebuilt, and the
// probe before it reads them all); afterwards the file's pages are not
// resident in the process: a display log a kiosk keeps open all day held
// tens of megabytes of pages it never reads again.
func TestWriterOpenLeavesFewPagesResident(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	sound(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kb, err := ResidentKB(path)
	if err != nil {
		t.Skip("no /proc/self/smaps:", err)
	}
	if kb > 64 {
		t.Errorf("after a read-write open %d KB of the %d KB file resident", kb, fi.Size()/1024)
	}
}
