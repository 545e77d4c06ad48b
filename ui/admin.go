package ui

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
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/proof"
	gksync "gongkai/sync"
)

// AdminDeps is what the administration panel needs from outside. Every
// function may be nil: its page then says the feature is not available.
type AdminDeps struct {
	Version, Build, Commit string
	Started                time.Time // process start, for uptime
	PublisherKey           string    // fingerprint of the pinned key
	DeviceKey              string    // fingerprint of this screen's own key; "" when it has none

	// Config is the running configuration; the settings page edits a copy.
	Config *config.Config
	// SaveConfig validates and writes the configuration (config.Save) and
	// applies what the UI does not own (sync schedule). The UI applies
	// its own part (mode, dwell, hours, idle, text size) itself.
	SaveConfig func(*config.Config) error

	SyncNow func(ctx context.Context, progress func(gksync.Event)) (gksync.Result, error)

	// Volumes delivers the feed folders found on removable media, each
	// time the set changes (empty when the stick is pulled).
	// WatchVolumes switches that search on while the panel is open and
	// off when it closes (sync.WatchVolumes): nobody else imports.
	Volumes      <-chan []string
	WatchVolumes func(on bool)
	Preview      func(ctx context.Context, path string) (ImportDiff, error)
	Import       func(ctx context.Context, path string, progress func(gksync.Event)) (gksync.Result, error)

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

// ImportDiff is what importing a feed would change, by notice title.
type ImportDiff struct {
	Version                            int64
	Added, Changed, Withdrawn, Removed []string
}

// Hidden gesture: five taps in the top-left corner within three seconds.
const (
	gestureTaps   = 5
	gestureWindow = 3 * time.Second
	cornerSize    = 120 // ≥100: findable by a clerk who knows, unseen by others
	adminIdle     = 60 * time.Second
)

// gesture counts corner taps; it reads no clock.
type gesture struct{ taps []time.Time }

// Tap records a tap at now and reports whether it completes the gesture.
func (g *gesture) Tap(now time.Time) bool {
	keep := g.taps[:0]
	for _, t := range g.taps {
		if now.Sub(t) < gestureWindow && !now.Before(t) {
			keep = append(keep, t)
		}
	}
	g.taps = append(keep, now)
	if len(g.taps) >= gestureTaps {
		g.taps = g.taps[:0]
		return true
	}
	return false
}

// cornerTap is the invisible tappable square in the top-left corner.
type cornerTap struct {
	widget.BaseWidget
	onTap func()
}

func (k *Kiosk) newCornerTap() *cornerTap {
	var g gesture
	c := &cornerTap{onTap: func() {
		if g.Tap(k.deps.Clock()) {
			k.admin.open(purposeOpen)
		}
	}}
	c.ExtendBaseWidget(c)
	c.Resize(fyne.NewSquareSize(cornerSize))
	return c
}

func (c *cornerTap) Tapped(*fyne.PointEvent) { c.onTap() }
func (c *cornerTap) MinSize() fyne.Size      { return fyne.NewSquareSize(cornerSize) }
func (c *cornerTap) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// What the PIN pad is asking for.
type pinMode int

const (
	pinEnter   pinMode = iota // the existing PIN
	pinNew                    // first use: choose a PIN
	pinConfirm                // first use: the same PIN again
)

type purpose int

const (
	purposeOpen  purpose = iota // open the panel
	purposeLeave                // quit the kiosk
)

// adminView is the administration overlay: the PIN pad, then the panel.
type adminView struct {
	k    *Kiosk
	gate *PINGate
	box  *fyne.Container

	// async runs slow work (sync, import) off the UI thread; tests make it
	// synchronous.
	async func(name string, fn func())

	unlocked bool
	last     time.Time // last tap, for the idle logout
	purpose  purpose
	mode     pinMode
	entry    string
	first    string // pinNew's answer, awaiting pinConfirm
	msg      string

	pad      *fyne.Container
	padTitle *widget.Label
	padDots  *widget.Label
	padMsg   *widget.RichText
	keys     map[string]*bigButton

	panel *fyne.Container
	tabs  []*bigButton
	pages []adminPage
	page  int
	stage *fyne.Container
}

// adminPage is one page of the panel.
type adminPage interface {
	object() fyne.CanvasObject
	show() // refresh from the current state
}

var pageNames = []string{"状态", "立即同步", "U盘导入", "公示期", "打印海报", "设置", "日志", "退出信息屏"}

const (
	pageStatus = iota
	pageSync
	pageUSB
	pageCompliance
	pagePoster
	pageSettings
	pageLog
	pageLeave
)

func (k *Kiosk) newAdminView() *adminView {
	a := &adminView{k: k, keys: map[string]*bigButton{}, async: k.goSafe}
	dir := k.deps.DataDir
	if k.deps.Admin.Unlocked {
		dir = "" // a screenshot neither reads nor writes the real PIN
	}
	gate, err := openPINGate(dir)
	if err != nil {
		k.deps.Logger.Error("admin PIN", "err", err)
	}
	a.gate = gate

	close := a.btn("关闭", widget.DangerImportance, a.close)
	close.min = fyne.NewSize(200, touchMin)
	head := container.NewBorder(nil, nil, nil, close, label("管理　公开 Gongkai", theme.SizeNameHeadingText))

	a.buildPad()
	a.pages = []adminPage{a.newStatusPage(), a.newSyncPage(), a.newUSBPage(), a.newCompliancePage(), a.newPosterPage(),
		a.newSettingsPage(), a.newLogPage(), a.newLeavePage()}
	var tabs []fyne.CanvasObject
	for i, name := range pageNames {
		b := a.btn(name, widget.MediumImportance, func() { a.showPage(i) })
		a.tabs = append(a.tabs, b)
		tabs = append(tabs, b)
	}
	objs := make([]fyne.CanvasObject, len(a.pages))
	for i, p := range a.pages {
		objs[i] = p.object()
	}
	a.stage = container.NewStack(objs...)
	a.panel = container.NewBorder(container.NewVBox(container.New(&tabGrid{}, tabs...), separator()), nil, nil, nil, a.stage)

	// the cover owns every tap on the overlay, and counts it as activity
	bg := newCover(themeColor(theme.ColorNameBackground), a.touch)
	body := container.NewBorder(container.NewVBox(head, separator()), nil, nil, nil, container.NewStack(a.pad, a.panel))
	// the panel keeps its own size whatever the villagers' 字号 step: the
	// kiosk sets the step-0 theme while it is open (applyTheme)
	a.box = container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(16, 16, 24, 24), body))
	a.box.Hide()
	if k.deps.Admin.Unlocked {
		a.unlocked = true
	}
	return a
}

