package kit

import (
	"fmt"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// block is one unit of paged content: a paragraph piece, a heading, a
// table row, a list card. Pages break only between blocks.
type Block struct {
	Obj fyne.CanvasObject
	// header is repeated at the top of a page that starts inside its
	// table, so every page of a long table can be read on its own.
	Header fyne.CanvasObject
	// gap is the space above the block; 0 joins a split paragraph to the
	// piece before it.
	Gap float32
	// keepWithNext keeps headings off the bottom of a page.
	KeepWithNext bool

	// A lazy block has no obj: build makes it only while it is on the page
	// on show, and measure gives its height meanwhile. A topic of 4,000
	// notices built as cards held some 200 MB; built a page at a time it
	// holds a page.
	Build   func() fyne.CanvasObject
	measure func(width float32) float32

	// cut lets a paragraph (or list item) piece be cut between two of its lines
	// (cut.go): the display's first page does so under its heading.
	cut *lineCut
}

// lazyBlock is a block built only while on show.
func LazyBlock(build func() fyne.CanvasObject, measure func(float32) float32, gap float32) Block {
	return Block{Build: build, measure: measure, Gap: gap}
}

// pager lays out as many blocks as fit its height and hides the rest:
// villagers move with 上一页/下一页 instead of scrolling, which the touch
// driver cannot do by dragging anyway. The page number is owned by the
// screen state; the pager only clamps it and reports the page count.
type Pager struct {
	widget.BaseWidget
	Blocks   []Block // what is paged: those given, the first maybe cut (cut.go)
	given    []Block // by SetBlocks
	firstCut firstCut
	Cur      int                   // the page asked for; clamped by layout
	onPages  func(page, total int) // after each layout
	lead     float32               // room kept free at the top of the first page
	foot     float32               // and at its bottom

	Layout   [][]int // block indexes per page, from the last layout
	Open     bool    // Layout stops at the page after the one on show: more blocks follow, not yet paged
	More     bool    // blocks follow that are not given yet (a list read a chunk at a time): the page count is not known
	laidOut  fyne.Size
	Reported [2]int

	Built    map[int]fyne.CanvasObject // lazy blocks on the page on show
	lazyW    float32                   // the width lazyH was measured at
	lazyText float32                   // and the text size (字号)
	LazyH    []float32                 // heights of lazy blocks, by index
}

// NewPager makes a pager that calls onPages after each layout that
// changed the page or the page count; total is -1 while the page count is
// not known (Open: a long list of lazy blocks, paged only as far as the
// page after the one on show).
func NewPager(onPages func(page, total int)) *Pager {
	p := &Pager{onPages: onPages, Reported: [2]int{-1, -1}}
	p.ExtendBaseWidget(p)
	return p
}

// SetBlocks replaces the content, keeping the page number (clamped at the
// next layout) so a refresh from the store does not lose the reader's place.
func (p *Pager) SetBlocks(b []Block) {
	// new content starts hidden: Layout shows what is on the page, and
	// showing is what has it drawn (show)
	for _, bl := range b {
		for _, o := range []fyne.CanvasObject{bl.Obj, bl.Header} {
			if o != nil {
				o.Hide()
			}
		}
	}
	p.given, p.Blocks = b, b
	p.Built, p.LazyH = nil, nil
	p.laidOut = fyne.Size{}
	p.Refresh()
}

// SetFirst keeps lead free at the top of the first page and foot at its
// bottom: the display's heading stands above it and its QR code may stand
// below; later pages show a one-line heading and run to the bottom.
func (p *Pager) SetFirst(lead, foot float32) {
	if lead != p.lead || foot != p.foot {
		p.lead, p.foot = lead, foot
		p.laidOut = fyne.Size{}
		p.Refresh()
	}
}

// TopBlock is the block at the top of the page on show, -1 for none.
func (p *Pager) TopBlock() int {
	if p.Cur < len(p.Layout) && len(p.Layout[p.Cur]) > 0 {
		return p.Layout[p.Cur][0]
	}
	return -1
}

// PageOf is the page that holds block i in the last layout, -1 for none.
func (p *Pager) PageOf(i int) int {
	for n, pg := range p.Layout {
		if slices.Contains(pg, i) {
			return n
		}
	}
	return -1
}

// SetPage shows page n (0-based).
func (p *Pager) SetPage(n int) {
	p.Cur = n
	p.laidOut = fyne.Size{}
	p.Refresh()
}

// Tallest is the height of the tallest block at width w: less than that
// and a page cannot hold it whole.
func (p *Pager) Tallest(w float32) float32 {
	var h float32
	for _, b := range p.Blocks {
		if b.Build != nil {
			h = max(h, b.measure(w))
		} else {
			h = max(h, Measure(b.Obj, w))
		}
	}
	return h
}

// Pages is the page count of the last layout (at least 1).
func (p *Pager) Pages() int { return max(1, len(p.Layout)) }

// Page is the current page, clamped.
func (p *Pager) Page() int { return p.Cur }

// object is block i's object, nil for a lazy block not on show.
func (p *Pager) Object(i int) fyne.CanvasObject {
	if o := p.Blocks[i].Obj; o != nil {
		return o
	}
	return p.Built[i]
}

func (p *Pager) CreateRenderer() fyne.WidgetRenderer { return &pagerRenderer{p: p} }

type pagerRenderer struct{ p *Pager }

func (r *pagerRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, len(r.p.Blocks)+1)
	// a table's header row is a block and the header of the rows after
	// it: listed once
	seen := map[fyne.CanvasObject]bool{}
	for i, b := range r.p.Blocks {
		for _, o := range []fyne.CanvasObject{r.p.Object(i), b.Header} {
			if o != nil && !seen[o] {
				seen[o] = true
				objs = append(objs, o)
			}
		}
	}
	return objs
}

