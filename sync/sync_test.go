package sync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
	"gongkai/sync/synctest"
)

// png is a few bytes standing in for a map image.
var png = []byte("\x89PNG\r\n\x1a\n test map of group three")

func itemsV1() []synctest.Item {
	return []synctest.Item{
		{ID: "land-001", Title: "东湾村三组土地征收公告", Category: "land", Locations: []string{synctest.Village},
			Priority: "pinned", Body: "征收范围见附图。", Attachments: map[string][]byte{"land-001-map.png": png}},
		{ID: "town-001", Title: "全镇城乡居民医保缴费通知", Category: "policy", Locations: []string{synctest.Town}, Body: "请按时缴费。"},
		{ID: "all-001", Title: "政务公开服务指南", Category: "policy", Locations: []string{"all"}, Body: "服务指南。"},
		{ID: "other-001", Title: "柳塘村村务公开", Category: "village", Locations: []string{synctest.OtherVillage}, Body: "柳塘村账目。"},
	}
}

// itemsV2 changes one item, removes one, adds one with a new attachment.
func itemsV2() []synctest.Item {
	v := itemsV1()
	v[0].Body = "征收范围见附图。补偿标准已更新。"
	v = slices.Delete(v, 3, 4)
	return append(v, synctest.Item{ID: "village-002", Title: "东湾村2026年第三季度财务公开", Category: "village",
		Locations: []string{synctest.Village}, Body: "收支明细见附件。",
		Attachments: map[string][]byte{"village-002.csv": []byte("科目,金额\n道路维修,12000\n")}})
}

// fixture is a publisher with two saved versions of a feed, and a screen
// at the village provisioned with its key.
type fixture struct {
	priv   ed25519.PrivateKey
	pub    []byte
	src    string // the publisher's source folder
	out    string // the publisher's live feed folder
	v1, v2 string // saved copies of version 1 and 2
	dir    string
	cfg    *config.Config
	st     *store.Store
	at     time.Time

	keepLastSuccess bool // in snapshots: true unless a test expects a success
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{src: t.TempDir(), out: t.TempDir(), v1: t.TempDir(), v2: t.TempDir(), at: time.Now(), keepLastSuccess: true}
	f.priv, f.pub = synctest.NewKey(t)
	synctest.WriteSource(t, f.src, itemsV1())
	synctest.Publish(t, f.src, f.out, f.priv, time.Time{})
	synctest.CopyDir(t, f.out, f.v1)
	synctest.WriteSource(t, f.src, itemsV2())
	synctest.Publish(t, f.src, f.out, f.priv, time.Time{})
	synctest.CopyDir(t, f.out, f.v2)
	f.openScreen(t)
	return f
}

