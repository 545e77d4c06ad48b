// Package ui is the touch kiosk: theme, screens and widgets in Fyne. It
// reads the store through its exported methods only, always with the
// screen's own location, so another village's notice is never reachable.
// State (screen stack, pages, query, text size) lives in plain structs;
// widgets are built once per screen and updated with SetText/Refresh.
package ui

import (
	"errors"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/admin"
	"gongkai/ui/display"
	"gongkai/ui/kit"
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

	Admin admin.Deps
}

type screenKind int

const (
	screenHome screenKind = iota
	screenList
	screenReader
	screenSearch
	screenImage
	screenTable
)

// screen is one entry of the navigation stack, with everything needed to
// show it again exactly as it was (page, zoom).
type screen struct {
	kind     screenKind
	category string // list
	itemID   string // reader, image, table
	attach   int    // image, table: index into the item's attachments
	page     int
	top      int     // paged screens: the block at the top of the page turned to, kept in view when the text size changes
	zoom     int     // image: 0 fits the screen, each step doubles
	panX     float64 // image: centre of the view, 0..1 of the picture
	panY     float64
}

// state is the whole of what the villager has done; widgets only show it.
type state struct {
	stack   []screen // stack[0] is always home
	query   string   // search keypad input, lower case
	step    int      // text size step
	message string   // a short note shown above the screen until the next move
}

func (s *state) cur() *screen { return &s.stack[len(s.stack)-1] }

// view is a screen's widgets. show reads the store for s and updates the
// widgets in place; it keeps s.page unless the content got shorter.
type view interface {
	object() fyne.CanvasObject
	show(s *screen)
}

