package kit

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tableModel is a table's cells and alignment; its rows are separate
// blocks (so pages can break between them) that share column widths.
type TableModel struct {
	align  []fyne.TextAlign
	rows   []*TableRow
	Size   fyne.ThemeSizeName // the text size asked for
	shown  fyne.ThemeSizeName // the size the cells have ("" for size)
	record bool               // too wide at any size: rows shown as records

	cacheW  float32
	cacheTS float32
	widths  []float32
}

func (m *TableModel) AddRow(cells [][]Run, header bool) *TableRow {
	r := &TableRow{m: m, Header: header}
	for i, c := range cells {
		a := fyne.TextAlignLeading
		if i < len(m.align) {
			a = m.align[i]
		}
		segs := RunSegs(c, m.textSize())
		for _, s := range segs {
			s.(*widget.TextSegment).Style.Alignment = a
		}
		rt := Rich(segs...)
		r.Cells = append(r.Cells, rt)
		r.text = append(r.text, c)
	}
	r.ExtendBaseWidget(r)
	m.rows = append(m.rows, r)
	return r
}

func (m *TableModel) textSize() fyne.ThemeSizeName {
	if m.Size == "" {
		return theme.SizeNameText
	}
	return m.Size
}

func (m *TableModel) cols() int {
	n := 0
	for _, r := range m.rows {
		n = max(n, len(r.Cells))
	}
	return n
}

// columnWidths shares total among columns: each gets its natural (one
// line) width if all fit, and the extra goes to all in proportion;
// otherwise each gets at least its least width and the wide ones share
// the rest and wrap. No column is squeezed below three characters
// (or its natural width): "溶解氧" broken into "溶解" and a lone "氧" is
// not readable. When that does not fit, the table steps down a text size
// or two (tableSizes, not below 标准's 30 px); when even that does not
// fit, each row is shown as a record, one "header：value" line per column,
// at the text size asked for (record).
func (m *TableModel) columnWidths(total float32) []float32 {
	th := fyne.CurrentApp().Settings().Theme()
	base := th.Size(m.textSize())
	if total == m.cacheW && base == m.cacheTS && m.widths != nil {
		return m.widths
	}
	pad := 2*th.Size(theme.SizeNameInnerPadding) + 4
	sizes := []fyne.ThemeSizeName{m.textSize()}
	for _, n := range tableSizes[:2] {
		if th.Size(n) < base {
			sizes = append(sizes, n)
		}
	}
	var natural, least []float32
	size, fits := m.textSize(), false
	for _, n := range sizes {
		natural, least = m.naturalWidths(th.Size(n), pad)
		var sum float32
		for _, w := range least {
			sum += w
		}
		if sum <= total {
			size, fits = n, true
			break
		}
	}
	m.record = !fits && m.cols() > 1
	if m.record {
		m.useSize(m.textSize())
		m.cacheW, m.cacheTS, m.widths = total, base, nil
		return nil
	}
	m.useSize(size)
	n := len(natural)
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
		// every column gets its least, and the rest goes to those that
		// want more, in proportion to how much more: a column that fits
		// in three characters keeps its natural width
		var leastSum, want float32
		for i := range natural {
			leastSum += least[i]
			want += natural[i] - least[i]
		}
		extra := total - leastSum
		for i := range natural {
			widths[i] = least[i]
			if want > 0 {
				widths[i] += (natural[i] - least[i]) * extra / want
			}
		}
	}
	m.cacheW, m.cacheTS, m.widths = total, base, widths
	return widths
}

// naturalWidths are each column's one-line width at text size ts, and the
// least it may be given: three characters, or less when it needs less.
func (m *TableModel) naturalWidths(ts, pad float32) (natural, least []float32) {
	n := m.cols()
	natural, least = make([]float32, n), make([]float32, n)
	for _, r := range m.rows {
		for i, c := range r.text {
			var w float32
			for _, rn := range c {
				w += fyne.MeasureText(rn.Text, ts, fyne.TextStyle{}).Width
			}
			natural[i] = max(natural[i], w+pad)
		}
	}
	for i := range natural {
		least[i] = min(natural[i], 3*ts+pad)
	}
	// nor below its longest word: "186,000.00" broken in two misreads
	for _, r := range m.rows {
		for i, c := range r.text {
			for _, rn := range c {
				for _, w := range strings.FieldsFunc(breakable(rn.Text), func(r rune) bool { return r == wrapMark || unicode.IsSpace(r) }) {
					least[i] = max(least[i], fyne.MeasureText(w, ts, fyne.TextStyle{}).Width+pad)
				}
			}
		}
	}
	for i := range natural {
		natural[i] = max(natural[i], least[i])
	}
	return natural, least
}

// useSize sets the text size of every cell.
func (m *TableModel) useSize(size fyne.ThemeSizeName) {
	if m.shown == size || m.shown == "" && size == m.textSize() {
		return
	}
	m.shown = size
	for _, r := range m.rows {
		for _, c := range r.Cells {
			for _, s := range c.Segments {
				if ts, ok := s.(*widget.TextSegment); ok {
					ts.Style.SizeName = size
				}
			}
			c.Refresh()
		}
	}
}

