// Package ui is the window of the screen: it holds the villager's touch
// screens (package villager), the road-side display (package display),
// the urgent alerts over both (package alert) and the admin panel
// (package admin), switches between them, resets the
// touch screens when nobody uses them (the idle prompt), and is the one
// place that talks to the running screen (Runtime). It also paints any
// screen off-screen (Screenshot, Capture).
package ui

import (
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"gongkai/config"
	"gongkai/store"
	"gongkai/ui/admin"
	"gongkai/ui/alert"
	"gongkai/ui/display"
	"gongkai/ui/kit"
	"gongkai/ui/villager"
)

// Deps is what the kiosk needs from outside.
type Deps struct {
	Store    *store.Store
	Location string           // this screen's division code
	Clock    func() time.Time // time.Now when nil; "now" is Store.Now(Clock())
	Demo     bool             // the content is signed with the demo key: show 演示数据

	IdleTimeout   time.Duration // quiet time before "还在阅读吗？"; 90 s when zero
	IdleCountdown time.Duration // the prompt's countdown; 15 s when zero

	// Changes says the store was updated (Store.Changed() when nil). Tests
	// hand in a channel they never send on and call Refresh themselves.
	Changes <-chan struct{}

	// Ticks drives the idle check and the display. Nil runs our own
	// timer; tests hand in a channel that never fires and call CheckIdle
	// or Tick themselves.
	Ticks <-chan time.Time

	Mode       string        // config.ModeTouch (default) or config.ModeDisplay
	Dwell      time.Duration // display: time per slide; 15 s when zero
	Hours      kit.Hours     // display: lit hours; the zero value is always on
	StaleAfter time.Duration // stale warning when the last good sync is older; 72 h when zero
	TextStep   int           // the 字号 step a new villager finds
	DataDir    string        // admin.pin, disk and store size; "" keeps the PIN in memory
	Logger     *slog.Logger  // slog.Default() when nil

	// Runtime is the running screen behind the window (runtime.go);
	// nil: none.
	Runtime Runtime

	// Reading aloud (speak.go): the sound output (nil: none, no 朗读
	// button), its volume 1–100 (0: 80), the quiet hours when nothing is
	// read aloud (the zero value: none), and whether a display screen
	// reads its slides aloud (off unless the settings turn it on).
	Speaker   Speaker
	Volume    int
	Quiet     kit.Hours
	ReadAloud bool

	// Spawn takes the store reads the screens make in the background
	// (nil: on goroutines, as a real window must). Tests and still
	// pictures pass kit.Inline, so what is drawn is what the store
	// answers, from the first frame on.
	Spawn func(job func())

	Admin admin.Deps
}

// Kiosk is the running touch screen.
type Kiosk struct {
	app   fyne.App
	win   fyne.Window
	deps  Deps
	theme *kit.KioskTheme // the window's theme, set by applyTheme
	idle  kit.Idle

	prompt   *idlePrompt
	*kit.Env // the store for this screen, the feed's state, the clocks
	stopOnce chan struct{}

	v           *villager.Screens   // the touch screens, 朗读
	alerts      *alert.Alerts       // the banner on the touch screens, the view over everything
	touchObjs   []fyne.CanvasObject // background and screens of touch mode
	disp        *display.View
	cornerLayer *fyne.Container // the admin panel's hidden corner gesture
	admin       *admin.Panel
	poke        chan struct{} // wakes the timer loop early (mode change, admin opened)
	started     time.Time
}

