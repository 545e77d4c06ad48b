package store

import (
	bolt "go.etcd.io/bbolt"

	"gongkai/boltfile"
)

// releasePages drops the database's pages from this process's mapping
// (boltfile.Release): Open, an Apply or an index build reads most of the
// file, and at 10,000 notices that left some 50 MB of it resident for
// good, though a screen afterwards reads a few pages of records and the
// one notice open.
func (s *Store) releasePages() {
	_ = s.view(func(tx *bolt.Tx) error {
		releaseMapped(tx)
		return nil
	})
}

// releaseMapped is releasePages inside a transaction the caller holds.
var releaseMapped = boltfile.Release
