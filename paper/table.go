package paper

import (
	"fmt"
	"strings"
)

// Table limits: an A4 page holds about a dozen readable columns; more are
// left to the online copy. A cell is cut so that one row never needs more
// than half a page.
const (
	maxColumns = 12
	cellPad    = 1.6 // mm, inside a cell
	minColW    = 10.0
)

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// table is a parsed table: rows of cells of runs; row 0 is the header
// when header is set.
type table struct {
	rows   [][][]run
	align  []align
	header bool
	total  int // columns in the source, when more than rows hold
}

// draw lays the table out across the content width: columns get their
// natural width when it fits, otherwise at least their longest word, and
// the rest is shared by how much text they hold. A row that does not fit
// on the page moves to the next, after the header row repeated.
func (d *doc) table(t table, pt float64) bool {
	if len(t.rows) == 0 {
		return true
	}
	cols := 0
	for _, r := range t.rows {
		cols = max(cols, len(r))
	}
	cols = max(cols, t.total)
	dropped := 0
	if cols > maxColumns {
		dropped, cols = cols-maxColumns, maxColumns
	}
	saved := d.size
	defer d.setSize(saved)
	d.setSize(pt)
	widths := d.columnWidths(t, cols)
	lh := d.lineH()
	maxRowH := (bodyBottom - marginTop - reserveLast) / 2

	// layout of one row: wrapped lines per cell, and its height
	layout := func(r [][]run) ([][][]run, float64) {
		cells := make([][][]run, cols)
		h := 0.0
		for c := 0; c < cols; c++ {
			var runs []run
			if c < len(r) {
				runs = r[c]
			}
			lines := d.wrap(runs, widths[c]-2*cellPad)
			if limit := int((maxRowH - 2*cellPad) / lh); len(lines) > limit {
				lines = append(lines[:limit-1], []run{{text: "……"}})
			}
			cells[c] = lines
			h = max(h, float64(len(lines))*lh+2*cellPad)
		}
		return cells, h
	}
	drawRow := func(cells [][][]run, h float64, header bool) {
		x := marginX
		for c, lines := range cells {
			style := "D"
			if header {
				d.f.SetFillColor(225, 225, 225)
				style = "FD"
			}
			d.f.SetDrawColor(0, 0, 0)
			d.f.SetLineWidth(0.25)
			d.f.Rect(x, d.y, widths[c], h, style)
			a := alignLeft
			if c < len(t.align) {
				a = t.align[c]
			}
			if header {
				a = alignCenter
			}
			for i, line := range lines {
				lx := x + cellPad
				switch free := widths[c] - 2*cellPad - lineWidth(d, line); a {
				case alignRight:
					lx += free
				case alignCenter:
					lx += free / 2
				}
				d.drawLine(lx, d.y+cellPad+float64(i)*lh, line)
			}
			x += widths[c]
		}
		d.y += h
	}

	var head [][][]run
	var headH float64
	start := 0
	if t.header {
		head, headH = layout(t.rows[0])
		start = 1
		if !d.need(headH + lh + 2*cellPad) { // never a header alone at a page foot
			return false
		}
		drawRow(head, headH, true)
	}
	prev := d.onNewPage
	d.onNewPage = func() {
		if head != nil {
			drawRow(head, headH, true)
		}
	}
	defer func() { d.onNewPage = prev }()
	for _, r := range t.rows[start:] {
		cells, h := layout(r)
		if !d.need(h) {
			return false
		}
		drawRow(cells, h, false)
	}
	d.y += 1
	if dropped > 0 {
		d.setSize(saved)
		return d.paragraph([]run{{text: fmt.Sprintf("（此表共 %d 列，纸面仅印前 %d 列，其余 %d 列请扫码查看原文。）", cols+dropped, cols, dropped)}}, marginX, contentW, "")
	}
	return true
}

func (d *doc) columnWidths(t table, cols int) []float64 {
	natural := make([]float64, cols)
	least := make([]float64, cols)
	for _, r := range t.rows {
		for c := 0; c < cols && c < len(r); c++ {
			for _, line := range strings.Split(runText(r[c]), "\n") {
				natural[c] = max(natural[c], d.width(line, true)+2*cellPad+0.5)
			}
			for _, tk := range d.tokens(r[c]) {
				least[c] = max(least[c], tk.w+2*cellPad+0.5)
			}
		}
	}
	sumN, sumL := 0.0, 0.0
	for c := range natural {
		natural[c] = min(max(natural[c], minColW), contentW)
		// a short column (a status, an amount, a date) keeps its text on
		// one line; only long ones wrap
		least[c] = min(max(least[c], minColW, min(natural[c], 26)), natural[c], contentW/3)
		sumN += natural[c]
		sumL += least[c]
	}
	w := make([]float64, cols)
	switch {
	case sumN <= contentW:
		// Everything fits on one line: spread the slack evenly, so a
		// narrow table still spans the page like the ones around it.
		for c := range w {
			w[c] = natural[c] + (contentW-sumN)/float64(cols)
		}
	case sumL <= contentW:
		extra, want := contentW-sumL, sumN-sumL
		for c := range w {
			w[c] = least[c] + extra*(natural[c]-least[c])/want
		}
	default:
		for c := range w {
			w[c] = contentW * least[c] / sumL
		}
	}
	return w
}

func runText(rs []run) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.text)
	}
	return b.String()
}
