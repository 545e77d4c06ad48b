// Package alert is the urgent alerts (the feed's alerts object, polled
// every minute) on the screen: the view over the whole window and the
// touch screens' red banner that opens it. It reads the store through
// kit.Env only, at this screen's location and trusted time; the window
// (package ui) places the banner under the villager's top bar, stacks the
// view over everything, ticks it and tells it the rest through Host. It
// knows nothing of the villager's screens, the display or the admin panel.
package alert

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// Urgent alerts are not one slide among many. On a display screen an alert takes the whole face
// at once, then alternates with the rotation while it is in force and is
// gone by itself at its end. On a touch screen a red banner on every
// screen opens it. Both read the store's alerts in force for this screen
// at trusted time.

// Host is what the alerts need from the window around them. Its methods
// run on the UI goroutine.
type Host interface {
	// Touch is told of every tap (the window's idle clock).
	Touch()
	// Display says whether the screen runs as the unattended road-side
	// display: then an alert takes the face in turns and no banner shows.
	Display() bool
	// ShowAlerts is told the ids of the alerts in force whenever they
	// change (the display log counts them).
	ShowAlerts(ids []string)
	// Hush stops reading aloud: a slide read aloud does not talk over the
	// warning.
	Hush()
}

// Alerts is the alerts in force on this screen, their view and banner.
type Alerts struct {
	*kit.Env
	host     Host
	dwellOpt time.Duration // display: time per page; an alert's turn is two; 15 s when zero
	view     *alertView
	banner   *alertBanner
}

// New builds the alerts' view and banner, both hidden until Reload finds
// an alert in force. Env must be loaded (Env.Load).
func New(env *kit.Env, host Host, dwell time.Duration) *Alerts {
	k := &Alerts{Env: env, host: host, dwellOpt: dwell}
	k.banner = k.newAlertBanner()
	k.view = k.newAlertView()
	return k
}

// View is the alert over the whole window: the display's takeover, and
// what the touch banner opens. The window stacks it over the display and
// the touch screens.
func (k *Alerts) View() fyne.CanvasObject { return k.view.box }

// Banner is the touch screens' red line: the window puts it under the
// villager's top bar.
func (k *Alerts) Banner() fyne.CanvasObject { return k.banner.box }

// SetDwell takes the display's time per page from the saved settings.
func (k *Alerts) SetDwell(d time.Duration) { k.dwellOpt = d }

// Reload re-reads the alerts in force (after a sync applied new ones, the
// mode changed).
func (k *Alerts) Reload(now time.Time) { k.view.reload(now) }

// Tick re-reads the alerts (one ends, another starts) and shows what is
// due at now; it returns when to come back, next or sooner.
func (k *Alerts) Tick(now, next time.Time) time.Time { return k.view.tick(now, next) }

// Open shows the alert id as the banner's tap does; an alert not in force
// is an error.
func (k *Alerts) Open(id string) error {
	if !slices.ContainsFunc(k.view.list, func(a feed.Alert) bool { return a.ID == id }) {
		return fmt.Errorf("ui: no alert %q in force on this screen (%s)", id, k.Location)
	}
	k.view.open(id)
	return nil
}

// IsOpen says whether a villager has an alert open (touch).
func (k *Alerts) IsOpen() bool { return k.view.opened != "" }

// Close returns from the touch view to the screen under it (the idle
// reset).
func (k *Alerts) Close() { k.view.close() }

// display reports whether the screen runs as an unattended bulletin.
func (k *Alerts) display() bool { return k.host.Display() }

// touch is called by every control: a tap is what keeps a page open.
func (k *Alerts) touch() { k.host.Touch() }

// alertView is the alert over the whole window: the display's takeover,
// and what the touch banner opens (with 返回).
type alertView struct {
	k   *Alerts
	box *fyne.Container

	bandT   *widget.RichText // 紧急通知 · agency
	pager   *kit.Pager       // title, time, what to do, body: paged
	bar     *kit.PageBar     // touch: 上一页/下一页; display: the page mark
	counter *widget.RichText
	back    *kit.BigButton // touch: 返回; hidden on the display
	nextBtn *kit.BigButton // touch: the next alert, when there are several

	list     []feed.Alert // in force now, urgent first
	since    time.Time    // display: when the set last grew, where the first takeover starts
	opened   string       // touch: the alert the banner opened, "" when closed
	shown    string       // the alert in the view now, whose page the kit.Pager keeps
	filled   string       // what the kit.Pager holds, so a tick does not rebuild it
	reported []string     // what OnAlerts was last told
	told     bool
}

