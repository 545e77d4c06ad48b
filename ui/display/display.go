// Package display is the unattended road-side bulletin: one notice at a
// time, full screen, in the order and for the time its Rotation decides,
// paging long notices (TurnPages), dark outside its hours. It knows
// nothing of the touch screens or the admin panel: the window (package
// ui) tells it when it is on show.
package display

import (
	"fmt"
	"image/color"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"gongkai/feed"
	"gongkai/markdown"
	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// Body is the display's body text size: read from the road, a few
// metres away, so larger than the touch screen's largest step but one.
const Body float32 = 42

// View is the unattended bulletin: one notice at a time, full
// screen, in the order and for the time the Rotation decides. Widgets are
// built once; each slide change only sets their content.
type View struct {
	env  *kit.Env
	opts Options
	Rot  Rotation

	Box     *fyne.Container // the whole display, under its theme override
	main    *fyne.Container
	content *fyne.Container // everything but the night-time black
	dark    *canvas.Rectangle

	place  *widget.RichText
	clock  *widget.RichText
	stale  *fyne.Container
	staleT *widget.RichText
	ticker *fyne.Container
	tickT  *widget.RichText
	urgent tickerRead // what the ticker says, read with the rotation

	slide                *fyne.Container
	topic                *fyne.Container
	catT                 *widget.RichText
	urgentTag, pinnedTag fyne.CanvasObject
	title                *widget.RichText
	facts                *widget.RichText
	Body                 *kit.Pager
	runTitle             *widget.RichText // the title atop later pages
	qr                   *canvas.Image
	qrCol                *fyne.Container
	empty                *fyne.Container
	emptyT               *widget.RichText
	counter              *widget.RichText
	turned               int // the page TurnTo holds, -1 for the rotation's
	footer               *widget.RichText

	ShownID  string    // notice on screen, "" for the empty slide
	shownSum string    // its content, to skip rebuilding an unchanged slide
	minute   time.Time // the minute the clock shows
	lit      bool

	reported   string // what OnSlide was last told
	reportedOK bool   // whether it was told anything yet

	reads   kit.Latest // of the visible notices, off the UI goroutine
	changes time.Time  // when what is visible next changes (store.NextChange); zero: unknown
}

// Options is what the display is told by the window around it.
type Options struct {
	Dwell time.Duration // time per slide; 15 s when zero
	Hours kit.Hours     // lit hours; the zero value is always on
	// OnSlide (may be nil) is told the notice on show (Deps.OnSlide).
	OnSlide func(id string)
	// Shown says whether the display is what the window shows: display
	// mode, and no admin panel over it.
	Shown func() bool
	// Stale says whether the content may be out of date at now, and why.
	Stale func(now time.Time) (bool, string)
	// Speak reads a slide aloud; nil stops reading.
	Speak func(it *feed.Item)
}

// ReportSlide tells Deps.OnSlide the notice on show, when that changed:
// the slide's, unless the display is not what the window shows (touch
// mode, the admin panel over it) or is dark.
func (v *View) ReportSlide() {
	id := v.ShownID
	if !v.opts.Shown() || !v.lit {
		id = ""
	}
	if v.reportedOK && id == v.reported {
		return
	}
	v.reported, v.reportedOK = id, true
	if v.opts.OnSlide != nil {
		v.opts.OnSlide(id)
	}
}

func New(env *kit.Env, o Options) *View {
	v := &View{env: env, opts: o, lit: true, turned: -1}
	v.Rot = Rotation{Dwell: o.Dwell, Hours: o.Hours}

	v.place = widget.NewRichText()
	v.place.Truncation = fyne.TextTruncateEllipsis
	v.clock = widget.NewRichText()
	header := kit.Panel(theme.ColorNamePrimary, container.NewBorder(nil, nil, nil, v.clock, v.place))

	v.staleT = kit.Rich()
	v.stale = kit.Panel(theme.ColorNameError, v.staleT)
	// one line: the urgent titles, cut off rather than pushing the slide down
	v.tickT = widget.NewRichText()
	v.tickT.Truncation = fyne.TextTruncateEllipsis
	v.ticker = kit.Panel(kit.ColorNotice, v.tickT)
	// built once, under the display theme from the start: chips made
	// later would be measured at the touch screen's smaller size
	v.catT = widget.NewRichText()
	v.urgentTag = kit.PriorityTag(feed.PriorityUrgent, theme.SizeNameText)
	v.pinnedTag = kit.PriorityTag(feed.PriorityPinned, theme.SizeNameText)
	v.topic = container.NewHBox(kit.Panel(theme.ColorNamePrimary, v.catT), v.urgentTag, v.pinnedTag)
	v.title = kit.Rich()
	v.facts = kit.Rich()
	// the body pages through the whole notice, a dwell per page: the
	// rotation learns the page count from each layout
	v.Body = kit.NewPager(func(page, total int) {
		v.Rot.SetPages(total)
		// a turn that goes on from an earlier one starts at its page,
		// known only now that the count is
		v.ShowPage(v.ClockNow())
	})
	v.qr = canvas.NewImageFromImage(nil)
	v.qr.FillMode = canvas.ImageFillContain
	v.qr.ScaleMode = canvas.ImageScalePixels
	v.qr.SetMinSize(fyne.NewSquareSize(qrSize))
	qrLabel := kit.Rich(kit.Seg("扫码看全文", theme.SizeNameText, theme.ColorNameForeground))
	v.qrCol = container.New(qrLayout{}, v.qr, qrLabel)
	head := container.New(kit.TightVBox{}, v.topic, v.title, kit.Panel(kit.ColorNotice, v.facts))
	// pages after the first carry the title on one line, and the body
	// gets the rest of the screen
	v.runTitle = widget.NewRichText()
	v.runTitle.Truncation = fyne.TextTruncateEllipsis
	v.slide = container.New(&slideLayout{v: v}, head, v.Body, v.qrCol, v.runTitle)

	v.emptyT = kit.Rich()
	v.empty = container.NewCenter(container.New(kit.FixedWidth{W: 900}, v.emptyT))

	v.counter = widget.NewRichText()
	// the time of the last update and the counts; the feed's name would
	// have crowded out the time on a portrait screen
	v.footer = widget.NewRichText()
	bottom := container.NewBorder(kit.Separator(), nil, v.footer, v.counter)

	v.main = container.New(&displayLayout{}, header, v.stale, v.ticker, container.NewStack(v.slide, v.empty), bottom)
	bg := canvas.NewRectangle(kit.ThemeColor(theme.ColorNameBackground))
	v.content = container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(24, 16, 32, 32), v.main))
	// night: pure black and nothing else in the tree, so nothing redraws
	v.dark = canvas.NewRectangle(color.Black)
	v.dark.Hide()
	// the display's larger sizes come from the window's theme, which the
	// kiosk sets in display mode (applyTheme)
	v.Box = container.NewStack(v.content, v.dark)
	v.Box.Hide()
	return v
}

