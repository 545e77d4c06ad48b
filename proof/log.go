// Package proof records what a screen showed and when, in a way no one can
// quietly edit afterwards, and turns that record into posting-period
// compliance and signed exports.
//
// The display log lives in its own bbolt file, DATA/display.db, not in the
// store: the store is a cache a verified feed rebuilds (and may be moved
// aside when damaged), the log is evidence. Closed intervals are entries of
// a SHA-256 hash chain; the chain head is signed with the screen's device
// key (device.key, see EnsureDeviceKey). Intervals still open are kept
// outside the chain, extended by a heartbeat, and sealed into it when they
// close — or, after a crash, at the next Open, ending at the last
// heartbeat. In display mode the log also counts the seconds each notice
// is the slide on show (onscreen.go). Old entries are rolled up into signed
// daily summaries so the file stays small. FORMAT.md describes the format
// and the compliance rule.
//
// Use from the kiosk:
//
//	log, err := proof.Open(data, key, time.Now)
//	log.ProgramUp()                    // once, at start
//	log.Showing(config.ModeTouch, ids) // whenever the set on screen changes
//	log.OnScreen(id)                   // display mode: whenever the slide changes ("" for none)
//	log.ScreenOn(false)                // off-hours start; ScreenOn(true) when back
//	log.Tick()                         // every ≤ 60 s
//	log.Close()                        // at exit
package proof

import (
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/boltfile"
	"gongkai/feed"
)

// Layout of DATA/display.db (all buckets top level):
//
//	meta      "schema" → schemaVersion
//	          "device" → the device public key that signs this chain
//	          "head"   → Head (seq u64 | hash [32] | sig [64])
//	entries   seq (u64 big-endian) → Entry.encode()
//	summaries first seq (u64 big-endian) → Summary.encode() (body | sig)
//	open      kind 0x00 item → start i64 | last heartbeat i64
//	          "on_screen" 0x00 item → from i64 | last heartbeat i64 | seconds i64
const (
	dbFile        = "display.db"
	schemaVersion = "gongkai-display/1"
)

var (
	bucketMeta      = []byte("meta")
	bucketEntries   = []byte("entries")
	bucketSummaries = []byte("summaries")
	bucketOpen      = []byte("open")

	keySchema = []byte("schema")
	keyDevice = []byte("device")
	keyHead   = []byte("head")
)

// Defaults of the size bound.
const (
	// RetentionDays: entries older than this are rolled up into daily
	// summaries. Longer than the common 30-day posting period, so a report
	// on a running period lists its gaps to the second.
	RetentionDays = 35
	// SummaryDays: summaries older than this are dropped; posting_days is
	// at most 3650.
	SummaryDays = 3660
	// spanJoin: gaps shorter than this are closed when spans are merged in
	// a summary; below the heartbeat's resolution anyway.
	spanJoin = 60
	// rollupEvery: how often Tick looks for entries to roll up.
	rollupEvery = int64(time.Hour / time.Second)
)

// ErrLocked: another process has the display log open (boltfile.ErrLocked).
var ErrLocked = boltfile.ErrLocked

// Log is an open display log. Safe for concurrent use.
type Log struct {
	mu    sync.Mutex
	db    *bolt.DB
	key   ed25519.PrivateKey
	clock func() time.Time

	head       Head
	open       map[slot]int64 // open intervals → start
	want       map[string]bool
	alerts     map[string]bool // alert ids on the screen now (Alerting)
	kind       string          // KindShown or KindAvailable: of the notices in want
	up, screen bool
	lastRollup int64
	st         screenTime // on-screen seconds not yet sealed

	retention, summaryDays int
}

type slot struct{ kind, item string }

func (s slot) key() []byte { return append(append([]byte(s.kind), 0), s.item...) }

// Open opens (creating if needed) DATA/display.db, signing with key; clock
// is the time source (nil: time.Now). Intervals a crashed run left open are
// sealed, ending at their last heartbeat. A damaged file, or one whose
// chain another device key signed (device.key was replaced), is moved
// aside — kept for a person, never deleted — and a new chain starts.
func Open(dataDir string, key ed25519.PrivateKey, clock func() time.Time) (*Log, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("proof: open: no device key")
	}
	if clock == nil {
		clock = time.Now
	}
	path := filepath.Join(dataDir, dbFile)
	l := &Log{key: key, clock: clock, open: map[slot]int64{}, want: map[string]bool{},
		kind: KindAvailable, retention: RetentionDays, summaryDays: SummaryDays}
	for attempt := 0; ; attempt++ {
		err := l.openFile(path)
		if err == nil {
			break
		}
		var aside *asideError
		if attempt > 0 || !errors.As(err, &aside) {
			return nil, fmt.Errorf("proof: open %s: %w", path, err)
		}
		if _, err := boltfile.MoveAside(path, aside.why, time.Now()); err != nil {
			return nil, fmt.Errorf("proof: open %s: %w", path, err)
		}
	}
	now := l.now()
	err := l.update(func(tx *bolt.Tx) error {
		if err := l.sealLeftovers(tx); err != nil {
			return err
		}
		return l.rollup(tx, now)
	})
	if err != nil {
		l.db.Close()
		return nil, fmt.Errorf("proof: open %s: %w", path, err)
	}
	l.lastRollup = now
	return l, nil
}

