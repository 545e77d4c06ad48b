package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// maxDBProblems caps what bbolt's check may report: one damaged page can
// produce thousands of lines that say nothing more.
const maxDBProblems = 50

// Check verifies the database structure and every item and attachment
// against its hash. It returns a list of problems, one line each, empty
// when sound. The error is for a check that could not run at all.
func (s *Store) Check() ([]string, error) {
	// bbolt's check on a read transaction is only safe with no writer.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var problems []string
	atts := map[string]int64{}
	err := s.view(func(tx *bolt.Tx) error {
		n := 0
		for err := range tx.Check() {
			if n++; n <= maxDBProblems {
				problems = append(problems, "database: "+err.Error())
			}
		}
		if n > maxDBProblems {
			problems = append(problems, fmt.Sprintf("database: %d more problems", n-maxDBProblems))
		}
		problems = append(problems, checkItems(tx, atts)...)
		return nil
	})
	if err != nil {
		return problems, fmt.Errorf("store: check: %w", err)
	}
	sums := make([]string, 0, len(atts))
	for sum := range atts {
		sums = append(sums, sum)
	}
	slices.Sort(sums)
	for _, sum := range sums {
		if p := s.checkBlob(sum, atts[sum]); p != "" {
			problems = append(problems, fmt.Sprintf("attachment %.12s…: %s", sum, p))
		}
	}
	return problems, nil
}

// checkItems compares every item with its hash, its record and the
// manifest, and collects the attachments the records reference.
func checkItems(tx *bolt.Tx, atts map[string]int64) []string {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			add("database: bucket %s is missing", name)
		}
	}
	if len(problems) > 0 {
		return problems
	}
	meta := tx.Bucket(bucketMeta)
	st, err := decodeState(meta.Get(keyState))
	if err != nil {
		add("state: %v", err)
	}
	listed := map[string]string{}
	if raw := meta.Get(keyManifest); raw != nil || st.Version != 0 {
		m, err := feed.ParseManifest(raw)
		switch {
		case err != nil:
			add("manifest: %v", err)
		case feed.Sum(raw) != st.ManifestSum:
			add("manifest: bytes do not match the applied manifest's hash")
		default:
			for _, ref := range m.Items {
				listed[ref.ID] = ref.SHA256
			}
		}
	}
	items, sums, recs, sdocs := tx.Bucket(bucketItems), tx.Bucket(bucketSums), tx.Bucket(bucketRecords), tx.Bucket(bucketSearch)
	_ = items.ForEach(func(k, v []byte) error {
		id := string(k)
		sum := sums.Get(k)
		switch {
		case sum == nil:
			add("item %s: no stored hash", id)
		case feed.Sum(v) != string(sum):
			add("item %s: bytes do not match its hash", id)
		}
		if want, ok := listed[id]; ok && want != string(sum) {
			add("item %s: hash differs from the manifest", id)
		} else if !ok && len(listed) > 0 {
			add("item %s: not in the applied manifest", id)
		}
		rec, err := decodeRecord(recs.Get(k))
		if err != nil {
			add("item %s: record: %v", id, err)
		} else {
			for _, a := range rec.Attachments {
				atts[a.SHA256] = a.Size
			}
		}
		if _, err := decodeSearchDoc(sdocs.Get(k)); err != nil {
			add("item %s: search document: %v", id, err)
		}
		return nil
	})
	for id := range listed {
		if items.Get([]byte(id)) == nil {
			add("item %s: missing", id)
		}
	}
	return problems
}

// checkBlob gives the problem of one attachment file, "" when it is sound.
func (s *Store) checkBlob(sum string, size int64) string {
	p := s.BlobPath(sum)
	if p == "" {
		return "not a SHA-256 name"
	}
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return "missing"
	}
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	switch {
	case err != nil:
		return "unreadable: " + err.Error()
	case n != size:
		return fmt.Sprintf("%d bytes, want %d", n, size)
	case hex.EncodeToString(h.Sum(nil)) != sum:
		return "bytes do not match its hash"
	}
	return ""
}
