//go:build !((amd64 || arm64) && !windows)

package boltfile

// initialMap is the map a writer starts with where address space is short
// (32-bit) or where bbolt makes the file as large as its map (Windows):
// room for a store of 100,000 notices.
const initialMap = 256 << 20