// btn makes a big button whose tap counts as admin activity.
func (a *adminView) btn(text string, imp widget.Importance, tapped func()) *bigButton {
	return newBigButton(text, imp, fyne.NewSize(touchMin, touchMin), func() {
		a.touch()
		tapped()
	})
}

func (a *adminView) touch() { a.last = a.k.deps.Clock() }

// open shows the PIN pad (or, when already unlocked, the panel).
func (a *adminView) open(p purpose) {
	a.touch()
	a.purpose, a.entry, a.msg = p, "", ""
	a.mode = pinEnter
	if !a.gate.HasPIN() {
		a.mode = pinNew // first use: the panel requires a PIN of the clerk's own
	}
	show(a.box, true)
	a.watchVolumes(true)
	a.k.applyTheme()
	if a.unlocked && p == purposeOpen {
		a.showPanel()
	} else {
		a.showPad()
	}
	a.k.wake()
}

// watchVolumes switches the search for sticks (Deps.Admin.WatchVolumes).
func (a *adminView) watchVolumes(on bool) {
	if f := a.k.deps.Admin.WatchVolumes; f != nil {
		f(on)
	}
}

// close logs out and hides the overlay.
func (a *adminView) close() {
	a.unlocked = a.k.deps.Admin.Unlocked
	a.entry, a.first, a.msg = "", "", ""
	a.box.Hide()
	a.watchVolumes(false)
	a.k.applyTheme()
	a.k.wake()
}

// checkIdle logs out an unattended panel.
func (a *adminView) checkIdle(now time.Time) {
	if !a.box.Visible() {
		return
	}
	if now.Sub(a.last) >= adminIdle {
		a.close()
		return
	}
	if a.pad.Visible() {
		a.updatePad() // the lock's countdown, and the keys back on after it
	}
}

// RequestLeave is the window's close button: leaving needs the PIN.
func (k *Kiosk) RequestLeave() { k.admin.open(purposeLeave) }

func (a *adminView) quit() {
	a.k.deps.Logger.Info("leaving the kiosk from the admin panel")
	if q := a.k.deps.Admin.Quit; q != nil {
		q()
		return
	}
	a.k.app.Quit()
}

// PIN pad.

var padKeys = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", keyClear, "0", keyDelete}

func (a *adminView) buildPad() {
	a.padTitle = label("", theme.SizeNameHeadingText)
	a.padTitle.Alignment = fyne.TextAlignCenter
	a.padDots = label("", sizeTitle)
	a.padDots.Alignment = fyne.TextAlignCenter
	a.padMsg = rich()
	var keys []fyne.CanvasObject
	for _, s := range padKeys {
		b := a.btn(s, widget.MediumImportance, func() { a.key(s) })
		b.min = fyne.NewSize(180, 110)
		b.SizeName = sizePINKey
		a.keys[s] = b
		keys = append(keys, b)
	}
	ok := a.btn("确定", widget.HighImportance, a.submit)
	ok.min = fyne.NewSize(180, 110)
	a.keys["确定"] = ok
	grid := container.NewGridWithColumns(3, keys...)
	a.pad = container.NewCenter(container.New(fixedWidth{w: 640}, container.NewVBox(
		a.padTitle, a.padDots, a.padMsg, grid, ok)))
}

func (a *adminView) key(s string) {
	switch s {
	case keyClear:
		a.entry = ""
	case keyDelete:
		if a.entry != "" {
			a.entry = a.entry[:len(a.entry)-1]
		}
	default:
		if len(a.entry) < maxPINDigits {
			a.entry += s
		}
	}
	a.updatePad()
}