// asideError marks a file to move aside (why names the reason in the new
// file name) rather than a failure to report.
type asideError struct {
	why string
	err error
}

func (e *asideError) Error() string { return e.why + ": " + e.err.Error() }

func (l *Log) openFile(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &asideError{"damaged", fmt.Errorf("%v", r)}
		}
	}()
	// the store's way: a damaged page found by the read-only probe, where
	// it is an error, not in bbolt's freelist walk, where it kills
	db, err := boltfile.Open(path, boltfile.Options{})
	switch {
	case errors.Is(err, boltfile.ErrDamaged):
		return &asideError{"damaged", err}
	case err != nil:
		return err
	}
	pub := l.key.Public().(ed25519.PublicKey)
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = &asideError{"damaged", fmt.Errorf("%v", r)}
			}
		}()
		return db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketMeta, bucketEntries, bucketSummaries, bucketOpen} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			meta := tx.Bucket(bucketMeta)
			if meta.Get(keySchema) == nil {
				l.head = Head{}
				l.head.sign(l.key)
				for k, v := range map[string][]byte{"schema": []byte(schemaVersion), "device": pub, "head": l.head.encode()} {
					if err := meta.Put([]byte(k), v); err != nil {
						return err
					}
				}
				return nil
			}
			if string(meta.Get(keySchema)) != schemaVersion {
				return &asideError{"damaged", fmt.Errorf("schema %.40q", meta.Get(keySchema))}
			}
			if !pub.Equal(ed25519.PublicKey(meta.Get(keyDevice))) {
				return &asideError{"other-device-key", fmt.Errorf("chain signed by device %s, device.key is %s",
					feed.KeyID(meta.Get(keyDevice)), feed.KeyID(pub))}
			}
			h, err := decodeHead(meta.Get(keyHead))
			if err != nil {
				return &asideError{"damaged", err}
			}
			if !h.verify(pub) {
				return &asideError{"damaged", errors.New("head signature does not verify")}
			}
			l.head = h
			return nil
		})
	}()
	if err != nil {
		db.Close()
		return err
	}
	l.db = db
	return nil
}

func (l *Log) update(fn func(*bolt.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("proof: display log: %w: %v", boltfile.ErrDamaged, r)
		}
	}()
	head := l.head
	if err = l.db.Update(fn); err != nil {
		l.head = head // the transaction rolled back; so does our copy
	}
	return err
}

func (l *Log) view(fn func(*bolt.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("proof: display log: %w: %v", boltfile.ErrDamaged, r)
		}
	}()
	return l.db.View(fn)
}

// now is the clock in whole seconds; the log's resolution.
func (l *Log) now() int64 { return l.clock().Unix() }

// Head is the signed head of the chain.
func (l *Log) Head() Head {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.head
	h.Sig = slices.Clone(h.Sig)
	return h
}

// PublicKey is the device key that signs this log.
func (l *Log) PublicKey() ed25519.PublicKey { return l.key.Public().(ed25519.PublicKey) }

// ProgramUp opens the program-up interval; call once when the kiosk
// starts. The screen counts as on from here until ScreenOn(false).
func (l *Log) ProgramUp() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.up {
		return nil
	}
	l.up, l.screen = true, true
	return l.sync("program up")
}

// ScreenOn records the screen switching on or off (off-hours, a display
// that sleeps). While it is off no notice counts as shown or available.
func (l *Log) ScreenOn(on bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.up || l.screen == on {
		return nil
	}
	l.screen = on
	return l.sync("screen on/off")
}

// Showing sets the notices on the screen now. mode is "display" (they are
// shown: pass the notices of the rotation, each on the glass once a
// cycle; OnScreen counts which one is) or "touch" (they are available:
// reachable from the home screen).
// Intervals close for ids no longer in the set and open for new ones.
func (l *Log) Showing(mode string, ids []string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.kind = KindAvailable
	if mode == "display" {
		l.kind = KindShown
	}
	l.want = map[string]bool{}
	for _, id := range ids {
		if id != "" && len(id) <= maxItemLen {
			l.want[id] = true
		}
	}
	return l.sync("showing")
}