// openScreen provisions the fixture's screen with its key and opens its
// store.
func (f *fixture) openScreen(t *testing.T) {
	t.Helper()
	f.dir, f.cfg = synctest.InitScreen(t, f.pub)
	st, err := store.Open(f.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st
}

func (f *fixture) sync(t *testing.T, dir string, opt Options) (Result, error) {
	t.Helper()
	src, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	return Run(context.Background(), f.st, f.cfg, src, opt)
}

func (f *fixture) mustSync(t *testing.T, dir string) Result {
	t.Helper()
	res, err := f.sync(t, dir, Options{})
	if err != nil {
		t.Fatalf("sync %s: %v", dir, err)
	}
	return res
}

func (f *fixture) visibleIDs(t *testing.T) []string {
	t.Helper()
	vis, err := f.st.Visible(synctest.Village, "", f.at)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range vis {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestSyncShowsTheVillagesItems(t *testing.T) {
	f := newFixture(t)
	res := f.mustSync(t, f.v1)
	if res.Version != 1 || res.Unchanged || res.Changes != (store.Changes{Added: 4}) || res.BytesFetched == 0 {
		t.Errorf("first sync: %+v", res)
	}
	if got, want := f.visibleIDs(t), []string{"all-001", "land-001", "town-001"}; !slices.Equal(got, want) {
		t.Errorf("visible at the village: %q, want %q", got, want)
	}
	if _, err := f.st.Item("other-001", synctest.Village, f.at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the other village's notice is reachable: %v", err)
	}
	it, err := f.st.Item("land-001", synctest.Village, f.at)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := f.st.OpenBlob(it.Attachments[0].SHA256)
	if err != nil {
		t.Fatalf("attachment not stored: %v", err)
	}
	got, _ := io.ReadAll(blob)
	blob.Close()
	if !bytes.Equal(got, png) {
		t.Error("stored attachment differs from the published one")
	}

	res = f.mustSync(t, f.v2)
	if res.Version != 2 || res.Changes != (store.Changes{Added: 1, Changed: 1, Removed: 1}) {
		t.Errorf("second sync: %+v", res)
	}
	if got, want := f.visibleIDs(t), []string{"all-001", "land-001", "town-001", "village-002"}; !slices.Equal(got, want) {
		t.Errorf("visible after v2: %q, want %q", got, want)
	}
	it, _ = f.st.Item("land-001", synctest.Village, f.at)
	if it == nil || !strings.Contains(it.Body, "补偿标准已更新") {
		t.Errorf("changed item not updated: %+v", it)
	}
	if problems, err := f.st.Check(); err != nil || len(problems) > 0 {
		t.Errorf("Check after syncs: %v %q", err, problems)
	}
}

// countingSource records what a run reads from the source.
type countingSource struct {
	Source
	mu        gosync.Mutex // Run fetches objects in parallel
	manifests int
	objects   map[string]int
}

func (c *countingSource) Manifest(ctx context.Context) ([]byte, []byte, error) {
	c.manifests++
	return c.Source.Manifest(ctx)
}

func (c *countingSource) Object(ctx context.Context, o feed.Object) (io.ReadCloser, error) {
	c.mu.Lock()
	c.objects[o.SHA256]++
	c.mu.Unlock()
	return c.Source.Object(ctx, o)
}

// Each byte of the source is read once (a USB stick could change between
// two reads), and only what the store lacks is read at all.
func TestSyncReadsOnceAndOnlyWhatChanged(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	folder, _ := NewFolder(f.v2)
	src := &countingSource{Source: folder, objects: map[string]int{}}
	if _, err := Run(context.Background(), f.st, f.cfg, src, Options{}); err != nil {
		t.Fatal(err)
	}
	m1, m2 := synctest.ReadManifest(t, f.v1), synctest.ReadManifest(t, f.v2)
	want := map[string]int{}
	old := synctest.Sums(m1)
	for _, it := range m2.Items {
		if old[it.ID] != it.SHA256 {
			want[it.SHA256] = 1
		}
	}
	for _, a := range m2.Attachments {
		if !slices.Contains(m1.Attachments, a) {
			want[a.SHA256] = 1
		}
	}
	if src.manifests != 1 || len(want) != 3 || !mapsEqual(src.objects, want) {
		t.Errorf("read the manifest %d times and objects %v; want once and %v", src.manifests, src.objects, want)
	}
}

func mapsEqual[K, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestResyncSameVersionIsNoOp(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	f.keepLastSuccess = false
	before := f.snapshot(t)
	var stages []Stage
	res, err := f.sync(t, f.v1, Options{Progress: func(e Event) { stages = append(stages, e.Stage) }})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unchanged || res.Version != 1 || res.Changes != (store.Changes{}) {
		t.Errorf("re-sync: %+v", res)
	}
	raw, _ := os.ReadFile(filepath.Join(f.v1, feed.ManifestFile))
	sig, _ := os.ReadFile(filepath.Join(f.v1, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
	if res.BytesFetched != int64(len(raw)+len(sig)) {
		t.Errorf("re-sync fetched %d bytes, want only the manifest and signature (%d)", res.BytesFetched, len(raw)+len(sig))
	}
	// An unchanged sync is a success: LastSuccess moves, nothing else.
	if after := f.snapshot(t); after != before {
		t.Errorf("re-sync changed the store:\nbefore %s\nafter  %s", before, after)
	}
	if !slices.Equal(stages, []Stage{StageChecking, StageVerifying, StageUnchanged}) {
		t.Errorf("stages %v", stages)
	}
	st, _ := f.st.State()
	if st.LastError != "" || st.LastSuccess.IsZero() || st.Source != f.v1 {
		t.Errorf("state after an unchanged sync: %+v", st)
	}
}

func TestProgress(t *testing.T) {
	f := newFixture(t)
	var events []Event
	res, err := f.sync(t, f.v1, Options{Progress: func(e Event) { events = append(events, e) }})
	if err != nil {
		t.Fatal(err)
	}
	var stages []Stage
	for _, e := range events {
		if len(stages) == 0 || stages[len(stages)-1] != e.Stage {
			stages = append(stages, e.Stage)
		}
	}
	want := []Stage{StageChecking, StageVerifying, StageDownloading, StageApplying, StageDone}
	if !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	var last Event
	for _, e := range events {
		if e.Stage == StageDownloading {
			last = e
		}
	}
	// 4 items and 1 attachment; every byte counted.
	if last.Objects != 5 || last.TotalObjects != 5 || last.Bytes != last.TotalBytes || last.Bytes == 0 || last.Version != 1 {
		t.Errorf("last download event %+v", last)
	}
	if res.BytesFetched <= last.Bytes {
		t.Errorf("BytesFetched %d does not include the manifest", res.BytesFetched)
	}
}

// snapshot is everything a failed sync must leave as it was: the state
// (less the fields that record the attempt), the items and their bodies,
// the indexes as queries see them, and the attachment files.
func (f *fixture) snapshot(t *testing.T) string {
	t.Helper()
	st, err := f.st.State()
	if err != nil {
		t.Fatal(err)
	}
	st.LastAttempt, st.LastError, st.LastErrorKind, st.Source, st.BytesFetched = time.Time{}, "", "", "", 0
	if !f.keepLastSuccess {
		st.LastSuccess = time.Time{}
	}
	sums, err := f.st.ItemSums()
	if err != nil {
		t.Fatal(err)
	}
	vis, err := f.st.Visible(synctest.Village, "", f.at)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []*feed.Item
	for _, s := range vis {
		it, err := f.st.Item(s.ID, synctest.Village, f.at)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, it)
	}
	counts, _ := f.st.Counts(synctest.Village, f.at)
	hits, _ := f.st.Search("东湾村", synctest.Village, f.at, 0)
	blobs := map[string]string{}
	root := filepath.Join(f.dir, "blobs")
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			blobs[rel] = feed.Sum(data)
		}
		return nil
	})
	b, err := json.Marshal(map[string]any{"state": st, "sums": sums, "visible": vis, "bodies": bodies,
		"counts": counts, "search": hits, "blobs": blobs})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func flipByte(t *testing.T, path string, at int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if at < 0 {
		at += len(data)
	}
	data[at] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func objectFile(dir string, o feed.Object) string {
	return filepath.Join(dir, filepath.FromSlash(o.Path()))
}

// newObjects are the objects of v2 that v1 lacks: the changed item land-001,
// the new item village-002, and the new attachment.
func (f *fixture) newObjects(t *testing.T) (changed, added, attachment feed.Object) {
	t.Helper()
	m1, m2 := synctest.ReadManifest(t, f.v1), synctest.ReadManifest(t, f.v2)
	for _, it := range m2.Items {
		switch it.ID {
		case "land-001":
			changed = it.Object
		case "village-002":
			added = it.Object
		}
	}
	for _, a := range m2.Attachments {
		if !slices.Contains(m1.Attachments, a) {
			attachment = a
		}
	}
	return changed, added, attachment
}

// Every attack on a feed is refused with its own reason, and leaves the
// store exactly as it was, the reason in its state.
func TestAttacksLeaveTheStoreUnchanged(t *testing.T) {
	for _, tc := range []struct {
		name  string
		base  string // "v1" or "v2": what the screen holds before
		clock time.Duration
		feed  func(t *testing.T, f *fixture) string // the feed folder presented
		is    error
		says  string
	}{
		{name: "altered item object byte", base: "v1", is: feed.ErrObjectHash, says: "hash",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				_, added, _ := f.newObjects(t)
				flipByte(t, objectFile(dir, added), 20)
				return dir
			}},
		{name: "altered attachment byte", base: "v1", is: feed.ErrObjectHash, says: "hash",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				_, _, att := f.newObjects(t)
				flipByte(t, objectFile(dir, att), -2)
				return dir
			}},
		{name: "altered manifest byte", base: "v1", says: "signatures/",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				flipByte(t, filepath.Join(dir, feed.ManifestFile), 40)
				return dir
			}},
		{name: "altered manifest byte, signature beside it", base: "v1", is: feed.ErrSignature, says: "signature",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				path := filepath.Join(dir, feed.ManifestFile)
				raw, _ := os.ReadFile(path)
				sig, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
				flipByte(t, path, 40)
				raw, _ = os.ReadFile(path)
				os.WriteFile(filepath.Join(dir, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))), sig, 0o644)
				return dir
			}},
		{name: "signed with another key", base: "v1", is: feed.ErrWrongKey, says: "key",
			feed: func(t *testing.T, f *fixture) string {
				other, _ := synctest.NewKey(t)
				dir := f.copyOf(t, f.v1)
				synctest.Publish(t, f.src, dir, other, time.Time{}) // version 2, the real content
				return dir
			}},
		{name: "another feed of the same publisher", base: "v1", is: feed.ErrWrongFeed, says: "follows",
			feed: func(t *testing.T, f *fixture) string {
				src, dir := t.TempDir(), t.TempDir()
				synctest.WriteSource(t, src, itemsV2())
				yaml, _ := os.ReadFile(filepath.Join(src, "feed.yaml"))
				os.WriteFile(filepath.Join(src, "feed.yaml"), bytes.Replace(yaml, []byte(synctest.FeedID), []byte("other-town"), 1), 0o644)
				synctest.Publish(t, src, dir, f.priv, time.Time{})
				synctest.Publish(t, src, dir, f.priv, time.Time{})
				return dir
			}},
		{name: "expired manifest", base: "v1", is: feed.ErrExpired, says: "expired",
			feed: func(t *testing.T, f *fixture) string {
				dir := t.TempDir()
				synctest.Publish(t, f.src, dir, f.priv, time.Now().Add(-40*24*time.Hour)) // expired 10 days ago
				return dir
			}},
		{name: "screen clock past expiry", base: "v1", clock: 31 * 24 * time.Hour, is: feed.ErrExpired, says: "expired",
			feed: func(t *testing.T, f *fixture) string { return f.v2 }},
		{name: "stored version re-served after it expired", base: "v1", clock: 31 * 24 * time.Hour, is: feed.ErrExpired, says: "expired",
			feed: func(t *testing.T, f *fixture) string { return f.v1 }},
		{name: "older version replayed", base: "v2", is: feed.ErrRollback, says: "older than stored 2",
			feed: func(t *testing.T, f *fixture) string { return f.v1 }},
		{name: "same version, different content", base: "v2", is: feed.ErrFork, says: "same version",
			feed: func(t *testing.T, f *fixture) string {
				src, dir := t.TempDir(), f.copyOf(t, f.v1)
				items := itemsV2()
				items[0].Title = "东湾村三组土地征收公告（另一版本）"
				synctest.WriteSource(t, src, items)
				synctest.Publish(t, src, dir, f.priv, time.Time{}) // also version 2
				return dir
			}},
		{name: "oversized manifest", base: "v1", is: feed.ErrTooLarge, says: "manifest is over",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				big := bytes.Repeat([]byte(" "), feed.MaxManifestSize+1)
				os.WriteFile(filepath.Join(dir, feed.ManifestFile), big, 0o644)
				return dir
			}},
		{name: "oversized signature", base: "v1", is: feed.ErrTooLarge, says: "signature is over",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				raw, _ := os.ReadFile(filepath.Join(dir, feed.ManifestFile))
				os.WriteFile(filepath.Join(dir, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))),
					bytes.Repeat([]byte("A"), feed.MaxSignatureSize+1), 0o644)
				return dir
			}},
		{name: "missing object", base: "v1", says: "missing",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				_, added, _ := f.newObjects(t)
				os.Remove(objectFile(dir, added))
				return dir
			}},
		{name: "truncated attachment", base: "v1", is: feed.ErrObjectSize, says: "bytes",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				_, _, att := f.newObjects(t)
				os.Truncate(objectFile(dir, att), att.Size-3)
				return dir
			}},
		{name: "item object replaced by a longer one", base: "v1", is: feed.ErrObjectSize, says: "bytes",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				changed, _, _ := f.newObjects(t)
				file, _ := os.OpenFile(objectFile(dir, changed), os.O_APPEND|os.O_WRONLY, 0)
				file.WriteString(`{"extra":1}`)
				file.Close()
				return dir
			}},
		{name: "object is a symlink out of the folder", base: "v1", says: "escapes",
			feed: func(t *testing.T, f *fixture) string {
				// The bytes are right, but they live outside the feed:
				// a stick must not make the screen read the rest of the disk.
				dir := f.copyOf(t, f.v2)
				_, added, _ := f.newObjects(t)
				outside := filepath.Join(t.TempDir(), "obj")
				os.Rename(objectFile(dir, added), outside)
				if err := os.Symlink(outside, objectFile(dir, added)); err != nil {
					t.Skip(err)
				}
				return dir
			}},
		// Signed by the right key, but wrong (issue 22): these must not
		// move the screen's time or versions either.
		{name: "issued ten years ahead", base: "v1", is: feed.ErrFuture, says: "ahead of this screen's clock",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v1)
				synctest.PublishRaw(t, dir, f.priv, synctest.Raw{Items: []feed.Item{synctest.RawItem("future-001", "十年后的公告", nil)},
					IssuedAt: time.Now().AddDate(10, 0, 0)})
				return dir
			}},
		{name: "issued three days ahead", base: "v1", is: feed.ErrFuture, says: "ahead of this screen's clock",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v1)
				synctest.PublishRaw(t, dir, f.priv, synctest.Raw{Items: []feed.Item{synctest.RawItem("future-001", "三天后的公告", nil)},
					IssuedAt: time.Now().Add(3 * 24 * time.Hour)})
				return dir
			}},
		{name: "version at the top of int64", base: "v1", is: feed.ErrFormat, says: "outside 1..",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				synctest.Resign(t, dir, f.priv, func(raw []byte) []byte {
					return bytes.Replace(raw, []byte(`"version":2`), []byte(`"version":9223372036854775807`), 1)
				})
				return dir
			}},
		{name: "epoch beyond the range", base: "v1", is: feed.ErrFormat, says: "epoch",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				synctest.Resign(t, dir, f.priv, func(raw []byte) []byte {
					return bytes.Replace(raw, []byte(`"version":2`), []byte(`"version":2,"epoch":9007199254740992`), 1)
				})
				return dir
			}},
		{name: "object is a directory", base: "v1", says: "not a regular file",
			feed: func(t *testing.T, f *fixture) string {
				dir := f.copyOf(t, f.v2)
				_, _, att := f.newObjects(t)
				os.Remove(objectFile(dir, att))
				os.Mkdir(objectFile(dir, att), 0o755)
				return dir
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustSync(t, map[string]string{"v1": f.v1, "v2": f.v2}[tc.base])
			attack := tc.feed(t, f)
			before := f.snapshot(t)
			clock := func() time.Time { return time.Now().Add(tc.clock) }
			res, err := f.sync(t, attack, Options{Clock: clock})
			if err == nil {
				t.Fatalf("sync of the attack succeeded: %+v", res)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %q", err, tc.is)
			}
			if !strings.HasPrefix(err.Error(), "sync: ") || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
			if after := f.snapshot(t); after != before {
				t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
			}
			st, _ := f.st.State()
			if !strings.Contains(st.LastError, tc.says) || st.LastAttempt.IsZero() || st.Source != attack {
				t.Errorf("status after the attack: last_error %q, last_attempt %s, source %q", st.LastError, st.LastAttempt, st.Source)
			}
			if problems, err := f.st.Check(); err != nil || len(problems) > 0 {
				t.Errorf("Check after the attack: %v %q", err, problems)
			}
			// The screen is not poisoned: the genuine feed still applies.
			if tc.base == "v1" {
				if res := f.mustSync(t, f.v2); res.Version != 2 {
					t.Errorf("genuine sync after the attack: %+v", res)
				}
				if st, _ := f.st.State(); st.LastError != "" {
					t.Errorf("last_error after a good sync: %q", st.LastError)
				}
			}
		})
	}
}