// New builds the kiosk and sets it as w's content.
func New(a fyne.App, w fyne.Window, d Deps) *Kiosk {
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.IdleTimeout <= 0 {
		d.IdleTimeout = 90 * time.Second
	}
	if d.IdleCountdown <= 0 {
		d.IdleCountdown = 15 * time.Second
	}
	if d.StaleAfter <= 0 {
		d.StaleAfter = config.DefaultStaleAfter
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	d.TextStep = kit.ClampStep(d.TextStep)
	k := &Kiosk{app: a, win: w, deps: d, stopOnce: make(chan struct{}), poke: make(chan struct{}, 1)}
	k.Env = &kit.Env{Store: d.Store, Location: d.Location, Clock: d.Clock, Logger: d.Logger, Faults: kit.NewFaults(d.Logger), Spawn: d.Spawn}
	k.started = d.Admin.Started
	if k.started.IsZero() {
		k.started = d.Clock()
	}
	k.idle = kit.Idle{Timeout: d.IdleTimeout, Countdown: d.IdleCountdown}
	k.idle.Touch(d.Clock())
	k.applyTheme()
	k.Load()

	k.alerts = alert.New(k.Env, (*alertHost)(k), d.Dwell)
	k.v = villager.New(k.Env, (*villagerHost)(k), k.villagerOptions())
	main := k.v.Object()
	k.prompt = k.newIdlePrompt()
	bg := canvas.NewRectangle(kit.ThemeColor(theme.ColorNameBackground))
	k.touchObjs = []fyne.CanvasObject{bg, main}
	k.disp = display.New(k.Env, display.Options{
		Dwell: d.Dwell, Hours: d.Hours, OnSlide: k.showSlide,
		Shown: func() bool { return k.display() && !(k.admin != nil && k.admin.Box.Visible()) },
		Stale: k.stale,
		Speak: k.v.ReadSlide,
	})
	host := &admin.Host{
		Env: k.Env, Admin: &k.deps.Admin, Demo: d.Demo, DataDir: d.DataDir, Started: k.started,
		Do: k.do, GoSafe: k.goSafe, Card: k.card, Wake: k.wake, ApplyTheme: k.applyTheme,
		ApplyConfig: k.applyConfig, Hush: k.v.Hush, Display: k.display, IsStale: k.stale, QuitApp: a.Quit,
	}
	if d.Runtime != nil { // a nil Runtime stays a nil AdminRuntime
		host.Runtime = d.Runtime
	}
	k.admin = admin.New(host)
	k.cornerLayer = container.NewWithoutLayout(k.admin.Corner())
	// one flat stack: the touch screens, the display, an alert over
	// either, the idle prompt over an alert too (else it asks unseen), the
	// corner gesture and the admin overlay; hidden layers are neither
	// drawn nor tappable
	w.SetContent(container.NewStack(bg, main, k.disp.Box, k.alerts.View(), k.prompt.box, k.cornerLayer, k.admin.Box))
	// closing the window asks for the PIN: a villager must not end up on
	// the desktop by tapping a stray close button
	w.SetCloseIntercept(k.RequestLeave)
	k.applyMode()

	changes := d.Changes
	if changes == nil {
		changes = d.Store.Changed()
	}
	k.goSafe("watch store", func() { k.watch(changes) })
	if d.Runtime != nil {
		events := d.Runtime.Events()
		k.goSafe("runtime events", func() { k.watchEvents(events) })
	}
	if d.Ticks != nil {
		k.goSafe("ticks", func() { k.tickLoop(d.Ticks) })
	} else {
		k.goSafe("timer", k.timerLoop)
	}
	return k
}

// display reports whether the screen runs as an unattended bulletin.
func (k *Kiosk) display() bool { return k.deps.Mode == config.ModeDisplay }

// applyTheme sets the window's theme for what is on show: the admin panel
// at step 0, the display's road-side sizes, or the villager's 字号 step.
// One theme for the whole window, never a theme override per area: Fyne
// parses the font again for each override scope (see bigButton). Setting a
// theme parses it once more, so it is set only when it changes.
func (k *Kiosk) applyTheme() {
	step := k.deps.TextStep // until the villager's screens are built
	if k.v != nil {
		step = k.v.Step()
	}
	t := kit.NewTheme(step)
	switch {
	case k.admin != nil && k.admin.Box.Visible():
		t = kit.NewTheme(0)
	case k.display():
		t = &kit.KioskTheme{Body: display.Body}
	}
	// what is on show changes with the theme (mode, admin panel), so the
	// slide on show is told from here
	if k.disp != nil {
		k.disp.ReportSlide()
	}
	if k.theme != nil && *k.theme == *t {
		return
	}
	k.theme = t
	k.app.Settings().SetTheme(t)
}

// applyMode shows the touch screens or the display slides.
func (k *Kiosk) applyMode() {
	k.applyTheme()
	for _, o := range k.touchObjs {
		kit.Show(o, !k.display())
	}
	if k.display() {
		k.prompt.box.Hide()
	}
	kit.Show(k.disp.Box, k.display())
	k.alerts.Reload(k.Clock())
	if k.display() {
		kit.Show(k.cornerLayer, true)
		k.disp.Reload()
	} else {
		k.v.Render()
	}
	k.wake()
}

// wake makes the timer loop recompute its next wake-up now.
func (k *Kiosk) wake() {
	select {
	case k.poke <- struct{}{}:
	default:
	}
}

// goSafe runs a background job whose panic is logged and shown on the
// status page instead of taking the screen down. The job is not
// restarted: the screen keeps what it shows, and the clerk sees why.
func (k *Kiosk) goSafe(name string, fn func()) { k.Env.Go(name, fn) }

// Refresh re-reads the store as after a sync. The sync scheduler calls it
// when a notice becomes valid or expires, so the screen changes at
// midnight rather than at the next sync. Safe from any goroutine.
func (k *Kiosk) Refresh() { k.do("refresh", k.reload) }

// do runs fn on the UI thread, with the same protection as goSafe.
func (k *Kiosk) do(name string, fn func()) { k.Env.Do(name, fn) }

// timerLoop sleeps until the screen next has something to do: each second
// in touch mode (idle prompt) and while the admin panel is open; in display
// mode only at the next slide, minute or on/off time. The sleep is capped
// so a clock corrected by NTP is noticed within minutes.
func (k *Kiosk) timerLoop() {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		wake := make(chan time.Time, 1)
		k.do("tick", func() { wake <- k.Tick() })
		var next time.Time
		select {
		case <-k.stopOnce:
			return
		case next = <-wake:
		}
		d := min(max(next.Sub(k.Clock()), 50*time.Millisecond), 10*time.Minute)
		t.Reset(d)
		select {
		case <-k.stopOnce:
			return
		case <-t.C:
		case <-k.poke:
			if !t.Stop() {
				<-t.C
			}
		}
	}
}