// Reload re-reads the visible notices into the rotation (after a sync, at
// start) and shows the current slide once they are in.
func (v *View) Reload() { v.reload(v.ClockNow(), true) }

// reload reads the visible notices in the background (at 100,000 notices
// they are 68,000, work the UI goroutine must not wait on), then sets them
// into the rotation and shows the current slide
// at now. A failed read empties the rotation when reset, else keeps it.
func (v *View) reload(now time.Time, reset bool) {
	env := v.env
	st, loc, at := env.Store, env.Location, env.Now()
	v.reads.Run(env.Spawn, env.Faults, "display", func() {
		items, err := st.VisibleRefs(loc, at)
		next, ok, nerr := st.NextChange(at)
		var tick tickerRead
		if err == nil {
			tick, err = tickerOf(st, loc, at, items)
		}
		apply := func() {
			switch {
			case err == nil:
				v.Rot.Set(items, now)
				v.urgent = tick
				v.changes = time.Time{} // unknown: read again at the next slide
				if nerr == nil {
					v.changes = next
					if !ok {
						v.changes = at.AddDate(100, 0, 0) // nothing ahead changes until a sync
					}
				}
			case reset:
				env.Logger.Error("display: reading notices", "err", err)
				v.Rot.Set(nil, now)
				v.urgent = tickerRead{}
			}
			v.ShowSlide(now)
		}
		if env.Spawn != nil {
			// reads taken inline (tests, still pictures, the studio's
			// preview, which draws off screen): in the caller's order
			apply()
			return
		}
		fyne.Do(apply)
	})
}

// ClockNow is the wall clock in the feed's time zone, where on/off hours
// are meant. Rotation runs on this clock, not on trusted time: trusted time
// stands still while the clock lags behind the newest feed.
func (v *View) ClockNow() time.Time { return v.env.Clock().In(v.env.Loc) }

