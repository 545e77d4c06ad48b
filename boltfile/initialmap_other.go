//go:build !((amd64 || arm64) && !windows)

package boltfile

// initialMap is the small map where address space is short (32-bit) or
// where bbolt makes the file as large as its map (Windows).
const initialMap = smallMap
