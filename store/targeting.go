package store

import (
	"cmp"
	"fmt"
	"slices"

	"gongkai/feed"
)

// Targeting lists every stored item meant for a screen at location —
// withdrawn, not yet valid and expired ones included — by id. Proof of
// display reports on a notice's whole posting period, not only while it
// is visible.
func (s *Store) Targeting(location string) ([]Summary, error) {
	var out []Summary
	err := s.eachRecord(func(rec record) {
		if feed.Targets(rec.Locations, location) {
			out = append(out, rec.Summary)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("store: items for %s: %w", location, err)
	}
	slices.SortFunc(out, func(a, b Summary) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