// MinSize is small on purpose: the pager takes whatever height the screen
// gives it and pages what does not fit.
func (r *pagerRenderer) MinSize() fyne.Size { return fyne.NewSize(TouchMin, TouchMin) }
func (r *pagerRenderer) Destroy()           {}
func (r *pagerRenderer) Refresh() {
	r.Layout(r.p.Size())
}

// height measures o at width w: wrapping text knows its height only after
// it has been given its width.
func Height(o fyne.CanvasObject, w float32) float32 {
	o.Resize(fyne.NewSize(w, o.MinSize().Height))
	h := o.MinSize().Height
	o.Resize(fyne.NewSize(w, h))
	return h
}

// measure is height without its side effect: o keeps the size it had.
// For asking what a layout would need, while the layout itself sizes.
func Measure(o fyne.CanvasObject, w float32) float32 {
	was := o.Size()
	h := Height(o, w)
	if o.Size() != was {
		o.Resize(was)
	}
	return h
}

func (r *pagerRenderer) Layout(size fyne.Size) {
	p := r.p
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	w := size.Width
	p.Blocks = p.cutFirst(w, size.Height)
	// lazy heights are kept until the width, the text size or the
	// content changes: a page turn must not measure 4,000 cards again
	if text := theme.TextSize(); p.lazyW != w || p.lazyText != text || len(p.LazyH) != len(p.Blocks) {
		p.lazyW, p.lazyText, p.LazyH = w, text, make([]float32, len(p.Blocks))
		for i := range p.LazyH {
			p.LazyH[i] = -1 // not measured
		}
	}
	hs := make([]float32, len(p.Blocks))
	measured := make([]bool, len(p.Blocks))
	height := func(i int) float32 {
		if measured[i] {
			return hs[i]
		}
		b := p.Blocks[i]
		switch {
		case b.Build == nil:
			hs[i] = Height(b.Obj, w)
		case p.LazyH[i] < 0:
			hs[i] = b.measure(w)
			p.LazyH[i] = hs[i]
		default:
			hs[i] = p.LazyH[i]
		}
		if b.Header != nil {
			Height(b.Header, w)
		}
		measured[i] = true
		return hs[i]
	}
	// A long list (a topic of 100,000 notices) is paged only as far as
	// the page after the one on show: measuring every card was seconds on
	// the UI goroutine. Its page count is then not known (Open).
	upTo := -1
	if lazyCount(p.Blocks) > measureAhead {
		upTo = p.Cur
	}
	var complete bool
	p.Layout, complete = paginate(p.Blocks, height, size.Height, p.lead, p.foot, upTo)
	p.Open = !complete || p.More
	p.Cur = max(0, min(p.Cur, len(p.Layout)-1))

	var idx []int
	if len(p.Layout) > 0 {
		idx = p.Layout[p.Cur]
	}
	r.buildPage(idx, w)
	// what is on the page, where; the rest is hidden. Only what was
	// hidden is shown (show), so a page that stays is not redrawn.
	on := map[fyne.CanvasObject]fyne.Position{}
	if len(idx) > 0 {
		var y float32
		if p.Cur == 0 {
			y = p.lead
		}
		first := p.Blocks[idx[0]]
		if h := first.Header; h != nil && !pageHas(p.Blocks, idx, h) {
			on[h] = fyne.NewPos(0, 0)
			y = h.Size().Height
		}
		for n, i := range idx {
			b := p.Blocks[i]
			if n > 0 || y > 0 {
				y += b.Gap
			}
			on[p.Object(i)] = fyne.NewPos(0, y)
			y += hs[i]
		}
	}
	for _, o := range r.Objects() {
		if pos, ok := on[o]; ok {
			o.Move(pos)
			Show(o, true)
		} else {
			Show(o, false)
		}
	}
	p.laidOut = size
	total := max(1, len(p.Layout))
	if p.Open {
		total = -1
	}
	if p.onPages != nil && (p.Reported != [2]int{p.Cur, total}) {
		p.Reported = [2]int{p.Cur, total}
		p.onPages(p.Cur, total)
	}
}

