package sync

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gongkai/publish"
	"gongkai/sync/synctest"
)

func TestPreviewShowsWhatWouldChangeAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	src, _ := NewFolder(f.v1)
	d, err := Preview(context.Background(), f.st, f.cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	// other-001 is for another village: not this screen's business.
	want := []string{"all-001 政务公开服务指南", "land-001 东湾村三组土地征收公告", "town-001 全镇城乡居民医保缴费通知"}
	if d.Version != 1 || d.Stored != 0 || !slices.Equal(d.Added, want) || len(d.Changed)+len(d.Removed)+len(d.Withdrawn) != 0 || d.Objects != 5 {
		t.Errorf("preview of v1 on an empty screen: %+v", d)
	}
	if st, _ := f.st.State(); st.Version != 0 || !st.LastAttempt.IsZero() {
		t.Errorf("preview changed the store: %+v", st)
	}
	if f.st.HasBlob(synctest.ReadManifest(t, f.v1).Attachments[0].SHA256) {
		t.Error("preview wrote an attachment")
	}

	f.mustSync(t, f.v1)
	before := f.snapshot(t)
	// v2 changes land-001, drops other-001 (not ours), adds village-002; a
	// withdrawal of town-001 is added to the source for this test.
	items := itemsV2()
	items[1].Body = "已撤回。"
	srcDir, out := t.TempDir(), t.TempDir()
	synctest.CopyDir(t, f.v1, out)
	synctest.WriteSource(t, srcDir, items)
	data, _ := os.ReadFile(filepath.Join(srcDir, "items", "town-001.md"))
	data = []byte(string(data[:4]) + "withdrawn: 政策调整，撤回本通知\n" + string(data[4:]))
	os.WriteFile(filepath.Join(srcDir, "items", "town-001.md"), data, 0o644)
	synctest.Publish(t, srcDir, out, f.priv, time.Time{})
	bundle := filepath.Join(t.TempDir(), "stick.zip")
	if _, err := publish.WriteBundle(out, bundle); err != nil {
		t.Fatal(err)
	}
	b, _ := NewBundle(bundle, DefaultBundleLimits)
	defer b.Close()
	d, err = Preview(context.Background(), f.st, f.cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 2 || d.Stored != 1 || !slices.Equal(d.Added, []string{"village-002 东湾村2026年第三季度财务公开"}) ||
		!slices.Equal(d.Changed, []string{"land-001 东湾村三组土地征收公告"}) ||
		!slices.Equal(d.Withdrawn, []string{"town-001 全镇城乡居民医保缴费通知"}) || len(d.Removed) != 0 {
		t.Errorf("preview of v2: %+v", d)
	}
	if f.snapshot(t) != before {
		t.Error("preview changed the store")
	}
	// The same version again: unchanged.
	src, _ = NewFolder(f.v1)
	if d, err := Preview(context.Background(), f.st, f.cfg, src); err != nil || !d.Unchanged {
		t.Errorf("preview of the stored version: %+v %v", d, err)
	}
}

func TestPreviewRefusesWhatRunRefuses(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v2)
	src, _ := NewFolder(f.v1)
	if _, err := Preview(context.Background(), f.st, f.cfg, src); err == nil {
		t.Fatal("preview of an older version succeeded")
	}
	bad := f.copyOf(t, f.v2)
	_, added, _ := f.newObjects(t)
	flipByte(t, objectFile(bad, added), 3)
	f2 := newFixture(t)
	src, _ = NewFolder(bad)
	if _, err := Preview(context.Background(), f2.st, f2.cfg, src); err == nil {
		t.Fatal("preview accepted a tampered item")
	}
}

