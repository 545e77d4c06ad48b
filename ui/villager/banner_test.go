package villager

import (
	"log/slog"
	"testing"

	"fyne.io/fyne/v2"

	"gongkai/store"
	"gongkai/ui/alert"
	"gongkai/ui/kit"
)

// newBanner is the real alert banner, in host's place for it, as the
// window puts it there. (A test may use the alerts package; the screens
// themselves never do.)
func newBanner(t *testing.T, st *store.Store, host *fakeHost) *alert.Alerts {
	t.Helper()
	env := &kit.Env{Store: st, Location: dongwan, Clock: (&clock{T: demoNow}).Now, Logger: slog.Default(), Faults: kit.NewFaults(slog.Default())}
	env.Load()
	a := alert.New(env, bannerHost{}, 0)
	a.Reload(demoNow)
	host.banner = a.Banner()
	return a
}

// bannerHost is the window as the alerts see it here: a touch screen.
type bannerHost struct{}

func (bannerHost) Touch()              {}
func (bannerHost) Display() bool       { return false }
func (bannerHost) ShowAlerts([]string) {}
func (bannerHost) Hush()               {}

// Under an alert banner, at every 字号, the home's important notices
// still show their card's words whole above their page bar: at 特大 the
// card ran under the bar, which hid the line saying what the notice is
// about. (Landscape at 特大 is tight enough that the card's frame may
// touch the bar; its words may not.)
func TestHomeCardClearsItsPageBarUnderABanner(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		for step := range kit.TextSteps {
			t.Run(orient(size)+"/"+kit.TextSteps[step].Name, func(t *testing.T) {
				st := demoStore(t)
				applyAlerts(t, st, 1, typhoon())
				host := &fakeHost{}
				banner := newBanner(t, st, host)
				k := newScreens(t, st, size, Options{TextStep: step}, host)
				k.refresh()
				if !banner.Banner().Visible() {
					t.Fatal("no banner")
				}
				d := fyne.CurrentApp().Driver()
				bar := d.AbsolutePositionForObject(k.home.impBar.Box).Y
				shown := 0
				for _, o := range k.home.imp.Blocks {
					if !o.Obj.Visible() {
						continue
					}
					shown++
					words := o.Obj.(*kit.TapCard).Content
					if bottom := d.AbsolutePositionForObject(words).Y + words.MinSize().Height; bottom > bar {
						t.Errorf("a card's words end at %.0f, under its page bar at %.0f", bottom, bar)
					}
				}
				if shown == 0 {
					t.Fatal("no important notice on show")
				}
			})
		}
	}
}
