package boltfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// sound writes a database of a few hundred pages at path.
func sound(t *testing.T, path string) {
	t.Helper()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("b"))
		if err != nil {
			return err
		}
		for i := range 2000 {
			if err := b.Put([]byte{byte(i >> 8), byte(i)}, bytes.Repeat([]byte{byte(i)}, 700)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// TestOpenSortsFailures: damage of every sort is ErrDamaged, found before
// the read-write open (which would die of it in bbolt's own goroutine); a
// held lock is ErrLocked; a sound file opens.
func TestOpenSortsFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(b []byte) []byte
		want   error
	}{
		{"sound", func(b []byte) []byte { return b }, nil},
		{"empty", func([]byte) []byte { return nil }, ErrDamaged},
		{"garbage", func(b []byte) []byte { return bytes.Repeat([]byte("x"), len(b)) }, ErrDamaged},
		{"cut short", func(b []byte) []byte { return b[:len(b)/3] }, ErrDamaged},
		{"pages scrambled", func(b []byte) []byte {
			for i := 16 << 10; i < len(b); i += 97 {
				b[i] ^= 0x5a
			}
			return b
		}, ErrDamaged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.db")
			sound(t, path)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.damage(b), 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := Open(path, Options{Timeout: time.Second})
			if db != nil {
				db.Close()
			}
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Open = %v, want %v", err, tc.want)
			}
			if err == nil {
				return
			}
			aside, err := MoveAside(path, "damaged", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(aside); err != nil {
				t.Errorf("the damaged file is not kept: %v", err)
			}
			if db, err := Open(path, Options{}); err != nil {
				t.Errorf("a new file after MoveAside: %v", err)
			} else {
				db.Close()
			}
		})
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := Open(path, Options{Timeout: 100 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open = %v, want ErrLocked", err)
	}
}

func TestRecover(t *testing.T) {
	run := func() (err error) {
		defer Recover(&err)
		panic("page 7 is not a page")
	}
	if err := run(); !errors.Is(err, ErrDamaged) {
		t.Errorf("Recover gave %v", err)
	}
}

// A database of a few notices is a file of about what it holds, on every
// system: not the size of the writer's map (which Windows would make it),
// nor grown in steps past its content.
func TestFileGrowsWithContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.db")
	sound(t, path) // 2,000 values of 700 bytes: about 1.5 MB of pages
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put([]byte("x"), []byte("y")) })
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 4<<20 {
		t.Errorf("a database of 2,000 small values takes a %d KB file", fi.Size()>>10)
	}
}
