package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"gongkai/boltfile"
	"gongkai/feed"
)

// Store is an open store. Safe for concurrent use: bbolt serialises
// writers and isolates readers; the cached state and visible set are
// guarded by mu.
type Store struct {
	dir  string
	opt  Options
	dbMu sync.RWMutex // held for reading by every transaction, for writing only by Compact's swap
	db   *bolt.DB

	writeMu sync.Mutex // one writer at a time, so caches follow commit order

	mu     sync.RWMutex
	state  State
	tz     *time.Location
	gen    uint64         // bumped by every change of items, so a stale visible set is not used
	vis    visCache       // the visible set of the last search's screen and day
	cal    *feed.Calendar // decoded stored calendar, whose object has SHA-256 calSum
	calSum string
	calErr error
	subs   []chan struct{}
	bg     sync.WaitGroup

	alerts   []feed.Alert // decoded stored alerts object (alerts.go)
	alertsOf string       // its hash

	blobMu sync.Mutex             // guards what follows
	blobOK map[string]os.FileInfo // attachment files hashed sound, as they were then (BlobSound)
	atts   []feed.Object          // attachments of the manifest with hash attsOf
	attsOf string
}

// Open opens (creating if needed) the store in data directory dir: the
// database at dir/store.db, attachments under dir/blobs/. A file that is not
// a sound database gives an error wrapping ErrDamaged (see OpenOrReset).
func Open(dir string, opt Options) (*Store, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = 5 * time.Second
	}
	path := filepath.Join(dir, dbFile)
	if !opt.ReadOnly {
		if err := os.MkdirAll(filepath.Join(dir, blobDir), 0o755); err != nil {
			return nil, fmt.Errorf("store: open %s: %w", dir, err)
		}
	}
	db, err := openBolt(path, opt)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{dir: dir, opt: opt, db: db}
	if err := s.init(opt.ReadOnly); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if !opt.ReadOnly {
		s.removeTemps()
	}
	s.loadCalendar()
	s.releasePages() // the freelist walk of the open touched every page
	return s, nil
}

// openBolt opens the database the one way every bbolt file of the program
// is opened (package boltfile: timeout, read-only page probe, damage and
// lock sorted out).
func openBolt(path string, opt Options) (*bolt.DB, error) {
	return boltfile.Open(path, boltfile.Options{Timeout: opt.Timeout, ReadOnly: opt.ReadOnly})
}

// init creates the buckets of a new database, checks the schema of an
// existing one and loads the state, touching every bucket's root so a
// damaged file is found now rather than in the middle of showing a screen.
func (s *Store) init(readOnly bool) error {
	if !readOnly {
		if err := s.update(s.initBuckets); err != nil {
			return err
		}
	}
	var st State
	err := s.view(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if b := tx.Bucket(name); b != nil {
				b.Cursor().First()
			}
		}
		if meta := tx.Bucket(bucketMeta); meta != nil && readOnly {
			if v := meta.Get(keySchema); string(v) != schemaVersion {
				return fmt.Errorf("%w: schema %q, want %q: open it for writing (gongkai sync) to rebuild it", ErrDamaged, v, schemaVersion)
			}
		}
		var err error
		st, err = readState(tx)
		return err
	})
	if err != nil {
		return err
	}
	s.setState(st)
	return nil
}

