package store

import (
	"bytes"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// NextChange is the first instant after after at which some stored item
// becomes valid (the start of its valid_from day) or expires (the end of
// its valid_until day), in the feed's time zone, so a screen can redraw
// exactly then instead of at its next sync. It looks at every searchable
// item, not only this screen's: a needless redraw costs nothing, a missed
// one shows an expired notice (a withdrawn one is never shown). ok is false
// when no item has a boundary ahead.
//
// It reads the index's validity sets (s F date, s U date), not the records:
// the scheduler asks at start, before the first frame, and every record of
// 100,000 notices was two seconds of it.
func (s *Store) NextChange(after time.Time) (next time.Time, ok bool, err error) {
	tz := s.Location()
	t := after.Unix()
	day := after.In(tz).Format(time.DateOnly)
	best := int64(math.MaxInt64)
	err = s.view(func(tx *bolt.Tx) error {
		post := tx.Bucket(bucketPostings)
		if post == nil {
			return nil
		}
		// The first date on or after day whose boundary is ahead: dates
		// sort as they fall, and one that does not parse is never shown.
		// valid_from D begins at the start of D; valid_until D ends at the
		// start of the day after.
		c := post.Cursor()
		for _, kind := range []byte{setFrom, setUntil} {
			pre := setKey(kind, "")
			for k, _ := c.Seek(setKey(kind, day)); k != nil && bytes.HasPrefix(k, pre); k, _ = c.Next() {
				term, _, ok := splitChunkKey(k)
				if !ok {
					return fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, k)
				}
				b, err := feed.Date(term[len(pre):]).Time(tz)
				if err != nil {
					continue
				}
				if kind == setUntil {
					b = b.AddDate(0, 0, 1)
				}
				if b.Unix() > t {
					best = min(best, b.Unix())
					break
				}
			}
		}
		return nil
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
