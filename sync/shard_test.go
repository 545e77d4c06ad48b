package sync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/publish"
	"gongkai/store"
	"gongkai/sync/synctest"
)

const testShards = 8

// shardedItems is a feed of n notices across the village, the town and
// the other village, every fifth with an attachment of its own.
func shardedItems(n int) []synctest.Item {
	locs := [][]string{{synctest.Village}, {synctest.Town}, {synctest.OtherVillage}, {"all"}}
	var out []synctest.Item
	for i := range n {
		it := synctest.Item{ID: fmt.Sprintf("notice-%03d", i), Title: fmt.Sprintf("第%d号公告", i), Category: "policy",
			Locations: locs[i%len(locs)], Body: fmt.Sprintf("第%d号公告的正文。", i)}
		if i%5 == 0 {
			it.Attachments = map[string][]byte{fmt.Sprintf("notice-%03d.csv", i): fmt.Appendf(nil, "序号,金额\n%d,100\n", i)}
		}
		out = append(out, it)
	}
	return out
}

// shardedFixture is a publisher with two versions of a sharded feed (the
// second changes one notice and adds one) and a screen at the village.
func shardedFixture(t *testing.T) (f *fixture, v1, v2 []synctest.Item) {
	t.Helper()
	f = &fixture{src: t.TempDir(), out: t.TempDir(), v1: t.TempDir(), v2: t.TempDir(), at: time.Now(), keepLastSuccess: true}
	f.priv, f.pub = synctest.NewKey(t)
	v1 = shardedItems(60)
	synctest.WriteSource(t, f.src, v1)
	synctest.PublishShards(t, f.src, f.out, f.priv, time.Time{}, testShards)
	synctest.CopyDir(t, f.out, f.v1)
	v2 = slices.Clone(v1)
	v2[7].Body = "正文已更正。"
	v2 = append(v2, synctest.Item{ID: "notice-new", Title: "新增公告", Category: "policy", Locations: []string{synctest.Village}, Body: "新的。"})
	synctest.WriteSource(t, f.src, v2)
	synctest.PublishShards(t, f.src, f.out, f.priv, time.Time{}, testShards)
	synctest.CopyDir(t, f.out, f.v2)
	f.openScreen(t)
	return f, v1, v2
}

// rawManifest is the manifest as signed, its shards not read.
func rawManifest(t *testing.T, dir string) *feed.Manifest {
	t.Helper()
	return synctest.ParseManifest(t, dir)
}

// A sharded feed syncs as an unsharded one does, and a later version
// reads only the shards and items it changed.
func TestShardedFeed(t *testing.T) {
	f, v1, v2 := shardedFixture(t)
	if m := rawManifest(t, f.v1); len(m.Shards) != testShards || len(m.Items) != 0 {
		t.Fatalf("published %d shards and %d items in the manifest", len(m.Shards), len(m.Items))
	}
	read := func(dir string) *countingSource {
		folder, err := NewFolder(dir)
		if err != nil {
			t.Fatal(err)
		}
		src := &countingSource{Source: folder, objects: map[string]int{}}
		if _, err := Run(context.Background(), f.st, f.cfg, src, Options{}); err != nil {
			t.Fatalf("sync %s: %v", dir, err)
		}
		return src
	}
	visible := func(items []synctest.Item) {
		t.Helper()
		want := slices.Sorted(maps.Keys(synctest.VisibleIDs(items, synctest.Village)))
		if got := f.visibleIDs(t); !slices.Equal(got, want) {
			t.Fatalf("visible: %q, want %q", got, want)
		}
		if problems, err := f.st.Check(); err != nil || len(problems) > 0 {
			t.Fatalf("Check: %v %q", err, problems)
		}
	}

	// The first sync reads every object once: shards, items, attachments.
	src := read(f.v1)
	m1, raw1 := synctest.ReadManifest(t, f.v1), rawManifest(t, f.v1)
	want := map[string]int{}
	for _, o := range m1.Objects() {
		want[o.SHA256] = 1
	}
	if !mapsEqual(src.objects, want) {
		t.Fatalf("first sync read %d objects, want %d", len(src.objects), len(want))
	}
	visible(v1)
	atts, err := f.st.Attachments()
	if err != nil || !slices.Equal(atts, m1.Attachments) {
		t.Fatalf("stored attachments: %d (%v), want %d", len(atts), err, len(m1.Attachments))
	}

	// A preview (what the admin's USB import shows) reads the shards too.
	folder, _ := NewFolder(f.v2)
	d, err := Preview(context.Background(), f.st, f.cfg, folder)
	if err != nil || len(d.Added) != 1 || len(d.Changed) != 1 || len(d.Removed) != 0 {
		t.Fatalf("preview of v2: %+v %v", d, err)
	}

	// The second reads the changed shards and the changed and new items.
	src = read(f.v2)
	m2, raw2 := synctest.ReadManifest(t, f.v2), rawManifest(t, f.v2)
	want = map[string]int{}
	for i, o := range raw2.Shards {
		if o != raw1.Shards[i] {
			want[o.SHA256] = 1
		}
	}
	if len(want) < 1 || len(want) > 2 {
		t.Fatalf("%d of %d shards changed for two notices", len(want), testShards)
	}
	old := synctest.Sums(m1)
	for _, it := range m2.Items {
		if old[it.ID] != it.SHA256 {
			want[it.SHA256] = 1
		}
	}
	if !mapsEqual(src.objects, want) {
		t.Fatalf("second sync read %v, want %v", src.objects, want)
	}
	visible(v2)

	// Unchanged: nothing read but the manifest.
	if src = read(f.v2); len(src.objects) != 0 {
		t.Fatalf("an unchanged re-sync read %v", src.objects)
	}
}