// alertPhase is how long an alert stays up on the display in its turn,
// and how long the rotation then has: two dwells each, so a passer-by can
// read the warning and still sees the notices.
func (k *Alerts) alertPhase() time.Duration { return 2 * k.dwell() }

// dwell is how long a display page stays up.
func (k *Alerts) dwell() time.Duration {
	if d := k.dwellOpt; d > 0 {
		return d
	}
	return 15 * time.Second
}

func (k *Alerts) newAlertView() *alertView {
	v := &alertView{k: k}
	v.bandT = kit.Rich()
	band := canvas.NewRectangle(kit.ThemeColor(theme.ColorNameError))
	bandBox := container.NewStack(band, container.New(layout.NewCustomPaddedLayout(20, 20, 32, 32), v.bandT))
	v.counter = widget.NewRichText()
	// up to 2,000 characters of what to do and as many of body do not
	// fit one screen: paged like a notice, by hand on a touch screen and
	// a page a dwell on the display
	v.bar = kit.NewPageBar(k.touch, func(by int) { v.pager.SetPage(v.pager.Page() + by) })
	v.pager = kit.NewPager(func(page, total int) {
		v.bar.Update(page, total)
		kit.Show(v.bar.Prev, !k.display())
		kit.Show(v.bar.Next, !k.display())
	})
	// as big as the idle prompt's 继续阅读: the one way out of the view
	v.back = kit.NewBigButton("‹ 返回", widget.HighImportance, fyne.NewSize(320, 110), func() {
		k.touch()
		v.close()
	})
	v.nextBtn = kit.NewBigButton("下一条 ›", widget.MediumImportance, fyne.NewSize(320, 110), func() {
		k.touch()
		v.step()
	})
	bottom := container.NewBorder(nil, nil, v.back, container.NewHBox(v.counter, v.nextBtn))
	inner := container.NewBorder(nil, container.New(kit.TightVBox{}, v.bar.Box, bottom), nil, nil, v.pager)
	// a tap anywhere on the view must not reach the notices under it;
	// the touch view is closed with 返回 (or the idle reset)
	shield := kit.NewCover(kit.ThemeColor(theme.ColorNameBackground), k.touch)
	v.box = container.NewStack(shield, container.NewBorder(bandBox, nil, nil, nil,
		container.New(layout.NewCustomPaddedLayout(24, 24, 40, 40), inner)))
	v.box.Hide()
	return v
}

// reload re-reads the alerts in force (after a poll applied new ones, at
// a tick). A new alert restarts the display's takeover at once.
func (v *alertView) reload(now time.Time) {
	k := v.k
	list, err := k.Store.Alerts(k.Location, k.Now())
	if err != nil {
		k.Logger.Error("alerts: reading", "err", err)
		list = nil
	}
	ids := func(l []feed.Alert) []string {
		out := make([]string, len(l))
		for i, a := range l {
			out[i] = a.ID
		}
		return out
	}
	old := ids(v.list)
	for _, id := range ids(list) {
		if !slices.Contains(old, id) {
			v.since = now // a new alert: on the display at once
			break
		}
	}
	v.list = list
	if cur := ids(list); !v.told || !slices.Equal(cur, v.reported) {
		v.reported, v.told = cur, true
		k.host.ShowAlerts(cur)
	}
	if v.opened != "" && !slices.Contains(ids(list), v.opened) {
		v.opened = "" // it ended while open: back to the screen under it
	}
	k.banner.update(v.list)
	v.apply(now)
}

