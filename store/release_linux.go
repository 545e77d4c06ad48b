package store

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// releasePages tells the kernel this process need not keep the database's
// pages mapped. Opening with NoFreelistSync walks every page to rebuild
// the freelist, and an Apply or an index build reads most of the file: at
// 10,000 notices that left some 50 MB of the file resident for good, though
// a screen afterwards reads a few pages of records and the one notice open.
// The pages stay in the page cache; the next read maps them again. bbolt
// maps the file read-only and shared and writes with pwrite, so dropping
// the mapping's pages loses nothing.
//
// It runs inside a read transaction, which holds bbolt's mmap lock: the
// mapping cannot be replaced (by a growing write) under the madvise.
func (s *Store) releasePages() {
	_ = s.view(func(tx *bolt.Tx) error {
		releaseMapped(tx)
		return nil
	})
}

// releaseMapped is releasePages inside a transaction the caller holds: a
// read of thousands of scattered records (a search listing every hit)
// calls it as it goes, since each page fault maps a run of pages around
// the one read.
func releaseMapped(tx *bolt.Tx) {
	data, size := tx.DB().Info().Data, tx.Size()
	if data == 0 || size <= 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, data, uintptr(size), syscall.MADV_DONTNEED)
}
