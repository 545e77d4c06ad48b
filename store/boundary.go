package store

import (
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"
)

// NextChange is the first instant after after at which some stored item
// becomes valid (the start of its valid_from day) or expires (the end of
// its valid_until day), in the feed's time zone, so a screen can redraw
// exactly then instead of at its next sync. It looks at every item, not
// only this screen's: a needless redraw costs nothing, a missed one shows
// an expired notice. ok is false when no item has a boundary ahead.
func (s *Store) NextChange(after time.Time) (next time.Time, ok bool, err error) {
	tz := s.Location()
	t := after.Unix()
	best := int64(math.MaxInt64)
	err = s.eachRecord(func(rec record) {
		from, until, valid := validity(&rec.Summary, tz)
		if !valid || rec.Withdrawn != "" {
			return
		}
		for _, b := range [2]int64{from, until} {
			if b > t && b < best && b != math.MinInt64 && b != math.MaxInt64 {
				best = b
			}
		}
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next change: %w", err)
	}
	if best == math.MaxInt64 {
		return time.Time{}, false, nil
	}
	return time.Unix(best, 0).In(tz), true, nil
}

// Summaries returns the summary of every stored item, by id, whatever its
// location or validity: what a preview of an update compares against.
func (s *Store) Summaries() (map[string]Summary, error) {
	out := map[string]Summary{}
	err := s.eachRecord(func(rec record) { out[rec.ID] = rec.Summary })
	if err != nil {
		return nil, fmt.Errorf("store: summaries: %w", err)
	}
	return out, nil
}

func (s *Store) eachRecord(fn func(record)) error {
	return s.view(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketRecords)
		if recs == nil {
			return nil
		}
		return recs.ForEach(func(k, v []byte) error {
			rec, err := decodeRecord(v)
			if err != nil {
				return fmt.Errorf("item %s: %w", k, err)
			}
			fn(rec)
			return nil
		})
	})
}
