package ui

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/publish"
	gkscreen "gongkai/screen"
	"gongkai/store"
	gksync "gongkai/sync"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
)

// demoNow is the "today" the demo content is written for.
var demoNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

const (
	dongwan = "310118901201" // 东湾村, the screen under test
	liutang = "310118901202" // 柳塘村, the other village
)

// demoStore publishes the demo feed and applies it to a fresh store the
// way a screen does: verify the signed manifest, check every object, put
// the attachments, apply.
func demoStore(t testing.TB) *store.Store {
	st, _ := demoFeed(t)
	return st
}

// demoFeed is demoStore that also returns a function publishing a later
// version of the feed from another source folder and applying it.
func demoFeed(t testing.TB) (*store.Store, func(srcDir string)) {
	t.Helper()
	dir := t.TempDir()
	feedDir, dataDir := filepath.Join(dir, "feed"), filepath.Join(dir, "data")
	priv, err := feed.ParsePrivateKey(readFile(t, "../assets/demokey/publisher.key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	next := func(srcDir string) {
		t.Helper()
		src, err := publish.ParseSource(srcDir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := publish.Publish(src, feedDir, publish.Options{Key: priv, Now: demoNow.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		applyFeed(t, st, feedDir, priv.Public().(ed25519.PublicKey))
	}
	next("../assets/demo")
	return st, next
}

// applyFeed verifies the feed in feedDir against the store's state and
// applies it.
func applyFeed(t testing.TB, st *store.Store, feedDir string, pub ed25519.PublicKey) {
	t.Helper()
	state, err := st.State()
	if err != nil {
		t.Fatal(err)
	}
	raw := readFile(t, filepath.Join(feedDir, feed.ManifestFile))
	sig := readFile(t, filepath.Join(feedDir, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
	v, err := feed.Verify(raw, sig, feed.Trust{Key: pub, Now: demoNow, FeedID: state.FeedID, Version: state.Version, Sum: state.ManifestSum})
	if err != nil {
		t.Fatal(err)
	}
	items := map[string][]byte{}
	for _, ref := range v.Items {
		data := readFile(t, filepath.Join(feedDir, filepath.FromSlash(ref.Path())))
		if err := feed.CheckObject(data, ref.Object); err != nil {
			t.Fatal(err)
		}
		items[ref.SHA256] = data
	}
	for _, a := range v.Attachments {
		f, err := os.Open(filepath.Join(feedDir, filepath.FromSlash(a.Path())))
		if err != nil {
			t.Fatal(err)
		}
		err = st.PutBlob(a.SHA256, feed.NewObjectReader(f, a))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	var cal []byte
	if v.Calendar != nil {
		cal = readFile(t, filepath.Join(feedDir, filepath.FromSlash(v.Calendar.Path())))
	}
	if _, err := st.Apply(store.Update{Manifest: v, Items: items, Calendar: cal, Source: feedDir, At: demoNow}); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clock is a settable clock for the idle tests.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// newTestKiosk runs the kiosk on the demo store in a test window.
func newTestKiosk(t *testing.T, size fyne.Size) (*Kiosk, fyne.Window, *clock) {
	t.Helper()
	a := test.NewTempApp(t)
	st := demoStore(t)
	c := &clock{t: demoNow}
	w := test.NewWindow(nil)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	k := New(a, w, Deps{Store: st, Location: dongwan, Clock: c.Now, Demo: true, Ticks: make(chan time.Time)})
	k.Spawn = kit.Inline
	t.Cleanup(k.Close)
	w.Resize(size)
	return k, w, c
}

var (
	portrait  = fyne.NewSize(1080, 1920)
	landscape = fyne.NewSize(1920, 1080)
)

// fakeRuntime stands in for screen.Runtime where a test needs to see what
// the window tells it or to answer for it: each method calls its function
// when set, and otherwise does nothing (or fails, for a call that returns
// an error). Events is nil: no stream, unless a test makes one.
type fakeRuntime struct {
	events       chan gkscreen.Event
	showSlide    func(id string)
	showAlerts   func(ids []string)
	saveConfig   func(*config.Config) error
	syncNow      func(context.Context, func(gksync.Event)) (gksync.Result, error)
	watchVolumes func(on bool)
	preview      func(context.Context, string) (admin.ImportDiff, error)
	importFeed   func(context.Context, string, func(gksync.Event)) (gksync.Result, error)
}

var errNotFaked = errors.New("not faked in this test")

func (f *fakeRuntime) Events() <-chan gkscreen.Event { return f.events }

func (f *fakeRuntime) ShowSlide(id string) {
	if f.showSlide != nil {
		f.showSlide(id)
	}
}

func (f *fakeRuntime) ShowAlerts(ids []string) {
	if f.showAlerts != nil {
		f.showAlerts(ids)
	}
}

func (f *fakeRuntime) SaveConfig(c *config.Config) error {
	if f.saveConfig == nil {
		return errNotFaked
	}
	return f.saveConfig(c)
}

func (f *fakeRuntime) SyncNow(ctx context.Context, progress func(gksync.Event)) (gksync.Result, error) {
	if f.syncNow == nil {
		return gksync.Result{}, errNotFaked
	}
	return f.syncNow(ctx, progress)
}

func (f *fakeRuntime) WatchVolumes(on bool) {
	if f.watchVolumes != nil {
		f.watchVolumes(on)
	}
}

func (f *fakeRuntime) Preview(ctx context.Context, path string) (admin.ImportDiff, error) {
	if f.preview == nil {
		return admin.ImportDiff{}, errNotFaked
	}
	return f.preview(ctx, path)
}

func (f *fakeRuntime) Import(ctx context.Context, path string, progress func(gksync.Event)) (gksync.Result, error) {
	if f.importFeed == nil {
		return gksync.Result{}, errNotFaked
	}
	return f.importFeed(ctx, path, progress)
}
