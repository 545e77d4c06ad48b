// Package admin is the administration panel behind the hidden corner
// gesture: the PIN pad, then the status, sync, USB import, proof of
// display (公示期), posters, settings, log and leave pages. It reads the
// screen through kit.Env and is told by its Host what only the window
// knows; it knows nothing of the villager's screens or the display.
package admin

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/pin"
	"gongkai/proof"
	gkscreen "gongkai/screen"
	gksync "gongkai/sync"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// Deps is what the administration panel needs from outside. Every
// function may be nil: its page then says the feature is not available.
type Deps struct {
	Version, Build, Commit string
	Started                time.Time // process start, for uptime
	PublisherKey           string    // fingerprint of the pinned key
	DeviceKey              string    // fingerprint of this screen's own key; "" when it has none

	// Config is the running configuration; the settings page edits a copy.
	Config *config.Config
	// Compliance is the proof-of-display report of this screen now, from
	// the display log the kiosk keeps (gongkai report), for the 公示期 page.
	Compliance func() (proof.Report, error)
	// ExportReport is that report as the signed JSON export and the PDF
	// certificate of the same report (gongkai report --out FILE.json,
	// FILE.pdf), for the page to write to a stick.
	ExportReport func() (export, certificate []byte, err error)
	// Poster is notice id as an A4 poster PDF (gongkai export-pdf).
	Poster func(id string) ([]byte, error)
	// Sticks lists the removable volumes mounted now, feed or no feed:
	// where exports are written.
	Sticks func() []string

	LogLines func() []string
	Quit     func() // leaves the kiosk; nil quits the Fyne app

	// Unlocked opens the panel without a PIN: screenshots only.
	Unlocked bool
}

// Host is what the admin panel needs from the window around it.
type Host struct {
	*kit.Env
	Admin   *Deps     // Config is replaced when the settings are saved
	Runtime Runtime   // nil: no syncing, importing or saving here
	Demo    bool      // the content is signed with the demo key
	DataDir string    // admin.pin, disk and store size; "" keeps the PIN in memory
	Started time.Time // process start, for uptime

	Do     func(name string, fn func()) // on the UI goroutine, panics kept
	GoSafe func(name string, fn func()) // in the background, panics kept
	// Card is a tappable card whose tap also counts as activity.
	Card func(content fyne.CanvasObject, tapped func()) *kit.TapCard
	// Wake makes the window's timer loop look again (PIN lock, idle logout).
	Wake func()
	// ApplyTheme sets the window's theme for what is on show: the panel
	// opening or closing changes it.
	ApplyTheme func()
	// ApplyConfig makes saved settings take effect in the window.
	ApplyConfig func(*config.Config)
	Hush        func()                             // stops reading aloud
	Display     func() bool                        // the screen runs as an unattended display
	IsStale     func(now time.Time) (bool, string) // content out of date, and why
	QuitApp     func()                             // when Admin.Quit is nil
}

// Runtime is the part of the running screen the admin panel calls
// (Runtime's methods of the same names).
type Runtime interface {
	// SaveConfig validates and writes the configuration (config.Save) and
	// applies what the UI does not own (sync schedule). The UI applies
	// its own part (mode, dwell, hours, idle, text size) itself.
	SaveConfig(*config.Config) error
	SyncNow(ctx context.Context, progress func(gksync.Event)) (gksync.Result, error)
	// WatchVolumes switches the search for sticks on while the panel is
	// open and off when it closes: nobody else imports. What it finds
	// arrives as the runtime's events.
	WatchVolumes(on bool)
	Preview(ctx context.Context, path string) (ImportDiff, error)
	Import(ctx context.Context, path string, progress func(gksync.Event)) (gksync.Result, error)
}

// ImportDiff is what importing a feed would change, by notice title
// (screen.Runtime.Preview).
type ImportDiff = gkscreen.ImportDiff

// Hidden gesture: press and hold the top-left corner for three seconds,
// let go, then tap the same corner five times within five seconds. Taps
// alone never open it: a villager tapping 返回 impatiently lands at home
// with the corner under the finger, and five quick taps there opened the
// PIN pad. A long press followed by taps is not something done by chance.
// DEPLOY.md tells the clerk.
const (
	gestureHold   = 3 * time.Second
	gestureTaps   = 5
	gestureWindow = 5 * time.Second
	cornerSize    = 120 // ≥100: findable by a clerk who knows, unseen by others
	adminIdle     = 60 * time.Second
)