// buildPage builds the lazy blocks of the page on show and lets go of
// those of other pages.
func (r *pagerRenderer) buildPage(idx []int, w float32) {
	p := r.p
	keep := make(map[int]fyne.CanvasObject, len(idx))
	for _, i := range idx {
		b := p.Blocks[i]
		if b.Build == nil {
			continue
		}
		o := p.Built[i]
		if o == nil {
			o = b.Build()
			o.Hide() // shown, and so drawn, by Layout
			Height(o, w)
		}
		keep[i] = o
	}
	p.Built = keep
}

func pageHas(blocks []Block, idx []int, o fyne.CanvasObject) bool {
	for _, i := range idx {
		if blocks[i].Obj == o {
			return true
		}
	}
	return false
}

// paginate splits blocks into pages of at most maxH, the first page
// starting lead down and ending foot above the bottom. A block taller than a page gets a page of its own
// (the Markdown renderer splits long paragraphs and tables so that this is
// rare); the first page stays empty rather than hold a block that would
// fit on a page of its own (a paragraph there is cut first: cut.go).
//
// With upTo >= 0 it stops once page upTo+1 is complete, and complete says
// whether it paged every block; blocks after it are not measured.
func paginate(blocks []Block, hs func(i int) float32, maxH, lead, foot float32, upTo int) (pages [][]int, complete bool) {
	var cur []int
	y := lead
	first := true
	for i := 0; i < len(blocks); i++ {
		if upTo >= 0 && len(pages) > upTo+1 {
			return pages, false
		}
		b := blocks[i]
		need := hs(i)
		if len(cur) > 0 {
			need += b.Gap
		} else if b.Header != nil {
			need += b.Header.Size().Height
		}
		// a heading needs what follows it on the same page: a table's
		// header row after a heading needs its first row too
		for j := i; j+1 < len(blocks) && blocks[j].KeepWithNext; j++ {
			need += blocks[j+1].Gap + hs(j+1)
		}
		limit := maxH
		if first {
			limit -= foot
		}
		if (len(cur) > 0 || first && lead+foot > 0) && y+need > limit {
			pages = append(pages, cur)
			cur, y, first = nil, 0, false
			i--
			continue
		}
		cur = append(cur, i)
		if len(cur) == 1 && b.Header != nil {
			y += b.Header.Size().Height
		} else if len(cur) > 1 {
			y += b.Gap
		}
		y += hs(i)
	}
	if len(cur) > 0 || len(pages) == 0 {
		pages = append(pages, cur)
	}
	return pages, true
}

// measureAhead is how many lazy blocks a pager pages whole; beyond it, a
// layout pages only as far as the page after the one on show.
const measureAhead = 300

func lazyCount(blocks []Block) int {
	n := 0
	for _, b := range blocks {
		if b.Build != nil {
			n++
		}
	}
	return n
}

// PageBar is 上一页 · 第 n/m 页 · 下一页 under a pager.
type PageBar struct {
	Prev, Next *BigButton
	Label      *widget.Label
	Box        fyne.CanvasObject
	full, bare string // the label's words, and its figures alone for a narrow bar
}