// Alerting sets the urgent alerts on the screen now (none: nil). Their
// time is logged as alert intervals, apart from the notices'.
func (l *Log) Alerting(ids []string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.alerts = map[string]bool{}
	for _, id := range ids {
		if id != "" && len(id) <= maxItemLen {
			l.alerts[id] = true
		}
	}
	return l.sync("alerting")
}

// Tick is the heartbeat: call it at least every 60 s. It moves the end of
// every open interval to now, so a crash loses at most the time since, and
// now and then rolls old entries up.
func (l *Log) Tick() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	// Periods the counter ended at a UTC midnight are sealed; the running
	// one is written down.
	sealing, running := l.st.take(now, false)
	err := l.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOpen)
		for s, start := range l.open {
			if err := b.Put(s.key(), openValue(start, now)); err != nil {
				return err
			}
		}
		if err := l.persistOnScreen(tx, sealing, running); err != nil {
			return err
		}
		if now-l.lastRollup >= rollupEvery || now < l.lastRollup {
			return l.rollup(tx, now)
		}
		return nil
	})
	if err != nil {
		l.st.putBack(sealing)
		return fmt.Errorf("proof: heartbeat: %w", err)
	}
	if now-l.lastRollup >= rollupEvery || now < l.lastRollup {
		l.lastRollup = now
	}
	return nil
}

// Checkpoint seals every open interval into the chain at now and reopens
// it, and seals the on-screen seconds counted so far, so an export made
// while the kiosk runs holds everything up to now.
func (l *Log) Checkpoint() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	sealing, running := l.st.take(now, true)
	err := l.update(func(tx *bolt.Tx) error {
		if err := l.persistOnScreen(tx, sealing, running); err != nil {
			return err
		}
		var closing []slot
		for s := range l.open {
			closing = append(closing, s)
		}
		if err := l.seal(tx, closing, now); err != nil {
			return err
		}
		for _, s := range closing {
			if err := l.openSlot(tx, s, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		l.st.putBack(sealing)
		return fmt.Errorf("proof: checkpoint: %w", err)
	}
	return nil
}

// Close seals the open intervals and the on-screen seconds at now and
// closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db == nil {
		return nil
	}
	now := l.now()
	err := l.sealOnScreen(now, true)
	l.st.show("", now) // OnScreen after Close counts nothing
	l.up, l.screen = false, false
	if serr := l.sync("close"); err == nil {
		err = serr
	}
	if cerr := l.db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("proof: close: %w", cerr)
	}
	l.db = nil
	return err
}