// apply shows what is due at now: on the display the alert whose turn it
// is, or none; in touch mode the alert the banner opened.
func (v *alertView) apply(now time.Time) {
	k := v.k
	var a *feed.Alert
	var index, page int
	if k.display() {
		if i, on := v.turn(now); on {
			a, index = &v.list[i], i
			page = v.displayPage(now)
		}
	} else if v.opened != "" {
		for i := range v.list {
			if v.list[i].ID == v.opened {
				a, index = &v.list[i], i
			}
		}
	}
	if a == nil {
		kit.Show(v.box, false)
		return
	}
	v.fill(a, index)
	if k.display() {
		v.pager.SetPage(page % v.pager.Pages())
		k.host.Hush() // a slide read aloud does not talk over the warning
	}
	kit.Show(v.back, !k.display())
	kit.Show(v.nextBtn, !k.display() && len(v.list) > 1)
	kit.Show(v.box, true)
	v.box.Refresh()
}

// turn says which alert the display shows at now, if it is an alert's
// turn: from since, a phase of alert (each alert in turn) then a phase of
// rotation, for as long as alerts are in force.
func (v *alertView) turn(now time.Time) (int, bool) {
	if len(v.list) == 0 {
		return 0, false
	}
	p := v.k.alertPhase()
	e := max(0, now.Sub(v.since))
	n := int(e / (2 * p))
	return n % len(v.list), e%(2*p) < p
}

// displayPage is the page of the alert on the display at now: a page a
// dwell, each turn of the alert going on where its last turn stopped, so
// a long alert is read whole over its turns (its band says what it is on
// every page).
func (v *alertView) displayPage(now time.Time) int {
	p := v.k.alertPhase()
	e := max(0, now.Sub(v.since))
	turns := int(e/(2*p)) / max(1, len(v.list)) // this alert's turns before this one
	perTurn := int(p / v.k.dwell())
	return turns*perTurn + int(e%(2*p)/v.k.dwell())
}

// next is when the display's alert turn or page next changes, or an alert
// starts or ends.
func (v *alertView) next(now time.Time, next time.Time) time.Time {
	k := v.k
	if len(v.list) > 0 && k.display() {
		step := v.k.alertPhase()
		if _, on := v.turn(now); on && v.pager.Pages() > 1 {
			step = k.dwell()
		}
		e := max(0, now.Sub(v.since))
		at := v.since.Add((e/step + 1) * step)
		if at.Before(next) {
			next = at
		}
	}
	trusted := k.Now()
	if t, ok, err := k.Store.NextAlertChange(trusted); err == nil && ok {
		if at := now.Add(max(t.Sub(trusted), time.Second)); at.Before(next) {
			next = at
		}
	}
	return next
}

// fill puts alert a into the view.
func (v *alertView) fill(a *feed.Alert, index int) {
	k := v.k
	band := []widget.RichTextSegment{kit.Seg("紧急通知", kit.SizeTitle, theme.ColorNameForegroundOnError)}
	band = append(band, kit.Seg("　"+kit.ShownTitle(a.Agency), theme.SizeNameSubHeadingText, theme.ColorNameForegroundOnError))
	kit.SetRich(v.bandT, band...)
	// rebuilt only when the alert changes: apply runs every second
	key := fmt.Sprint(a.ID, a.Title, a.Start, a.End, a.Instruction, a.Body)
	if key == v.filled {
		v.count(index)
		return
	}
	v.filled = key
	blocks := []kit.Block{
		{Obj: kit.Rich(kit.Seg(kit.ShownTitle(a.Title), kit.SizeTitle, kit.ColorUrgent))},
		{Obj: kit.Rich(kit.Seg(alertTime(a.Start.In(k.Loc), a.End.In(k.Loc)), theme.SizeNameSubHeadingText, theme.ColorNameForeground))},
	}
	// what to do, in the notice colour: pieces of a long one each a kit.Panel
	if todo := strings.TrimSpace(a.Instruction); todo != "" {
		for i, piece := range kit.SplitRuns([]kit.Run{{Text: "请您：" + todo}}, kit.ParaLimit) {
			gap := float32(12)
			if i > 0 {
				gap = 4
			}
			blocks = append(blocks, kit.Block{Obj: kit.Panel(kit.ColorNotice, kit.Rich(kit.RunSegs(piece, theme.SizeNameSubHeadingText)...)), Gap: gap})
		}
	}
	blocks = append(blocks, kit.TextBlocks(a.Body)...)
	if v.shown != a.ID {
		v.pager.Cur = 0 // another alert starts at its first page
	}
	v.shown = a.ID
	v.pager.SetBlocks(blocks)
	v.count(index)
}

