//go:build (amd64 || arm64) && !windows

package boltfile

// initialMap is the map a writer starts with: room for a store of three
// million notices (a million take 2.3 GB). bbolt maps the file read-only
// and shared, so the size is address space, not memory, and the file
// still grows only to what it holds (AllocSize 0, see Open). A map that a
// commit outgrows is replaced, and every page the transaction changed is
// copied to the heap first, once per doubling: at 256 MiB a million-notice
// Apply did that four times, 13–20 % of its time (BENCHMARKS.md, Apply).
// A process limited to less address space (ulimit -v) gets smallMap (open).
const initialMap = 8 << 30
