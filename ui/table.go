package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tableModel is a table's cells and alignment; its rows are separate
// blocks (so pages can break between them) that share column widths.
type tableModel struct {
	align []fyne.TextAlign
	rows  []*tableRow
	size  fyne.ThemeSizeName

	cacheW  float32
	cacheTS float32
	widths  []float32
}

func (m *tableModel) addRow(cells [][]run, header bool) *tableRow {
	r := &tableRow{m: m, header: header}
	for i, c := range cells {
		a := fyne.TextAlignLeading
		if i < len(m.align) {
			a = m.align[i]
		}
		segs := runSegs(c, m.textSize())
		for _, s := range segs {
			s.(*widget.TextSegment).Style.Alignment = a
		}
		rt := rich(segs...)
		r.cells = append(r.cells, rt)
		r.text = append(r.text, c)
	}
	r.ExtendBaseWidget(r)
	m.rows = append(m.rows, r)
	return r
}

func (m *tableModel) textSize() fyne.ThemeSizeName {
	if m.size == "" {
		return theme.SizeNameText
	}
	return m.size
}

func (m *tableModel) cols() int {
	n := 0
	for _, r := range m.rows {
		n = max(n, len(r.cells))
	}
	return n
}

// columnWidths shares total among columns: each gets its natural (one
// line) width if all fit, and the extra goes to all in proportion;
// otherwise narrow columns keep their natural width and the wide ones
// share the rest and wrap.
func (m *tableModel) columnWidths(total float32) []float32 {
	th := fyne.CurrentApp().Settings().Theme()
	ts := th.Size(m.textSize())
	if total == m.cacheW && ts == m.cacheTS && m.widths != nil {
		return m.widths
	}
	pad := 2*th.Size(theme.SizeNameInnerPadding) + 4
	n := m.cols()
	natural := make([]float32, n)
	for _, r := range m.rows {
		for i, c := range r.text {
			var w float32
			for _, rn := range c {
				w += fyne.MeasureText(rn.text, ts, fyne.TextStyle{}).Width
			}
			natural[i] = max(natural[i], w+pad)
		}
	}
	minW := 2*ts + pad
	for i := range natural {
		natural[i] = max(natural[i], minW)
	}
	widths := make([]float32, n)
	var sum float32
	for _, w := range natural {
		sum += w
	}
	if sum <= total {
		for i, w := range natural {
			widths[i] = w * total / sum
		}
	} else {
		// water-filling: columns narrower than a fair share keep their width
		fixed := make([]bool, n)
		left, open := total, n
		for changed := true; changed && open > 0; {
			changed = false
			share := left / float32(open)
			for i, w := range natural {
				if !fixed[i] && w <= share {
					fixed[i], widths[i] = true, w
					left -= w
					open--
					changed = true
				}
			}
		}
		var rest float32
		for i, w := range natural {
			if !fixed[i] {
				rest += w
			}
		}
		for i, w := range natural {
			if !fixed[i] {
				widths[i] = max(minW, w*left/rest)
			}
		}
	}
	m.cacheW, m.cacheTS, m.widths = total, ts, widths
	return widths
}

// tableRow is one row of a bordered table.
type tableRow struct {
	widget.BaseWidget
	m      *tableModel
	header bool
	cells  []*widget.RichText
	text   [][]run
}

func (r *tableRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &tableRowRenderer{r: r}
	for range r.m.cols() {
		rect := canvas.NewRectangle(themeColor(colorCard))
		if r.header {
			rect.FillColor = themeColor(colorTableHeader)
		}
		rect.StrokeColor = themeColor(colorCardBorder)
		rect.StrokeWidth = 2
		rr.rects = append(rr.rects, rect)
	}
	return rr
}

type tableRowRenderer struct {
	r     *tableRow
	rects []*canvas.Rectangle
}

func (rr *tableRowRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 2*len(rr.rects))
	for _, r := range rr.rects {
		objs = append(objs, r)
	}
	for _, c := range rr.r.cells {
		objs = append(objs, c)
	}
	return objs
}

func (rr *tableRowRenderer) MinSize() fyne.Size {
	w := rr.r.Size().Width
	if w <= 0 {
		return fyne.NewSize(touchMin, touchMin)
	}
	widths := rr.r.m.columnWidths(w)
	var h float32
	for i, c := range rr.r.cells {
		h = max(h, height(c, widths[i]))
	}
	// measuring sized each cell to its own text: give them the row's
	// height again, or a row not resized afterwards keeps ragged cells
	rr.Layout(rr.r.Size())
	return fyne.NewSize(touchMin, h)
}

func (rr *tableRowRenderer) Layout(s fyne.Size) {
	widths := rr.r.m.columnWidths(s.Width)
	var x float32
	for i, rect := range rr.rects {
		w := widths[i]
		// borders overlap by their width so neighbours share one line
		rect.Move(fyne.NewPos(x, -1))
		rect.Resize(fyne.NewSize(w+1, s.Height+1))
		if i < len(rr.r.cells) {
			rr.r.cells[i].Move(fyne.NewPos(x, 0))
			rr.r.cells[i].Resize(fyne.NewSize(w, s.Height))
		}
		x += w
	}
}

func (rr *tableRowRenderer) Refresh() {
	for _, c := range rr.r.cells {
		c.Refresh()
	}
	rr.Layout(rr.r.Size())
}

func (rr *tableRowRenderer) Destroy() {}
