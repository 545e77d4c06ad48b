package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// Apply replaces the stored feed by a verified update in one transaction:
// items, their hashes, records and indexes, the search documents, state.
// Nothing the caller passes is taken on trust: the manifest is parsed again
// from Raw, every item is checked against its reference and decoded against
// the manifest, and every attachment must already be stored (PutBlob). Any
// failure writes nothing. After the commit, attachments no item references
// are removed and subscribers are notified.
func (s *Store) Apply(u Update) (Changes, error) {
	if u.Manifest == nil || u.Manifest.Manifest == nil {
		return Changes{}, errors.New("store: apply: no manifest")
	}
	m, err := feed.ParseManifest(u.Raw)
	if err != nil {
		return Changes{}, fmt.Errorf("store: apply version %d: %w", u.Manifest.Version, err)
	}
	sum := feed.Sum(u.Raw)
	if sum != u.Manifest.Sum || m.Version != u.Manifest.Version || m.FeedID != u.Manifest.FeedID {
		return Changes{}, fmt.Errorf("store: apply version %d: manifest bytes are not the verified manifest", u.Manifest.Version)
	}
	if _, err := m.Location(); err != nil {
		return Changes{}, fmt.Errorf("store: apply version %d: %w", m.Version, err)
	}
	at := u.At
	if at.IsZero() {
		at = time.Now()
	}

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var (
		ch   Changes
		st   State
		keep = map[string]bool{} // attachments of the new items
	)
	err = s.update(func(tx *bolt.Tx) error {
		var err error
		if st, err = readState(tx); err != nil {
			return err
		}
		switch {
		case m.Version < st.Version:
			return fmt.Errorf("%w: stored version is %d", feed.ErrRollback, st.Version)
		case m.Version == st.Version && sum != st.ManifestSum:
			return fmt.Errorf("%w: stored manifest %.12s differs", feed.ErrFork, st.ManifestSum)
		}
		a := applier{tx: tx, s: s, m: m, u: &u, keep: keep}
		if ch, err = a.items(); err != nil {
			return err
		}
		old := st
		st.FeedID, st.Title, st.Version, st.ManifestSum = m.FeedID, m.Title, m.Version, sum
		st.IssuedAt, st.Expires, st.Timezone = m.IssuedAt, m.Expires, m.Timezone
		st.Categories, st.Locations = m.Categories, m.Locations
		st.TrustedTime = old.TrustedTime
		if m.IssuedAt.After(st.TrustedTime) {
			st.TrustedTime = m.IssuedAt
		}
		st.LastSuccess, st.LastAttempt, st.LastError = at, at, ""
		st.Source, st.BytesFetched = u.Source, u.Fetched
		if err := tx.Bucket(bucketMeta).Put(keyManifest, u.Raw); err != nil {
			return err
		}
		return writeState(tx, st)
	})
	if err != nil {
		return Changes{}, fmt.Errorf("store: apply version %d: %w", m.Version, err)
	}

	s.mu.Lock()
	warm := s.idx != nil
	s.idx = nil
	s.gen++
	s.mu.Unlock()
	s.setState(st)
	if warm {
		// Someone searches on this screen: have the index ready before
		// they type again.
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			_, _ = s.index()
		}()
	}
	// The items are committed; a failed removal only leaves an unused file,
	// which the next Apply tries again.
	_ = s.collectBlobs(keep)
	s.notify()
	return ch, nil
}

// applier is the state of one Apply transaction.
type applier struct {
	tx   *bolt.Tx
	s    *Store
	m    *feed.Manifest
	u    *Update
	keep map[string]bool
}

type pending struct {
	ref feed.ItemRef
	raw []byte
	it  *feed.Item
}