// Tick advances the rotation and returns when to come back.
func (v *View) Tick(now time.Time) time.Time {
	now = now.In(v.env.Loc)
	lit := v.Rot.Hours.IsOn(now)
	if lit != v.lit {
		v.setLit(lit)
	}
	if !lit {
		return v.Rot.NextWake(now)
	}
	if v.Rot.Step(now) {
		// A notice whose period ended leaves the rotation without waiting
		// for a sync: once trusted time has reached the next change the
		// store knows of, the next slide goes up with a new read. Until
		// then the rotation is what it was: reading every visible notice
		// at each slide was a second of work every 15 s at 100,000.
		if v.changes.IsZero() || !v.env.Now().Before(v.changes) {
			v.reload(now, false)
		} else {
			v.ShowSlide(now)
		}
	} else {
		if now.Truncate(time.Minute) != v.minute {
			v.showChrome(now)
		}
		v.ShowPage(now)
	}
	return v.Rot.NextWake(now)
}

func (v *View) setLit(lit bool) {
	v.lit = lit
	if !lit {
		v.opts.Speak(nil)
	}
	kit.Show(v.content, lit)
	kit.Show(v.dark, !lit)
	v.Box.Refresh()
	v.ReportSlide()
}

// Len is the number of notices in rotation.
func (r *Rotation) Len() int { return len(r.slides) }

var weekdays = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// showChrome updates what changes with time but not with the slide: the
// clock, the stale banner, the urgent ticker.
func (v *View) showChrome(now time.Time) {
	k := v.env
	v.minute = now.Truncate(time.Minute)
	t := k.Now().In(k.Loc)
	kit.SetRich(v.place, kit.Seg(k.Store.PlaceName(k.Location), kit.SizeTitle, theme.ColorNameForegroundOnPrimary))
	kit.SetRich(v.clock, kit.Seg(fmt.Sprintf("%s %s %02d:%02d", words.MonthDay(t), weekdays[t.Weekday()], t.Hour(), t.Minute()),
		theme.SizeNameHeadingText, theme.ColorNameForegroundOnPrimary))
	stale, why := v.opts.Stale(k.Now())
	if stale {
		kit.SetRich(v.staleT, kit.Seg(why, theme.SizeNameSubHeadingText, theme.ColorNameForegroundOnError))
	}
	kit.Show(v.stale, stale)

	// The ticker is a still line, not a scrolling one: scrolling would
	// redraw sixty times a second, all day, on a screen nobody touches.
	// Its titles were read with the rotation, off the UI goroutine: this
	// runs every minute, and reading each urgent notice here was seconds
	// of it where a feed marks thousands urgent.
	if u := v.urgent; u.count > 0 {
		head := "紧急　"
		if u.count > 1 {
			head = fmt.Sprintf("紧急 %s 条　", kit.Thousands(u.count))
		}
		kit.SetRich(v.tickT,
			kit.Seg(head, theme.SizeNameSubHeadingText, kit.ColorUrgent),
			kit.Seg(strings.Join(u.titles, "　◆　"), theme.SizeNameSubHeadingText, theme.ColorNameForeground))
	}
	kit.Show(v.ticker, v.urgent.count > 0)
	v.main.Refresh()
	kit.SetRich(v.footer, kit.Seg(words.UpdatedText(k.Feed.LastSuccess, k.Loc), theme.SizeNameText, kit.ColorMuted))
}

// tickerRead is what the urgent ticker says: how many urgent notices are
// shown, and the titles of the first (one line holds a few).
type tickerRead struct {
	count  int
	titles []string
}

// tickerTitles is how many titles the ticker reads.
const tickerTitles = 3

// tickerOf reads the ticker for the rotation's notices: how many are
// urgent, and the titles of the newest, as many as tickerTitles and as fit
// in about a title's length (the line shows less than that).
func tickerOf(st *store.Store, loc string, at time.Time, items []store.Ref) (tickerRead, error) {
	var t tickerRead
	for _, it := range items {
		if it.Priority == feed.PriorityUrgent {
			t.count++
		}
	}
	if t.count == 0 {
		return t, nil
	}
	first, _, err := st.Important(loc, at, tickerTitles) // urgent first, newest first
	length := 0
	for _, it := range first {
		if it.Priority == feed.PriorityUrgent && length < markdown.MaxTitle {
			title := kit.ShownTitle(it.Title)
			t.titles = append(t.titles, title)
			length += utf8.RuneCountInString(title)
		}
	}
	return t, err
}

