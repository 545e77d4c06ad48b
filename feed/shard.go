package feed

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// A large feed lists its items and attachments in shard objects instead of
// in manifest.json (FORMAT.md, "Shards"). The manifest then names the
// shards by hash, so a publication that changes a few notices changes a
// few shards, and a screen fetches only those: the signed manifest stays a
// few kilobytes however many notices the feed holds, and no one document a
// screen must parse grows with the feed.
const (
	ShardFormat = "gongkai-shard/1"
	// ShardAbove: publish shards a feed of more items than this. Below it
	// the manifest lists them itself, readable by every screen ever made.
	ShardAbove = 50_000
	// ShardItems is how many items publish aims to put in one shard.
	ShardItems = 8192
	// MaxShards bounds the shards of one manifest.
	MaxShards = 4096
	// MaxShardSize bounds one shard object, as MaxManifestSize bounds an
	// unsharded manifest; MaxItems and MaxAttachments apply per shard.
	MaxShardSize = MaxManifestSize
	// MaxFeedItems and MaxFeedAttachments bound a whole sharded feed.
	MaxFeedItems       = 2_000_000
	MaxFeedAttachments = 2_000_000
)

// Shard is one shard object: the items whose id, and the attachments whose
// hash, ShardOf puts in it, each list sorted.
type Shard struct {
	Format      string    `json:"format"`
	Items       []ItemRef `json:"items"`
	Attachments []Object  `json:"attachments"`
}

// ShardOf is the shard, of n, that lists key: an item's id or an
// attachment's hash. It hashes the key so that shards fill evenly whatever
// the ids look like, and so that an item stays in its shard for as long as
// the number of shards stays the same.
func ShardOf(key string, n int) int {
	s := sha256.Sum256([]byte(key))
	return int(binary.BigEndian.Uint64(s[:8]) % uint64(n))
}

// ShardCount is how many shards publish makes for a feed of this many
// items: none up to ShardAbove, else a power of two near ShardItems items
// each. A power of two changes only when the feed doubles or halves, and
// only then does every shard change.
func ShardCount(items int) int {
	if items <= ShardAbove {
		return 0
	}
	n := 1
	for n*ShardItems < items && n < MaxShards {
		n *= 2
	}
	return n
}

// EncodeSharded is EncodeManifest for a feed listed in n shards (n = 0:
// not sharded, as EncodeManifest). It gives the manifest's bytes to sign
// and the shard objects it names, in order.
func EncodeSharded(m *Manifest, n int) (manifest []byte, shards [][]byte, err error) {
	if n == 0 {
		manifest, err = EncodeManifest(m)
		return manifest, nil, err
	}
	if n < 0 || n > MaxShards {
		return nil, nil, fmt.Errorf("%w: %d shards, outside 1..%d", ErrFormat, n, MaxShards)
	}
	if len(m.Items) > MaxFeedItems || len(m.Attachments) > MaxFeedAttachments {
		return nil, nil, fmt.Errorf("%w: %d items and %d attachments, over %d and %d", ErrFormat,
			len(m.Items), len(m.Attachments), MaxFeedItems, MaxFeedAttachments)
	}
	parts := make([]Shard, n)
	for _, it := range m.Items {
		s := &parts[ShardOf(it.ID, n)]
		s.Items = append(s.Items, it)
	}
	for _, a := range m.Attachments {
		s := &parts[ShardOf(a.SHA256, n)]
		s.Attachments = append(s.Attachments, a)
	}
	root := *m
	root.Items, root.Attachments = nil, nil
	root.Shards = make([]Object, n)
	shards = make([][]byte, n)
	for i := range parts {
		s := &parts[i]
		s.Format = ShardFormat
		slices.SortFunc(s.Items, func(a, b ItemRef) int { return strings.Compare(a.ID, b.ID) })
		slices.SortFunc(s.Attachments, func(a, b Object) int { return strings.Compare(a.SHA256, b.SHA256) })
		s.Attachments = slices.Compact(s.Attachments)
		if err := s.check(i, n); err != nil {
			return nil, nil, fmt.Errorf("%w: shard %d: %v", ErrFormat, i, err)
		}
		if shards[i], err = encodeJSON(s); err != nil {
			return nil, nil, err
		}
		if len(shards[i]) > MaxShardSize {
			return nil, nil, fmt.Errorf("%w: shard %d is %d bytes, over %d", ErrTooLarge, i, len(shards[i]), MaxShardSize)
		}
		root.Shards[i] = Object{SHA256: Sum(shards[i]), Size: int64(len(shards[i]))}
	}
	manifest, err = EncodeManifest(&root)
	return manifest, shards, err
}

