package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// IsVisible is the one definition of "shown on this screen": one of the
// locations prefixes location (or is "all"), not withdrawn, and at falls
// within valid_from..valid_until inclusive in the feed's time zone (nil:
// UTC). A date D as valid_until means shown until the end of D there.
func IsVisible(s *Summary, location string, at time.Time, tz *time.Location) bool {
	if s == nil || s.Withdrawn != "" || !feed.Targets(s.Locations, location) {
		return false
	}
	from, until, ok := validity(s, tz)
	t := at.Unix() // bounds are whole seconds, so flooring at changes no answer
	return ok && from <= t && t < until
}

// validity gives the visible window of an item as Unix seconds, from
// inclusive and until exclusive; ok is false for dates that do not parse
// (never shown rather than always shown).
func validity(s *Summary, tz *time.Location) (from, until int64, ok bool) {
	if tz == nil {
		tz = time.UTC
	}
	from, until = math.MinInt64, math.MaxInt64
	if s.ValidFrom != "" {
		t, err := s.ValidFrom.Time(tz)
		if err != nil {
			return 0, 0, false
		}
		from = t.Unix()
	}
	if s.ValidUntil != "" {
		t, err := s.ValidUntil.Time(tz)
		if err != nil {
			return 0, 0, false
		}
		until = t.AddDate(0, 0, 1).Unix()
	}
	return from, until, true
}

// prefixes lists the keys of by_location that reach a screen at location:
// every prefix of its code that could be a division code, and "all".
func prefixes(location string) []string {
	out := []string{feed.AllLocations}
	for n := 2; n <= len(location) && n <= 12; n++ {
		out = append(out, location[:n])
	}
	return out
}

// visible reads the records of the items targeting location and keeps the
// visible ones.
func (s *Store) visible(location, category string, at time.Time) ([]Summary, error) {
	tz := s.Location()
	var out []Summary
	err := s.view(func(tx *bolt.Tx) error {
		byLoc, recs := tx.Bucket(bucketByLocation), tx.Bucket(bucketRecords)
		if byLoc == nil || recs == nil {
			return nil
		}
		seen := map[string]bool{}
		c := byLoc.Cursor()
		for _, p := range prefixes(location) {
			pre := indexKey(p, "")
			for k, _ := c.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, _ = c.Next() {
				id := string(k[len(pre):])
				if seen[id] {
					continue
				}
				seen[id] = true
				v := recs.Get([]byte(id))
				if v == nil {
					continue // a stale index entry; Check reports it
				}
				rec, err := decodeRecord(v)
				if err != nil {
					return fmt.Errorf("item %s: %w", id, err)
				}
				if (category == "" || rec.Category == category) && IsVisible(&rec.Summary, location, at, tz) {
					out = append(out, rec.Summary)
				}
			}
		}
		return nil
	})
	return out, err
}

// Visible lists the items shown on a screen at location at time at (trusted
// time), pinned first, then urgent, then newest published, then by id.
// category "" means all.
func (s *Store) Visible(location, category string, at time.Time) ([]Summary, error) {
	out, err := s.visible(location, category, at)
	if err != nil {
		return nil, fmt.Errorf("store: visible at %s: %w", location, err)
	}
	sortSummaries(out, rank)
	return out, nil
}