// sync makes the open intervals match the state (up, screen, want, kind)
// in one transaction: closing what should be closed, opening what should
// be open.
func (l *Log) sync(what string) error {
	if l.db == nil {
		return errors.New("proof: display log is closed")
	}
	target := map[slot]bool{}
	if l.up {
		target[slot{KindProgram, ""}] = true
		if l.screen {
			target[slot{KindScreen, ""}] = true
			for id := range l.want {
				target[slot{l.kind, id}] = true
			}
			for id := range l.alerts {
				target[slot{KindAlert, id}] = true
			}
		}
	}
	var closing, opening []slot
	for s := range l.open {
		if !target[s] {
			closing = append(closing, s)
		}
	}
	for s := range target {
		if _, ok := l.open[s]; !ok {
			opening = append(opening, s)
		}
	}
	if len(closing) == 0 && len(opening) == 0 {
		return nil
	}
	now := l.now()
	open := maps2(l.open)
	err := l.update(func(tx *bolt.Tx) error {
		if err := l.seal(tx, closing, now); err != nil {
			return err
		}
		for _, s := range opening {
			if err := l.openSlot(tx, s, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		l.open = open
		return fmt.Errorf("proof: %s: %w", what, err)
	}
	return nil
}

func maps2(m map[slot]int64) map[slot]int64 {
	out := make(map[slot]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (l *Log) openSlot(tx *bolt.Tx, s slot, now int64) error {
	l.open[s] = now
	return tx.Bucket(bucketOpen).Put(s.key(), openValue(now, now))
}

func openValue(start, beat int64) []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(start))
	return binary.BigEndian.AppendUint64(b, uint64(beat))
}

// seal closes the given open intervals at end, appending them to the chain
// in a fixed order (program, screen, notices; by id) so the same events
// always make the same chain.
func (l *Log) seal(tx *bolt.Tx, slots []slot, end int64) error {
	slices.SortFunc(slots, func(a, b slot) int {
		if c := kindOrder(a.kind) - kindOrder(b.kind); c != 0 {
			return c
		}
		if a.item < b.item {
			return -1
		} else if a.item > b.item {
			return 1
		}
		return 0
	})
	var entries []Entry
	for _, s := range slots {
		start := l.open[s]
		delete(l.open, s)
		if err := tx.Bucket(bucketOpen).Delete(s.key()); err != nil {
			return err
		}
		// A zero-length interval proves nothing; one whose end is before
		// its start means the clock went back, and is dropped rather than
		// made up.
		if end > start {
			entries = append(entries, Entry{Kind: s.kind, Item: s.item, Start: start, End: end})
		}
	}
	return l.append(tx, entries)
}

func kindOrder(k string) int {
	return slices.Index([]string{KindProgram, KindScreen, KindShown, KindAvailable, KindOnScreen, KindAlert}, k)
}

// sealLeftovers seals what the open bucket holds at Open: the intervals a
// crashed (or killed) run left, each ending at its last heartbeat, and the
// on-screen seconds it counted up to that heartbeat.
func (l *Log) sealLeftovers(tx *bolt.Tx) error {
	type left struct {
		s                 slot
		start, end, count int64
	}
	var found []left
	c := tx.Bucket(bucketOpen).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		kind, item, _ := cut0(k)
		want := 16
		if kind == KindOnScreen {
			want = 24
		}
		if len(v) != want || !validKind(kind) {
			continue // not ours to interpret; deleted below
		}
		f := left{s: slot{kind, item}, start: int64(binary.BigEndian.Uint64(v[:8])), end: int64(binary.BigEndian.Uint64(v[8:16]))}
		if kind == KindOnScreen {
			f.count = min(int64(binary.BigEndian.Uint64(v[16:])), f.end-f.start)
		}
		found = append(found, f)
	}
	if err := tx.DeleteBucket(bucketOpen); err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bucketOpen); err != nil {
		return err
	}
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.end != b.end {
			return a.end < b.end
		}
		if kindOrder(a.s.kind) != kindOrder(b.s.kind) {
			return kindOrder(a.s.kind) < kindOrder(b.s.kind)
		}
		return a.s.item < b.s.item
	})
	var entries []Entry
	for _, f := range found {
		switch {
		case f.s.kind == KindOnScreen:
			if f.count > 0 && f.s.item != "" {
				entries = append(entries, Entry{Kind: f.s.kind, Item: f.s.item, Start: f.start, End: f.end, Seconds: f.count})
			}
		case f.end > f.start:
			entries = append(entries, Entry{Kind: f.s.kind, Item: f.s.item, Start: f.start, End: f.end})
		}
	}
	return l.append(tx, entries)
}

func cut0(k []byte) (string, string, bool) {
	for i, c := range k {
		if c == 0 {
			return string(k[:i]), string(k[i+1:]), true
		}
	}
	return string(k), "", false
}

