package boltfile

// initialMap is bbolt's own start on Windows, a map that grows with the
// file: there bbolt makes the file as large as its map, so the 256 MiB
// smallMap made every store and display log of a few notices a 256 MiB
// file, and the large map would make it 8 GiB. A map the file outgrows is
// replaced, which costs a large first sync a copy of its changed pages
// each time the file doubles (BENCHMARKS.md, Apply): time once, not disk
// for good.
const initialMap = 0
