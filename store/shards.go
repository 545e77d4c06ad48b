package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// A sharded manifest lists its items and attachments in shard objects
// (feed/shard.go). The store keeps the shards of the applied manifest
// beside it, in their own bucket, so that the next sync fetches only the
// shards a publication changed and the attachments can be listed without
// the network.

// Shard gives the stored bytes of the shard with this hash, and whether the
// store holds it whole. The bytes are a copy, safe to keep.
func (s *Store) Shard(sum string) ([]byte, bool) {
	var out []byte
	_ = s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketShards); b != nil {
			if raw := b.Get([]byte(sum)); raw != nil && feed.Sum(raw) == sum {
				out = bytes.Clone(raw)
			}
		}
		return nil
	})
	return out, out != nil
}

// putShards stores the shards of the manifest being applied and drops
// those it no longer names.
func putShards(tx *bolt.Tx, v *feed.Verified) error {
	b, err := tx.CreateBucketIfNotExists(bucketShards)
	if err != nil {
		return err
	}
	want := make(map[string][]byte, len(v.Shards))
	for i, o := range v.Shards {
		want[o.SHA256] = v.ShardBytes()[i]
	}
	var stale [][]byte
	err = b.ForEach(func(k, _ []byte) error {
		if _, ok := want[string(k)]; !ok {
			stale = append(stale, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range stale {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	for sum, raw := range want {
		if have := b.Get([]byte(sum)); bytes.Equal(have, raw) {
			continue
		}
		if err := b.Put([]byte(sum), raw); err != nil {
			return err
		}
	}
	return nil
}

// storedShards reads every shard m names from tx, in m's order; a missing
// one is an error naming it.
func storedShards(tx *bolt.Tx, m *feed.Manifest) ([][]byte, error) {
	if len(m.Shards) == 0 {
		return nil, nil
	}
	b := tx.Bucket(bucketShards)
	out := make([][]byte, len(m.Shards))
	for i, o := range m.Shards {
		var raw []byte
		if b != nil {
			raw = b.Get([]byte(o.SHA256))
		}
		if raw == nil {
			return nil, fmt.Errorf("shard %d (%.12s) is missing", i, o.SHA256)
		}
		out[i] = raw
	}
	return out, nil
}

// storedAttachments lists the attachments of the applied manifest raw: its
// own list, or its shards'. The bytes were verified when applied; only the
// lists are decoded here.
func storedAttachments(tx *bolt.Tx, raw []byte) ([]feed.Object, error) {
	var m struct {
		Attachments []feed.Object `json:"attachments"`
		Shards      []feed.Object `json:"shards"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if len(m.Shards) == 0 {
		return m.Attachments, nil
	}
	shards, err := storedShards(tx, &feed.Manifest{Shards: m.Shards})
	if err != nil {
		return nil, err
	}
	var out []feed.Object
	for _, sh := range shards {
		var s struct {
			Attachments []feed.Object `json:"attachments"`
		}
		if err := json.Unmarshal(sh, &s); err != nil {
			return nil, err
		}
		out = append(out, s.Attachments...)
	}
	// In the order an unsharded manifest lists them.
	slices.SortFunc(out, func(a, b feed.Object) int { return strings.Compare(a.SHA256, b.SHA256) })
	return out, nil
}

// expandStored lists the items and attachments of a stored sharded
// manifest from its stored shards, checking each against its hash.
func expandStored(tx *bolt.Tx, m *feed.Manifest) error {
	shards, err := storedShards(tx, m)
	if err != nil {
		return err
	}
	return m.Expand(shards)
}
