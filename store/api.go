// Package store is a screen's local copy of its feed: items, indexes
// (category, location, validity, search), sync state and trusted time in
// one bbolt file (store.db), attachments as content-addressed files beside
// it. It knows nothing of HTTP or widgets. The database is a cache that a
// verified feed can rebuild. (The display log is proof's, in display.db.)
//
// Files: api.go has the types and errors callers use; layout.go documents
// the database layout; store.go opens it (through boltfile) and keeps the
// feed state; apply.go writes a verified update; query.go answers what a
// screen shows (IsVisible is the one definition), targeting.go what is
// meant for it; search.go, match.go and text.go are the search index;
// index.go, record.go and rebuild.go the stored records and indexes;
// blobs.go and gc.go the attachments; check.go finds damage.
package store

import (
	"errors"
	"time"

	"gongkai/boltfile"
	"gongkai/feed"
)

// Errors a caller can act on.
var (
	ErrNotFound = errors.New("store: not found")
	// ErrDamaged: the database, or an item in it, is not sound. The same
	// value as boltfile.ErrDamaged, which opening a damaged file returns.
	ErrDamaged = boltfile.ErrDamaged
	// ErrLocked: another process holds the database (Options.Timeout passed).
	ErrLocked = boltfile.ErrLocked
)

// State is the feed state of this screen.
type State struct {
	FeedID      string
	Title       string
	Version     int64
	Epoch       int64  // of the applied manifest: key-holder resets so far
	ManifestSum string // SHA-256 hex of the applied manifest bytes
	IssuedAt    time.Time
	Expires     time.Time
	Timezone    string
	Categories  []feed.Category
	Locations   []feed.Place
	TrustedTime time.Time // newest issued_at applied since the last reset
	LastSuccess time.Time // last sync that ended updated or unchanged
	LastAttempt time.Time
	LastError   string // "" after a success
	// LastErrorKind is the kind of LastError as sync chose it
	// (sync.KindOf); "" after a success or in a state from before kinds.
	LastErrorKind string    `json:",omitempty"`
	Source        string    // source of the last attempt
	BytesFetched  int64     // by the last attempt
	LastRepair    time.Time `json:",omitzero"` // last sync that re-fetched damaged attachments
	Repaired      int       `json:",omitzero"` // how many it re-fetched
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
	// PostingWorkdays is a period in working days (package period counts
	// them with Calendar); at most one of the two is set.
	PostingWorkdays int
	Priority        string
	Normative       bool
	Withdrawn       string
	Locations       []string
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
	Manifest *feed.Verified // from feed.Verify, with the verified bytes
	// Calendar is the calendar object the manifest names, fetched for this
	// update; nil when the manifest names none or the store holds it.
	Calendar []byte
	Items    map[string][]byte // item objects fetched for this update, by SHA-256; items whose object the store already holds may be left out
	// Checked are item objects fetched for this update and already checked
	// and decoded against Manifest (feed.CheckItem, as sync does while
	// fetching), by SHA-256: Apply takes them as they are instead of
	// decoding them again. One checked against another manifest is
	// checked again.
	Checked map[string]*feed.CheckedItem
	Source  string
	Fetched int64 // bytes fetched
	At      time.Time
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
