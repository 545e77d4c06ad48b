package store

import (
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"gongkai/atomicfile"
)

// GC removes attachment files no stored item references: those an Apply
// could not remove, or those a failed sync wrote for a version it never
// applied. The caller must not run it while a sync is between writing
// attachments and applying them (package sync serialises the two).
func (s *Store) GC() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	keep := map[string]bool{}
	err := s.eachRecord(func(rec record) {
		for _, a := range rec.Attachments {
			keep[a.SHA256] = true
		}
	})
	if err != nil {
		return fmt.Errorf("store: gc: %w", err)
	}
	if err := s.collectBlobs(keep); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("store: gc: %w", err)
	}
	return nil
}

// Space is how the database file is used.
type Space struct {
	FileSize int64 // bytes of store.db
	Free     int64 // bytes of free pages inside it
}

// CompactionDue reports whether the file is mostly free space and large
// enough for a compaction to be worth it.
func (sp Space) CompactionDue() bool {
	return sp.FileSize >= 8<<20 && sp.Free*2 > sp.FileSize
}

// Space measures the database file. bbolt never shrinks its file: after a
// big feed is replaced by a small one the space stays reserved until
// Compact.
func (s *Store) Space() (Space, error) {
	fi, err := os.Stat(filepath.Join(s.dir, dbFile))
	if err != nil {
		return Space{}, fmt.Errorf("store: space: %w", err)
	}
	s.dbMu.RLock()
	st := s.db.Stats()
	page := int64(s.db.Info().PageSize)
	s.dbMu.RUnlock()
	return Space{FileSize: fi.Size(), Free: int64(st.FreePageN+st.PendingPageN) * page}, nil
}

// Compact copies the database into a new, dense file and swaps it in. It
// waits for running transactions and holds new ones off while it works
// (seconds at kiosk sizes), so call it from housekeeping, not on a hot path.
// The old file stays in place until the new one is complete and synced: a
// crash at any moment leaves one whole database.
func (s *Store) Compact() error {
	s.writeMu.Lock() // no Apply may commit into the file being copied
	defer s.writeMu.Unlock()
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	path := filepath.Join(s.dir, dbFile)
	tmp := path + ".compact"
	os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: s.opt.Timeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	err = bolt.Compact(dst, s.db, 16<<20)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := s.db.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", err)
	}
	renameErr := os.Rename(tmp, path)
	if renameErr == nil {
		renameErr = atomicfile.SyncDir(s.dir)
	}
	// Reopen whichever file is in place now: the compacted one, or the old
	// one if the rename failed.
	db, err := openBolt(path, s.opt)
	if err != nil {
		return fmt.Errorf("store: compact: reopening: %w", err)
	}
	s.db = db
	if renameErr != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", renameErr)
	}
	return nil
}
