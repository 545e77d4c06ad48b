package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// the fixtures under their short names
var (
	mustParse   = uitest.Config
	demoNow     = uitest.DemoNow
	demoStore   = uitest.DemoStore
	demoFeed    = uitest.DemoFeed
	applyFeed   = uitest.ApplyFeed
	readFile    = uitest.ReadFile
	applyAlerts = uitest.ApplyAlerts
	typhoon     = uitest.Typhoon
	longAlert   = uitest.LongAlert
	textOf      = uitest.TextOf
	pageContent = uitest.PageContent
	cardFor     = uitest.CardFor
	hasCard     = uitest.HasCard
	segments    = uitest.Segments
	blockObj    = uitest.BlockObj
	landLog     = uitest.LandLog
	orient      = uitest.Orient
	short       = uitest.Short
	writePNG    = uitest.WritePNG
	portrait    = uitest.Portrait
	landscape   = uitest.Landscape
)

const (
	dongwan = uitest.Dongwan
	liutang = uitest.Liutang
)

// clock is a settable clock for the idle tests.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// find is the first object of type T under o that ok accepts.
func find[T fyne.CanvasObject](t *testing.T, o fyne.CanvasObject, what string, ok func(T) bool) T {
	t.Helper()
	var walk func(o fyne.CanvasObject) (T, bool)
	walk = func(o fyne.CanvasObject) (T, bool) {
		if x, is := o.(T); is && ok(x) {
			return x, true
		}
		if c, is := o.(*fyne.Container); is {
			for _, o := range c.Objects {
				if x, found := walk(o); found {
					return x, true
				}
			}
		}
		var none T
		return none, false
	}
	x, found := walk(o)
	if !found {
		t.Fatalf("no %s", what)
	}
	return x
}

// button finds the button that says text under o.
func button(t *testing.T, o fyne.CanvasObject, text string) *kit.BigButton {
	return find(t, o, "button "+text, func(b *kit.BigButton) bool { return b.Text == text })
}

// tile finds the villager's topic tile that names name.
func tile(t *testing.T, o fyne.CanvasObject, name string) *kit.TapCard {
	return find(t, o, "tile "+name, func(c *kit.TapCard) bool {
		return strings.Contains(textOf(c), name) && strings.Contains(textOf(c), " 条")
	})
}

// newTestKiosk runs the kiosk on the demo store in a test window.
func newTestKiosk(t *testing.T, size fyne.Size) (*Kiosk, fyne.Window, *clock) {
	t.Helper()
	return newTestKioskWith(t, size, Deps{})
}

// newTestKioskWith is newTestKiosk with more of Deps set.
func newTestKioskWith(t *testing.T, size fyne.Size, d Deps) (*Kiosk, fyne.Window, *clock) {
	t.Helper()
	a := test.NewTempApp(t)
	st := demoStore(t)
	c := &clock{t: demoNow}
	w := test.NewWindow(nil)
	w.SetPadded(false)
	t.Cleanup(w.Close)
	d.Store, d.Location, d.Clock, d.Demo, d.Ticks = st, dongwan, c.Now, true, make(chan time.Time)
	d.Spawn = kit.Inline
	k := New(a, w, d)
	t.Cleanup(k.Close)
	w.Resize(size)
	return k, w, c
}

type fakeRuntime = uitest.FakeRuntime
