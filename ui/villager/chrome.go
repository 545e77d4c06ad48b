package villager

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
)

// topBar is on every screen: 返回 and 首页 on the left (hidden at home,
// where there is nowhere to go back to), the place, and the 字号 control.
type topBar struct {
	box        *fyne.Container
	left       *fyne.Container
	back, home *kit.BigButton
	place      *widget.Label
	demo       fyne.CanvasObject
	steps      []*kit.BigButton
}

func (k *Screens) newTopBar() *topBar {
	b := &topBar{}
	b.back = k.btn("‹ 返回", widget.MediumImportance, k.back)
	b.home = k.btn("首页", widget.MediumImportance, k.goHome)
	b.back.SizeName, b.home.SizeName = kit.SizeChrome, kit.SizeChrome
	b.place = widget.NewLabel("")
	b.place.SizeName = kit.SizeChromeHead
	b.place.Truncation = fyne.TextTruncateEllipsis
	// the demo badge sits in the bar so it is on every screen without
	// costing a row
	b.demo = kit.Badge(theme.ColorNamePrimary, "演示数据", kit.SizeChrome)
	size := kit.Label("字号", kit.SizeChrome)
	size.Wrapping = fyne.TextWrapOff
	right := container.NewHBox(b.demo, layout.NewSpacer(), size)
	for i, s := range kit.TextSteps {
		btn := k.btn(s.Name, widget.MediumImportance, func() { k.setStep(i) })
		btn.SizeName = kit.SizeChrome
		b.steps = append(b.steps, btn)
		right.Add(btn)
	}
	b.left = container.NewHBox(b.back, b.home)
	b.box = container.NewBorder(nil, nil, b.left, right, b.place)
	return b
}

func (b *topBar) update(k *Screens, atHome bool) {
	kit.Show(b.back, !atHome)
	kit.Show(b.home, !atHome)
	kit.Show(b.demo, k.opts.Demo)
	if atHome {
		kit.SetText(b.place, "") // the home screen names the place in large type
	} else {
		kit.SetText(b.place, k.Store.PlaceName(k.Location))
	}
	for i, s := range b.steps {
		imp := widget.MediumImportance
		if i == k.st.step {
			imp = widget.HighImportance
		}
		if s.Importance != imp {
			s.Importance = imp
			s.Refresh()
		}
	}
	// containers do not re-lay out when a child is shown or hidden
	b.left.Refresh()
	b.box.Refresh()
}

// statusRow carries what a villager must not miss about the content
// itself: that it is demo data, that it is out of date, or that the notice
// they were reading has gone.
type statusRow struct {
	text    string // a short note shown above the screen until the next move
	box     *fyne.Container
	stale   fyne.CanvasObject
	message *widget.RichText
	msgBox  fyne.CanvasObject
}

func chip(bg, fg fyne.ThemeColorName, text string, size fyne.ThemeSizeName) fyne.CanvasObject {
	t := widget.NewRichText(kit.Seg(text, size, fg))
	return kit.Panel(bg, t)
}

func newStatusRow() *statusRow {
	r := &statusRow{}
	r.stale = chip(theme.ColorNameError, theme.ColorNameForegroundOnError, "内容已过期，请联系管理员更新", theme.SizeNameText)
	r.message = kit.Rich()
	r.msgBox = kit.Panel(kit.ColorNotice, r.message)
	r.box = container.NewVBox(r.stale, r.msgBox)
	return r
}

func (r *statusRow) update(k *Screens) {
	stale := !k.Feed.Expires.IsZero() && !k.Now().Before(k.Feed.Expires)
	kit.Show(r.stale, stale)
	if r.text != "" {
		kit.SetRich(r.message, kit.Seg(r.text, theme.SizeNameText, theme.ColorNameForeground))
	}
	kit.Show(r.msgBox, r.text != "")
	kit.Show(r.box, stale || r.text != "")
	r.box.Refresh()
}
