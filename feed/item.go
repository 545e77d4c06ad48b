package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Priorities of an item.
const (
	PriorityNormal = "normal"
	PriorityUrgent = "urgent"
	PriorityPinned = "pinned"
)

// AllLocations in an item's locations targets every screen of the feed.
const AllLocations = "all"

// Targets is the targeting rule: an item for locations (administrative-
// division code prefixes, or AllLocations) reaches the screen whose full
// code is location. A town's code reaches every village under it. It is
// the location half of store.IsVisible and all a preview of an import
// asks.
func Targets(locations []string, location string) bool {
	for _, l := range locations {
		if l == AllLocations || (l != "" && strings.HasPrefix(location, l)) {
			return true
		}
	}
	return false
}

// Item is one notice as carried in its object.
type Item struct {
	Format      string   `json:"format"`
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Category    string   `json:"category"`
	Agency      string   `json:"agency"`
	Published   Date     `json:"published"`
	Locations   []string `json:"locations"`
	DocNo       string   `json:"doc_no,omitempty"`
	ValidFrom   Date     `json:"valid_from,omitempty"`
	ValidUntil  Date     `json:"valid_until,omitempty"`
	PostingDays int      `json:"posting_days,omitempty"`
	// PostingWorkdays is a period in working days, counted with the
	// feed's calendar (package period); at most one of the two is set.
	PostingWorkdays int          `json:"posting_workdays,omitempty"`
	Priority        string       `json:"priority,omitempty"`
	Normative       bool         `json:"normative,omitempty"`
	URL             string       `json:"url,omitempty"`
	Contact         string       `json:"contact,omitempty"`
	Withdrawn       string       `json:"withdrawn,omitempty"`
	Body            string       `json:"body"`
	Attachments     []Attachment `json:"attachments,omitempty"`
	// Audio is the notice read aloud (a clerk's recording, or speech made
	// by publish --speak), for villagers who read poorly: always AudioType,
	// made or converted where the notice is published and signed, never
	// synthesised on a screen. Listed in the manifest's attachments too.
	Audio *Attachment `json:"audio,omitempty"`
}

// Files lists every object the item refers to: its attachments, then its
// audio. A store keeps (and checks) exactly these.
func (it *Item) Files() []Attachment {
	if it.Audio == nil {
		return it.Attachments
	}
	return append(slices.Clip(it.Attachments), *it.Audio)
}

// The one form of audio a screen plays: publish converts every recording
// to it, so a screen needs one decoder and one output rate.
const (
	AudioType = "audio/mpeg" // MP3
	AudioRate = 16000        // samples a second
)

// Attachment is a file that belongs to an item. Name is the path the author
// used (and the Markdown body refers to); the bytes are the object.
type Attachment struct {
	Name string `json:"name"`
	Type string `json:"type"` // MIME type, e.g. image/png, text/csv, application/pdf
	Object
}

// Date is a calendar day, YYYY-MM-DD, in the feed's time zone.
type Date string

// Time is the start of the day in loc.
func (d Date) Time(loc *time.Location) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, string(d), loc)
}

// Valid reports whether d is a real calendar day in the canonical form.
func (d Date) Valid() bool {
	t, err := time.Parse(time.DateOnly, string(d))
	return err == nil && t.Format(time.DateOnly) == string(d)
}

// EncodeItem gives the canonical bytes of an item object: the same item
// always encodes to the same bytes, so an unchanged notice keeps its hash
// and no screen downloads it again.
func EncodeItem(it *Item) ([]byte, error) {
	c := *it
	c.Format = ItemFormat
	if c.Priority == "" {
		c.Priority = PriorityNormal
	}
	return encodeJSON(&c)
}

