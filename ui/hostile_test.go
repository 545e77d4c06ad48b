package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// Every one of them is drawn, cut, on the home screen and in the reader:
// no notice takes the UI down (the display: display's
// TestHostileNoticesAreDrawnCut).
func TestHostileNoticesAreDrawnCut(t *testing.T) {
	st, ids := uitest.HostileStore(t)
	for _, size := range []fyne.Size{portrait, landscape} {
		k, w, _ := newTestKioskOn(t, st, size)
		uitest.Shot(t, w, "home-"+sizeName(size))
		for _, id := range ids {
			if err := k.v.Open("item:" + id); err != nil {
				t.Fatal(err)
			}
			uitest.Shot(t, w, "reader-"+id+"-"+sizeName(size))
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
	k := New(test.NewTempApp(t), w, Deps{Spawn: kit.Inline, Store: st, Location: dongwan, Clock: c.Now, Ticks: make(chan time.Time)})
	t.Cleanup(k.Close)
	w.Resize(size)
	return k, w, c
}