// gesture follows presses on the corner; it reads no clock.
type gesture struct {
	down  time.Time // the press under way; zero when none
	armed time.Time // when a long press ended; zero when not armed
	taps  int       // taps since armed
}

// Down records a press at now.
func (g *gesture) Down(now time.Time) { g.down = now }

// Up records the end of a press at now and reports whether it completes
// the gesture.
func (g *gesture) Up(now time.Time) bool {
	down := g.down
	g.down = time.Time{}
	if down.IsZero() || now.Before(down) {
		return false
	}
	if now.Sub(down) >= gestureHold {
		g.armed, g.taps = now, 0
		return false
	}
	if g.armed.IsZero() || now.Before(g.armed) || now.Sub(g.armed) >= gestureWindow {
		g.armed, g.taps = time.Time{}, 0 // taps without the long press first
		return false
	}
	g.taps++
	if g.taps < gestureTaps {
		return false
	}
	g.armed, g.taps = time.Time{}, 0
	return true
}

// CornerTap is the invisible square in the top-left corner. It takes
// presses (desktop.Mouseable: a touch screen's touches arrive as mouse
// presses) and the taps that end them, so nothing beneath gets them.
// Made only by Corner; its name stays exported because the markup
// snapshots in ui/testdata name its type.
type CornerTap struct {
	widget.BaseWidget
	down func()
	up   func()
}

func (c *CornerTap) MouseDown(*desktop.MouseEvent) { c.down() }
func (c *CornerTap) MouseUp(*desktop.MouseEvent)   { c.up() }
func (c *CornerTap) Tapped(*fyne.PointEvent)       {}
func (c *CornerTap) MinSize() fyne.Size            { return fyne.NewSquareSize(cornerSize) }
func (c *CornerTap) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// Corner is the hidden gesture's square, for the window to put in its
// top-left corner where nothing else can be tapped: completed, it opens
// the PIN pad.
func (a *Panel) Corner() fyne.CanvasObject {
	var g gesture
	c := &CornerTap{
		down: func() { g.Down(a.k.Clock()) },
		up: func() {
			if g.Up(a.k.Clock()) {
				a.Open(PurposeOpen)
			}
		},
	}
	c.ExtendBaseWidget(c)
	c.Resize(fyne.NewSquareSize(cornerSize))
	return c
}

type purpose int

const (
	PurposeOpen  purpose = iota // open the panel
	PurposeLeave                // quit the kiosk
)

// Panel is the administration overlay: the PIN pad, then the panel.
type Panel struct {
	k    *Host
	gate *pin.Gate
	Box  *fyne.Container

	// async runs slow work (sync, import) off the UI thread; tests make it
	// synchronous.
	Async func(name string, fn func())

	unlocked bool
	demoPIN  bool      // a demo screen still on the public demo PIN: the pad says it
	last     time.Time // last tap, for the idle logout
	asked    purpose   // what the PIN is asked for
	entry    string
	msg      string

	closer   *kit.BigButton // 关闭
	pad      *fyne.Container
	padTitle *widget.Label
	padDots  *widget.Label
	padMsg   *widget.RichText
	keyBox   *fyne.Container // the keys and 确定: hidden while no PIN is set
	keys     map[string]*kit.BigButton

	panel *fyne.Container
	tabs  []*kit.BigButton
	Pages []adminPage
	Page  int
	stage *fyne.Container
}

// adminPage is one page of the panel.
type adminPage interface {
	Object() fyne.CanvasObject
	Show() // refresh from the current state
}

var PageNames = []string{"状态", "立即同步", "U盘导入", "公示期", "打印海报", "设置", "日志", "退出信息屏"}

const (
	pageStatus = iota
	pageSync
	PageUSB
	PageCompliance
	PagePoster
	PageSettings
	pageLog
	pageLeave
)