// DecodeItem parses and checks an item object that was already verified
// against the manifest (ref) by hash. It refuses items whose id differs from
// the manifest's, whose categories are undeclared, or whose attachments are
// not objects of this manifest.
func DecodeItem(data []byte, ref ItemRef, m *Manifest) (*Item, error) {
	if len(data) > MaxItemSize {
		return nil, fmt.Errorf("%w: item %s is %d bytes, over %d", ErrTooLarge, ref.ID, len(data), MaxItemSize)
	}
	var it Item
	if err := strictUnmarshal(data, &it); err != nil {
		return nil, fmt.Errorf("%w: item %s: %v", ErrFormat, ref.ID, err)
	}
	if it.Format != ItemFormat {
		return nil, fmt.Errorf("%w: item %s: format %q, want %q", ErrFormat, ref.ID, it.Format, ItemFormat)
	}
	if it.ID != ref.ID {
		return nil, fmt.Errorf("%w: item object for %q says its id is %q", ErrFormat, ref.ID, it.ID)
	}
	if err := it.Check(m); err != nil {
		return nil, fmt.Errorf("%w: item %s: %v", ErrFormat, ref.ID, err)
	}
	return &it, nil
}

// A CheckedItem is an item object checked against its reference by hash and
// decoded against a manifest: what a sync does to each item as it fetches
// it, so that a bad item fails the run early, and what Apply would do
// again (store.Update.Checked). Only CheckItem makes one.
type CheckedItem struct {
	data []byte
	ref  ItemRef
	m    *Manifest
	it   *Item
}

// ReadItem reads the object of ref from r, checking its size and hash as
// it reads (NewObjectReader), and decodes it against m (DecodeItem).
func ReadItem(r io.Reader, ref ItemRef, m *Manifest) (*CheckedItem, error) {
	data, err := ReadLimited(NewObjectReader(r, ref.Object), MaxItemSize, "item "+ref.ID)
	if err != nil {
		return nil, fmt.Errorf("item %s: %w", ref.ID, err)
	}
	it, err := DecodeItem(data, ref, m)
	if err != nil {
		return nil, err
	}
	return &CheckedItem{data: data, ref: ref, m: m, it: it}, nil
}

// CheckItem is ReadItem for an object already in memory.
func CheckItem(data []byte, ref ItemRef, m *Manifest) (*CheckedItem, error) {
	return ReadItem(bytes.NewReader(data), ref, m)
}

// Bytes are the item object's bytes.
func (c *CheckedItem) Bytes() []byte { return c.data }

// Item is the decoded item, shared by every reader: not to be changed.
func (c *CheckedItem) Item() *Item { return c.it }

// For reports whether c was checked as ref and decoded against m itself.
func (c *CheckedItem) For(ref ItemRef, m *Manifest) bool { return c.ref == ref && c.m == m }

// ItemError is what Item.Check finds wrong with an item's own fields:
// the field (its front matter key) and the rule, so a publisher's window
// can say it in its own words; the message is for logs and the terminal.
type ItemError struct {
	Field string // front matter key, "" for the item as a whole
	Rule  string // Rule…, "" for a mistake only a broken tool makes
	Msg   string
}

func (e *ItemError) Error() string { return e.Msg }

// The rules of an item's fields a clerk can break by hand.
const (
	RuleRequired    = "required"     // a required field is empty
	RuleID          = "id"           // an id with other than a-z, 0-9, '.', '_' and '-'
	RuleNotDate     = "not-date"     // a date that is not YYYY-MM-DD
	RuleDateOrder   = "date-order"   // valid_until before valid_from
	RuleRange       = "range"        // a posting period out of range
	RulePeriodBoth  = "period-both"  // posting_days and posting_workdays both set
	RuleNoLocations = "no-locations" // no location at all
	RuleLocation    = "location"     // a location that is not a division code prefix
)

func itemErr(field, rule, format string, args ...any) error {
	return &ItemError{Field: field, Rule: rule, Msg: fmt.Sprintf(format, args...)}
}