// Kiosk is the running touch screen.
type Kiosk struct {
	app   fyne.App
	win   fyne.Window
	deps  Deps
	st    state
	theme *kit.KioskTheme // the window's theme, set by applyTheme
	idle  kit.Idle

	views map[screenKind]view
	home  *homeView

	bar      *topBar
	status   *statusRow
	stage    *fyne.Container
	prompt   *idlePrompt
	*kit.Env // the store for this screen, the feed's state, the clocks
	stopOnce chan struct{}

	touchObjs   []fyne.CanvasObject // background and screens of touch mode
	disp        *display.View
	corner      *admin.CornerTap
	cornerLayer *fyne.Container
	admin       *admin.Panel
	alerts      *alertView    // alerts.go
	alertBar    *alertBanner  // alerts.go
	speak       *readAloud    // speak.go
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
	k.Env = &kit.Env{Store: d.Store, Location: d.Location, Clock: d.Clock, Logger: d.Logger, Faults: kit.NewFaults(d.Logger)}
	k.started = d.Admin.Started
	if k.started.IsZero() {
		k.started = d.Clock()
	}
	k.st.stack = []screen{{kind: screenHome}}
	k.st.step = d.TextStep
	k.idle = kit.Idle{Timeout: d.IdleTimeout, Countdown: d.IdleCountdown}
	k.idle.Touch(d.Clock())
	k.applyTheme()
	k.Load()

	k.speak = k.newReadAloud()
	k.bar = k.newTopBar()
	k.status = newStatusRow()
	k.home = k.newHomeView()
	k.views = map[screenKind]view{
		screenHome:   k.home,
		screenList:   k.newListView(),
		screenReader: k.newReaderView(),
		screenSearch: k.newSearchView(),
		screenImage:  k.newImageView(),
		screenTable:  k.newTableView(),
	}
	objs := []fyne.CanvasObject{}
	for _, kind := range []screenKind{screenHome, screenList, screenReader, screenSearch, screenImage, screenTable} {
		o := k.views[kind].object()
		o.Hide()
		objs = append(objs, o)
	}
	k.stage = container.NewStack(objs...)
	k.prompt = k.newIdlePrompt()
	k.alertBar = k.newAlertBanner()
	top := container.NewVBox(k.bar.box, k.alertBar.box, k.status.box)
	main := container.New(layout.NewCustomPaddedLayout(kit.BarPadding, kit.BarPadding, kit.BarPadding*2, kit.BarPadding*2),
		container.NewBorder(top, nil, nil, nil, k.stage))
	bg := canvas.NewRectangle(kit.ThemeColor(theme.ColorNameBackground))
	k.touchObjs = []fyne.CanvasObject{bg, main}
	k.disp = display.New(k.Env, display.Options{
		Dwell: d.Dwell, Hours: d.Hours, OnSlide: k.showSlide,
		Shown: func() bool { return k.display() && !(k.admin != nil && k.admin.Box.Visible()) },
		Stale: k.stale,
		Speak: func(it *feed.Item) { k.speak.slide(it) },
	})
	k.corner = k.newCornerTap()
	k.cornerLayer = container.NewWithoutLayout(k.corner)
	host := &admin.Host{
		Env: k.Env, Admin: &k.deps.Admin, Demo: d.Demo, DataDir: d.DataDir, Started: k.started,
		Do: k.do, GoSafe: k.goSafe, Card: k.card, Wake: k.wake, ApplyTheme: k.applyTheme,
		ApplyConfig: k.applyConfig, Hush: func() { k.speak.stop() }, Display: k.display, IsStale: k.stale, QuitApp: a.Quit,
	}
	if d.Runtime != nil { // a nil Runtime stays a nil AdminRuntime
		host.Runtime = d.Runtime
	}
	k.admin = admin.New(host)
	k.alerts = k.newAlertView()
	// one flat stack: the touch screens, the display, the corner gesture and
	// the admin overlay; hidden layers are neither drawn nor tappable
	w.SetContent(container.NewStack(bg, main, k.prompt.box, k.disp.Box, k.alerts.box, k.cornerLayer, k.admin.Box))
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
	t := kit.NewTheme(k.st.step)
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
	k.alerts.reload(k.Clock())
	if k.display() {
		kit.Show(k.cornerLayer, true)
		k.disp.Reload()
	} else {
		k.render()
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
func (k *Kiosk) goSafe(name string, fn func()) {
	go func() {
		defer k.Faults.Recovered(name)
		fn()
	}()
}

// Refresh re-reads the store as after a sync. The sync scheduler calls it
// when a notice becomes valid or expires, so the screen changes at
// midnight rather than at the next sync. Safe from any goroutine.
func (k *Kiosk) Refresh() { k.do("refresh", k.reload) }

// do runs fn on the UI thread, with the same protection as goSafe.
func (k *Kiosk) do(name string, fn func()) {
	fyne.Do(func() {
		defer k.Faults.Recovered(name)
		fn()
	})
}

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
	next = k.alerts.tick(now, next)
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
		k.speak.stop()
	}
}

// touch is called by every control: a tap is what keeps a page open.
func (k *Kiosk) touch() {
	k.idle.Touch(k.Clock())
	if k.prompt.box.Visible() {
		k.prompt.box.Hide()
	}
}

// btn makes a big button whose tap also counts as activity.
func (k *Kiosk) btn(label string, imp widget.Importance, tapped func()) *kit.BigButton {
	return kit.NewBigButton(label, imp, fyne.NewSize(kit.TouchMin, kit.TouchMin), func() {
		k.touch()
		tapped()
	})
}

// card makes a tappable card whose tap also counts as activity.
func (k *Kiosk) card(content fyne.CanvasObject, tapped func()) *kit.TapCard {
	return kit.NewTapCard(content, func() {
		k.touch()
		tapped()
	})
}

// Navigation. Every move clears the transient message.

func (k *Kiosk) push(s screen) {
	k.st.message = ""
	k.st.stack = append(k.st.stack, s)
	k.render()
}

