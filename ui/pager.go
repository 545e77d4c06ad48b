package ui

import (
	"fmt"

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

	pages    [][]int // block indexes per page, from the last layout
	laidOut  fyne.Size
	reported [2]int
}

func newPager(onPages func(page, total int)) *pager {
	p := &pager{onPages: onPages, reported: [2]int{-1, -1}}
	p.ExtendBaseWidget(p)
	return p
}

// SetBlocks replaces the content, keeping the page number (clamped at the
// next layout) so a refresh from the store does not lose the reader's place.
func (p *pager) SetBlocks(b []block) {
	p.blocks = b
	p.laidOut = fyne.Size{}
	p.Refresh()
}

// SetPage shows page n (0-based).
func (p *pager) SetPage(n int) {
	p.page = n
	p.laidOut = fyne.Size{}
	p.Refresh()
}

// Pages is the page count of the last layout (at least 1).
func (p *pager) Pages() int { return max(1, len(p.pages)) }

// Page is the current page, clamped.
func (p *pager) Page() int { return p.page }

func (p *pager) CreateRenderer() fyne.WidgetRenderer { return &pagerRenderer{p: p} }

type pagerRenderer struct{ p *pager }

func (r *pagerRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, len(r.p.blocks)+1)
	seen := map[fyne.CanvasObject]bool{}
	for _, b := range r.p.blocks {
		objs = append(objs, b.obj)
		if b.header != nil && !seen[b.header] {
			seen[b.header] = true
			objs = append(objs, b.header)
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

func (r *pagerRenderer) Layout(size fyne.Size) {
	p := r.p
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	w := size.Width
	hs := make([]float32, len(p.blocks))
	for i, b := range p.blocks {
		hs[i] = height(b.obj, w)
		if b.header != nil {
			height(b.header, w)
		}
	}
	p.pages = paginate(p.blocks, hs, size.Height)
	p.page = max(0, min(p.page, len(p.pages)-1))

	for _, o := range r.Objects() {
		o.Hide()
	}
	if len(p.pages) > 0 {
		var y float32
		idx := p.pages[p.page]
		first := p.blocks[idx[0]]
		if h := first.header; h != nil && !pageHas(p.blocks, idx, h) {
			h.Move(fyne.NewPos(0, 0))
			h.Show()
			y = h.Size().Height
		}
		for n, i := range idx {
			b := p.blocks[i]
			if n > 0 || y > 0 {
				y += b.gap
			}
			b.obj.Move(fyne.NewPos(0, y))
			b.obj.Show()
			y += hs[i]
		}
	}
	p.laidOut = size
	total := max(1, len(p.pages))
	if p.onPages != nil && (p.reported != [2]int{p.page, total}) {
		p.reported = [2]int{p.page, total}
		p.onPages(p.page, total)
	}
}

func pageHas(blocks []block, idx []int, o fyne.CanvasObject) bool {
	for _, i := range idx {
		if blocks[i].obj == o {
			return true
		}
	}
	return false
}

// paginate splits blocks into pages of at most maxH. A block taller than a
// page gets a page of its own (the Markdown renderer splits long
// paragraphs and tables so that this is rare).
func paginate(blocks []block, hs []float32, maxH float32) [][]int {
	var pages [][]int
	var cur []int
	var y float32
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		need := hs[i]
		if len(cur) > 0 {
			need += b.gap
		} else if b.header != nil {
			need += b.header.Size().Height
		}
		// a heading needs the block after it on the same page
		if b.keepWithNext && i+1 < len(blocks) {
			need += blocks[i+1].gap + hs[i+1]
		}
		if len(cur) > 0 && y+need > maxH {
			pages = append(pages, cur)
			cur, y = nil, 0
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
	if len(cur) > 0 {
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