func (f *fixture) copyOf(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	synctest.CopyDir(t, dir, out)
	return out
}

func TestCancelledRunChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	before := f.snapshot(t)
	ctx, cancel := context.WithCancel(context.Background())
	folder, _ := NewFolder(f.v2)
	// Cancel as the first object is opened: the manifest is verified, nothing applied yet.
	src := &cancelling{Source: folder, cancel: cancel}
	if _, err := Run(ctx, f.st, f.cfg, src, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	if after := f.snapshot(t); after != before {
		t.Errorf("a cancelled run changed the store")
	}
}

type cancelling struct {
	Source
	cancel func()
}

func (c *cancelling) Object(ctx context.Context, o feed.Object) (io.ReadCloser, error) {
	c.cancel()
	return c.Source.Object(ctx, o)
}

func TestParseSource(t *testing.T) {
	data := t.TempDir()
	for _, s := range []string{"ftp://x/y", "file:///media/usb"} {
		if _, err := ParseSource(s, data); !errors.Is(err, ErrUnsupported) {
			t.Errorf("ParseSource(%q): %v, want ErrUnsupported", s, err)
		}
	}
	for _, s := range []string{"https://feed.example/qinghe/", "HTTP://feed.example/"} {
		src, err := ParseSource(s, data)
		if err != nil {
			t.Fatalf("ParseSource(%q): %v", s, err)
		}
		if _, ok := src.(*HTTP); !ok {
			t.Errorf("ParseSource(%q) = %T, want *HTTP", s, src)
		}
	}
	dir := t.TempDir()
	src, err := ParseSource(dir, data)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.(*Folder); !ok || src.String() != dir {
		t.Errorf("ParseSource(%q) = %#v", dir, src)
	}
}
