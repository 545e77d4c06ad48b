// Package villager is the touch screens a villager uses: home (where,
// what is urgent, the topics), a topic's list, the reader of one notice
// with its attachments (picture, table) and 朗读, and search with its own
// keypad. They read the store
// through kit.Env only, always with the screen's own location, so another
// village's notice is never reachable; the window around them (package
// ui) tells them the rest through Host. They know nothing of the display
// or the admin panel, nor of the urgent alerts (package alert) beyond
// the place for their banner.
//
// State (screen stack, pages, query, text size) lives in plain structs;
// widgets are built once per screen and updated with SetText/Refresh.
package villager

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/kit"
)

// Host is what the villager's screens need from the window around them.
// Its methods run on the UI goroutine.
type Host interface {
	// Touch is told of every tap: a tap is what keeps a page open (the
	// window's idle clock).
	Touch()
	// Display says whether the screen runs as the unattended road-side
	// display: then slides may be read aloud.
	Display() bool
	// ApplyTheme sets the window's theme after the 字号 step changed
	// (Screens.Step).
	ApplyTheme()
	// Navigated is told, after each move, whether the villager is at home.
	Navigated(atHome bool)
	// Banner is the line the window puts under the top bar on every
	// screen: the urgent alerts' banner, hidden while none is in force.
	// Asked once, by New.
	Banner() fyne.CanvasObject
	// HoldSlide keeps the display's slide up while it is read aloud
	// (true), or lets the rotation go on (false).
	HoldSlide(on bool)
	// Canvas is the window's canvas, nil when there is none: the search
	// benchmark's paint probe is put over it.
	Canvas() fyne.Canvas
}

