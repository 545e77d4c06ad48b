package proof

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// On-screen time (display mode): which notice is the slide on show, as
// seconds per notice. The shown intervals say a notice was in the rotation
// (posted on this screen, as one sheet among many on a paper board: what
// coverage needs); these say how long each was actually on the glass.
//
// A slide changes every 15 s or so, so changes are counted in memory
// (OnScreen takes no database lock and does no I/O: the UI calls it), the
// heartbeat (Tick) writes the running counts to the open bucket, so a crash
// loses at most the time since, and they enter the chain as one on_screen
// entry per notice per period, a period ending at Checkpoint, Close and
// each UTC midnight (so a daily summary holds its own day's seconds).

const daySeconds = 24 * 3600

// screenTime counts on-screen seconds. It has its own lock, never held
// across a database commit, so the UI never waits for an fsync.
type screenTime struct {
	mu    sync.Mutex
	id    string // the notice on show; "" for none (empty slide, dark, touch mode)
	since int64  // counted up to here
	cur   *period
	done  []*period // ended at a UTC midnight; the next Tick seals them
}

// period is the counting between two sealings; it never spans a UTC
// midnight.
type period struct {
	from, to int64 // to is 0 while the period runs
	secs     map[string]int64
}

// show makes id the notice on show from now.
func (t *screenTime) show(id string, now int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.credit(now)
	if id != "" && t.cur == nil {
		t.cur = &period{from: now, secs: map[string]int64{}}
	}
	t.id, t.since = id, now
}

// credit counts the notice on show up to now, ending the running period at
// each UTC midnight it passes. Caller holds mu.
func (t *screenTime) credit(now int64) {
	for t.cur != nil {
		midnight := (floorDiv(t.cur.from, daySeconds) + 1) * daySeconds
		if now < midnight {
			break
		}
		t.add(midnight)
		t.cur.to = midnight
		t.done = append(t.done, t.cur)
		t.cur = nil
		if t.id != "" {
			t.cur = &period{from: midnight, secs: map[string]int64{}}
		}
	}
	t.add(now)
}

func (t *screenTime) add(to int64) {
	if t.id != "" && t.cur != nil && to > t.since {
		t.cur.secs[t.id] += to - t.since
	}
	// A clock set back counts on from the new time rather than making up
	// (or subtracting) the difference.
	t.since = to
}

// take removes the periods to seal now: those ended at a midnight, and
// with all the running one too (which restarts at now if a notice is on
// show). It also returns a copy of the running period counted up to now,
// for the heartbeat to persist (nil if none).
func (t *screenTime) take(now int64, all bool) (sealing []*period, running *period) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.credit(now)
	sealing, t.done = t.done, nil
	if all && t.cur != nil {
		t.cur.to = now
		sealing = append(sealing, t.cur)
		t.cur = nil
		if t.id != "" {
			t.cur = &period{from: now, secs: map[string]int64{}}
		}
	}
	if t.cur != nil {
		running = &period{from: t.cur.from, to: now, secs: maps.Clone(t.cur.secs)}
	}
	return sealing, running
}

// has says whether p (nil: none) counts id.
func (p *period) has(id string) bool {
	if p == nil {
		return false
	}
	_, ok := p.secs[id]
	return ok
}

// putBack returns periods whose sealing failed, to be sealed next time.
func (t *screenTime) putBack(ps []*period) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done = append(ps, t.done...)
}

// open is what Records reports: the periods not yet sealed, counted up to
// now, as entries outside the chain.
func (t *screenTime) open(now int64) []Entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.credit(now)
	ps := slices.Clone(t.done)
	if t.cur != nil {
		ps = append(ps, &period{from: t.cur.from, to: now, secs: t.cur.secs})
	}
	return periodEntries(ps)
}

// periodEntries are the on_screen entries of periods: per period, one per
// notice with seconds, by id. A period whose end is not after its start
// (the clock went back) is dropped, as intervals are.
func periodEntries(ps []*period) []Entry {
	var out []Entry
	for _, p := range ps {
		if p.to <= p.from {
			continue
		}
		for _, id := range slices.Sorted(maps.Keys(p.secs)) {
			if s := min(p.secs[id], p.to-p.from); s > 0 && id != "" && len(id) <= maxItemLen {
				out = append(out, Entry{Kind: KindOnScreen, Item: id, Start: p.from, End: p.to, Seconds: s})
			}
		}
	}
	return out
}

// OnScreen says which notice is the slide on show now, "" for none (the
// empty slide, the screen dark off-hours, touch mode). Call it whenever
// that changes. Memory only: cheap enough for the UI goroutine.
func (l *Log) OnScreen(id string) {
	l.st.show(id, l.now())
}

// persistOnScreen seals the periods taken from the counter and writes the
// running one to the open bucket (key on_screen 0x00 id → from | beat |
// seconds), replacing what an earlier heartbeat wrote. Caller holds l.mu.
func (l *Log) persistOnScreen(tx *bolt.Tx, sealing []*period, running *period) error {
	if err := l.append(tx, periodEntries(sealing)); err != nil {
		return err
	}
	b := tx.Bucket(bucketOpen)
	prefix := slot{KindOnScreen, ""}.key()
	var stale [][]byte // counts of a period sealed since: not to seal twice
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if !running.has(string(k[len(prefix):])) {
			stale = append(stale, slices.Clone(k))
		}
	}
	for _, k := range stale { // deleting under a bbolt cursor skips keys
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	if running == nil {
		return nil
	}
	for id, s := range running.secs { // a count's period and heartbeat change together: all are written
		v := openValue(running.from, running.to)
		if err := b.Put(slot{KindOnScreen, id}.key(), binary.BigEndian.AppendUint64(v, uint64(s))); err != nil {
			return err
		}
	}
	return nil
}

// sealOnScreen takes the periods to seal (all: the running one too) and
// seals them in its own transaction, putting them back if it fails.
// Caller holds l.mu.
func (l *Log) sealOnScreen(now int64, all bool) error {
	sealing, running := l.st.take(now, all)
	err := l.update(func(tx *bolt.Tx) error { return l.persistOnScreen(tx, sealing, running) })
	if err != nil {
		l.st.putBack(sealing)
		return fmt.Errorf("proof: on-screen seconds: %w", err)
	}
	return nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