// Check validates the fields of an item against its manifest (m may be nil
// when only the item's own consistency is wanted, as the publisher does
// before a manifest exists).
func (it *Item) Check(m *Manifest) error {
	switch {
	case it.Format != "" && it.Format != ItemFormat:
		return itemErr("format", "", "unknown item format %q", it.Format)
	case !ValidID(it.ID):
		return itemErr("id", RuleID, "id %q: only a-z, 0-9, '.', '_' and '-' are allowed", it.ID)
	case strings.TrimSpace(it.Title) == "":
		return itemErr("title", RuleRequired, "title is empty")
	case strings.TrimSpace(it.Agency) == "":
		return itemErr("agency", RuleRequired, "agency is empty")
	case !it.Published.Valid():
		return itemErr("published", RuleNotDate, "published %q is not a date YYYY-MM-DD", it.Published)
	case it.ValidFrom != "" && !it.ValidFrom.Valid():
		return itemErr("valid_from", RuleNotDate, "valid_from %q is not a date YYYY-MM-DD", it.ValidFrom)
	case it.ValidUntil != "" && !it.ValidUntil.Valid():
		return itemErr("valid_until", RuleNotDate, "valid_until %q is not a date YYYY-MM-DD", it.ValidUntil)
	case it.ValidFrom != "" && it.ValidUntil != "" && it.ValidUntil < it.ValidFrom:
		return itemErr("valid_until", RuleDateOrder, "valid_until %s is before valid_from %s", it.ValidUntil, it.ValidFrom)
	case it.PostingDays < 0 || it.PostingDays > 3650:
		return itemErr("posting_days", RuleRange, "posting_days %d is out of range 0..3650", it.PostingDays)
	case it.PostingWorkdays < 0 || it.PostingWorkdays > 2500:
		return itemErr("posting_workdays", RuleRange, "posting_workdays %d is out of range 0..2500", it.PostingWorkdays)
	case it.PostingDays > 0 && it.PostingWorkdays > 0:
		return itemErr("posting_days", RulePeriodBoth, "posting_days and posting_workdays are both set: a period is one or the other")
	case len(it.Locations) == 0:
		return itemErr("locations", RuleNoLocations, "locations is empty (use a code prefix or %q)", AllLocations)
	}
	switch it.Priority {
	case "", PriorityNormal, PriorityUrgent, PriorityPinned:
	default:
		return itemErr("priority", "", "priority %q: use normal, urgent or pinned", it.Priority)
	}
	for _, l := range it.Locations {
		if l != AllLocations && !ValidCode(l) {
			return itemErr("locations", RuleLocation, "location %q is not a division code prefix (2-12 digits) or %q", l, AllLocations)
		}
	}
	for _, s := range []string{it.Title, it.Agency, it.DocNo, it.URL, it.Contact, it.Withdrawn, it.Body} {
		if !utf8.ValidString(s) {
			return itemErr("", "", "text is not valid UTF-8")
		}
	}
	for _, a := range it.Attachments {
		if a.Name == "" || !IsHex(a.SHA256, 64) || a.Size < 0 || a.Size > MaxAttachmentSize {
			return itemErr("attachments", "", "attachment %q is malformed", a.Name)
		}
	}
	if a := it.Audio; a != nil && (a.Name == "" || a.Type != AudioType || !IsHex(a.SHA256, 64) || a.Size <= 0 || a.Size > MaxAttachmentSize) {
		return itemErr("audio", "", "audio %q is malformed (type %q, want %s)", a.Name, a.Type, AudioType)
	}
	if m == nil {
		return nil
	}
	return m.CheckRefs(it.Category, it.Files())
}

// CheckRefs is what Item.Check asks of the manifest: the item's category
// is declared and its files (attachments and audio) are listed. It is all
// of the check that can change for an item whose object has not: Apply
// asks it alone of the items a new manifest keeps as they were.
func (m *Manifest) CheckRefs(category string, files []Attachment) error {
	if !slices.ContainsFunc(m.Categories, func(c Category) bool { return c.ID == category }) {
		return fmt.Errorf("category %q is not declared by the feed", category)
	}
	for _, a := range files {
		if !m.hasAttachment(a.Object) {
			return fmt.Errorf("file %q (%s) is not listed in the manifest", a.Name, a.SHA256)
		}
	}
	return nil
}

// encodeJSON is the one encoding of signed documents and objects: one
// line, no HTML escaping (a title's "<" stays "<"), a closing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// strictUnmarshal decodes one JSON value, refusing unknown fields and
// trailing data, so that two different byte strings cannot mean the same
// thing to a screen.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}