func New(k *Host) *Panel {
	a := &Panel{k: k, keys: map[string]*kit.BigButton{}, Async: k.GoSafe}
	a.loadGate()

	a.closer = a.btn("关闭", widget.DangerImportance, a.Close)
	a.closer.Min = fyne.NewSize(200, kit.TouchMin)
	head := container.NewBorder(nil, nil, nil, a.closer, kit.Label("管理", theme.SizeNameHeadingText))

	a.buildPad()
	a.Pages = []adminPage{a.newStatusPage(), a.newSyncPage(), a.newUSBPage(), a.newCompliancePage(), a.newPosterPage(),
		a.newSettingsPage(), a.newLogPage(), a.newLeavePage()}
	var tabs []fyne.CanvasObject
	for i, name := range PageNames {
		b := a.btn(name, widget.MediumImportance, func() { a.ShowPage(i) })
		a.tabs = append(a.tabs, b)
		tabs = append(tabs, b)
	}
	objs := make([]fyne.CanvasObject, len(a.Pages))
	for i, p := range a.Pages {
		objs[i] = p.Object()
	}
	a.stage = container.NewStack(objs...)
	a.panel = container.NewBorder(container.NewVBox(container.New(&tabGrid{}, tabs...), kit.Separator()), nil, nil, nil, a.stage)

	// the cover owns every tap on the overlay, and counts it as activity
	bg := kit.NewCover(kit.ThemeColor(theme.ColorNameBackground), a.touch)
	body := container.NewBorder(container.NewVBox(head, kit.Separator()), nil, nil, nil, container.NewStack(a.pad, a.panel))
	// the panel keeps its own size whatever the villagers' 字号 step: the
	// kiosk sets the step-0 theme while it is open (applyTheme)
	a.Box = container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(16, 16, 24, 24), body))
	a.Box.Hide()
	if k.Admin.Unlocked {
		a.unlocked = true
	}
	return a
}

// loadGate reads admin.pin afresh: at start and at each opening, so a PIN
// set or reset on the machine (gongkai pin) counts without a restart.
func (a *Panel) loadGate() {
	k := a.k
	dir := k.DataDir
	if k.Admin.Unlocked {
		dir = "" // a screenshot neither reads nor writes the real PIN
	}
	if a.gate != nil && dir == "" {
		return // in memory: nothing to read again
	}
	gate, err := pin.Open(dir)
	if err != nil {
		k.Logger.Error("admin PIN", "err", err)
	}
	a.gate = gate
	a.demoPIN = k.Demo && gate.Matches(pin.Demo)
}

// btn makes a big button whose tap counts as admin activity.
func (a *Panel) btn(text string, imp widget.Importance, tapped func()) *kit.BigButton {
	return kit.NewBigButton(text, imp, fyne.NewSize(kit.TouchMin, kit.TouchMin), func() {
		a.touch()
		tapped()
	})
}

func (a *Panel) touch() { a.last = a.k.Clock() }

// Open shows the PIN pad (or, when already unlocked, the panel). A screen
// without a PIN says so and stays shut: its PIN comes from provisioning
// (gongkai init --pin-file, gongkai pin), never from whoever taps first.
func (a *Panel) Open(p purpose) {
	a.touch()
	a.asked, a.entry, a.msg = p, "", ""
	if !a.unlocked {
		a.loadGate()
		if !a.gate.HasPIN() && !a.k.Admin.Unlocked {
			a.k.Logger.Warn("no admin PIN: the admin panel stays shut until one is set with gongkai pin")
		}
	}
	kit.Show(a.Box, true)
	a.k.Hush() // nothing reads aloud over the admin panel
	a.watchVolumes(true)
	a.k.ApplyTheme()
	if a.unlocked && p == PurposeOpen {
		a.showPanel()
	} else {
		// each opening is in the log: a row of them is someone trying
		a.k.Logger.Info("admin PIN pad shown")
		a.showPad()
	}
	a.k.Wake()
}

// watchVolumes switches the search for sticks (Runtime.WatchVolumes).
func (a *Panel) watchVolumes(on bool) {
	if rt := a.k.Runtime; rt != nil {
		rt.WatchVolumes(on)
	}
}

// close logs out and hides the overlay.
func (a *Panel) Close() {
	a.unlocked = a.k.Admin.Unlocked
	a.entry, a.msg = "", ""
	a.Page = pageStatus // the next clerk starts from the status, not from 退出
	a.Box.Hide()
	a.watchVolumes(false)
	a.k.ApplyTheme()
	a.k.Wake()
}

// CheckIdle logs out an unattended panel.
func (a *Panel) CheckIdle(now time.Time) {
	if !a.Box.Visible() {
		return
	}
	if now.Sub(a.last) >= adminIdle {
		a.Close()
		return
	}
	if a.pad.Visible() {
		a.updatePad() // the lock's countdown, and the keys back on after it
	}
}