// items checks every item of the manifest before writing any, then writes
// what changed and removes what is gone.
func (a *applier) items() (Changes, error) {
	items, sums := a.tx.Bucket(bucketItems), a.tx.Bucket(bucketSums)
	var ch Changes
	var writes []pending
	listed := make(map[string]bool, len(a.m.Items))
	for _, ref := range a.m.Items {
		listed[ref.ID] = true
		old := sums.Get([]byte(ref.ID))
		unchanged := string(old) == ref.SHA256
		raw, fetched := a.u.Items[ref.SHA256]
		if !fetched {
			if !unchanged {
				return ch, fmt.Errorf("item %s (%.12s) was neither fetched nor stored", ref.ID, ref.SHA256)
			}
			raw = items.Get([]byte(ref.ID))
		}
		if err := feed.CheckObject(raw, ref.Object); err != nil {
			return ch, fmt.Errorf("item %s: %w", ref.ID, err)
		}
		it, err := feed.DecodeItem(raw, ref, a.m)
		if err != nil {
			return ch, err
		}
		for _, att := range it.Attachments {
			if !a.s.HasBlob(att.SHA256) {
				return ch, fmt.Errorf("item %s: attachment %q (%.12s) is not stored", ref.ID, att.Name, att.SHA256)
			}
			a.keep[att.SHA256] = true
		}
		switch {
		case old == nil:
			ch.Added++
		case !unchanged:
			ch.Changed++
		default:
			continue
		}
		writes = append(writes, pending{ref, raw, it})
	}
	var gone []string
	err := sums.ForEach(func(k, _ []byte) error {
		if !listed[string(k)] {
			gone = append(gone, string(k))
		}
		return nil
	})
	if err != nil {
		return ch, err
	}
	ch.Removed = len(gone)
	for _, id := range gone {
		if err := a.remove(id); err != nil {
			return ch, fmt.Errorf("remove item %s: %w", id, err)
		}
	}
	for _, w := range writes {
		if err := a.remove(w.ref.ID); err != nil {
			return ch, fmt.Errorf("replace item %s: %w", w.ref.ID, err)
		}
		if err := a.put(w); err != nil {
			return ch, fmt.Errorf("write item %s: %w", w.ref.ID, err)
		}
	}
	return ch, nil
}

// indexKeys lists the index entries of an item: bucket and key.
func indexKeys(sum *Summary) [][2][]byte {
	until := string(sum.ValidUntil)
	if until == "" {
		until = openEnd
	}
	keys := [][2][]byte{
		{bucketByCategory, indexKey(sum.Category, sum.ID)},
		{bucketByUntil, indexKey(until, sum.ID)},
	}
	for _, l := range sum.Locations {
		keys = append(keys, [2][]byte{bucketByLocation, indexKey(l, sum.ID)})
	}
	return keys
}

// remove deletes an item and its index entries, found through its old
// record (a missing or unreadable record leaves stale index entries, which
// queries skip because the record is gone).
func (a *applier) remove(id string) error {
	key := []byte(id)
	if v := a.tx.Bucket(bucketRecords).Get(key); v != nil {
		if rec, err := decodeRecord(v); err == nil && rec.ID == id {
			for _, k := range indexKeys(&rec.Summary) {
				if err := a.tx.Bucket(k[0]).Delete(k[1]); err != nil {
					return err
				}
			}
		}
	}
	for _, b := range [][]byte{bucketItems, bucketSums, bucketRecords, bucketSearch} {
		if err := a.tx.Bucket(b).Delete(key); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) put(w pending) error {
	key := []byte(w.ref.ID)
	rec := record{Summary: summaryOf(w.it)}
	for _, att := range w.it.Attachments {
		rec.Attachments = append(rec.Attachments, objectRef{att.SHA256, att.Size})
	}
	recBytes, err := encodeRecord(rec)
	if err != nil {
		return err
	}
	sd := encodeSearchDoc(newSearchDoc(w.it.Title, w.it.Agency, w.it.DocNo, w.it.Body))
	// bbolt keeps the value slices until commit; raw may be a slice of
	// the items bucket itself, so copy it.
	puts := [][3][]byte{
		{bucketItems, key, bytes.Clone(w.raw)},
		{bucketSums, key, []byte(w.ref.SHA256)},
		{bucketRecords, key, recBytes},
		{bucketSearch, key, sd},
	}
	for _, k := range indexKeys(&rec.Summary) {
		puts = append(puts, [3][]byte{k[0], k[1], {}})
	}
	for _, p := range puts {
		if err := a.tx.Bucket(p[0]).Put(p[1], p[2]); err != nil {
			return err
		}
	}
	return nil
}

func summaryOf(it *feed.Item) Summary {
	pri := it.Priority
	if pri == "" {
		pri = feed.PriorityNormal
	}
	return Summary{
		ID: it.ID, Title: it.Title, Category: it.Category, Agency: it.Agency, DocNo: it.DocNo,
		Published: it.Published, ValidFrom: it.ValidFrom, ValidUntil: it.ValidUntil,
		PostingDays: it.PostingDays, Priority: pri, Normative: it.Normative,
		Withdrawn: it.Withdrawn, Locations: append([]string(nil), it.Locations...),
	}
}

// ItemSums maps every stored item id to the SHA-256 of its object, so sync
// fetches only what changed. An item whose stored bytes no longer match is
// left out, so the next sync fetches it again and the store heals.
func (s *Store) ItemSums() (map[string]string, error) {
	out := map[string]string{}
	err := s.view(func(tx *bolt.Tx) error {
		items, sums := tx.Bucket(bucketItems), tx.Bucket(bucketSums)
		if items == nil || sums == nil {
			return nil
		}
		return sums.ForEach(func(k, v []byte) error {
			if raw := items.Get(k); raw != nil && feed.Sum(raw) == string(v) {
				out[string(k)] = string(v)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: item sums: %w", err)
	}
	return out, nil
}
