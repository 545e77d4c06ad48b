//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// releasePages is a Linux measure (see release_linux.go).
func (s *Store) releasePages() {}

func releaseMapped(*bolt.Tx) {}

// ahead is a Linux measure (see release_linux.go).
type ahead struct{ tx *bolt.Tx }

func (a *ahead) at([]byte) {}
