//go:build !linux

package boltfile

import bolt "go.etcd.io/bbolt"

// Release is a Linux measure (see release_linux.go).
func Release(*bolt.Tx) {}
