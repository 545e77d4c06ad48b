// Package store is a screen's local copy of its feed: items, indexes
// (category, location, validity, search), sync state, trusted time and the
// display log in one bbolt file, attachments as content-addressed files
// beside it. It knows nothing of HTTP or widgets. The database is a cache
// that a verified feed can rebuild.
//
// API CONTRACT (stubbed first so sync/, cli/ and ui/ can be written in
// parallel; the implementation fills in the bodies, keeping signatures).
package store

import (
	"errors"
	"io"
	"time"

	"gongkai/feed"
)

// Errors a caller can act on.
var (
	ErrNotFound = errors.New("store: not found")
	ErrDamaged  = errors.New("store: damaged")
)

// State is the feed state of this screen.
type State struct {
	FeedID       string
	Title        string
	Version      int64
	ManifestSum  string // SHA-256 hex of the applied manifest bytes
	IssuedAt     time.Time
	Expires      time.Time
	Timezone     string
	Categories   []feed.Category
	Locations    []feed.Place
	TrustedTime  time.Time // newest issued_at ever applied
	LastSuccess  time.Time // last sync that ended updated or unchanged
	LastAttempt  time.Time
	LastError    string // "" after a success
	Source       string // source of the last attempt
	BytesFetched int64  // by the last attempt
}

// Summary is what a list shows of an item (no body).
type Summary struct {
	ID          string
	Title       string
	Category    string
	Agency      string
	DocNo       string
	Published   feed.Date
	ValidFrom   feed.Date
	ValidUntil  feed.Date
	PostingDays int
	Priority    string
	Normative   bool
	Withdrawn   string
	Locations   []string
}

// Hit is one search result. Match lists the substrings of Title (or of
// the body when the title did not match) that the query matched, for
// highlighting: for the pinyin query "tdzs" that is "土地征收".
type Hit struct {
	Summary
	InTitle bool
	Match   []string
}

// Update is one verified manifest ready to apply.
type Update struct {
	Manifest *feed.Verified
	Raw      []byte            // exact manifest bytes
	Items    map[string][]byte // item objects fetched for this update, by SHA-256; items whose object the store already holds may be left out
	Source   string
	Fetched  int64 // bytes fetched
	At       time.Time
}

// Changes counts what an applied update did.
type Changes struct {
	Added, Changed, Removed int
}

// Options of Open.
type Options struct {
	Timeout  time.Duration // waiting for the file lock; 5 s when zero
	ReadOnly bool
}

// Store is an open store. Safe for concurrent use.
type Store struct{}

// Open opens (creating if needed) the store in data directory dir: the
// database at dir/store.db, attachments under dir/blobs/.
func Open(dir string, opt Options) (*Store, error) { panic("todo") }

// Close closes the database.
func (s *Store) Close() error { panic("todo") }

// State returns the feed state.
func (s *Store) State() (State, error) { panic("todo") }

// Now is the trusted time: the later of clock and the newest issued_at applied.
func (s *Store) Now(clock time.Time) time.Time { panic("todo") }

// ItemSums maps every stored item id to the SHA-256 of its object, so sync
// fetches only what changed.
func (s *Store) ItemSums() (map[string]string, error) { panic("todo") }

// HasBlob reports whether an intact attachment object is stored (by name;
// Check verifies content).
func (s *Store) HasBlob(sum string) bool { panic("todo") }

// PutBlob stores an attachment from r (temp file, fsync, rename, fsync dir)
// before the Apply that references it. r must already be verifying (wrap it
// with feed.NewObjectReader); if r fails nothing is stored.
func (s *Store) PutBlob(sum string, r io.Reader) error { panic("todo") }

// OpenBlob opens a stored attachment.
func (s *Store) OpenBlob(sum string) (io.ReadCloser, error) { panic("todo") }

// BlobPath is where an attachment lives (for image widgets that take a file).
func (s *Store) BlobPath(sum string) string { panic("todo") }

// Apply replaces the stored feed by a verified update in one transaction:
// items, indexes, state. Then removes attachments no item references.
func (s *Store) Apply(u Update) (Changes, error) { panic("todo") }

// RecordAttempt notes a sync attempt that changed nothing: err nil means
// "unchanged" (a success), otherwise the reason it failed.
func (s *Store) RecordAttempt(source string, at time.Time, fetched int64, err error) error {
	panic("todo")
}

// Visible lists the items shown on a screen at location at time at (trusted
// time), pinned first, then urgent, then newest published. category "" means all.
func (s *Store) Visible(location, category string, at time.Time) ([]Summary, error) { panic("todo") }

// Counts gives the number of visible items per category.
func (s *Store) Counts(location string, at time.Time) (map[string]int, error) { panic("todo") }

// Item returns a stored item in full, if it is visible at location and at.
// ErrNotFound otherwise (another village's notice is never reachable).
func (s *Store) Item(id, location string, at time.Time) (*feed.Item, error) { panic("todo") }

// Search finds visible items: Chinese by bigrams and single characters,
// Latin and digits by token, pinyin by full syllables and initials. Title
// hits first, then newest. At most limit hits (0: no limit).
func (s *Store) Search(query, location string, at time.Time, limit int) ([]Hit, error) {
	panic("todo")
}

// PlaceName is the name of the longest declared location prefixing code
// ("东湾村" for 310118901201), or code itself.
func (s *Store) PlaceName(code string) string { panic("todo") }

// Check verifies the database structure and every item and attachment
// against its hash. It returns a list of problems (empty when sound).
func (s *Store) Check() ([]string, error) { panic("todo") }

// Changed returns a channel that receives a value after every Apply, so
// screens refresh in place. Each call returns a new subscription.
func (s *Store) Changed() <-chan struct{} { panic("todo") }

// IsVisible is the one definition of "shown on this screen": one of the
// locations prefixes location (or is "all"), not withdrawn, and at falls
// within valid_from..valid_until inclusive in the feed's time zone.
func IsVisible(s *Summary, location string, at time.Time, tz *time.Location) bool {
	panic("todo")
}