// count is "警报 n / m" when several are in force.
func (v *alertView) count(index int) {
	if len(v.list) > 1 {
		kit.SetRich(v.counter, kit.Seg(fmt.Sprintf("警报 %d / %d", index+1, len(v.list)), theme.SizeNameSubHeadingText, theme.ColorNameForeground))
	} else {
		kit.SetRich(v.counter)
	}
}

// alertTime is "12月6日 20:00 至 12月7日 06:00" (the end's day only when
// it differs).
func alertTime(start, end time.Time) string {
	f := func(t time.Time) string { return fmt.Sprintf("%s %02d:%02d", words.MonthDay(t), t.Hour(), t.Minute()) }
	e := f(end)
	if y1, m1, d1 := start.Date(); end.Year() == y1 && end.Month() == m1 && end.Day() == d1 {
		e = fmt.Sprintf("%02d:%02d", end.Hour(), end.Minute())
	}
	return "生效时间：" + f(start) + " 至 " + e
}

// tick re-reads the alerts (one ends, another starts) and shows what is
// due; it returns when to come back.
func (v *alertView) tick(now, next time.Time) time.Time {
	v.reload(now)
	return v.next(now, next)
}

// open shows the alert id over the touch screens (the banner's tap).
func (v *alertView) open(id string) {
	v.opened = id
	v.apply(v.k.Clock())
}

// step opens the next alert in force (touch).
func (v *alertView) step() {
	for i, a := range v.list {
		if a.ID == v.opened {
			v.open(v.list[(i+1)%len(v.list)].ID)
			return
		}
	}
}

// close returns from the touch view to the screen under it.
func (v *alertView) close() {
	if v.opened == "" {
		return
	}
	v.opened = ""
	v.apply(v.k.Clock())
}

// alertBanner is the touch screens' red line under the top bar while an
// alert is in force: its title, and a tap opens it.
type alertBanner struct {
	k    *Alerts
	box  *fyne.Container
	text *widget.RichText
	more *widget.RichText // how many, and 点此查看: never cut off
	id   string
}

func (k *Alerts) newAlertBanner() *alertBanner {
	b := &alertBanner{k: k}
	b.text = widget.NewRichText()
	b.text.Truncation = fyne.TextTruncateEllipsis
	b.more = widget.NewRichText()
	row := container.NewBorder(nil, nil, nil, b.more, b.text)
	rect := canvas.NewRectangle(kit.ThemeColor(theme.ColorNameError))
	rect.CornerRadius = 10
	card := kit.NewCover(color.Transparent, func() {
		k.touch()
		if b.id != "" {
			k.view.open(b.id)
		}
	})
	b.box = container.NewStack(rect, card, container.New(layout.NewCustomPaddedLayout(8, 8, 16, 16), row))
	b.box.Hide()
	return b
}

// update shows the first alert in force, or hides the banner.
func (b *alertBanner) update(list []feed.Alert) {
	if len(list) == 0 || b.k.display() {
		b.id = ""
		kit.Show(b.box, false)
		return
	}
	a := list[0]
	b.id = a.ID
	more := "点此查看 ›"
	if len(list) > 1 {
		more = fmt.Sprintf("共 %s 条　点此查看 ›", kit.Thousands(len(list)))
	}
	// one run: Fyne puts the ellipsis of a cut line only on a line of
	// one run, and a title cut with no "…" reads as a whole one
	kit.SetRich(b.text, kit.Seg("紧急通知　"+strings.TrimSpace(kit.ShownTitle(a.Title)), theme.SizeNameSubHeadingText, theme.ColorNameForegroundOnError))
	kit.SetRich(b.more, kit.Seg(more, theme.SizeNameText, theme.ColorNameForegroundOnError))
	kit.Show(b.box, true)
	b.box.Refresh()
}