func TestFindFeeds(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{
		"gongkai/manifest.json", "deep/a/manifest.json", "deep/a/b/manifest.json",
		"bundle.zip", "x/feed-v3.tar", "x/y/z/too-deep.zip", ".Trash-1000/old.zip", "photos/IMG_0001.jpg",
		"gongkai/objects/ab/manifest.json",
	} {
		writeFile(t, filepath.Join(root, p), []byte("x"))
	}
	os.Symlink(filepath.Join(root, "gongkai"), filepath.Join(root, "link"))
	got := FindFeeds(root, 2)
	want := []string{filepath.Join(root, "bundle.zip"), filepath.Join(root, "deep/a"), filepath.Join(root, "gongkai"), filepath.Join(root, "x/feed-v3.tar")}
	if !slices.Equal(got, want) {
		t.Errorf("FindFeeds = %q, want %q", got, want)
	}
}

func TestWatchVolumesReportsTheFeedsPresent(t *testing.T) {
	media := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A stick already mounted at start is reported by the first poll.
	old := filepath.Join(media, "alice", "OLD", "feed.zip")
	writeFile(t, old, []byte("x"))
	ch := WatchVolumes(ctx, []string{filepath.Join(media, "*", "*")}, time.Millisecond, nil)
	if got := <-ch; !slices.Equal(got, []string{old}) {
		t.Errorf("first report %q", got)
	}
	// A new stick: both are reported.
	usb := filepath.Join(media, "alice", "USB", "gongkai")
	writeFile(t, filepath.Join(usb, "manifest.json"), []byte("x"))
	if got := <-ch; !slices.Equal(got, []string{old, usb}) {
		t.Errorf("second report %q", got)
	}
	// The old one pulled out, then the other: the list shrinks to nothing.
	os.RemoveAll(filepath.Join(media, "alice", "OLD"))
	if got := <-ch; !slices.Equal(got, []string{usb}) {
		t.Errorf("after pulling one %q", got)
	}
	os.RemoveAll(filepath.Join(media, "alice", "USB"))
	if got := <-ch; len(got) != 0 {
		t.Errorf("after pulling both %q", got)
	}
	cancel()
	for range ch {
	}
}

// The kiosk switches the watch on only while its admin panel is open: off,
// it looks at nothing, and switched on it reports at once what is there.
func TestWatchVolumesPollsOnlyWhileSwitchedOn(t *testing.T) {
	media := t.TempDir()
	on := make(chan bool) // unbuffered: a send returns once the watch took it
	ch := WatchVolumes(t.Context(), []string{filepath.Join(media, "*")}, time.Millisecond, on)
	quiet := func(when string) {
		t.Helper()
		time.Sleep(30 * time.Millisecond) // thirty polls, were it polling
		on <- false
		select {
		case got := <-ch:
			t.Fatalf("%s: reported %q while switched off", when, got)
		default:
		}
	}
	a, b := filepath.Join(media, "A", "feed.zip"), filepath.Join(media, "B", "feed.zip")
	writeFile(t, a, []byte("x"))
	quiet("off from the start")
	on <- true
	if got := <-ch; !slices.Equal(got, []string{a}) {
		t.Fatalf("switched on: %q", got)
	}
	on <- false
	writeFile(t, b, []byte("x"))
	quiet("switched off again")
	on <- true
	if got := <-ch; !slices.Equal(got, []string{a, b}) {
		t.Fatalf("switched on again: %q", got)
	}
	// pulled while off: the next switch-on says so
	on <- false
	os.RemoveAll(filepath.Join(media, "A"))
	on <- true
	if got := <-ch; !slices.Equal(got, []string{b}) {
		t.Fatalf("after a pull while off: %q", got)
	}
}

func TestVolumePollSaysWhenTheListChanged(t *testing.T) {
	media := t.TempDir()
	stick := filepath.Join(media, "OLD", "feed.zip")
	writeFile(t, stick, []byte("x"))
	w := &volumeWatch{roots: []string{filepath.Join(media, "*")}}
	if got, changed := w.poll(); !changed || !slices.Equal(got, []string{stick}) {
		t.Errorf("first poll %q %v", got, changed)
	}
	if got, changed := w.poll(); changed || got != nil {
		t.Errorf("nothing new: %q %v", got, changed)
	}
	os.RemoveAll(filepath.Join(media, "OLD"))
	if got, changed := w.poll(); !changed || len(got) != 0 {
		t.Errorf("pulled out: %q %v", got, changed)
	}
}