// heading is the header row's text of column i, for a record's labels.
func (m *TableModel) heading(i int) []Run {
	for _, r := range m.rows {
		if r.Header && i < len(r.text) {
			return r.text[i]
		}
	}
	return []Run{{Text: "第 " + Itoa(i+1) + " 列"}}
}

// tableRow is one row of a bordered table, or one record of it.
type TableRow struct {
	widget.BaseWidget
	m      *TableModel
	Header bool
	Cells  []*widget.RichText
	text   [][]Run
}

func (r *TableRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &tableRowRenderer{r: r}
	for range r.m.cols() {
		rect := canvas.NewRectangle(ThemeColor(ColorCard))
		if r.Header {
			rect.FillColor = ThemeColor(colorTableHeader)
		}
		rect.StrokeColor = ThemeColor(ColorCardBorder)
		rect.StrokeWidth = 2
		rr.rects = append(rr.rects, rect)
	}
	return rr
}

type tableRowRenderer struct {
	r      *TableRow
	rects  []*canvas.Rectangle
	labels []*widget.RichText // record mode: the column headings, made when first needed
}

func (rr *tableRowRenderer) Objects() []fyne.CanvasObject {
	m := rr.r.m
	if m.record {
		if rr.r.Header {
			return nil // each record names its columns
		}
		rr.makeLabels()
		objs := []fyne.CanvasObject{rr.rects[0]}
		for i, c := range rr.r.Cells {
			objs = append(objs, rr.labels[i], c)
		}
		return objs
	}
	objs := make([]fyne.CanvasObject, 0, 2*len(rr.rects))
	for _, r := range rr.rects {
		objs = append(objs, r)
	}
	for _, c := range rr.r.Cells {
		objs = append(objs, c)
	}
	return objs
}

func (rr *tableRowRenderer) makeLabels() {
	if len(rr.labels) == len(rr.r.Cells) {
		return
	}
	rr.labels = nil
	for i := range rr.r.Cells {
		l := Rich(RunSegs(append(rr.r.m.heading(i), Run{Text: "："}), rr.r.m.textSize())...)
		for _, s := range l.Segments {
			s.(*widget.TextSegment).Style.ColorName = ColorMuted
		}
		rr.labels = append(rr.labels, l)
	}
}

func (rr *tableRowRenderer) MinSize() fyne.Size {
	w := rr.r.Size().Width
	if w <= 0 {
		return fyne.NewSize(TouchMin, TouchMin)
	}
	widths := rr.r.m.columnWidths(w)
	if rr.r.m.record {
		return fyne.NewSize(TouchMin, rr.recordLayout(w, false))
	}
	var h float32
	for i, c := range rr.r.Cells {
		h = max(h, Measure(c, widths[i]))
	}
	return fyne.NewSize(TouchMin, h)
}

// recordLayout lays out (or, place false, measures) a record at width w:
// headings in a column of their own, values beside them. It returns the
// height.
func (rr *tableRowRenderer) recordLayout(w float32, place bool) float32 {
	if rr.r.Header {
		return 0
	}
	rr.makeLabels()
	const inset float32 = 8
	lw := float32(0)
	th := rr.r.Theme()
	ts := th.Size(rr.r.m.textSize())
	pad := 2 * th.Size(theme.SizeNameInnerPadding)
	for i := range rr.labels {
		var lt float32
		for _, rn := range append(rr.r.m.heading(i), Run{Text: "："}) {
			lt += fyne.MeasureText(rn.Text, ts, fyne.TextStyle{}).Width
		}
		lw = max(lw, lt+pad)
	}
	lw = min(lw, (w-2*inset)*0.45)
	vw := w - 2*inset - lw
	y := inset
	for i, c := range rr.r.Cells {
		l := rr.labels[i]
		var h float32
		if place {
			h = max(Height(l, lw), Height(c, vw))
			l.Move(fyne.NewPos(inset, y))
			l.Resize(fyne.NewSize(lw, h))
			c.Move(fyne.NewPos(inset+lw, y))
			c.Resize(fyne.NewSize(vw, h))
		} else {
			h = max(Measure(l, lw), Measure(c, vw))
		}
		y += h
	}
	y += inset
	if place {
		rr.rects[0].Move(fyne.NewPos(0, 0))
		rr.rects[0].Resize(fyne.NewSize(w, y-inset/2))
	}
	return y
}

func (rr *tableRowRenderer) Layout(s fyne.Size) {
	widths := rr.r.m.columnWidths(s.Width)
	if rr.r.m.record {
		rr.rects[0].FillColor = ThemeColor(ColorCard)
		rr.recordLayout(s.Width, true)
		return
	}
	if rr.r.Header {
		rr.rects[0].FillColor = ThemeColor(colorTableHeader)
	}
	var x float32
	for i, rect := range rr.rects {
		w := widths[i]
		// borders overlap by their width so neighbours share one line
		rect.Move(fyne.NewPos(x, -1))
		rect.Resize(fyne.NewSize(w+1, s.Height+1))
		if i < len(rr.r.Cells) {
			rr.r.Cells[i].Move(fyne.NewPos(x, 0))
			rr.r.Cells[i].Resize(fyne.NewSize(w, s.Height))
		}
		x += w
	}
}

func (rr *tableRowRenderer) Refresh() {
	for _, c := range rr.r.Cells {
		c.Refresh()
	}
	rr.Layout(rr.r.Size())
}

func (rr *tableRowRenderer) Destroy() {}
