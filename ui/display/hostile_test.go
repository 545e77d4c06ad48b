package display

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/feed"
	"gongkai/markdown"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// Every one of them is drawn, cut, on the display, both orientations: no
// notice takes it down (the touch screens: ui's
// TestHostileNoticesAreDrawnCut).
func TestHostileNoticesAreDrawnCut(t *testing.T) {
	st, ids := uitest.HostileStore(t)
	for _, size := range []fyne.Size{landscape, portrait} {
		v := newTestDisplay(t, st, Options{Dwell: 10 * time.Second}, size)
		w := v.w
		for _, id := range ids {
			if !v.Rot.Show(id, v.ClockNow()) {
				t.Fatalf("%s is not in the rotation", id)
			}
			v.ShowSlide(v.ClockNow())
			title := strings.TrimSpace(textOf(v.title))
			if n := utf8.RuneCountInString(title); n > markdown.MaxTitle+1 {
				t.Errorf("%s: the slide title is %d characters", id, n)
			}
			if n := len(v.Body.Blocks); n > kit.MaxBlocks+1 {
				t.Errorf("%s: %d blocks", id, n)
			}
			uitest.Shot(t, w, "display-"+id+"-"+orient(size))
		}
		if tick := textOf(v.tickT); utf8.RuneCountInString(tick) > 2*markdown.MaxTitle {
			t.Errorf("the urgent ticker holds %d characters", utf8.RuneCountInString(tick))
		}
	}
}

// TestTextFitsOnTheDisplay: every slide of the display, also with the
// stale banner and the urgent ticker both up, and the empty slide.
func TestTextFitsOnTheDisplay(t *testing.T) {
	for _, size := range []fyne.Size{landscape, portrait} {
		t.Run(orient(size), func(t *testing.T) {
			v := newTestDisplay(t, nil, Options{}, size) // stale after 72 h
			c := v.c
			f := func(name string, root fyne.CanvasObject) {
				t.Helper()
				uitest.CheckFit(t, v.w, size, orient(size), name, root, test.WidgetRenderer)
			}
			for _, stale := range []bool{false, true} {
				if stale {
					c.T = demoNow.Add(5 * 24 * time.Hour)
					v.tick()
					if !v.stale.Visible() {
						t.Fatal("no stale banner")
					}
				}
				for _, s := range v.Rot.Slides() {
					v.Rot.Show(s.ID, v.ClockNow())
					v.ShowSlide(v.ClockNow())
					name := "display:" + s.ID
					if stale {
						name += " stale"
					}
					f(name, v.Box)
					if stale && s.Priority == feed.PriorityUrgent && !v.ticker.Visible() {
						t.Error("no urgent ticker")
					}
				}
			}
			e := newTestDisplay(t, uitest.EmptyStore(t), Options{}, size)
			uitest.CheckFit(t, e.w, size, orient(size), "display-empty", e.Box, test.WidgetRenderer)
		})
	}
}