// initBuckets creates the buckets of a new database and checks the schema
// of an existing one. A store of an older schema has the items and sums
// that every schema keeps, verified by their hashes: its derived buckets
// are built again from them, so the screen keeps its content without a
// download.
func (s *Store) initBuckets(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	v := meta.Get(keySchema)
	_, older := olderSchemas[string(v)]
	switch {
	case v == nil && meta.Get(keyState) == nil:
		if err := meta.Put(keySchema, []byte(schemaVersion)); err != nil {
			return err
		}
	case older:
	case string(v) != schemaVersion:
		return fmt.Errorf("%w: schema %q, want %q", ErrDamaged, v, schemaVersion)
	}
	for _, b := range append(allBuckets, bucketShards) {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	if !older {
		return nil
	}
	for _, b := range formerBuckets {
		if err := tx.DeleteBucket(b); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
	}
	if err := rebuild(tx); err != nil {
		return fmt.Errorf("rebuilding schema %q as %q: %w", v, schemaVersion, err)
	}
	return meta.Put(keySchema, []byte(schemaVersion))
}

// OpenOrReset opens the store; if its database is damaged it moves the file
// aside (store.db.damaged-<UTC time>) and starts empty, so the next verified
// sync rebuilds it. reset tells whether that happened, for the status screen.
// Attachments stay: they are checked by hash and collected by the next Apply.
func OpenOrReset(dir string, opt Options) (s *Store, reset bool, err error) {
	s, err = Open(dir, opt)
	if err == nil || !errors.Is(err, ErrDamaged) || opt.ReadOnly {
		return s, false, err
	}
	if err := MoveAside(dir, time.Now()); err != nil {
		return nil, false, err
	}
	s, err = Open(dir, opt)
	return s, err == nil, err
}

// MoveAside renames dir/store.db to store.db.damaged-<time>, keeping it for
// a person to look at; the next Open starts an empty database.
func MoveAside(dir string, now time.Time) error {
	if _, err := boltfile.MoveAside(filepath.Join(dir, dbFile), "damaged", now); err != nil {
		return fmt.Errorf("store: move damaged database aside: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.bg.Wait()
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// view and update run a transaction, turning a bbolt panic (which a damaged
// page can cause) into an error wrapping ErrDamaged.
func (s *Store) view(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	s.dbMu.RLock()
	defer s.dbMu.RUnlock()
	return s.db.View(fn)
}

func (s *Store) update(fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	s.dbMu.RLock()
	defer s.dbMu.RUnlock()
	return s.db.Update(fn)
}

// recoverDamage is deferred as it is: recover works only in the deferred
// function itself.
var recoverDamage = boltfile.Recover

func readState(tx *bolt.Tx) (State, error) {
	meta := tx.Bucket(bucketMeta) // nil in a read-only store never initialised
	if meta == nil {
		return State{}, nil
	}
	return decodeState(meta.Get(keyState))
}

func writeState(tx *bolt.Tx, st State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyState, b)
}

// decodeState reads the state record; nil is a fresh store.
func decodeState(b []byte) (State, error) {
	var st State
	if b == nil {
		return st, nil
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return State{}, fmt.Errorf("%w: state record: %v", ErrDamaged, err)
	}
	return st, nil
}

func (s *Store) setState(st State) {
	tz := time.UTC
	if st.Timezone != "" {
		if l, err := time.LoadLocation(st.Timezone); err == nil {
			tz = l
		}
	}
	s.mu.Lock()
	s.state, s.tz = st, tz
	s.mu.Unlock()
}

// State returns the feed state.
func (s *Store) State() (State, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.state
	st.Categories = append([]feed.Category(nil), st.Categories...)
	st.Locations = append([]feed.Place(nil), st.Locations...)
	return st, nil
}

// Location is the feed's time zone (UTC before the first Apply).
func (s *Store) Location() *time.Location {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tz
}

// Now is the trusted time: the later of clock and the newest issued_at applied.
func (s *Store) Now(clock time.Time) time.Time {
	s.mu.RLock()
	trusted := s.state.TrustedTime
	s.mu.RUnlock()
	if trusted.After(clock) {
		return trusted
	}
	return clock
}

// PlaceName is the name of the longest declared location prefixing code
// ("东湾村" for 310118901201), or code itself.
func (s *Store) PlaceName(code string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	name, best := code, 0
	for _, p := range s.state.Locations {
		if len(p.Code) > best && strings.HasPrefix(code, p.Code) {
			name, best = p.Name, len(p.Code)
		}
	}
	return name
}

// RecordAttempt notes a sync attempt that changed nothing: err nil means
// "unchanged" (a success), otherwise the reason it failed and its kind
// (sync.KindOf: the store keeps it, it does not choose it). Items are not
// touched.
func (s *Store) RecordAttempt(source string, at time.Time, fetched int64, err error, kind string) error {
	return s.editState("record attempt", func(st *State) {
		st.LastAttempt, st.Source, st.BytesFetched = at, source, fetched
		if err != nil {
			// The message may quote a server (its status line): one
			// printable line, capped, before it is kept and shown.
			st.LastError = feed.Printable(err.Error(), feed.MaxErrorText)
			st.LastErrorKind = kind
		} else {
			st.LastSuccess, st.LastError, st.LastErrorKind = at, "", ""
		}
	})
}

// RecordRepair notes that a sync re-fetched n attachments found damaged
// (missing, cut short or altered), for status: a screen that mended
// itself says so rather than "unchanged".
func (s *Store) RecordRepair(at time.Time, n int) error {
	return s.editState("record repair", func(st *State) { st.LastRepair, st.Repaired = at, n })
}

// editState changes the state record, and nothing else, in one transaction.
func (s *Store) editState(what string, edit func(*State)) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var st State
	err := s.update(func(tx *bolt.Tx) error {
		var rerr error
		if st, rerr = readState(tx); rerr != nil {
			return rerr
		}
		edit(&st)
		return writeState(tx, st)
	})
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	s.setState(st)
	return nil
}

// Changed returns a channel that receives a value after every Apply, so
// screens refresh in place. Each call returns a new subscription; a
// subscriber that is slow sees one pending value, never a blocked Apply.
func (s *Store) Changed() <-chan struct{} {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs = append(s.subs, ch)
	s.mu.Unlock()
	return ch
}

func (s *Store) notify() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
