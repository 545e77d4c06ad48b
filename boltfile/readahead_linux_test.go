package boltfile

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// A read-write open of a file that is not in the page cache reads it in
// order first: the walks through its pages that follow (the probe, bbolt's
// freelist rebuild) must not fault them in one 4 KiB page at a time, which
// made a kiosk with 100,000 notices wait 8 s for its first frame.
func TestOpenReadsAnUncachedFileInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for n := range 8 { // 8 × 2,000 values of 700 bytes: some 16 MB
		err = db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("b"))
			if err != nil {
				return err
			}
			for i := range 2000 {
				if err := b.Put([]byte{byte(n), byte(i >> 8), byte(i)}, bytes.Repeat([]byte{byte(i)}, 700)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	pages := fi.Size() / 4096

	// out of the page cache (the file's pages are clean after the close)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// x/sys spells the call for each architecture (32-bit ARM has no
	// SYS_FADVISE64, and passes its arguments in another order)
	err = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	f.Close()
	if err != nil {
		t.Skip("fadvise:", err)
	}

	var r1, r2 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	db, err = Open(path, Options{})
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r2)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if major := int64(r2.Majflt - r1.Majflt); major > pages/8 { // int32 on 32-bit ARM
		t.Errorf("the open took %d major page faults for a file of %d pages", major, pages)
	}
}
