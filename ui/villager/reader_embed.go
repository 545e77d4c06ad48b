package villager

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"gongkai/feed"
	"gongkai/ui/kit"
)

// Reader is the touch reader of one notice on its own, to put in any
// container: a villager's reader exactly (title and badge, facts and
// posting period, the body paged with 上一页/下一页, the QR code of the
// official copy, the contact, the attachments' cards), for the clerk's
// studio to preview a notice as the lobby screen will show it. It has no
// 返回 or 首页 and no 朗读; an attachment's card does not open.
type Reader struct{ v *readerView }

// NewReader builds an empty reader. env gives the clock, the feed's time
// zone (Loc) and calendar that the posting period is counted in (nil
// Calendar: Monday–Friday); its Store may be nil (then Now is the clock).
// The window's theme sets the text size (kit.NewTheme) until SetStep
// fixes it.
func NewReader(env *kit.Env) *Reader {
	r := &Reader{}
	var pager *kit.Pager
	bar := pageBar(func() {}, func(by int) { pager.SetPage(pager.Page() + by) })
	pager = kit.NewPager(bar.Update)
	r.v = newReaderView(env, bar, pager, nil, func(it *feed.Item, i int, a feed.Attachment, step int) fyne.CanvasObject {
		return attachmentCard(it, i, a, step, func() {}, nil)
	})
	return r
}

// SetStep draws the reader's text at 字号 step (0 标准, 1 大, 2 特大)
// whatever the window's theme says: the studio shows the notice at each
// step under its own window, with one theme override made once around
// the reader (kit.StepSize says why a step of its own). The notice on
// show is laid out again, from its first page. On the UI goroutine.
func (r *Reader) SetStep(step int) {
	v := r.v
	v.step = kit.ClampStep(step)
	v.qrLabel.SizeName = v.size(kit.SizeSmall)
	v.qrLabel.Refresh()
	v.bar.Prev.SizeName = v.size(theme.SizeNameText)
	v.bar.Next.SizeName = v.size(theme.SizeNameText)
	v.bar.Label.SizeName = v.size(theme.SizeNameSubHeadingText)
	for _, o := range []fyne.CanvasObject{v.bar.Prev, v.bar.Next, v.bar.Label} {
		o.Refresh()
	}
	if it := v.shown; it != nil {
		v.shown = nil
		v.fill(it, nil, 0)
	}
}

// Object is the reader, for a container.
func (r *Reader) Object() fyne.CanvasObject { return r.v.box }

// Show puts notice it in the reader, as Store.Item returns it (a draft
// made into a feed.Item as publish makes it); the same notice again keeps
// its page. On the UI goroutine.
func (r *Reader) Show(it *feed.Item) {
	if it == nil {
		return
	}
	shown := *it
	shown.Title = kit.ShownTitle(it.Title) // as Env.Item gives it to every screen
	page := 0
	if r.v.shown != nil && r.v.shown.ID == it.ID {
		page = r.v.pager.Page()
	}
	r.v.fill(&shown, nil, page)
}

// TurnTo shows page n (0-based; the pager stops at the last) of the
// notice on show, as its 上一页/下一页 would. On the UI goroutine.
func (r *Reader) TurnTo(n int) { r.v.pager.SetPage(max(0, n)) }

// Page is the page on show and the page count of the last layout.
func (r *Reader) Page() (page, pages int) { return r.v.pager.Page(), r.v.pager.Pages() }
