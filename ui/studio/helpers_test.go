package studio

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
	gksync "gongkai/sync"
	"gongkai/ui/kit"
)

// now is the studio's "today" in the tests; the feed is published at
// the real clock (publish refuses a clock it cannot trust), and screens
// read it at that time.
var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

const (
	town     = "310118901"
	dongwan  = "310118901201"
	liutang  = "310118901202"
	passWord = "青禾镇发布口令2026"
)

// newStudio opens the studio on dir in a test window of size.
func newStudio(t *testing.T, dir string, size fyne.Size) (*Studio, fyne.Window) {
	t.Helper()
	return newStudioTB(t, dir, size)
}

func newStudioTB(t testing.TB, dir string, size fyne.Size) (*Studio, fyne.Window) {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(Theme())
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	s := New(w, Options{Src: dir, Now: func() time.Time { return now }, Spawn: kit.Inline})
	t.Cleanup(s.Close)
	w.SetContent(s.Content())
	w.Resize(size)
	s.PickFile = func(string, []string, bool, func(string)) { t.Error("unexpected file dialog") }
	s.PickFolder = func(string, func(string)) { t.Error("unexpected folder dialog") }
	return s, w
}

// fillFor fills in a new notice's title and what it must have besides:
// 东湾村 as its place, the town's government as its agency.
func fillFor(e *editor, title string) {
	e.title.SetText(title)
	e.places.SetSelected([]string{"东湾村（310118901201）"})
	e.agency.SetText("青禾镇人民政府")
}

// pick makes the next file or folder dialog answer path.
func pick(s *Studio, path string) {
	s.PickFile = func(_ string, _ []string, _ bool, done func(string)) { done(path) }
	s.PickFolder = func(_ string, done func(string)) { done(path) }
}

// screenShows syncs the feed at source into a fresh screen at location,
// pinned to the key in pubFile, as `gongkai init` and `gongkai sync` do,
// and returns the ids it shows.
func screenShows(t *testing.T, pubFile, source, location string) []string {
	t.Helper()
	pub, err := os.ReadFile(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "screen")
	if err := config.Init(dir, config.Config{Location: location}, pub); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := gksync.ParseSource(source, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gksync.Run(context.Background(), st, cfg, src, gksync.Options{}); err != nil {
		t.Fatalf("sync from %s: %v", source, err)
	}
	items, err := st.Visible(location, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	slices.Sort(ids)
	return ids
}

var _ = feed.AllLocations
