// Package feed is Gongkai's wire format: the signed manifest, the item and
// attachment objects it lists, the publisher keys, and the one function that
// decides whether a fetched feed may be trusted. It is shared by the
// publisher and the screens and does no I/O of its own beyond the readers it
// is handed: where bytes come from (HTTP, a folder, a USB stick) is sync's
// business. The format is described in FORMAT.md.
package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Format identifiers. A screen refuses anything else, so a future format can
// never be mistaken for this one.
const (
	ManifestFormat = "gongkai-feed/1"
	ItemFormat     = "gongkai-item/1"
)

// File names inside a feed directory.
const (
	ManifestFile = "manifest.json"
	SigDir       = "signatures" // SigDir/<sha256 of manifest bytes>.sig
	ObjectDir    = "objects"    // ObjectDir/<first 2 hex>/<sha256 hex>
)

// Limits. Every read of outside bytes goes through one of these before any
// parsing, so a hostile server cannot make a screen allocate without bound.
const (
	MaxManifestSize   = 32 << 20 // about 150,000 items
	MaxSignatureSize  = 1 << 10
	MaxItemSize       = 4 << 20 // one item object: metadata and Markdown body
	MaxAttachmentSize = 50 << 20
	MaxItems          = 150_000
	MaxAttachments    = 200_000
)

// Bounds of a manifest's numbers and times. A signed but wrong publication
// (a publisher PC whose clock ran ten years ahead, a version near the top
// of int64) must not leave a screen refusing every correct publication
// after it; see "Time and versions" in FORMAT.md.
const (
	// MaxVersion bounds version and epoch: the largest integer every JSON
	// reader holds exactly. A publisher at it must reset (epoch + 1).
	MaxVersion int64 = 1<<53 - 1
	// MaxClockSkew is how far issued_at may be ahead of a screen's
	// plausible clock: publisher and screen clocks both drift, and a
	// wrongly set time zone alone is eight hours.
	MaxClockSkew = 48 * time.Hour
	// MaxIssueStep is how far issued_at may be ahead of the previous
	// version's when the screen's clock cannot tell (it is before
	// ClockFloor). Feeds expire after 30 days, so a live feed publishes
	// far more often; a longer pause needs a reset.
	MaxIssueStep = 400 * 24 * time.Hour
)

// ClockFloor is the earliest time a clock can plausibly read: before it,
// this program did not exist, so the clock is wrong (a flat RTC battery
// resets to 1970 or 2000). A screen with such a clock bounds new issues by
// the previous one instead; publish refuses to sign.
var ClockFloor = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// PlausibleClock reports whether a clock reading can be believed at all.
func PlausibleClock(t time.Time) bool { return !t.Before(ClockFloor) }

// Manifest is the signed description of one version of a feed.
type Manifest struct {
	Format      string     `json:"format"`
	FeedID      string     `json:"feed_id"`
	Title       string     `json:"title"`
	Version     int64      `json:"version"`
	Epoch       int64      `json:"epoch,omitempty"` // bumped by each key-holder reset (publish --reset); 0 until the first
	IssuedAt    time.Time  `json:"issued_at"`
	Expires     time.Time  `json:"expires"`
	Timezone    string     `json:"timezone"`
	Categories  []Category `json:"categories"`
	Locations   []Place    `json:"locations,omitempty"`
	Items       []ItemRef  `json:"items"`
	Attachments []Object   `json:"attachments"`
	// Calendar is the working-day calendar object (calendar.go), when the
	// publisher has one; posting_workdays are counted with it.
	Calendar *Object `json:"calendar,omitempty"`
	// Shards, in a large feed, are the objects that list its items and
	// attachments (shard.go); Items and Attachments are then empty in the
	// signed bytes and filled by Expand.
	Shards []Object `json:"shards,omitempty"`

	attSet map[Object]bool // built by ParseManifest, so checking items stays linear
}

// hasAttachment reports whether o is one of the manifest's attachments.
func (m *Manifest) hasAttachment(o Object) bool {
	if m.attSet != nil {
		return m.attSet[o]
	}
	return slices.Contains(m.Attachments, o)
}

// Category is a topic declared by the feed.
type Category struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Place names an administrative-division code, so a screen can show
// "东湾村" rather than "310118901201".
type Place struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Object is a content-addressed file: its SHA-256 (lower-case hex) and size.
type Object struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// ItemRef lists one item of the feed and the object that holds it.
type ItemRef struct {
	ID string `json:"id"`
	Object
}

// Path is the object's location relative to the feed root, with '/' separators.
func (o Object) Path() string { return ObjectPath(o.SHA256) }

// ObjectPath is where the object with this hex digest lives in a feed.
func ObjectPath(sum string) string { return ObjectDir + "/" + sum[:2] + "/" + sum }

// SignaturePath is where the signature of manifest bytes with this digest lives.
func SignaturePath(manifestSum string) string { return SigDir + "/" + manifestSum + ".sig" }

// Sum is the lower-case hex SHA-256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Location returns the loaded time zone of the feed.
func (m *Manifest) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(m.Timezone)
	if err != nil {
		return nil, fmt.Errorf("%w: timezone %q: %v", ErrFormat, m.Timezone, err)
	}
	return loc, nil
}

// Objects lists every object of the manifest: items, attachments, the
// calendar, the shards (a sharded manifest must be expanded first).
func (m *Manifest) Objects() []Object {
	out := make([]Object, 0, len(m.Items)+len(m.Attachments)+len(m.Shards)+1)
	for _, it := range m.Items {
		out = append(out, it.Object)
	}
	out = append(out, m.Attachments...)
	if m.Calendar != nil {
		out = append(out, *m.Calendar)
	}
	return append(out, m.Shards...)
}

// ValidID reports whether s may be an item, category or feed id:
// [a-z0-9._-], 1 to 128 bytes.
func ValidID(s string) bool {
	return spelled(s, 1, 128, func(c byte) bool {
		return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
	})
}

// ValidCode reports whether s is an administrative-division code or
// prefix: 2 to 12 digits.
func ValidCode(s string) bool { return spelled(s, 2, 12, isDigit) }

// IsHex reports whether s is n lower-case hex digits (a SHA-256: 64).
func IsHex(s string, n int) bool {
	return spelled(s, n, n, func(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' })
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// spelled reports whether s is lo to hi bytes long, each one ok. (These
// were regular expressions; compiling `{1,128}` at start-up cost every
// gongkai command 2 ms.)
func spelled(s string, lo, hi int, ok func(c byte) bool) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// EncodeManifest gives the bytes to sign. Items are sorted by id and
// attachments by hash, so the same content always gives the same bytes.
func EncodeManifest(m *Manifest) ([]byte, error) {
	c := *m
	c.Format = ManifestFormat
	c.Items = slices.Clone(m.Items)
	c.Attachments = slices.Clone(m.Attachments)
	slices.SortFunc(c.Items, func(a, b ItemRef) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(c.Attachments, func(a, b Object) int { return strings.Compare(a.SHA256, b.SHA256) })
	c.Attachments = slices.Compact(c.Attachments)
	c.IssuedAt = c.IssuedAt.UTC().Truncate(time.Second)
	c.Expires = c.Expires.UTC().Truncate(time.Second)
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return encodeJSON(&c)
}
