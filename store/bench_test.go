package store

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/bench/corpus"
	"gongkai/boltfile"
	"gongkai/feed"
)

// The generated corpus of township notices (bench/corpus, shared with the
// SQLite FTS5 peer in bench/fts5), the same on every run (fixed seed), so
// numbers compare between runs.

func benchVillageCode(i int) string { return corpus.Village(i) }

func genItems(n int, seed uint64) []feed.Item {
	notices := corpus.Notices(n, seed)
	items := make([]feed.Item, len(notices))
	for i, c := range notices {
		items[i] = feed.Item{
			ID: c.ID, Title: c.Title, Category: c.Category, Agency: c.Agency, DocNo: c.DocNo,
			Published: feed.Date(c.Published), ValidFrom: feed.Date(c.ValidFrom), ValidUntil: feed.Date(c.ValidUntil),
			Locations: c.Locations, Withdrawn: c.Withdrawn, Priority: c.Priority, Body: c.Body,
		}
	}
	return items
}

// benchStore is a store holding the 100,000-item corpus, built once per
// machine and layout and kept in the temp dir (building it takes most of a
// minute).
var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func corpusStore(b *testing.B) *Store {
	benchOnce.Do(func() {
		benchDir = filepath.Join(os.TempDir(), "gongkai-store-bench-"+strings.ReplaceAll(schemaVersion, "/", "-"))
		if _, err := os.Stat(filepath.Join(benchDir, "complete")); err == nil {
			return
		}
		os.RemoveAll(benchDir)
		s, err := Open(benchDir, Options{})
		if err != nil {
			benchErr = err
			return
		}
		p := newPublisher(b)
		if _, benchErr = s.Apply(p.next(b, genItems(100_000, 7))); benchErr == nil {
			benchErr = os.WriteFile(filepath.Join(benchDir, "complete"), nil, 0o644)
		}
		s.Close()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	s, err := Open(benchDir, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkSearch(b *testing.B) {
	s := corpusStore(b)
	screen, now := benchVillageCode(0), at(2026, 3, 1, 12, 0)
	groups := corpus.Queries
	// every query's full hit count, for scripts/bench.sh to check against
	// the brute-force reference of bench/fts5
	for _, g := range groups {
		for _, q := range g.Queries {
			h, err := s.Search(q, screen, now, 0)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("query-hits\t%s\t%s\t%d", g.Name, q, len(h))
		}
	}
	for _, limit := range []int{20, 0} {
		for _, g := range groups {
			b.Run(fmt.Sprintf("%s/limit=%d", g.Name, limit), func(b *testing.B) {
				var wall []time.Duration
				hits, i := 0, 0
				for b.Loop() {
					q := g.Queries[i%len(g.Queries)]
					i++
					t0 := time.Now()
					h, err := s.Search(q, screen, now, limit)
					wall = append(wall, time.Since(t0))
					if err != nil {
						b.Fatal(err)
					}
					hits += len(h)
				}
				pct := func(d []time.Duration, p float64) float64 {
					slices.Sort(d)
					return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
				}
				b.ReportMetric(pct(wall, 0.50), "p50-ms")
				b.ReportMetric(pct(wall, 0.99), "p99-ms")
				b.ReportMetric(float64(hits)/float64(len(wall)), "hits/op")
			})
		}
	}
}

// benchUpdate is 10,000 items as sync hands them to Apply: checked and
// decoded as they were fetched (the raw puts get the same bytes).
func benchUpdate(b *testing.B) (Update, []feed.Item) {
	items := genItems(10_000, 11)
	return synced(b, newPublisher(b).next(b, items)), items
}

func BenchmarkApply10k(b *testing.B) {
	u, _ := benchUpdate(b)
	for b.Loop() {
		b.StopTimer()
		s, err := Open(b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Apply(u); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkRawPut10k is the floor Apply is measured against: the same item
// bytes put into bbolt in one transaction, no checks and no indexes, with
// the store's options (boltfile.Bolt) and bbolt's defaults otherwise.
func BenchmarkRawPut10k(b *testing.B) {
	u, _ := benchUpdate(b)
	puts := make([]benchPut, len(u.Manifest.Items))
	for i, ref := range u.Manifest.Items {
		puts[i] = benchPut{bucketItems, []byte(ref.ID), u.Checked[ref.SHA256].Bytes()}
	}
	putAll(b, puts)
}

// BenchmarkApplyBytes10k puts the bytes a 10,000-item Apply leaves in the
// store, bucket by bucket in key order, with nothing worked out: what
// writing them costs bbolt, the part of Apply no faster code can remove.
// "all" is every bucket; "unsearched" leaves out the search index (docs,
// postings, ordinals, ids). BENCHMARKS.md, Apply, compares both with
// RawPut10k.
func BenchmarkApplyBytes10k(b *testing.B) {
	u, _ := benchUpdate(b)
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Apply(u); err != nil {
		b.Fatal(err)
	}
	search := [][]byte{bucketDocs, bucketPostings, bucketOrdinals, bucketIDs}
	var all, unsearched []benchPut
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			return bk.ForEach(func(k, v []byte) error {
				p := benchPut{slices.Clone(name), slices.Clone(k), slices.Clone(v)}
				all = append(all, p)
				if !slices.ContainsFunc(search, func(s []byte) bool { return string(s) == string(name) }) {
					unsearched = append(unsearched, p)
				}
				return nil
			})
		})
	})
	s.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("all", func(b *testing.B) { putAll(b, all) })
	b.Run("unsearched", func(b *testing.B) { putAll(b, unsearched) })
}

type benchPut struct{ bucket, key, value []byte }

// putAll times putting puts into a new bbolt file with the store's options
// in one transaction.
func putAll(b *testing.B, puts []benchPut) {
	for b.Loop() {
		b.StopTimer()
		db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, boltfile.Bolt(boltfile.Options{Timeout: 5 * time.Second}))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		err = db.Update(func(tx *bolt.Tx) error {
			for _, p := range puts {
				bk, err := tx.CreateBucketIfNotExists(p.bucket)
				if err != nil {
					return err
				}
				if err := bk.Put(p.key, p.value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