// PIN pad.

var padKeys = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", kit.KeyClear, "0", kit.KeyDelete}

func (a *Panel) buildPad() {
	a.padTitle = kit.Label("", theme.SizeNameHeadingText)
	a.padTitle.Alignment = fyne.TextAlignCenter
	a.padDots = kit.Label("", kit.SizeTitle)
	a.padDots.Alignment = fyne.TextAlignCenter
	a.padMsg = kit.Rich()
	var keys []fyne.CanvasObject
	for _, s := range padKeys {
		b := a.btn(s, widget.MediumImportance, func() { a.key(s) })
		b.Min = fyne.NewSize(180, 110)
		b.SizeName = kit.SizePINKey
		a.keys[s] = b
		keys = append(keys, b)
	}
	ok := a.btn("确定", widget.HighImportance, a.submit)
	ok.Min = fyne.NewSize(180, 110)
	ok.SizeName = kit.SizePINKey
	a.keys["确定"] = ok
	grid := container.NewGridWithColumns(3, keys...)
	a.keyBox = container.NewVBox(grid, ok)
	a.pad = container.NewCenter(container.New(kit.FixedWidth{W: 640}, container.New(kit.TightVBox{},
		a.padTitle, a.padDots, a.padMsg, a.keyBox)))
}

func (a *Panel) key(s string) {
	switch s {
	case kit.KeyClear:
		a.entry = ""
	case kit.KeyDelete:
		if a.entry != "" {
			a.entry = a.entry[:len(a.entry)-1]
		}
	default:
		if len(a.entry) < pin.MaxDigits {
			a.entry += s
		}
	}
	a.updatePad()
}

func (a *Panel) showPad() {
	kit.Show(a.panel, false)
	kit.Show(a.pad, true)
	a.updatePad()
}

func (a *Panel) updatePad() {
	now := a.k.Clock()
	if !a.gate.HasPIN() {
		kit.SetText(a.padTitle, "管理功能未启用")
		kit.SetText(a.padDots, "")
		kit.SetRich(a.padMsg, para("本屏还没有设置管理密码，所以不能打开管理功能。请技术人员在本机上用 gongkai pin 命令设置密码（见部署说明），然后再试。",
			theme.SizeNameText, theme.ColorNameForeground, false), para("点右上角“关闭”返回。", theme.SizeNameText, kit.ColorMuted, false))
		kit.Show(a.keyBox, false)
		return
	}
	kit.Show(a.keyBox, true)
	if a.asked == PurposeLeave {
		kit.SetText(a.padTitle, "退出信息屏：请输入管理密码")
	} else {
		kit.SetText(a.padTitle, "请输入管理密码")
	}
	kit.SetText(a.padDots, strings.Repeat("● ", len(a.entry))+strings.Repeat("○ ", max(0, pin.MinDigits-len(a.entry))))
	msg, c, hint := a.msg, fyne.ThemeColorName(kit.ColorUrgent), "点右上角“关闭”返回。"
	lock := a.gate.Locked(now)
	switch {
	case lock != nil:
		msg = a.lockText(lock, now)
	case msg == "" && a.demoPIN:
		c, msg = kit.ColorMuted, "这是演示屏，管理密码是 "+pin.Demo+"。"
	}
	var segs []widget.RichTextSegment
	if msg != "" {
		segs = append(segs, para(msg, theme.SizeNameText, c, false))
	}
	kit.SetRich(a.padMsg, append(segs, para(hint, theme.SizeNameText, kit.ColorMuted, false))...)
	for _, b := range a.keys {
		kit.Enable(b, lock == nil)
	}
}

// lockText says how long the pad stays locked and what to do meanwhile.
func (a *Panel) lockText(l *pin.Lock, now time.Time) string {
	if l.Daily {
		t := l.Until.In(a.k.Loc)
		return fmt.Sprintf("24 小时内密码错误已达 %d 次，管理功能锁定到 %s %02d:%02d。如急需使用，请技术人员在本机用 gongkai pin 命令重设密码。",
			pin.DailyTries, words.MonthDay(t), t.Hour(), t.Minute())
	}
	left := l.Until.Sub(now)
	wait := fmt.Sprintf("%d 秒", int(math.Ceil(left.Seconds())))
	if left > time.Minute {
		wait = fmt.Sprintf("%d 分钟", int(math.Ceil(left.Minutes())))
	}
	return "密码错误次数过多，已锁定，请 " + wait + "后再试。"
}

