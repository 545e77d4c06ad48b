package store

import (
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// GC removes attachment files no stored item references: those an Apply
// could not remove, or those a failed sync wrote for a version it never
// applied. The caller must not run it while a sync is between writing
// attachments and applying them (package sync serialises the two).
func (s *Store) GC() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	keep := map[string]bool{}
	err := s.view(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketRecords)
		if recs == nil {
			return nil
		}
		return recs.ForEach(func(k, v []byte) error {
			rec, err := decodeRecord(v)
			if err != nil {
				return fmt.Errorf("item %s: %w", k, err)
			}
			for _, a := range rec.Attachments {
				keep[a.SHA256] = true
			}
			return nil
		})
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
// big feed is replaced by a small one the space stays reserved. Compacting
// means copying into a new file and swapping it in while nothing has the
// database open, which the running kiosk cannot promise; so this only
// measures, and a restart-time compaction can act on it.
func (s *Store) Space() (Space, error) {
	fi, err := os.Stat(filepath.Join(s.dir, dbFile))
	if err != nil {
		return Space{}, fmt.Errorf("store: space: %w", err)
	}
	st := s.db.Stats()
	page := int64(s.db.Info().PageSize)
	return Space{FileSize: fi.Size(), Free: int64(st.FreePageN+st.PendingPageN) * page}, nil
}