func (a *adminView) showPad() {
	show(a.panel, false)
	show(a.pad, true)
	a.updatePad()
}

func (a *adminView) updatePad() {
	now := a.k.deps.Clock()
	switch {
	case a.mode == pinNew:
		setText(a.padTitle, "首次使用：请设置管理密码")
	case a.mode == pinConfirm:
		setText(a.padTitle, "请再输入一次新密码")
	case a.purpose == purposeLeave:
		setText(a.padTitle, "退出信息屏：请输入管理密码")
	default:
		setText(a.padTitle, "请输入管理密码")
	}
	setText(a.padDots, strings.Repeat("● ", len(a.entry))+strings.Repeat("○ ", max(0, minPINDigits-len(a.entry))))
	msg, c := a.msg, fyne.ThemeColorName(colorUrgent)
	locked := a.gate.LockedFor(now)
	if locked > 0 {
		msg = fmt.Sprintf("密码错误次数过多，已锁定，请 %d 秒后再试。", int(math.Ceil(locked.Seconds())))
	} else if msg == "" {
		c = colorMuted
		switch a.mode {
		case pinNew:
			msg = fmt.Sprintf("%d 到 %d 位数字，请牢记。", minPINDigits, maxPINDigits)
		default:
			msg = "点右上角“关闭”返回。"
		}
	}
	setRich(a.padMsg, seg(msg, theme.SizeNameText, c))
	for _, b := range a.keys {
		enable(b, locked == 0)
	}
}

// submit checks or sets the PIN.
func (a *adminView) submit() {
	now := a.k.deps.Clock()
	entry := a.entry
	a.entry, a.msg = "", ""
	switch a.mode {
	case pinNew:
		if err := validPIN(entry); err != nil {
			a.msg = err.Error()
		} else {
			a.first, a.mode = entry, pinConfirm
		}
	case pinConfirm:
		if entry != a.first {
			a.first, a.mode = "", pinNew
			a.msg = "两次输入不一致，请重新设置。"
			break
		}
		if err := a.gate.Set(entry); err != nil {
			a.k.deps.Logger.Error("admin PIN: saving", "err", err)
			a.msg = "无法保存密码：" + err.Error()
			a.mode = pinNew
			break
		}
		a.k.deps.Logger.Info("admin PIN set")
		a.granted()
		return
	default:
		err := a.gate.Check(entry, now)
		switch {
		case err == nil:
			a.k.deps.Logger.Info("admin panel unlocked")
			a.granted()
			return
		case errors.Is(err, errWrongPIN):
			a.msg = fmt.Sprintf("密码不正确，还可再试 %d 次。", a.gate.TriesLeft())
		case errors.Is(err, errLocked):
			a.k.deps.Logger.Warn("admin PIN locked after wrong tries")
		case errors.Is(err, errDamagedPIN):
			a.msg = "密码文件已损坏，请联系技术人员。"
		default:
			a.msg = "无法检查密码：" + err.Error()
		}
	}
	a.updatePad()
}

// granted: the PIN was right.
func (a *adminView) granted() {
	if a.purpose == purposeLeave {
		a.quit()
		return
	}
	a.unlocked = true
	a.showPanel()
}

// Panel.

func (a *adminView) showPanel() {
	show(a.pad, false)
	show(a.panel, true)
	a.showPage(a.page)
}

func (a *adminView) showPage(i int) {
	a.page = i
	for j, p := range a.pages {
		show(p.object(), j == i)
		imp := widget.MediumImportance
		if j == i {
			imp = widget.HighImportance
		}
		if a.tabs[j].Importance != imp {
			a.tabs[j].Importance = imp
			a.tabs[j].Refresh()
		}
	}
	a.pages[i].show()
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
	return fyne.NewSize(m.Width*tabCols+keyGap*(tabCols-1), m.Height*rows+keyGap*(rows-1))
}

func (g tabGrid) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	rows := (len(objs) + tabCols - 1) / tabCols
	h := (s.Height - float32(rows-1)*keyGap) / float32(rows)
	w := (s.Width - float32(tabCols-1)*keyGap) / tabCols
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i%tabCols)*(w+keyGap), float32(i/tabCols)*(h+keyGap)))
		o.Resize(fyne.NewSize(w, h))
	}
}

// openForShot opens the panel on a page for a screenshot: "pin" shows the
// PIN pad, "" the status page.
func (a *adminView) openForShot(page string) error {
	if page == "pin" {
		show(a.box, true)
		a.purpose, a.mode, a.entry = purposeOpen, pinEnter, "12"
		a.showPad()
		return nil
	}
	names := []string{"status", "sync", "usb", "compliance", "poster", "settings", "log", "leave"}
	i := slices.Index(names, or(page, "status"))
	if i < 0 {
		return fmt.Errorf("ui: admin page %q: want pin or one of %s", page, strings.Join(names, ", "))
	}
	a.open(purposeOpen)
	a.showPage(i)
	return nil
}
