package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// block is one unit of paged content: a paragraph piece, a heading, a
// table row, a list card. Pages break only between blocks.
type block struct {
	obj fyne.CanvasObject
	// header is repeated at the top of a page that starts inside its
	// table, so every page of a long table can be read on its own.
	header fyne.CanvasObject
	// gap is the space above the block; 0 joins a split paragraph to the
	// piece before it.
	gap float32
	// keepWithNext keeps headings off the bottom of a page.
	keepWithNext bool

	// A lazy block has no obj: build makes it only while it is on the page
	// on show, and measure gives its height meanwhile. A topic of 4,000
	// notices built as cards held some 200 MB; built a page at a time it
	// holds a page.
	build   func() fyne.CanvasObject
	measure func(width float32) float32
}

// lazyBlock is a block built only while on show.
func lazyBlock(build func() fyne.CanvasObject, measure func(float32) float32, gap float32) block {
	return block{build: build, measure: measure, gap: gap}
}

// pager lays out as many blocks as fit its height and hides the rest:
// villagers move with 上一页/下一页 instead of scrolling, which the touch
// driver cannot do by dragging anyway. The page number is owned by the
// screen state; the pager only clamps it and reports the page count.
type pager struct {
	widget.BaseWidget
	blocks  []block
	page    int
	onPages func(page, total int) // after each layout
	lead    float32               // room kept free at the top of the first page
	foot    float32               // and at its bottom

	pages    [][]int // block indexes per page, from the last layout
	laidOut  fyne.Size
	reported [2]int

	built map[int]fyne.CanvasObject // lazy blocks on the page on show
	lazyW float32                   // the width lazyH was measured at
	lazyH []float32                 // heights of lazy blocks, by index
}

func newPager(onPages func(page, total int)) *pager {
	p := &pager{onPages: onPages, reported: [2]int{-1, -1}}
	p.ExtendBaseWidget(p)
	return p
}

// SetBlocks replaces the content, keeping the page number (clamped at the
// next layout) so a refresh from the store does not lose the reader's place.
func (p *pager) SetBlocks(b []block) {
	// new content starts hidden: Layout shows what is on the page, and
	// showing is what has it drawn (show)
	for _, bl := range b {
		for _, o := range []fyne.CanvasObject{bl.obj, bl.header} {
			if o != nil {
				o.Hide()
			}
		}
	}
	p.blocks = b
	p.built, p.lazyH = nil, nil
	p.laidOut = fyne.Size{}
	p.Refresh()
}

// SetFirst keeps lead free at the top of the first page and foot at its
// bottom: the display's heading stands above it and its QR code may stand
// below; later pages show a one-line heading and run to the bottom.
func (p *pager) SetFirst(lead, foot float32) {
	if lead != p.lead || foot != p.foot {
		p.lead, p.foot = lead, foot
		p.laidOut = fyne.Size{}
		p.Refresh()
	}
}

// TopBlock is the block at the top of the page on show, -1 for none.
func (p *pager) TopBlock() int {
	if p.page < len(p.pages) && len(p.pages[p.page]) > 0 {
		return p.pages[p.page][0]
	}
	return -1
}

// PageOf is the page that holds block i in the last layout, -1 for none.
func (p *pager) PageOf(i int) int {
	for n, pg := range p.pages {
		if slices.Contains(pg, i) {
			return n
		}
	}
	return -1
}

// SetPage shows page n (0-based).
func (p *pager) SetPage(n int) {
	p.page = n
	p.laidOut = fyne.Size{}
	p.Refresh()
}

// tallest is the height of the tallest block at width w: less than that
// and a page cannot hold it whole.
func (p *pager) tallest(w float32) float32 {
	var h float32
	for _, b := range p.blocks {
		if b.build != nil {
			h = max(h, b.measure(w))
		} else {
			h = max(h, measure(b.obj, w))
		}
	}
	return h
}

// Pages is the page count of the last layout (at least 1).
func (p *pager) Pages() int { return max(1, len(p.pages)) }

// Page is the current page, clamped.
func (p *pager) Page() int { return p.page }

// object is block i's object, nil for a lazy block not on show.
func (p *pager) object(i int) fyne.CanvasObject {
	if o := p.blocks[i].obj; o != nil {
		return o
	}
	return p.built[i]
}

func (p *pager) CreateRenderer() fyne.WidgetRenderer { return &pagerRenderer{p: p} }

type pagerRenderer struct{ p *pager }