// A shard whose bytes are not what the signed manifest names, or which
// is missing, fails the sync with a one-line error and changes nothing.
func TestHostileShardLeavesTheStore(t *testing.T) {
	f, v1, _ := shardedFixture(t)
	f.mustSync(t, f.v1)
	before := f.snapshot(t)
	m := rawManifest(t, f.v2)
	changed := -1
	for i, o := range m.Shards {
		if o != rawManifest(t, f.v1).Shards[i] {
			changed = i
		}
	}
	path := objectFile(f.v2, m.Shards[changed])
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		bytes []byte
		want  error
	}{
		"altered":   {append(slices.Clone(good[:len(good)-2]), "]}"...), feed.ErrObjectHash},
		"truncated": {good[:len(good)/2], feed.ErrObjectSize},
		"missing":   {nil, fs.ErrNotExist},
	} {
		t.Run(name, func(t *testing.T) {
			if c.bytes == nil {
				os.Remove(path)
			} else if err := os.WriteFile(path, c.bytes, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.WriteFile(path, good, 0o644) })
			_, err := f.sync(t, f.v2, Options{})
			if !errors.Is(err, c.want) {
				t.Fatalf("sync: %v, want %v", err, c.want)
			}
			if after := f.snapshot(t); after != before {
				t.Fatalf("the store changed:\n%s\n---\n%s", before, after)
			}
			want := slices.Sorted(maps.Keys(synctest.VisibleIDs(v1, synctest.Village)))
			if got := f.visibleIDs(t); !slices.Equal(got, want) {
				t.Fatalf("visible: %q", got)
			}
		})
	}
}

// A USB bundle of a sharded feed carries its shards, and a screen that
// has never seen the feed syncs it from the stick alone; over HTTP a
// real nginx serves the shards like any other object.
func TestShardedFeedFromABundleAndNginx(t *testing.T) {
	f, _, v2 := shardedFixture(t)
	bundle := filepath.Join(t.TempDir(), "feed.zip")
	if _, err := publish.WriteBundle(f.v2, bundle); err != nil {
		t.Fatal(err)
	}
	b, err := NewBundle(bundle, DefaultBundleLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := Run(context.Background(), f.st, f.cfg, b, Options{}); err != nil {
		t.Fatalf("sync from the bundle: %v", err)
	}
	want := slices.Sorted(maps.Keys(synctest.VisibleIDs(v2, synctest.Village)))
	if got := f.visibleIDs(t); !slices.Equal(got, want) {
		t.Fatalf("visible after the bundle: %q, want %q", got, want)
	}

	dir, cfg := synctest.InitScreen(t, f.pub)
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	url, _ := startNginx(t, f.v2)
	h, err := NewHTTP(url, filepath.Join(dir, "http"), DefaultTimeouts, DefaultRetry)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), st, cfg, h, Options{})
	if err != nil || res.Changes.Added != len(v2) {
		t.Fatalf("sync from nginx: %+v %v", res, err)
	}
	if problems, err := st.Check(); err != nil || len(problems) > 0 {
		t.Fatalf("Check: %v %q", err, problems)
	}
}