// ShowSlide shows the rotation's current notice, or the empty slide.
func (v *View) ShowSlide(now time.Time) {
	k := v.env
	if lit := v.Rot.Hours.IsOn(now); lit != v.lit {
		v.setLit(lit)
	}
	v.showChrome(now)
	cur, ok := v.Rot.Current()
	var it *feed.Item
	if ok {
		var err error
		if it, err = k.Item(cur.ID); err != nil {
			ok = false
		}
	}
	if !ok {
		v.showEmpty()
		return
	}
	kit.Show(v.empty, false)
	kit.Show(v.slide, true)
	sum := fmt.Sprint(it.ID, it.Title, it.Body, it.URL, it.Priority, k.Now().In(k.Loc).YearDay())
	if it.ID == v.ShownID && sum == v.shownSum {
		v.ShowPage(now)
		return
	}
	v.ShownID, v.shownSum = it.ID, sum
	v.ReportSlide()

	kit.SetRich(v.catT, kit.Seg(k.CategoryName(it.Category), theme.SizeNameText, theme.ColorNameForegroundOnPrimary))
	kit.Show(v.urgentTag, it.Priority == feed.PriorityUrgent)
	kit.Show(v.pinnedTag, it.Priority == feed.PriorityPinned)
	kit.SetRich(v.title, kit.Seg(it.Title, kit.SizeTitle, theme.ColorNameForeground))
	kit.SetRich(v.runTitle, kit.Seg("续　"+it.Title, theme.SizeNameSubHeadingText, theme.ColorNamePrimary))
	kit.SetRich(v.facts, v.factSegs(it)...)
	v.Body.Cur = v.pageAt(now)
	v.Body.SetBlocks(kit.MarkdownBlocks(it.Body))
	v.showCounter()
	v.opts.Speak(it)

	v.qr.Image = nil
	if it.URL != "" {
		if q, err := qrcode.New(it.URL, qrcode.Medium); err == nil {
			v.qr.Image = q.Image(680)
		}
	}
	v.qr.Refresh()
	kit.Show(v.qrCol, v.qr.Image != nil)
	v.slide.Refresh()
}

// ShowPage turns the body to the page due at now.
func (v *View) ShowPage(now time.Time) {
	if p := v.pageAt(now); p != v.Body.Page() {
		v.Body.SetPage(p)
		v.slide.Refresh() // the first page's heading, or the one-line title
	}
	v.showCounter()
}

// TurnTo shows page n (0-based; the pager stops at the last) of the
// notice on show, and of each slide after it, whatever the time says: the
// studio's preview turns its pages by hand. A negative n gives the pages
// back to the rotation's dwell.
func (v *View) TurnTo(n int) {
	v.turned = max(-1, n)
	v.ShowPage(v.ClockNow())
}

// pageAt is the page due at now: the rotation's, or the one TurnTo holds.
func (v *View) pageAt(now time.Time) int {
	if v.turned >= 0 {
		return v.turned
	}
	return v.Rot.Page(now)
}

// showCounter is "第 3 / 11 条" (or "第 1 / 41,886 条"), and "第 2/4 页" on a notice of pages.
func (v *View) showCounter() {
	if v.ShownID == "" {
		kit.SetRich(v.counter)
		return
	}
	text := fmt.Sprintf("第 %s / %s 条", kit.Thousands(v.Rot.Index()+1), kit.Thousands(v.Rot.Len()))
	if n := v.Body.Pages(); n > 1 {
		text += "　" + kit.PageText(v.Body.Page(), n)
	}
	kit.SetRich(v.counter, kit.Seg(text, theme.SizeNameSubHeadingText, theme.ColorNameForeground))
}

// factSegs: who issued it and when, and for a posting notice, the period
// and the days left to object — the line a passer-by most needs.
func (v *View) factSegs(it *feed.Item) []widget.RichTextSegment {
	k := v.env
	meta := []string{it.Agency, string(it.Published) + " 发布"}
	if it.DocNo != "" {
		meta = append(meta, it.DocNo)
	}
	segs := []widget.RichTextSegment{kit.Seg(strings.Join(meta, "　·　"), theme.SizeNameText, kit.ColorMuted)}
	line := func(text string, c fyne.ThemeColorName) {
		s := kit.Seg(text, theme.SizeNameSubHeadingText, c)
		s.Style.Inline = false
		segs = append(segs, s)
	}
	segs[0].(*widget.TextSegment).Style.Inline = false
	if p, ok := k.PostingOf(it.Published, it.ValidFrom, it.PostingDays, it.PostingWorkdays); ok {
		now := k.Now()
		c := fyne.ThemeColorName(theme.ColorNamePrimary)
		if p.Left(now) <= 3 {
			c = kit.ColorUrgent
		}
		line(p.Text(now), c)
		if note := p.Note(); note != "" {
			line(note, kit.ColorMuted)
		}
	} else if it.Normative || it.ValidUntil != "" {
		line(words.ValidityText(it.Published, it.ValidFrom, it.ValidUntil), theme.ColorNamePrimary)
	}
	return segs
}

