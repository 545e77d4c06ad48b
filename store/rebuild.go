package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// rebuild makes every derived bucket (layout.go) again from the stored
// items, in tx: records, indexes, ordinals, search documents, posting
// lists. An item whose bytes no longer match their hash is left out of
// them; ItemSums leaves it out too, so the next sync fetches it again.
//
// It serves an older schema (on open), damage Check found in derived
// records (Repair, run by the next sync), an Apply that met a damaged
// derived entry, and ordinals running out after billions of changes.
func rebuild(tx *bolt.Tx) error {
	// Decode every sound item before writing anything: until the first
	// write the item bytes can stay bbolt memory.
	writes, err := derive(tx)
	if err != nil {
		return err
	}
	for _, name := range derivedBuckets {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
			return err
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	edits := newPostingEdits()
	postings := tx.Bucket(bucketPostings)
	dated := inPublishedOrder(writes)
	var next ordinal
	for _, w := range dated {
		if w.p.err == nil && w.p.doc != nil {
			w.p.ord = next
			next++
		}
	}
	// the signed bytes of an item left out no longer decode: refetched
	// like damaged bytes
	kept := slices.DeleteFunc(writes, func(w pending) bool { return w.p.err != nil })
	a := &applier{tx: tx}
	err = markBeside(dated, edits, func() error { return edits.write(postings) }, func() error { return a.put(kept, false) })
	if err != nil {
		return err
	}
	if err := edits.write(postings); err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyOrdinal, ordinalKey(next))
}

// derive decodes every stored item whose bytes match their hash, on all
// cores, and works out what is derived from it (prepared.encode). An item
// that no longer decodes has its err set.
func derive(tx *bolt.Tx) (writes []pending, err error) {
	items, sums := tx.Bucket(bucketItems), tx.Bucket(bucketSums)
	if items == nil || sums == nil {
		return nil, fmt.Errorf("%w: items are missing", ErrDamaged)
	}
	err = items.ForEach(func(k, v []byte) error {
		if sum := sums.Get(k); sum != nil && feed.Sum(v) == string(sum) {
			ref := feed.ItemRef{ID: string(k), Object: feed.Object{SHA256: string(sum), Size: int64(len(v))}}
			writes = append(writes, pending{ref: ref, p: &prepared{raw: v}})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	defer recoverDamage(&err)
	parallel(len(writes), func(i int) {
		p := writes[i].p
		if p.decode(writes[i].ref, nil); p.err == nil {
			p.encode()
		}
	})
	return writes, nil
}

// repairFile marks a store whose derived records Check found damaged. Check
// may run read-only (the database cannot record it), so the mark is a file
// beside the database; Repair, at the next sync, rebuilds and removes it.
const repairFile = dbFile + ".rebuild"

// markRepair asks the next Repair to rebuild. It is best effort: in a
// read-only directory the damage stays reported by Check, and the daily
// housekeeping (which runs Check, then Repair, in the writing process)
// rebuilds it there.
func (s *Store) markRepair() {
	_ = os.WriteFile(filepath.Join(s.dir, repairFile), nil, 0o644)
}

// Repair rebuilds every derived record from the stored items when Check
// found some of them damaged (in this process or another), and tells
// whether it did. Sync runs it before each run; it costs a file lookup
// when there is nothing to do.
func (s *Store) Repair() (bool, error) {
	mark := filepath.Join(s.dir, repairFile)
	if _, err := os.Stat(mark); err != nil {
		return false, nil
	}
	if s.opt.ReadOnly {
		return false, nil
	}
	if err := s.Rebuild(); err != nil {
		return false, err
	}
	if err := os.Remove(mark); err != nil && !os.IsNotExist(err) {
		return true, fmt.Errorf("store: repair: %w", err)
	}
	return true, nil
}

// Rebuild makes every derived record again from the stored items, in one
// transaction.
func (s *Store) Rebuild() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.update(rebuild); err != nil {
		return fmt.Errorf("store: rebuild: %w", err)
	}
	s.mu.Lock()
	s.gen++
	s.mu.Unlock()
	s.releasePages()
	s.notify()
	return nil
}