// NewPageBar makes 上一页 · 第 n/m 页 · 下一页 whose buttons call touch,
// then turn(-1) and turn(+1).
func NewPageBar(touch func(), turn func(by int)) *PageBar {
	b := &PageBar{}
	size := fyne.NewSize(220, TouchMin+8)
	b.Prev = NewBigButton("‹ 上一页", widget.HighImportance, size, func() { touch(); turn(-1) })
	b.Next = NewBigButton("下一页 ›", widget.HighImportance, size, func() { touch(); turn(+1) })
	b.Label = widget.NewLabel("")
	b.Label.SizeName = theme.SizeNameSubHeadingText
	b.Label.Alignment = fyne.TextAlignCenter
	b.setText(PageText(0, 1), "1/1")
	b.Box = container.New(pageBarLayout{b}, b.Label, b.Prev, b.Next)
	return b
}

// PageText is "第 n/m 页", the numbers written as every count is
// (Thousands); "第 n 页" while the count is not known (total < 0, as a
// pager reports it).
func PageText(page, total int) string {
	if total < 0 {
		return "第 " + Thousands(page+1) + " 页"
	}
	return fmt.Sprintf("第 %s/%s 页", Thousands(page+1), Thousands(total))
}

// Thousands writes n with a comma every three digits, as every count on
// a screen is written: 3,412.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Update shows page of total.
func (b *PageBar) Update(page, total int) {
	b.setText(PageText(page, total), Thousands(page+1)+"/"+Thousands(total))
	Enable(b.Prev, page > 0)
	Enable(b.Next, page < total-1)
	Show(b.Box, total > 1)
}

// setText shows full, or bare where the bar is too narrow for it.
func (b *PageBar) setText(full, bare string) {
	b.full, b.bare = full, bare
	if b.Box != nil {
		b.Box.Refresh() // the layout picks the words for the width
		return
	}
	SetText(b.Label, full)
}

// pageBarLayout is a border layout (the label, then the buttons at the
// ends, a theme padding apart) that, when "第 1/1,062 页" is wider than the
// room between the buttons (a narrow column, the biggest 字号), has the
// label say "1/1,062" rather than run under a button.
type pageBarLayout struct{ b *PageBar }

func (l pageBarLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	label, prev, next := objects[0], objects[1], objects[2]
	pad := l.b.Label.Theme().Size(theme.SizeNamePadding)
	pw, nw := prev.MinSize().Width, next.MinSize().Width
	prev.Move(fyne.NewPos(0, 0))
	prev.Resize(fyne.NewSize(pw, size.Height))
	next.Move(fyne.NewPos(size.Width-nw, 0))
	next.Resize(fyne.NewSize(nw, size.Height))
	room := max(size.Width-pw-nw-2*pad, 0)
	text := l.b.full
	if l.b.textWidth(text) > room {
		text = l.b.bare
	}
	SetText(l.b.Label, text)
	label.Move(fyne.NewPos(pw+pad, 0))
	label.Resize(fyne.NewSize(room, size.Height))
}

func (l pageBarLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := l.b.Label.Theme().Size(theme.SizeNamePadding)
	prev, next := objects[1].MinSize(), objects[2].MinSize()
	h := max(prev.Height, next.Height, objects[0].MinSize().Height)
	return fyne.NewSize(prev.Width+next.Width+2*pad+l.b.textWidth(l.b.bare), h)
}

// textWidth is the width the label needs to show text on one line.
func (b *PageBar) textWidth(text string) float32 {
	th := b.Label.Theme()
	size := th.Size(b.Label.SizeName)
	return fyne.MeasureText(text, size, b.Label.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding)
}

// UpdateOpen is Update for a list whose page count is not known: "第 3 页",
// 下一页 while more follow.
func (b *PageBar) UpdateOpen(page int, more bool) {
	b.setText(PageText(page, -1), Thousands(page+1))
	Enable(b.Prev, page > 0)
	Enable(b.Next, more)
	Show(b.Box, page > 0 || more)
}

// Enable enables or disables b only when that changes it.
func Enable(b fyne.Disableable, on bool) {
	if on && b.Disabled() {
		b.Enable()
	} else if !on && !b.Disabled() {
		b.Disable()
	}
}
