// Package boltfile opens the program's bbolt files — the store's store.db
// and the display log's display.db — one way: an open timeout, the map
// freelist not synced to disk (never NoSync), a read-only probe of every
// page before a read-write open, and every failure sorted into locked,
// damaged or other. A damaged file is the caller's to move aside
// (MoveAside): both files are rebuilt, a store from its feed, a display
// log as a new chain, and the damaged one is kept for a person to look at.
package boltfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"gongkai/diskerr"
)

// Errors a caller can act on.
var (
	// ErrDamaged: the file's content is not a sound database.
	ErrDamaged = errors.New("damaged")
	// ErrLocked: another process holds the file (Options.Timeout passed).
	ErrLocked = errors.New("database is locked by another process")
)

// Options of Open.
type Options struct {
	Timeout  time.Duration // waiting for another process's lock; 5 s when zero
	ReadOnly bool
}

// Open opens (creating if needed, unless read-only) the bbolt file at path.
// An empty file, content bbolt rejects, and a page that faults or panics
// while every page is read are ErrDamaged; a lock held past the timeout is
// ErrLocked; a read-only or unreadable directory is neither.
func Open(path string, opt Options) (*bolt.DB, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = 5 * time.Second
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		// bbolt would quietly make a new database of an empty file, and
		// the screen would go blank without a word. An empty file is a
		// cut-off write (a power cut during creation, a full disk, a copy
		// gone wrong): damage like any other.
		return nil, fmt.Errorf("%w: the file is empty", ErrDamaged)
	}
	if !opt.ReadOnly {
		if err := probe(path, opt); err != nil {
			return nil, err
		}
	}
	return open(path, opt)
}

// Recover, deferred with the error a transaction returns, turns a bbolt
// panic (which a damaged page can cause) into an error wrapping ErrDamaged.
// Defer it itself (defer boltfile.Recover(&err)): called from another
// deferred function it recovers nothing.
func Recover(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrDamaged, r)
	}
}

// MoveAside renames path to path.<why>-<UTC time>, keeping it for a person
// to look at; the next Open starts an empty file. It returns the new name.
func MoveAside(path, why string, now time.Time) (string, error) {
	aside := path + "." + why + "-" + now.UTC().Format("20060102T150405.000Z")
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("moving %s aside: %w", path, err)
	}
	return aside, nil
}

// probe reads every page of an existing database, read-only, in this
// goroutine, before the read-write open. A read-write open rebuilds the
// freelist by walking the file on a goroutine of bbolt's own, where a
// damaged page (a truncated file, scrambled pages) faults or panics beyond
// any recover and kills the program. Here the same walk runs where a fault
// becomes an error (debug.SetPanicOnFault), so damage turns into
// ErrDamaged and the caller can move the file aside.
func probe(path string, opt Options) (err error) {
	if _, err := os.Stat(path); err != nil {
		return nil // nothing there yet: bbolt creates it
	}
	readAhead(path)
	ro := opt
	ro.ReadOnly = true
	db, err := open(path, ro)
	if err != nil {
		return err
	}
	defer db.Close()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer Recover(&err)
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walkBucket(b) })
	})
	if err != nil && !errors.Is(err, ErrDamaged) {
		err = fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return err
}

// readAhead reads the file from start to end, so that the walks through
// it that follow (the probe's, then bbolt's freelist rebuild) find its
// pages in the page cache. bbolt maps the file for random access
// (MADV_RANDOM): walking a file that is not cached faults its pages in one
// by one, in tree order, which for a 233 MB store of 100,000 notices took
// 7.8 s, against 0.3 s to read it in order (BENCHMARKS.md, open). Errors
// are left to the walks, which sort them.
func readAhead(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if _, err := f.Read(buf); err != nil {
			return
		}
	}
}

// walkBucket touches every key and value of b and its nested buckets.
func walkBucket(b *bolt.Bucket) error {
	var sink byte
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if nb := b.Bucket(k); nb != nil {
				return walkBucket(nb)
			}
			return nil
		}
		for i := 0; i < len(v); i += 512 {
			sink ^= v[i] // reading is the point: a page past the file's end faults here
		}
		_ = sink
		return nil
	})
}

// open opens the file, sorting its failures into the ones a caller can
// act on: locked, damaged, or anything else (permissions, disk).
func open(path string, opt Options) (db *bolt.DB, err error) {
	defer func() {
		// A file with sound meta pages but garbage behind them can make
		// bbolt panic; to us that is a damaged file.
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %v", ErrDamaged, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, Bolt(opt))
	if errors.Is(err, syscall.ENOMEM) && !opt.ReadOnly && initialMap > smallMap {
		// An address-space limit (ulimit -v, a prlimit'ed kiosk) below
		// the large map: start from the small one, as bbolt would.
		o := Bolt(opt)
		o.InitialMmapSize = smallMap
		db, err = bolt.Open(path, 0o600, o)
	}
	switch {
	case err == nil:
		if !opt.ReadOnly {
			// With the large initial map (see Bolt), bbolt would grow the
			// file in 16 MB steps past what it holds; grow it to size.
			db.AllocSize = 0
			// The freelist walk of the open mapped every page.
			_ = db.View(func(tx *bolt.Tx) error { Release(tx); return nil })
		}
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %v", ErrLocked, err)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrNotExist), diskerr.ReadOnly(err),
		errors.Is(err, syscall.ENOMEM):
		// The file may be perfectly sound: a read-only data directory, or
		// a process short of memory or address space for the map, is not
		// damage, and the caller must not try to move it aside.
		return nil, err
	default:
		// Other failures of a file we could open and lock come from its
		// content (a truncated file fails mmap or page-size detection).
		if _, statErr := os.Stat(path); statErr == nil {
			return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
		}
		return nil, err
	}
}

// smallMap is the map a writer starts with where the large one cannot be
// had (initialmap_*.go): room for a store of 100,000 notices.
const smallMap = 256 << 20

// Bolt is the bbolt options of every file (and of the raw-put baseline the
// store's Apply benchmark is measured against).
func Bolt(opt Options) *bolt.Options {
	o := &bolt.Options{
		Timeout:        opt.Timeout,
		NoFreelistSync: true, // the freelist is rebuilt on open: fewer writes per commit
		FreelistType:   bolt.FreelistMapType,
		ReadOnly:       opt.ReadOnly,
	}
	if !opt.ReadOnly {
		// A writer that outgrows its map copies every page its transaction
		// changed and maps again, each time the file doubles: a fifth of
		// a large Apply. Address space, not memory: pages are read in as
		// they are used.
		o.InitialMmapSize = initialMap
	}
	return o
}