// Tick does what is due now and says when to call it next.
func (k *Kiosk) Tick() time.Time {
	now := k.Clock()
	k.admin.CheckIdle(now)
	var next time.Time
	if k.display() {
		next = k.disp.Tick(now)
	} else {
		k.CheckIdle()
		next = now.Add(time.Second)
	}
	next = k.alerts.Tick(now, next)
	if k.admin.Box.Visible() && next.After(now.Add(time.Second)) {
		next = now.Add(time.Second) // the PIN lock countdown and idle logout
	}
	return next
}

// Close stops the kiosk's goroutines.
func (k *Kiosk) Close() {
	select {
	case <-k.stopOnce:
	default:
		close(k.stopOnce)
		k.v.Hush()
	}
}

// touch is called by every control: a tap is what keeps a page open.
func (k *Kiosk) touch() {
	k.idle.Touch(k.Clock())
	if k.prompt.box.Visible() {
		k.prompt.box.Hide()
	}
}

// card makes a tappable card whose tap also counts as activity.
func (k *Kiosk) card(content fyne.CanvasObject, tapped func()) *kit.TapCard {
	return kit.NewTapCard(content, func() {
		k.touch()
		tapped()
	})
}

// reload re-reads the store after an Apply, in place: same screen, same
// page. A notice that disappeared sends the reader back to its list.
func (k *Kiosk) reload() {
	k.Load()
	k.alerts.Reload(k.Clock())
	k.v.Reload()
	if k.display() {
		k.disp.Reload()
		k.wake()
	}
}

