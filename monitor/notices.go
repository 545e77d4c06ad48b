package monitor

import (
	"crypto/ed25519"
	"encoding/json"
	"slices"
	"strings"
	gosync "sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/proof"
)

// noticeIndex lists the notices the screens' reports name, with the
// screens reporting each: the notices page reads it, not the database.
type noticeIndex struct {
	mu gosync.RWMutex
	by map[string]*noticeInfo
}

type noticeInfo struct {
	ID      string
	Title   string
	Latest  time.Time           // the newest report naming it
	screens map[string]struct{} // string(pub)
}

// Screens is how many screens report the notice.
func (n noticeInfo) Screens() int { return len(n.screens) }

func loadNotices(db *bolt.DB) (*noticeIndex, error) {
	ix := &noticeIndex{by: map[string]*noticeInfo{}}
	err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNotices).ForEach(func(k, v []byte) error {
			i := len(k) - ed25519.PublicKeySize - 1
			if i < 0 || k[i] != 0 {
				return nil // not a key this program writes
			}
			var row noticeRow
			if err := json.Unmarshal(v, &row); err != nil {
				return err
			}
			ix.put(row.Notice, ed25519.PublicKey(k[i+1:]), row.Received)
			return nil
		})
	})
	return ix, err
}

func (ix *noticeIndex) put(n proof.NoticeReport, pub ed25519.PublicKey, at time.Time) {
	in := ix.by[n.ID]
	if in == nil {
		in = &noticeInfo{ID: n.ID, screens: map[string]struct{}{}}
		ix.by[n.ID] = in
	}
	in.screens[string(pub)] = struct{}{}
	if !at.Before(in.Latest) {
		in.Latest, in.Title = at, n.Title
	}
}

// add records a screen's report of notices.
func (ix *noticeIndex) add(ns []proof.NoticeReport, pub ed25519.PublicKey, at time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, n := range ns {
		if n.ID != "" && len(n.ID) <= 128 {
			ix.put(n, pub, at)
		}
	}
}

// list is the notices whose id or title contains q (all for ""), newest
// report first.
func (ix *noticeIndex) list(q string) []noticeInfo {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []noticeInfo
	for _, n := range ix.by {
		if q == "" || strings.Contains(n.ID, q) || strings.Contains(n.Title, q) {
			out = append(out, *n)
		}
	}
	slices.SortFunc(out, func(a, b noticeInfo) int {
		if c := b.Latest.Compare(a.Latest); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (ix *noticeIndex) get(id string) (noticeInfo, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n, ok := ix.by[id]
	if !ok {
		return noticeInfo{}, false
	}
	return *n, true
}

// noticeRows are the screens' reports on notice id, by screen.
func (s *Server) noticeRows(id string) (map[string]noticeRow, error) {
	out := map[string]noticeRow{}
	prefix := append([]byte(id), 0)
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketNotices).Cursor()
		for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+ed25519.PublicKeySize {
				continue // a longer id sharing the prefix cannot: ids have no 0 byte
			}
			var row noticeRow
			if err := json.Unmarshal(v, &row); err != nil {
				return err
			}
			out[string(k[len(prefix):])] = row
		}
		return nil
	})
	return out, err
}