// submit checks the PIN.
func (a *Panel) submit() {
	now := a.k.Clock()
	entry := a.entry
	a.entry, a.msg = "", ""
	err := a.gate.Check(entry, now)
	var lock *pin.Lock
	switch {
	case err == nil:
		a.k.Logger.Info("admin panel unlocked")
		a.granted()
		return
	case errors.Is(err, pin.ErrWrong):
		a.k.Logger.Warn("admin PIN: wrong try", "tries_left", a.gate.TriesLeft())
		a.msg = fmt.Sprintf("密码不正确，还可再试 %d 次。", a.gate.TriesLeft())
	case errors.As(err, &lock):
		// every lock is in the log, with how long and why: a row of them
		// is someone guessing
		a.k.Logger.Warn("admin PIN locked", "until", lock.Until, "for", lock.Until.Sub(now).Round(time.Second).String(),
			"locks_in_a_row", lock.Locks, "daily_cap", lock.Daily)
	case errors.Is(err, pin.ErrDamaged):
		a.msg = "密码文件已损坏，请技术人员在本机用 gongkai pin 命令重设密码。"
	default:
		a.k.Logger.Error("admin PIN: checking", "err", err)
		a.msg = "暂时无法核对密码，请稍后再试；如一直这样，请联系技术人员。"
	}
	a.updatePad()
}

// granted: the PIN was right.
func (a *Panel) granted() {
	if a.asked == PurposeLeave {
		a.quit()
		return
	}
	a.unlocked = true
	a.showPanel()
}

// Panel.

func (a *Panel) showPanel() {
	kit.Show(a.pad, false)
	kit.Show(a.panel, true)
	a.ShowPage(a.Page)
}

func (a *Panel) ShowPage(i int) {
	a.Page = i
	for j, p := range a.Pages {
		kit.Show(p.Object(), j == i)
		imp := widget.MediumImportance
		if j == i {
			imp = widget.HighImportance
		}
		if a.tabs[j].Importance != imp {
			a.tabs[j].Importance = imp
			a.tabs[j].Refresh()
		}
	}
	a.Pages[i].Show()
	a.stage.Refresh()
}

// tabGrid puts the eight page buttons in two rows of four: wide enough
// for 退出信息屏 at a finger's height in portrait, and only two rows of the
// landscape screen's height.
type tabGrid struct{}

const tabCols = 4

func (g tabGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	rows := float32((len(objs) + tabCols - 1) / tabCols)
	return fyne.NewSize(m.Width*tabCols+kit.KeyGap*(tabCols-1), m.Height*rows+kit.KeyGap*(rows-1))
}

func (g tabGrid) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	rows := (len(objs) + tabCols - 1) / tabCols
	h := (s.Height - float32(rows-1)*kit.KeyGap) / float32(rows)
	w := (s.Width - float32(tabCols-1)*kit.KeyGap) / tabCols
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i%tabCols)*(w+kit.KeyGap), float32(i/tabCols)*(h+kit.KeyGap)))
		o.Resize(fyne.NewSize(w, h))
	}
}

// openForShot opens the panel on a page for a screenshot: "pin" shows the
// PIN pad, "" the status page.
func (a *Panel) OpenForShot(page string) error {
	if page == "pin" {
		if !a.gate.HasPIN() {
			a.gate.Set(pin.Demo) // in memory: the pad as a provisioned screen shows it
			a.demoPIN = a.k.Demo
		}
		kit.Show(a.Box, true)
		a.asked, a.entry = PurposeOpen, "12"
		a.showPad()
		return nil
	}
	names := []string{"status", "sync", "usb", "compliance", "poster", "settings", "log", "leave"}
	i := slices.Index(names, words.Or(page, "status"))
	if i < 0 {
		return fmt.Errorf("ui: admin page %q: want pin or one of %s", page, strings.Join(names, ", "))
	}
	a.Open(PurposeOpen)
	a.ShowPage(i)
	return nil
}

func (a *Panel) quit() {
	a.k.Logger.Info("leaving the kiosk from the admin panel")
	if q := a.k.Admin.Quit; q != nil {
		q()
		return
	}
	a.k.QuitApp()
}