// sortSummaries orders notices by priority (order ranks them), then
// newest published, then id.
func sortSummaries(out []Summary, order func(priority string) int) {
	slices.SortFunc(out, func(a, b Summary) int {
		if c := cmp.Compare(order(a.Priority), order(b.Priority)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Published, a.Published); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// rank orders lists: a pinned notice is pinned to the top of its list (that
// is what pinning means to a clerk), an urgent one comes next.
func rank(priority string) int {
	switch priority {
	case feed.PriorityPinned:
		return 0
	case feed.PriorityUrgent:
		return 1
	}
	return 2
}

// UrgentFirst orders what the screen puts forward by itself — the home
// screen's strip of important notices and the display's rotation: an
// emergency (water cut tonight) before what is merely pinned. Used with a
// stable sort over Visible's order; lists keep Visible's order (rank).
func UrgentFirst(priority string) int {
	switch priority {
	case feed.PriorityUrgent:
		return 0
	case feed.PriorityPinned:
		return 1
	}
	return 2
}

// Counts gives the number of visible items per category: sizes of
// intersections of the search index's sets (the items shown at location
// on at's day, each category's), so no record is read. Reading every
// visible record took seconds at 100,000 notices, and the home screen
// asks on every visit.
func (s *Store) Counts(location string, at time.Time) (map[string]int, error) {
	counts := map[string]int{}
	err := s.withVisible(location, at, func(q *searcher, vis *roaring.Bitmap) error {
		return countTopics(q, vis, counts)
	})
	if err != nil {
		return nil, fmt.Errorf("store: counts at %s: %w", location, err)
	}
	return counts, nil
}

// countTopics adds to counts the size of each topic's set within vis.
func countTopics(q *searcher, vis *roaring.Bitmap, counts map[string]int) error {
	pre := setKey(setCategory, "")
	return eachTerm(q.post, pre, nil, func(term []byte, bm *roaring.Bitmap) error {
		if n := int(bm.AndCardinality(vis)); n > 0 {
			counts[string(term[len(pre):])] = n
		}
		return nil
	})
}

// withVisible runs fn in a read transaction with the set of what the
// screen at location shows on at's day (visibleSet).
func (s *Store) withVisible(location string, at time.Time, fn func(q *searcher, vis *roaring.Bitmap) error) error {
	day := at.In(s.Location()).Format(time.DateOnly)
	return s.view(func(tx *bolt.Tx) error {
		q, err := s.newSearcher(tx, nil, nil)
		if err != nil {
			return err
		}
		vis, err := s.visibleSet(q, location, day)
		if err != nil {
			return err
		}
		return fn(q, vis)
	})
}

// Tally is how many notices a screen shows, and of them how many are
// urgent and pinned.
type Tally struct{ Total, Urgent, Pinned int }

// Tally counts what the screen at location shows at time at, from the
// index's sets as Counts does, without reading a record: the status
// page and command read every visible notice to count them, 418,000 at
// a million notices and half a gigabyte.
func (s *Store) Tally(location string, at time.Time) (Tally, error) {
	var t Tally
	err := s.withVisible(location, at, func(q *searcher, vis *roaring.Bitmap) error {
		counts := map[string]int{}
		if err := countTopics(q, vis, counts); err != nil {
			return err
		}
		for _, n := range counts {
			t.Total += n
		}
		for p, n := range map[string]*int{feed.PriorityUrgent: &t.Urgent, feed.PriorityPinned: &t.Pinned} {
			bm, err := readTerm(q.post, setKey(setPriority, p))
			if err != nil {
				return err
			}
			if bm != nil {
				*n = int(bm.AndCardinality(vis))
			}
		}
		return nil
	})
	if err != nil {
		return Tally{}, fmt.Errorf("store: tally at %s: %w", location, err)
	}
	return t, nil
}

// Important lists the urgent and pinned items shown at location at time
// at, urgent first, then newest published, then by id: what the home
// screen puts forward; at most limit of them (0: all), and how many there
// are in all. Only their records are read (the visible set intersected
// with the priority sets): the home used to read every visible record,
// 68,000 at 100,000 notices, to find a handful, and then the records of
// every urgent and pinned one (20 MB of the store's pages at 100,000) to
// show 30.
func (s *Store) Important(location string, at time.Time, limit int) ([]Summary, int, error) {
	var out []Summary
	total := 0
	err := s.withVisible(location, at, func(q *searcher, vis *roaring.Bitmap) error {
		tiers, _, err := q.prioritySets(vis, UrgentFirst)
		if err != nil {
			return err
		}
		for _, t := range tiers {
			total += int(t.GetCardinality())
		}
		out, err = q.summaries(tiers, 0, limit)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: important at %s: %w", location, err)
	}
	return out, total, nil
}

// VisibleIDs are the ids of Visible(location, "", at), in no particular
// order, from the index's visible set and the ordinals' ids: no record is
// read. The display log asks every 30 s what the screen makes available;
// reading every visible record for it mapped 20 MB of the store into the
// kiosk at 100,000 notices, and decoded 418,000 records at a million.
func (s *Store) VisibleIDs(location string, at time.Time) ([]string, error) {
	var out []string
	err := s.withVisible(location, at, func(q *searcher, vis *roaring.Bitmap) error {
		out = make([]string, 0, vis.GetCardinality())
		// one cursor through the ids, in ordinal order as the set is: a
		// Get each from the root was 150 ms at a million notices, every
		// 30 s (the display log's heartbeat)
		ids := q.ids.Cursor()
		var k, id []byte
		for it := vis.Iterator(); it.HasNext(); {
			o := it.Next()
			k, id = seekOn(ids, k, id, ordinalKey(o))
			if k == nil || binary.BigEndian.Uint32(k) != o || len(id) == 0 {
				return fmt.Errorf("%w: search index names item %d, which has no id", ErrDamaged, o)
			}
			out = append(out, string(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: visible ids at %s: %w", location, err)
	}
	return out, nil
}

// Ref names a notice shown and its priority (normal for any other than
// urgent and pinned): what a display's rotation holds of each.
type Ref struct{ ID, Priority string }

// VisibleRefs lists what Visible(location, "", at) lists, in UrgentFirst's
// order (urgent, pinned, the rest; each newest published first, then by
// id), from the index's sets and the ordinals' ids: no record is read.
// Display mode holds its whole rotation; read as summaries that was
// 418,000 records and some 200 MB of heap at a million notices, after
// every sync.
func (s *Store) VisibleRefs(location string, at time.Time) ([]Ref, error) {
	var out []Ref
	err := s.withVisible(location, at, func(q *searcher, vis *roaring.Bitmap) error {
		tiers, prios, err := q.byPriority(vis, UrgentFirst)
		if err != nil {
			return err
		}
		out = make([]Ref, 0, vis.GetCardinality())
		return q.inOrder(slices.All(tiers), 0, func(_ ordinal, id string, tier int) bool {
			out = append(out, Ref{ID: id, Priority: prios[tier]})
			return true
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: visible refs at %s: %w", location, err)
	}
	return out, nil
}

// ListPage is a page of Visible(location, category, at): the notices from
// offset on, at most limit (0: all of them), in Visible's order, and how
// many there are in all. With normativeFirst the normative documents
// (行政规范性文件) come first, then the others, each in that order: the
// policy topic lists them apart. Only the page's records are read; the
// order and the total come from the index's sets. A topic read whole took
// half a second and 7 MB at 100,000 notices, 4 s and 60 MB at a million,
// for the few pages a villager turns.
func (s *Store) ListPage(location, category string, at time.Time, normativeFirst bool, offset, limit int) ([]Summary, int, error) {
	var out []Summary
	total := 0
	err := s.withVisible(location, at, func(q *searcher, vis *roaring.Bitmap) error {
		set := vis // cached: read, never changed
		if category != "" {
			bm, err := q.read(setKey(setCategory, category))
			if err != nil {
				return err
			}
			set = roaring.And(vis, bm)
		}
		total = int(set.GetCardinality())
		parts := []*roaring.Bitmap{set}
		if normativeFirst {
			norm, err := q.read(setKey(setNormative, ""))
			if err != nil {
				return err
			}
			parts = []*roaring.Bitmap{roaring.And(set, norm), roaring.AndNot(set, norm)}
		}
		var tiers []*roaring.Bitmap
		for _, p := range parts {
			t, _, err := q.byPriority(p, rank) // Visible's order
			if err != nil {
				return err
			}
			tiers = append(tiers, t...)
		}
		var err error
		out, err = q.summaries(tiers, max(0, offset), limit)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list at %s: %w", location, err)
	}
	return out, total, nil
}

// prioritySets is set's urgent and pinned items, in the order order gives
// (rank, UrgentFirst), and the priority of each part.
func (q *searcher) prioritySets(set *roaring.Bitmap, order func(priority string) int) ([]*roaring.Bitmap, []string, error) {
	prios := []string{feed.PriorityUrgent, feed.PriorityPinned}
	slices.SortFunc(prios, func(a, b string) int { return order(a) - order(b) })
	var parts []*roaring.Bitmap
	for _, p := range prios {
		bm, err := q.read(setKey(setPriority, p))
		if err != nil {
			return nil, nil, err
		}
		bm.And(set)
		parts = append(parts, bm)
	}
	return parts, prios, nil
}

// byPriority splits set by priority: prioritySets, then the rest (normal).
func (q *searcher) byPriority(set *roaring.Bitmap, order func(priority string) int) ([]*roaring.Bitmap, []string, error) {
	parts, prios, err := q.prioritySets(set, order)
	if err != nil {
		return nil, nil, err
	}
	rest := set.Clone()
	for _, p := range parts {
		rest.AndNot(p)
	}
	return append(parts, rest), append(prios, feed.PriorityNormal), nil
}

// summaries reads the records of the items of sets in inOrder's order,
// after skipping skip of them, at most limit (0: all).
func (q *searcher) summaries(sets []*roaring.Bitmap, skip, limit int) ([]Summary, error) {
	var out []Summary
	recs := q.tx.Bucket(bucketRecords)
	var rerr error
	err := q.inOrder(slices.All(sets), skip, func(o ordinal, id string, _ int) bool {
		h, err := q.hit(recs, o, id, false, -1)
		if err != nil {
			rerr = err
			return false
		}
		out = append(out, h.Summary)
		return limit <= 0 || len(out) < limit
	})
	return out, cmp.Or(err, rerr)
}

// Item returns a stored item in full, if it is visible at location and at.
// ErrNotFound otherwise (another village's notice is never reachable);
// ErrDamaged when its stored bytes no longer match their hash.
func (s *Store) Item(id, location string, at time.Time) (*feed.Item, error) {
	tz := s.Location()
	var raw []byte
	err := s.view(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketRecords)
		if recs == nil {
			return ErrNotFound
		}
		v := recs.Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		rec, err := decodeRecord(v)
		if err != nil {
			return err
		}
		if !IsVisible(&rec.Summary, location, at, tz) {
			return ErrNotFound
		}
		raw = bytes.Clone(tx.Bucket(bucketItems).Get([]byte(id)))
		if raw == nil || feed.Sum(raw) != string(tx.Bucket(bucketSums).Get([]byte(id))) {
			return fmt.Errorf("%w: bytes do not match their hash", ErrDamaged)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: item %s: %w", id, err)
	}
	it, err := feed.DecodeItem(raw, feed.ItemRef{ID: id}, nil)
	if err != nil {
		return nil, fmt.Errorf("store: item %s: %w: %v", id, ErrDamaged, err)
	}
	return it, nil
}