func (k *Kiosk) back() {
	k.st.message = ""
	if len(k.st.stack) > 1 {
		k.st.stack = k.st.stack[:len(k.st.stack)-1]
	}
	k.render()
}

func (k *Kiosk) goHome() {
	k.st.message = ""
	k.st.stack = k.st.stack[:1]
	k.st.stack[0].page = 0
	k.st.query = ""
	k.render()
}

// setPage moves the current screen to page n; the pager clamps it.
func (k *Kiosk) setPage(n int) {
	s := k.st.cur()
	s.page = max(0, n)
	k.render()
	if p := k.pagerOf(s.kind); p != nil {
		s.top = max(0, p.TopBlock())
	}
}

func (k *Kiosk) setStep(n int) {
	n = kit.ClampStep(n)
	if n == k.st.step {
		return
	}
	// the reader stays at the paragraph they turned to (screen.top), not
	// at the page number
	k.st.step = n
	k.applyTheme()
	k.render()
	s := k.st.cur()
	if p := k.pagerOf(s.kind); p != nil && s.top > 0 {
		// paged again now that every text has its new size: the theme
		// change laid the pager out before its texts were refreshed
		p.Refresh()
		if pg := p.PageOf(s.top); pg >= 0 && pg != s.page {
			s.page = pg
			k.render()
		}
	}
}

// pagerOf is the pager of a screen, nil for one without.
func (k *Kiosk) pagerOf(kind screenKind) *kit.Pager {
	switch v := k.views[kind].(type) {
	case *homeView:
		return v.imp
	case *listView:
		return v.pager
	case *readerView:
		return v.pager
	case *searchView:
		return v.pager
	case *tableView:
		return v.pager
	}
	return nil
}

// render shows the current screen from the state.
func (k *Kiosk) render() {
	s := k.st.cur()
	k.speak.follow(s)
	for kind, v := range k.views {
		if kind != s.kind {
			v.object().Hide()
		}
	}
	v := k.views[s.kind]
	v.show(s)
	kit.Show(v.object(), true)
	k.bar.update(k, s.kind == screenHome)
	k.status.update(k)
	k.stage.Refresh()
	if k.corner != nil {
		// the gesture lives where nothing else can be tapped: at home the
		// top-left is empty, elsewhere 返回 is there and must keep working
		kit.Show(k.cornerLayer, k.display() || s.kind == screenHome)
	}
}

// reload re-reads the store after an Apply, in place: same screen, same
// page. A notice that disappeared sends the reader back to its list.
func (k *Kiosk) reload() {
	k.Load()
	for i := len(k.st.stack) - 1; i > 0; i-- {
		s := k.st.stack[i]
		if s.itemID == "" {
			continue
		}
		if _, err := k.Store.Item(s.itemID, k.Location, k.Now()); errors.Is(err, store.ErrNotFound) {
			k.st.stack = k.st.stack[:i]
			k.st.message = "您查看的公告已撤下或已到期，已返回列表。"
		}
	}
	k.home.invalidate()
	k.alerts.reload(k.Clock())
	if k.display() {
		k.disp.Reload()
		k.wake()
		return
	}
	k.render()
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
		k.alerts.close()
		if !k.atRest() {
			k.goHome()
			k.setStep(k.deps.TextStep)
		}
	}
}

// atRest is the state a new villager should find.
func (k *Kiosk) atRest() bool {
	return len(k.st.stack) == 1 && k.st.stack[0].page == 0 && k.st.step == k.deps.TextStep && k.st.query == "" && k.alerts.opened == ""
}

// stale says whether the content may be out of date, and why, in words.
func (k *Kiosk) stale(now time.Time) (bool, string) { return k.Env.Stale(now, k.deps.StaleAfter) }

// showSlide tells the runtime the notice on show (Runtime.ShowSlide).
func (k *Kiosk) showSlide(id string) {
	if k.deps.Runtime != nil {
		k.deps.Runtime.ShowSlide(id)
	}
}