func (k *Kiosk) watch(ch <-chan struct{}) {
	for {
		select {
		case <-k.stopOnce:
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
			k.do("reload", k.reload)
		}
	}
}

func (k *Kiosk) tickLoop(ticks <-chan time.Time) {
	for {
		select {
		case <-k.stopOnce:
			return
		case <-ticks:
			k.do("tick", func() { k.Tick() })
		}
	}
}

// CheckIdle asks "还在阅读吗？" after the idle timeout and returns home
// (text size reset) when nobody answers. The ticker calls it every second.
func (k *Kiosk) CheckIdle() {
	now := k.Clock()
	phase, left := k.idle.At(now)
	switch phase {
	case kit.IdleActive:
		k.prompt.box.Hide()
	case kit.IdleAsking:
		if k.atRest() {
			return // nothing to lose: no need to ask
		}
		k.prompt.update(left)
		kit.Show(k.prompt.box, true)
	case kit.IdleExpired:
		k.prompt.box.Hide()
		k.idle.Touch(now)
		k.alerts.Close()
		k.v.Reset()
	}
}

// atRest is the state a new villager should find.
func (k *Kiosk) atRest() bool { return k.v.AtRest() && !k.alerts.IsOpen() }

// stale says whether the content may be out of date, and why, in words.
func (k *Kiosk) stale(now time.Time) (bool, string) { return k.Env.Stale(now, k.deps.StaleAfter) }

// showSlide tells the runtime the notice on show (Runtime.ShowSlide).
func (k *Kiosk) showSlide(id string) {
	if k.deps.Runtime != nil {
		k.deps.Runtime.ShowSlide(id)
	}
}

// villagerOptions is what the villager's screens take of Deps.
func (k *Kiosk) villagerOptions() villager.Options {
	d := &k.deps
	return villager.Options{Demo: d.Demo, TextStep: d.TextStep, Speaker: d.Speaker, Volume: d.Volume, Quiet: d.Quiet, ReadAloud: d.ReadAloud}
}

// villagerHost is the Kiosk as the villager's screens see it.
type villagerHost Kiosk

func (h *villagerHost) Touch()              { (*Kiosk)(h).touch() }
func (h *villagerHost) Display() bool       { return (*Kiosk)(h).display() }
func (h *villagerHost) ApplyTheme()         { (*Kiosk)(h).applyTheme() }
func (h *villagerHost) Canvas() fyne.Canvas { return h.win.Canvas() }

// Banner: the alerts' banner is on every touch screen, under the top bar.
func (h *villagerHost) Banner() fyne.CanvasObject { return h.alerts.Banner() }

// Navigated: the corner gesture lives where nothing else can be tapped:
// at home the top-left is empty, elsewhere 返回 is there and must keep
// working.
func (h *villagerHost) Navigated(atHome bool) {
	if h.cornerLayer != nil {
		kit.Show(h.cornerLayer, (*Kiosk)(h).display() || atHome)
	}
}

// HoldSlide: the display's slide stays up while it is read aloud; when
// the sound is over the timer loop looks again.
func (h *villagerHost) HoldSlide(on bool) {
	h.disp.Rot.Hold(on)
	if !on {
		(*Kiosk)(h).wake()
	}
}

// alertHost is the Kiosk as the alerts see it.
type alertHost Kiosk

func (h *alertHost) Touch()        { (*Kiosk)(h).touch() }
func (h *alertHost) Display() bool { return (*Kiosk)(h).display() }
func (h *alertHost) Hush()         { h.v.Hush() }

func (h *alertHost) ShowAlerts(ids []string) {
	if h.deps.Runtime != nil {
		h.deps.Runtime.ShowAlerts(ids)
	}
}