// append adds entries after the head and signs the new head. Signing on
// every append (not every N) costs ~50 µs against the fsync of the commit,
// and means the head on disk is always signed: no unsigned tail after a
// power cut.
func (l *Log) append(tx *bolt.Tx, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	b := tx.Bucket(bucketEntries)
	for _, e := range entries {
		e.Seq, e.Prev = l.head.Seq+1, l.head.Hash
		if err := b.Put(seqKey(e.Seq), e.encode()); err != nil {
			return err
		}
		l.head = Head{Seq: e.Seq, Hash: e.Hash()}
	}
	l.head.sign(l.key)
	return tx.Bucket(bucketMeta).Put(keyHead, l.head.encode())
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// rollup replaces the oldest entries, those that ended by the start of the
// UTC day retention days ago, by one signed summary per UTC day of their
// ends (entryDay: an entry ending at midnight belongs to the day before,
// as the on_screen entries sealed at midnight do). Only a prefix of the
// chain is rolled, so what remains still chains from the last summary.
// Summaries past summaryDays are dropped.
func (l *Log) rollup(tx *bolt.Tx, now int64) error {
	day := int64(24 * 3600)
	cutoff := (now/day - int64(l.retention)) * day
	entries := tx.Bucket(bucketEntries)
	// Collect first, delete after: deleting under a bbolt cursor skips keys.
	var old []Entry
	c := entries.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		e, err := decodeEntry(v)
		if err != nil {
			return fmt.Errorf("entry %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if e.End > cutoff {
			break
		}
		old = append(old, e)
	}
	for len(old) > 0 {
		n := 1
		for n < len(old) && entryDay(old[n]) == entryDay(old[0]) {
			n++
		}
		s := summarize(old[:n])
		s.sign(l.key)
		for _, e := range old[:n] {
			if err := entries.Delete(seqKey(e.Seq)); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketSummaries).Put(seqKey(s.FirstSeq), s.encode()); err != nil {
			return err
		}
		old = old[n:]
	}
	// Old summaries go; the chain then starts at the first summary kept,
	// whose signed Prev anchors it.
	oldest := time.Unix(now, 0).UTC().AddDate(0, 0, -l.summaryDays).Format(time.DateOnly)
	sc := tx.Bucket(bucketSummaries).Cursor()
	for k, v := sc.First(); k != nil; k, v = sc.First() {
		s, err := decodeSummary(v)
		if err != nil || s.Day >= oldest {
			break
		}
		if err := sc.Delete(); err != nil {
			return err
		}
	}
	return nil
}

func utcDay(t int64) string { return time.Unix(t, 0).UTC().Format(time.DateOnly) }

// entryDay is the UTC day of an entry's last second: [Start, End) is
// half-open, so one that ends at 00:00 ended the day before. Entries are
// never zero-length.
func entryDay(e Entry) string { return utcDay(max(e.End-1, e.Start)) }

// summarize rolls consecutive entries into one unsigned summary.
func summarize(group []Entry) Summary {
	last := group[len(group)-1]
	s := Summary{Day: entryDay(last), FirstSeq: group[0].Seq, LastSeq: last.Seq,
		Prev: group[0].Prev, LastHash: last.Hash()}
	totals := map[slot]*Total{}
	for _, e := range group {
		k := slot{e.Kind, e.Item}
		t := totals[k]
		if t == nil {
			t = &Total{Kind: e.Kind, Item: e.Item}
			totals[k] = t
		}
		t.Seconds += e.seconds()
		if e.Kind != KindOnScreen {
			t.Spans = append(t.Spans, Span{e.Start, e.End})
		}
	}
	for _, t := range totals {
		t.Spans = mergeSpans(t.Spans, spanJoin)
		s.Totals = append(s.Totals, *t)
	}
	slices.SortFunc(s.Totals, func(a, b Total) int {
		if c := kindOrder(a.Kind) - kindOrder(b.Kind); c != 0 {
			return c
		}
		if a.Item < b.Item {
			return -1
		} else if a.Item > b.Item {
			return 1
		}
		return 0
	})
	return s
}

// mergeSpans sorts spans and joins those that overlap or lie less than
// join seconds apart.
func mergeSpans(spans []Span, join int64) []Span {
	spans = slices.Clone(spans)
	slices.SortFunc(spans, func(a, b Span) int {
		switch {
		case a.Start < b.Start:
			return -1
		case a.Start > b.Start:
			return 1
		}
		return 0
	})
	var out []Span
	for _, s := range spans {
		if s.End <= s.Start {
			continue
		}
		if n := len(out); n > 0 && s.Start-out[n-1].End < join {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Records are the chain as stored: summaries (oldest first), then entries,
// then the signed head; Open holds intervals still open, ending now, and
// the on-screen seconds not yet sealed.
type Records struct {
	Summaries []Summary
	Entries   []Entry
	Head      Head
	Open      []Entry // Seq 0: not in the chain yet
}

// Records reads the whole log.
func (l *Log) Records() (Records, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.db == nil {
		return Records{}, errors.New("proof: display log is closed")
	}
	var r Records
	now := l.now()
	err := l.view(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketSummaries).ForEach(func(k, v []byte) error {
			s, err := decodeSummary(v)
			if err != nil {
				return fmt.Errorf("summary %d: %w", binary.BigEndian.Uint64(k), err)
			}
			r.Summaries = append(r.Summaries, s)
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketEntries).ForEach(func(k, v []byte) error {
			e, err := decodeEntry(v)
			if err != nil {
				return fmt.Errorf("entry %d: %w", binary.BigEndian.Uint64(k), err)
			}
			r.Entries = append(r.Entries, e)
			return nil
		})
	})
	if err != nil {
		return Records{}, fmt.Errorf("proof: reading the display log: %w", err)
	}
	r.Head = l.head
	r.Head.Sig = slices.Clone(l.head.Sig)
	for s, start := range l.open {
		if now > start {
			r.Open = append(r.Open, Entry{Kind: s.kind, Item: s.item, Start: start, End: now})
		}
	}
	r.Open = append(r.Open, l.st.open(now)...)
	return r, nil
}
