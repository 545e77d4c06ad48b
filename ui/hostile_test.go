package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/feed"
	"gongkai/markdown"
	"gongkai/store"
	"gongkai/sync/synctest"
	"gongkai/ui/kit"
)

// hostileStore holds the notices that froze screens (synctest.Hostile),
// signed as a feed made without publish's checks, and an ordinary one.
func hostileStore(t *testing.T) (*store.Store, []string) {
	t.Helper()
	priv, pubFile := synctest.NewKey(t)
	pub, err := feed.ParsePublicKey(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	items := append(synctest.Hostile(), synctest.RawItem("ordinary", "东湾村三组土地征收公告", nil))
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	dir := t.TempDir()
	synctest.PublishRaw(t, dir, priv, synctest.Raw{Items: items, IssuedAt: demoNow.Add(-time.Hour)})
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	applyFeed(t, st, dir, pub)
	return st, ids
}

// Every one of them is drawn, cut, on the display (both orientations), on
// the home screen and in the reader: no notice takes the UI down.
func TestHostileNoticesAreDrawnCut(t *testing.T) {
	st, ids := hostileStore(t)
	shots := os.Getenv("GONGKAI_SHOTS") // a folder to look at the screens in
	save := func(w fyne.Window, name string) {
		img := w.Canvas().Capture()
		if shots == "" {
			return
		}
		f, err := os.Create(filepath.Join(shots, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		png.Encode(f, img)
	}
	for _, size := range []fyne.Size{landscape, portrait} {
		k, w, _ := newTestDisplay(t, Deps{Store: st, Dwell: 10 * time.Second}, size)
		for _, id := range ids {
			if !k.disp.Rot.Show(id, k.disp.ClockNow()) {
				t.Fatalf("%s is not in the rotation", id)
			}
			k.disp.ShowSlide(k.disp.ClockNow())
			title := strings.TrimSpace(textOf(k.disp.Title))
			if n := utf8.RuneCountInString(title); n > markdown.MaxTitle+1 {
				t.Errorf("%s: the slide title is %d characters", id, n)
			}
			if n := len(k.disp.Body.Blocks); n > kit.MaxBlocks+1 {
				t.Errorf("%s: %d blocks", id, n)
			}
			save(w, "display-"+id+"-"+sizeName(size))
		}
		if tick := textOf(k.disp.TickT); utf8.RuneCountInString(tick) > 2*markdown.MaxTitle {
			t.Errorf("the urgent ticker holds %d characters", utf8.RuneCountInString(tick))
		}
	}
	for _, size := range []fyne.Size{portrait, landscape} {
		k, w, _ := newTestKioskOn(t, st, size)
		save(w, "home-"+sizeName(size))
		for _, id := range ids {
			if err := k.v.Open("item:" + id); err != nil {
				t.Fatal(err)
			}
			save(w, "reader-"+id+"-"+sizeName(size))
			k.v.Back()
		}
	}
}

func sizeName(s fyne.Size) string {
	if s.Width > s.Height {
		return "landscape"
	}
	return "portrait"
}

// newTestKioskOn runs the touch kiosk on st in a test window.
func newTestKioskOn(t *testing.T, st *store.Store, size fyne.Size) (*Kiosk, fyne.Window, *clock) {
	t.Helper()
	c := &clock{t: demoNow}
	w := test.NewWindow(nil)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	k := New(test.NewTempApp(t), w, Deps{Store: st, Location: dongwan, Clock: c.Now, Ticks: make(chan time.Time)})
	t.Cleanup(k.Close)
	w.Resize(size)
	return k, w, c
}