func (r *pagerRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, len(r.p.blocks)+1)
	// a table's header row is a block and the header of the rows after
	// it: listed once
	seen := map[fyne.CanvasObject]bool{}
	for i, b := range r.p.blocks {
		for _, o := range []fyne.CanvasObject{r.p.object(i), b.header} {
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
func (r *pagerRenderer) MinSize() fyne.Size { return fyne.NewSize(touchMin, touchMin) }
func (r *pagerRenderer) Destroy()           {}
func (r *pagerRenderer) Refresh() {
	r.Layout(r.p.Size())
}

// height measures o at width w: wrapping text knows its height only after
// it has been given its width.
func height(o fyne.CanvasObject, w float32) float32 {
	o.Resize(fyne.NewSize(w, o.MinSize().Height))
	h := o.MinSize().Height
	o.Resize(fyne.NewSize(w, h))
	return h
}

// measure is height without its side effect: o keeps the size it had.
// For asking what a layout would need, while the layout itself sizes.
func measure(o fyne.CanvasObject, w float32) float32 {
	was := o.Size()
	h := height(o, w)
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
	hs := make([]float32, len(p.blocks))
	// lazy heights are kept until the width or the content changes: a
	// page turn must not measure 4,000 cards again
	remeasure := p.lazyW != w || len(p.lazyH) != len(p.blocks)
	if remeasure {
		p.lazyW, p.lazyH = w, make([]float32, len(p.blocks))
	}
	for i, b := range p.blocks {
		switch {
		case b.build == nil:
			hs[i] = height(b.obj, w)
		case remeasure:
			hs[i] = b.measure(w)
			p.lazyH[i] = hs[i]
		default:
			hs[i] = p.lazyH[i]
		}
		if b.header != nil {
			height(b.header, w)
		}
	}
	p.pages = paginate(p.blocks, hs, size.Height, p.lead, p.foot)
	p.page = max(0, min(p.page, len(p.pages)-1))

	var idx []int
	if len(p.pages) > 0 {
		idx = p.pages[p.page]
	}
	r.buildPage(idx, w)
	// what is on the page, where; the rest is hidden. Only what was
	// hidden is shown (show), so a page that stays is not redrawn.
	on := map[fyne.CanvasObject]fyne.Position{}
	if len(idx) > 0 {
		var y float32
		if p.page == 0 {
			y = p.lead
		}
		first := p.blocks[idx[0]]
		if h := first.header; h != nil && !pageHas(p.blocks, idx, h) {
			on[h] = fyne.NewPos(0, 0)
			y = h.Size().Height
		}
		for n, i := range idx {
			b := p.blocks[i]
			if n > 0 || y > 0 {
				y += b.gap
			}
			on[p.object(i)] = fyne.NewPos(0, y)
			y += hs[i]
		}
	}
	for _, o := range r.Objects() {
		if pos, ok := on[o]; ok {
			o.Move(pos)
			show(o, true)
		} else {
			show(o, false)
		}
	}
	p.laidOut = size
	total := max(1, len(p.pages))
	if p.onPages != nil && (p.reported != [2]int{p.page, total}) {
		p.reported = [2]int{p.page, total}
		p.onPages(p.page, total)
	}
}

// buildPage builds the lazy blocks of the page on show and lets go of
// those of other pages.
func (r *pagerRenderer) buildPage(idx []int, w float32) {
	p := r.p
	keep := make(map[int]fyne.CanvasObject, len(idx))
	for _, i := range idx {
		b := p.blocks[i]
		if b.build == nil {
			continue
		}
		o := p.built[i]
		if o == nil {
			o = b.build()
			o.Hide() // shown, and so drawn, by Layout
			height(o, w)
		}
		keep[i] = o
	}
	p.built = keep
}

func pageHas(blocks []block, idx []int, o fyne.CanvasObject) bool {
	for _, i := range idx {
		if blocks[i].obj == o {
			return true
		}
	}
	return false
}

// paginate splits blocks into pages of at most maxH, the first page
// starting lead down and ending foot above the bottom. A block taller than a page gets a page of its own
// (the Markdown renderer splits long paragraphs and tables so that this is
// rare); the first page stays empty rather than hold a block that would
// fit on a page of its own.
func paginate(blocks []block, hs []float32, maxH, lead, foot float32) [][]int {
	var pages [][]int
	var cur []int
	y := lead
	first := true
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		need := hs[i]
		if len(cur) > 0 {
			need += b.gap
		} else if b.header != nil {
			need += b.header.Size().Height
		}
		// a heading needs what follows it on the same page: a table's
		// header row after a heading needs its first row too
		for j := i; j+1 < len(blocks) && blocks[j].keepWithNext; j++ {
			need += blocks[j+1].gap + hs[j+1]
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
		if len(cur) == 1 && b.header != nil {
			y += b.header.Size().Height
		} else if len(cur) > 1 {
			y += b.gap
		}
		y += hs[i]
	}
	if len(cur) > 0 || len(pages) == 0 {
		pages = append(pages, cur)
	}
	return pages
}

// pageBar is 上一页 · 第 n/m 页 · 下一页 under a pager.
type pageBar struct {
	prev, next *bigButton
	label      *widget.Label
	box        fyne.CanvasObject
}

func pageText(page, total int) string { return fmt.Sprintf("第 %d/%d 页", page+1, total) }
