//go:build !(amd64 || arm64) && !windows

package boltfile

// initialMap is the small map where address space is short (32-bit).
const initialMap = smallMap