// Options is what the screens are set up with; the admin settings change
// it while they run (Configure).
type Options struct {
	Demo      bool      // the content is signed with the demo key: 演示数据 in the bar
	TextStep  int       // the 字号 step a new villager finds
	Speaker   Speaker   // the sound output; nil: none, and no 朗读 button
	Volume    int       // 1–100; 0: 80
	Quiet     kit.Hours // nothing is read aloud in these hours; the zero value: none
	ReadAloud bool      // a display reads its slides aloud
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

// state is where the villager is; each screen keeps the rest of what
// they did (the search its query, the status row its note).
type state struct {
	stack []screen // stack[0] is always home
	step  int      // text size step
}

func (s *state) cur() *screen { return &s.stack[len(s.stack)-1] }

// view is a screen's widgets. show reads the store for s and updates the
// widgets in place; it keeps s.page unless the content got shorter.
type view interface {
	object() fyne.CanvasObject
	show(s *screen)
}

// Screens is the villager's screens and where they are: the navigation
// stack, the top bar and status row over them, 朗读. Each screen keeps
// its own widgets and state (homeView, listView, readerView, searchView,
// imageView, tableView, readAloud).
type Screens struct {
	*kit.Env
	host Host
	opts Options
	st   state

	views  map[screenKind]view
	home   *homeView
	search *searchView
	bar    *topBar
	status *statusRow
	stage  *fyne.Container
	main   fyne.CanvasObject

	speak *readAloud // speak.go
}

// New builds the screens at home. Env must be loaded (Env.Load).
func New(env *kit.Env, host Host, o Options) *Screens {
	o.TextStep = kit.ClampStep(o.TextStep)
	k := &Screens{Env: env, host: host, opts: o}
	k.st.stack = []screen{{kind: screenHome}}
	k.st.step = o.TextStep
	k.speak = k.newReadAloud()
	k.bar = k.newTopBar()
	k.status = newStatusRow()
	k.home = k.newHomeView()
	k.search = k.newSearchView()
	k.views = map[screenKind]view{
		screenHome:   k.home,
		screenList:   k.newListView(),
		screenReader: k.newReaderView(),
		screenSearch: k.search,
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
	top := container.NewVBox(k.bar.box, host.Banner(), k.status.box)
	k.main = container.New(layout.NewCustomPaddedLayout(kit.BarPadding, kit.BarPadding, kit.BarPadding*2, kit.BarPadding*2),
		container.NewBorder(top, nil, nil, nil, k.stage))
	return k
}

// Object is the touch screens: the top bar, the host's banner and the
// status row, and the screen on show under them.
func (k *Screens) Object() fyne.CanvasObject { return k.main }

// Configure takes saved settings without a restart: the text size a new
// villager finds (and the screen on show goes to), the volume, quiet
// hours, reading aloud on the display.
func (k *Screens) Configure(o Options) {
	o.TextStep = kit.ClampStep(o.TextStep)
	k.opts = o
	k.setVolume()
	k.setStep(o.TextStep)
	k.home.invalidate()
}

// display reports whether the screen runs as an unattended bulletin.
func (k *Screens) display() bool { return k.host.Display() }

// touch is called by every control: a tap is what keeps a page open.
func (k *Screens) touch() { k.host.Touch() }

// btn makes a big button whose tap also counts as activity.
func (k *Screens) btn(label string, imp widget.Importance, tapped func()) *kit.BigButton {
	return kit.NewBigButton(label, imp, fyne.NewSize(kit.TouchMin, kit.TouchMin), func() {
		k.touch()
		tapped()
	})
}

// card makes a tappable card whose tap also counts as activity.
func (k *Screens) card(content fyne.CanvasObject, tapped func()) *kit.TapCard {
	return tapCard(k.touch, content, tapped)
}

// tapCard makes a tappable card whose tap calls touch first.
func tapCard(touch func(), content fyne.CanvasObject, tapped func()) *kit.TapCard {
	return kit.NewTapCard(content, func() {
		touch()
		tapped()
	})
}

// Navigation. Every move clears the transient message.

func (k *Screens) push(s screen) {
	k.status.text = ""
	k.st.stack = append(k.st.stack, s)
	k.render()
}

func (k *Screens) back() {
	k.status.text = ""
	if len(k.st.stack) > 1 {
		k.st.stack = k.st.stack[:len(k.st.stack)-1]
	}
	k.render()
}

func (k *Screens) goHome() {
	k.status.text = ""
	k.st.stack = k.st.stack[:1]
	k.st.stack[0].page = 0
	k.search.input = ""
	k.render()
}

// setPage moves the current screen to page n; the pager clamps it.
func (k *Screens) setPage(n int) {
	s := k.st.cur()
	s.page = max(0, n)
	k.render()
	if p := k.pagerOf(s.kind); p != nil {
		s.top = max(0, p.TopBlock())
	}
}

func (k *Screens) setStep(n int) {
	n = kit.ClampStep(n)
	if n == k.st.step {
		return
	}
	// the reader stays at the paragraph they turned to (screen.top), not
	// at the page number
	k.st.step = n
	k.host.ApplyTheme()
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
func (k *Screens) pagerOf(kind screenKind) *kit.Pager {
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
func (k *Screens) render() {
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
	k.host.Navigated(s.kind == screenHome)
}

// atRest is the state a new villager should find.
func (k *Screens) atRest() bool {
	return len(k.st.stack) == 1 && k.st.stack[0].page == 0 && k.st.step == k.opts.TextStep && k.search.input == ""
}

// The window's part: what it shows, when it resets, what it tells.

// Render shows the screen on show again from the state (the window shows
// the touch screens again).
func (k *Screens) Render() { k.render() }

// Reload re-reads the store after an Apply (the window has loaded the
// Env again), in place: same screen, same page. A notice that
// disappeared sends the reader back to its list, with a word why. On the
// display the screens are not drawn.
func (k *Screens) Reload() {
	for i := len(k.st.stack) - 1; i > 0; i-- {
		s := k.st.stack[i]
		if s.itemID == "" {
			continue
		}
		if _, err := k.Store.Item(s.itemID, k.Location, k.Now()); errors.Is(err, store.ErrNotFound) {
			k.st.stack = k.st.stack[:i]
			k.status.text = "您查看的公告已撤下或已到期，已返回列表。"
		}
	}
	k.home.invalidate()
	if !k.display() {
		k.render()
	}
}

// Step is the 字号 step on show, for the window's theme.
func (k *Screens) Step() int { return k.st.step }

// AtRest says whether the screens are as a new villager should find
// them: home, its first page, the usual 字号, no query.
func (k *Screens) AtRest() bool { return k.atRest() }

// Reset is the idle reset: home, the usual 字号.
func (k *Screens) Reset() {
	if !k.atRest() {
		k.goHome()
		k.setStep(k.opts.TextStep)
	}
}

// Hush stops reading aloud (the admin panel opened, the window closes).
func (k *Screens) Hush() { k.speak.stop() }

// ReadSlide is the display's slide on show: read aloud when the settings
// say so; nil (no slide, dark hours) stops it.
func (k *Screens) ReadSlide(it *feed.Item) { k.speak.slide(it) }

// Where is the screen on show, named as Open takes it (home, list:CAT,
// item:ID, attachment:ID:N, search:QUERY), and its page from 0.
func (k *Screens) Where() (string, int) {
	s := k.st.cur()
	switch s.kind {
	case screenList:
		return "list:" + s.category, s.page
	case screenReader:
		return "item:" + s.itemID, s.page
	case screenSearch:
		return "search:" + k.search.input, s.page
	case screenImage, screenTable:
		return fmt.Sprintf("attachment:%s:%d", s.itemID, s.attach), s.page
	}
	return "home", s.page
}

// Pages is how many pages the screen on show has.
func (k *Screens) Pages() int {
	if p := k.pagerOf(k.st.cur().kind); p != nil {
		return p.Pages()
	}
	return 1
}

// Home goes home, as 首页 does.
func (k *Screens) Home() { k.goHome() }

// Back goes back one screen, as 返回 does.
func (k *Screens) Back() { k.back() }

// SetPage turns the screen on show to page n (from 0), as 下一页 does.
func (k *Screens) SetPage(n int) { k.setPage(n) }

// SetStep sets the 字号 step, as its buttons do.
func (k *Screens) SetStep(n int) { k.setStep(n) }

// Open goes to a screen, named as `gongkai screenshot` names it: home,
// list:CATEGORY, item:ID, attachment:ID:N (the picture or table view of
// the notice's attachment N), search:QUERY. A notice not shown on this
// screen or an attachment it has not is an error.
func (k *Screens) Open(name string) error {
	kind, arg, _ := strings.Cut(name, ":")
	switch kind {
	case "home":
		k.goHome()
	case "list":
		k.push(screen{kind: screenList, category: arg})
	case "item":
		if _, err := k.Item(arg); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("ui: item %q is not shown on this screen (%s)", arg, k.Location)
		} else if err != nil {
			return err
		}
		k.push(screen{kind: screenReader, itemID: arg})
	case "attachment":
		// as 查看图片 / 查看数据表 opens it
		id, n, _ := strings.Cut(arg, ":")
		it, err := k.Item(id)
		if err != nil {
			return fmt.Errorf("ui: item %q: %w", id, err)
		}
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= len(it.Attachments) {
			return fmt.Errorf("ui: item %q has no attachment %q", id, n)
		}
		kind := screenImage
		if !strings.HasPrefix(it.Attachments[i].Type, "image/") {
			kind = screenTable
		}
		k.push(screen{kind: kind, itemID: id, attach: i})
	case "search":
		k.push(screen{kind: screenSearch})
		k.search.input = strings.ToLower(arg)
		k.render()
	default:
		return fmt.Errorf("ui: unknown screen %q", name)
	}
	return nil
}