// Expand reads the shards m names (their bytes, in m.Shards' order) into
// m.Items and m.Attachments, as if the manifest had listed them itself.
// Each shard must be the object m names (size and hash), strictly
// decoded, sorted, and hold only what ShardOf puts in it, so no item can
// be listed twice. A manifest without shards is left as it is.
func (m *Manifest) Expand(shards [][]byte) error {
	if len(m.Shards) == 0 {
		return nil
	}
	if len(shards) != len(m.Shards) {
		return fmt.Errorf("%w: %d shards given, the manifest names %d", ErrFormat, len(shards), len(m.Shards))
	}
	n := len(m.Shards)
	parsed := make([]Shard, n)
	items, atts := 0, 0
	for i, raw := range shards {
		if err := CheckObject(raw, m.Shards[i]); err != nil {
			return fmt.Errorf("shard %d: %w", i, err)
		}
		s, err := ParseShard(raw, i, n)
		if err != nil {
			return err
		}
		parsed[i] = *s
		items += len(s.Items)
		atts += len(s.Attachments)
	}
	if items > MaxFeedItems || atts > MaxFeedAttachments {
		return fmt.Errorf("%w: %d items and %d attachments, over %d and %d", ErrTooLarge, items, atts, MaxFeedItems, MaxFeedAttachments)
	}
	m.Items = make([]ItemRef, 0, items)
	m.Attachments = make([]Object, 0, atts)
	for _, s := range parsed {
		m.Items = append(m.Items, s.Items...)
		m.Attachments = append(m.Attachments, s.Attachments...)
	}
	// Sorted as an unsharded manifest lists them, so readers see one order.
	slices.SortFunc(m.Items, func(a, b ItemRef) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(m.Attachments, func(a, b Object) int { return strings.Compare(a.SHA256, b.SHA256) })
	m.attSet = make(map[Object]bool, len(m.Attachments))
	for _, a := range m.Attachments {
		m.attSet[a] = true
	}
	return nil
}

// ParseShard decodes shard i of n strictly and checks its structure. It
// does not check that the bytes are the object the manifest names: Expand
// does.
func ParseShard(raw []byte, i, n int) (*Shard, error) {
	if len(raw) > MaxShardSize {
		return nil, fmt.Errorf("%w: shard %d is %d bytes, over %d", ErrTooLarge, i, len(raw), MaxShardSize)
	}
	var s Shard
	if err := strictUnmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%w: shard %d: %v", ErrFormat, i, err)
	}
	if err := s.check(i, n); err != nil {
		return nil, fmt.Errorf("%w: shard %d: %v", ErrFormat, i, err)
	}
	return &s, nil
}

func (s *Shard) check(i, n int) error {
	switch {
	case s.Format != ShardFormat:
		return fmt.Errorf("format %q, want %q", s.Format, ShardFormat)
	case len(s.Items) > MaxItems:
		return fmt.Errorf("%d items, over %d", len(s.Items), MaxItems)
	case len(s.Attachments) > MaxAttachments:
		return fmt.Errorf("%d attachments, over %d", len(s.Attachments), MaxAttachments)
	}
	for k, it := range s.Items {
		if !ValidID(it.ID) || (k > 0 && it.ID <= s.Items[k-1].ID) {
			return fmt.Errorf("item id %q is invalid, repeated or out of order", it.ID)
		}
		if ShardOf(it.ID, n) != i {
			return fmt.Errorf("item %s belongs in shard %d", it.ID, ShardOf(it.ID, n))
		}
		if err := it.Object.check(MaxItemSize); err != nil {
			return fmt.Errorf("item %s: %v", it.ID, err)
		}
	}
	for k, a := range s.Attachments {
		if err := a.check(MaxAttachmentSize); err != nil {
			return fmt.Errorf("attachment: %v", err)
		}
		if k > 0 && a.SHA256 <= s.Attachments[k-1].SHA256 {
			return fmt.Errorf("attachment %s is repeated or out of order", shortSum(a.SHA256))
		}
		if ShardOf(a.SHA256, n) != i {
			return fmt.Errorf("attachment %s belongs in shard %d", shortSum(a.SHA256), ShardOf(a.SHA256, n))
		}
	}
	return nil
}
