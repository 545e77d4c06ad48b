package monitor

import (
	"crypto/ed25519"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// event is one thing that happened to a screen, for its page: newest
// first, the last maxEvents kept.
type event struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	Text string    `json:"text"` // Chinese, made here; device strings in it are escaped on the page
}

const maxEvents = 200

// Kinds of event.
const (
	eventEnrolled = "enrolled"
	eventFirst    = "first"    // first heartbeat
	eventBack     = "back"     // heard from again after silence
	eventRestart  = "restart"  // the program started again
	eventVersion  = "version"  // a new feed version
	eventError    = "error"    // a sync failure, or a new kind of one
	eventRecover  = "recover"  // syncing again
	eventLocation = "location" // reports another place than enrolled
	eventDropped  = "dropped"  // heartbeats lost while the monitor was out of reach
	eventProof    = "proof"    // a proof upload refused, or its chain not fully checkable
	eventBreak    = "break"    // the display log does not continue the copy here
)

// addEvent writes an event within tx and keeps the newest maxEvents of
// the screen. Keys are pub | Unix nanos, made unique by counting up.
func addEvent(tx *bolt.Tx, pub ed25519.PublicKey, at time.Time, kind, text string) error {
	b := tx.Bucket(bucketEvents)
	n := uint64(at.UnixNano())
	for b.Get(seqKey(pub, n)) != nil {
		n++
	}
	raw, err := json.Marshal(event{At: at.UTC(), Kind: kind, Text: text})
	if err != nil {
		return err
	}
	if err := b.Put(seqKey(pub, n), raw); err != nil {
		return err
	}
	// prune the oldest beyond maxEvents
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(pub); k != nil && hasPrefix(k, pub); k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys[:max(0, len(keys)-maxEvents)] {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// event records an event in a transaction of its own; a failure is logged.
func (s *Server) event(pub ed25519.PublicKey, kind, text string) {
	err := s.db.Update(func(tx *bolt.Tx) error { return addEvent(tx, pub, s.now(), kind, text) })
	if err != nil {
		s.lg.Error("monitor: event", "err", err)
	}
}

// events are a screen's events, newest first, at most limit.
func (s *Server) events(pub ed25519.PublicKey, limit int) ([]event, error) {
	var out []event
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		end := seqKey(pub, ^uint64(0))
		k, v := c.Seek(end)
		if k == nil || !hasPrefix(k, pub) {
			k, v = c.Prev()
		}
		for ; k != nil && hasPrefix(k, pub) && len(out) < limit; k, v = c.Prev() {
			var e event
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Uptime: per screen and day (in the page's time zone), the spans (Unix
// seconds) its program ran, as its heartbeats say: from the program's
// start to the heartbeat, by the screen's own clock.

const uptimeDays = 400

type span [2]int64

// dayOf numbers the day of t in tz as YYYYMMDD.
func dayOf(t int64, tz *time.Location) uint32 {
	y, m, d := time.Unix(t, 0).In(tz).Date()
	return uint32(y*10000 + int(m)*100 + d)
}

// addUptime merges [start, end] into the screen's day records. start is
// clamped to a week before end: a wrong clock cannot write a year of days.
func addUptime(tx *bolt.Tx, pub ed25519.PublicKey, start, end int64, tz *time.Location) error {
	if end <= 0 || start > end {
		return nil
	}
	start = max(start, end-7*24*3600)
	b := tx.Bucket(bucketUptime)
	for from := start; from <= end; {
		y, m, d := time.Unix(from, 0).In(tz).Date()
		dayEnd := time.Date(y, m, d+1, 0, 0, 0, 0, tz).Unix()
		to := min(end, dayEnd)
		key := dayKey(pub, dayOf(from, tz))
		var spans []span
		if raw := b.Get(key); raw != nil {
			_ = json.Unmarshal(raw, &spans) // a damaged day starts again
		}
		spans = mergeSpan(spans, span{from, to})
		raw, err := json.Marshal(spans)
		if err != nil {
			return err
		}
		if err := b.Put(key, raw); err != nil {
			return err
		}
		from = dayEnd
	}
	// the day that fell out of the window, if any
	old := time.Unix(end, 0).In(tz).AddDate(0, 0, -uptimeDays).Unix()
	return b.Delete(dayKey(pub, dayOf(old, tz)))
}

// mergeSpan adds s to sorted, disjoint spans, joining what overlaps or
// lies within a minute.
func mergeSpan(spans []span, s span) []span {
	out := make([]span, 0, len(spans)+1)
	placed := false
	for _, x := range spans {
		switch {
		case x[1]+60 < s[0]:
			out = append(out, x)
		case s[1]+60 < x[0]:
			if !placed {
				out = append(out, s)
				placed = true
			}
			out = append(out, x)
		default:
			s = span{min(s[0], x[0]), max(s[1], x[1])}
		}
	}
	if !placed {
		out = append(out, s)
	}
	return out
}

// uptime are the spans of the screen's program on each of the days
// (numbered by dayOf).
func (s *Server) uptime(pub ed25519.PublicKey, days []uint32) (map[uint32][]span, error) {
	out := map[uint32][]span{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUptime)
		for _, d := range days {
			if raw := b.Get(dayKey(pub, d)); raw != nil {
				var sp []span
				if err := json.Unmarshal(raw, &sp); err != nil {
					return err
				}
				out[d] = sp
			}
		}
		return nil
	})
	return out, err
}