func (v *View) showEmpty() {
	k := v.env
	v.ShownID, v.shownSum = "", ""
	v.ReportSlide()
	v.opts.Speak(nil)
	kit.Show(v.slide, false)
	kit.Show(v.empty, true)
	kit.SetRich(v.counter)
	title := kit.Seg("目前没有需要公示的公告", kit.SizeTitle, theme.ColorNameForeground)
	title.Style.Inline, title.Style.Alignment = false, fyne.TextAlignCenter
	line := func(text string) *widget.TextSegment {
		s := kit.Seg(text, theme.SizeNameSubHeadingText, kit.ColorMuted)
		s.Style.Inline, s.Style.Alignment = false, fyne.TextAlignCenter
		return s
	}
	kit.SetRich(v.emptyT, title,
		line(k.Store.PlaceName(k.Location)+"的政务公开信息会在发布后自动显示在这里。"),
		line("如有疑问，请咨询村（居）民委员会。"))
	v.empty.Refresh()
}

// displayLayout: header, stale banner and ticker on top (each measured at
// the full width, so a wrapped banner gets its real height), the footer at
// the bottom, the slide in between.
type displayLayout struct{}

const displayGap float32 = 16

func (displayLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(400, 400) }

func (displayLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	n := len(objs)
	slide, footer := objs[n-2], objs[n-1]
	var y float32
	for _, o := range objs[:n-2] {
		if !o.Visible() {
			continue
		}
		h := kit.Height(o, s.Width)
		o.Move(fyne.NewPos(0, y))
		y += h + displayGap
	}
	fh := kit.Height(footer, s.Width)
	footer.Move(fyne.NewPos(0, s.Height-fh))
	slide.Move(fyne.NewPos(0, y))
	slide.Resize(fyne.NewSize(s.Width, max(0, s.Height-fh-displayGap-y)))
}

// qrSize: the code is scanned from a step or two away, not read from the
// road, so it needs no more than this of a 1920-pixel screen.
const qrSize float32 = 280

// qrLayout: the code above its caption in the narrow landscape column,
// beside it across the bottom of a portrait screen.
type qrLayout struct{}

func (qrLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(qrSize, qrSize+objs[1].MinSize().Height)
}

func (qrLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	img, caption := objs[0], objs[1]
	img.Resize(fyne.NewSquareSize(qrSize))
	if s.Width >= 2*qrSize {
		img.Move(fyne.NewPos(0, 0))
		ch := kit.Height(caption, s.Width-qrSize-24)
		caption.Move(fyne.NewPos(qrSize+24, (qrSize-ch)/2))
		return
	}
	img.Move(fyne.NewPos((s.Width-qrSize)/2, 0))
	kit.Height(caption, s.Width)
	caption.Move(fyne.NewPos(0, qrSize))
}

// slideLayout: on the first page the heading block on top, the QR code
// beside it at the top right in landscape (the body below has the screen's
// whole width: no column under the code stays empty) or across the bottom
// in portrait; on later pages only the title, on one line, and the body
// takes all the rest. The body pages through the whole notice, its first
// page starting below the heading (pager.SetLead).
type slideLayout struct{ v *View }

func (l *slideLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(400, 400) }

func (l *slideLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	head, body, qr, run := objs[0], objs[1], objs[2], objs[3]
	const gap float32 = 20
	first := l.v.Body.Page() == 0
	hasQR := l.v.qr.Image != nil
	kit.Show(head, first)
	kit.Show(run, !first)
	kit.Show(qr, first && hasQR)
	rh := kit.Height(run, s.Width)
	run.Move(fyne.NewPos(0, 0))
	top := rh + gap
	body.Move(fyne.NewPos(0, top))
	landscape := s.Width > s.Height
	var used, qh float32 // the first page's heading (and code), from the top
	switch {
	case landscape && hasQR:
		qw := qrSize + 20
		used = kit.Height(head, s.Width-qw-gap)
		qh = qr.MinSize().Height
		qr.Move(fyne.NewPos(s.Width-qw, 0))
		qr.Resize(fyne.NewSize(qw, qh))
		used, qh = max(used, qh), 0
	case hasQR:
		used = kit.Height(head, s.Width)
		qh = qrSize + gap
		qr.Move(fyne.NewPos(0, s.Height-qrSize))
		qr.Resize(fyne.NewSize(s.Width, qrSize))
	default:
		used = kit.Height(head, s.Width)
	}
	head.Move(fyne.NewPos(0, 0))
	// the code across the bottom of a portrait first page takes its room
	// from that page only: later pages run to the bottom
	body.Resize(fyne.NewSize(s.Width, max(0, s.Height-top)))
	l.v.Body.SetFirst(max(0, used+gap-top), qh)
}
