package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// sharded re-signs u's manifest listing its items in n shards, as publish
// does for a large feed, and gives the shards' bytes too.
func (p *publisher) sharded(t testing.TB, u Update, n int) (Update, [][]byte) {
	t.Helper()
	raw, shards, err := feed.EncodeSharded(u.Manifest.Manifest, n)
	if err != nil {
		t.Fatal(err)
	}
	u.Manifest = p.verify(t, raw)
	return u, shards
}

// The store keeps the shards of the applied manifest and no others, lists
// the attachments from them, refuses a sharded manifest whose shards were
// not read, and Check finds a shard gone.
func TestShardsAreKeptWithTheManifest(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	var items []feed.Item
	var atts []feed.Object
	for i := range 40 {
		data := fmt.Appendf(nil, "附件 %d", i)
		sum := feed.Sum(data)
		if err := s.PutBlob(sum, strings.NewReader(string(data))); err != nil {
			t.Fatal(err)
		}
		o := feed.Object{SHA256: sum, Size: int64(len(data))}
		atts = append(atts, o)
		items = append(items, item(fmt.Sprintf("n-%02d", i), func(it *feed.Item) {
			it.Attachments = []feed.Attachment{{Name: "a.pdf", Type: "application/pdf", Object: o}}
		}))
	}
	u, shards := p.sharded(t, p.next(t, items, atts...), 4)
	if _, err := s.Apply(u); err == nil || !strings.Contains(err.Error(), "shards") {
		t.Fatalf("applied a sharded manifest whose shards were not read: %v", err)
	}
	if err := u.Manifest.Expand(shards); err != nil {
		t.Fatal(err)
	}
	if ch := mustApply(t, s, u); ch.Added != 40 {
		t.Fatalf("applied %+v", ch)
	}
	for i, o := range u.Manifest.Shards {
		if got, ok := s.Shard(o.SHA256); !ok || string(got) != string(shards[i]) {
			t.Fatalf("shard %d not held", i)
		}
	}
	got, err := s.Attachments()
	slices.SortFunc(atts, func(a, b feed.Object) int { return strings.Compare(a.SHA256, b.SHA256) })
	if err != nil || !slices.Equal(got, atts) {
		t.Fatalf("attachments from the shards: %d (%v), want %d", len(got), err, len(atts))
	}

	// The next version, in 2 shards: the 4 old ones go.
	items[3].Title = "更正后的通知"
	u2, shards2 := p.sharded(t, p.next(t, items, atts...), 2)
	if err := u2.Manifest.Expand(shards2); err != nil {
		t.Fatal(err)
	}
	if ch := mustApply(t, s, u2); ch.Changed != 1 {
		t.Fatalf("applied %+v", ch)
	}
	for _, o := range u.Manifest.Shards {
		if _, ok := s.Shard(o.SHA256); ok {
			t.Fatal("a shard of the old version is still held")
		}
	}
	if problems, err := s.Check(); err != nil || len(problems) > 0 {
		t.Fatalf("Check: %v %q", err, problems)
	}
	err = s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketShards).Delete([]byte(u2.Manifest.Shards[1].SHA256))
	})
	if err != nil {
		t.Fatal(err)
	}
	if problems, _ := s.Check(); len(problems) == 0 || !strings.Contains(problems[0], "shard 1") {
		t.Fatalf("Check of a store missing a shard: %q", problems)
	}
}
