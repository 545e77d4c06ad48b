// Package bodyedit is the notice body's toolbar in the studio: it writes
// the Markdown the screens render (headings, lists, emphasis, tables
// edited as a grid) into the body's entry, which stays plain text the
// clerk can read.
package bodyedit

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Toolbar is the buttons over the body's entry.
type Toolbar struct {
	body    *widget.Entry
	win     fyne.Window
	changed func()
	box     fyne.CanvasObject

	tableGrid *tableGrid    // the table dialog's grid, while it is open
	tableDone func(ok bool) // what its buttons do
}

// New builds the toolbar over body in win: changed is told after each
// change it makes; importWord is its 从 Word 导入 button.
func New(body *widget.Entry, win fyne.Window, changed, importWord func()) *Toolbar {
	e := &Toolbar{body: body, win: win, changed: changed}
	e.box = container.NewGridWithColumns(4,
		widget.NewButton("大标题", func() { e.linePrefix("## ") }),
		widget.NewButton("小标题", func() { e.linePrefix("### ") }),
		widget.NewButton("列表", func() { e.linePrefix("- ") }),
		widget.NewButton("编号列表", func() { e.linePrefix("1. ") }),
		widget.NewButton("加粗", e.bold),
		widget.NewButton("表格…", e.editTable),
		widget.NewButton("从 Word 导入…", importWord),
		widget.NewButton("普通段落", func() { e.linePrefix("") }),
	)
	return e
}

// Object is the toolbar.
func (e *Toolbar) Object() fyne.CanvasObject { return e.box }

// lines and the cursor's line of the body.
func (e *Toolbar) lines() ([]string, int) {
	lines := strings.Split(e.body.Text, "\n")
	row := min(max(e.body.CursorRow, 0), len(lines)-1)
	return lines, row
}

func (e *Toolbar) setLines(lines []string, row, col int) {
	e.body.SetText(strings.Join(lines, "\n"))
	e.body.CursorRow, e.body.CursorColumn = row, col
	e.body.Refresh()
	e.changed()
}

// blockMark is the heading or list mark a line starts with.
func blockMark(line string) string {
	for _, m := range []string{"#### ", "### ", "## ", "# ", "- ", "* "} {
		if strings.HasPrefix(line, m) {
			return m
		}
	}
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i > 0 && strings.HasPrefix(line[i:], ". ") {
		return line[:i+2]
	}
	return ""
}

// linePrefix makes the cursor's line a heading, a list item or a plain
// paragraph (prefix "").
func (e *Toolbar) linePrefix(prefix string) {
	lines, row := e.lines()
	text := strings.TrimPrefix(lines[row], blockMark(lines[row]))
	lines[row] = prefix + text
	e.setLines(lines, row, utf8.RuneCountInString(lines[row]))
}

// bold marks the selected text, or puts a marked placeholder at the cursor.
func (e *Toolbar) bold() {
	lines, row := e.lines()
	line := []rune(lines[row])
	col := min(max(e.body.CursorColumn, 0), len(line))
	sel := e.body.SelectedText()
	if sel != "" && !strings.Contains(sel, "\n") {
		s := []rune(sel)
		// the cursor stands at one end of the selection
		for _, start := range []int{col - len(s), col} {
			if start >= 0 && start+len(s) <= len(line) && string(line[start:start+len(s)]) == sel {
				lines[row] = string(line[:start]) + "**" + sel + "**" + string(line[start+len(s):])
				e.setLines(lines, row, start+len(s)+4)
				return
			}
		}
	}
	lines[row] = string(line[:col]) + "**加粗文字**" + string(line[col:])
	e.setLines(lines, row, col+8)
}

// tableAt finds the pipe table around line row: its first and last line,
// or ok false.
func tableAt(lines []string, row int) (first, last int, ok bool) {
	isRow := func(i int) bool {
		return i >= 0 && i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|")
	}
	if !isRow(row) {
		return 0, 0, false
	}
	first, last = row, row
	for isRow(first - 1) {
		first--
	}
	for isRow(last + 1) {
		last++
	}
	return first, last, true
}

// ParseTable reads a pipe table into its cells, the header first; the
// separator row is left out.
func ParseTable(lines []string) [][]string {
	var out [][]string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, "|")
		l = strings.TrimSuffix(l, "|")
		var cells []string
		var cur strings.Builder
		for i := 0; i < len(l); i++ {
			switch {
			case l[i] == '\\' && i+1 < len(l) && l[i+1] == '|':
				cur.WriteByte('|')
				i++
			case l[i] == '|':
				cells = append(cells, strings.TrimSpace(cur.String()))
				cur.Reset()
			default:
				cur.WriteByte(l[i])
			}
		}
		cells = append(cells, strings.TrimSpace(cur.String()))
		sep := true
		for _, c := range cells {
			if strings.Trim(c, ":-") != "" || c == "" {
				sep = false
			}
		}
		if sep {
			continue
		}
		out = append(out, cells)
	}
	return out
}

// TableText writes cells (the header row first) as a pipe table.
func TableText(cells [][]string) string {
	if len(cells) == 0 {
		return ""
	}
	cols := 0
	for _, r := range cells {
		cols = max(cols, len(r))
	}
	cell := func(s string) string {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")
		return strings.ReplaceAll(strings.TrimSpace(s), "|", `\|`)
	}
	var b strings.Builder
	for i, r := range cells {
		b.WriteString("|")
		for c := range cols {
			v := ""
			if c < len(r) {
				v = r[c]
			}
			b.WriteString(" " + cell(v) + " |")
		}
		b.WriteString("\n")
		if i == 0 {
			b.WriteString("|" + strings.Repeat(" --- |", cols) + "\n")
		}
	}
	return b.String()
}

// tableGrid is the grid of entries a table is edited in.
type tableGrid struct {
	box   *fyne.Container
	cells [][]*widget.Entry
}

func newTableGrid(data [][]string) *tableGrid {
	g := &tableGrid{box: container.NewVBox()}
	g.set(data)
	return g
}

func (g *tableGrid) set(data [][]string) {
	rows := max(len(data), 2)
	cols := 2
	for _, r := range data {
		cols = max(cols, len(r))
	}
	g.resize(rows, cols, data)
}

// resize makes the grid rows × cols, keeping what was typed.
func (g *tableGrid) resize(rows, cols int, data [][]string) {
	if data == nil {
		data = g.values()
	}
	g.cells = nil
	grid := container.NewGridWithColumns(cols)
	for r := range rows {
		var row []*widget.Entry
		for c := range cols {
			en := widget.NewEntry()
			if r == 0 {
				en.SetPlaceHolder("表头")
			}
			if r < len(data) && c < len(data[r]) {
				en.SetText(data[r][c])
			}
			row = append(row, en)
			grid.Add(en)
		}
		g.cells = append(g.cells, row)
	}
	g.box.Objects = []fyne.CanvasObject{grid}
	g.box.Refresh()
}

func (g *tableGrid) values() [][]string {
	out := make([][]string, len(g.cells))
	for r, row := range g.cells {
		for _, en := range row {
			out[r] = append(out[r], en.Text)
		}
	}
	return out
}

// editTable edits the table at the cursor, or a new one, in a grid; the
// table replaces the old one or goes after the cursor's line.
func (e *Toolbar) editTable() {
	lines, row := e.lines()
	first, last, inTable := tableAt(lines, row)
	var data [][]string
	if inTable {
		data = ParseTable(lines[first : last+1])
	}
	g := newTableGrid(data)
	rowsE, colsE := widget.NewEntry(), widget.NewEntry()
	rowsE.SetText(strconv.Itoa(len(g.cells)))
	colsE.SetText(strconv.Itoa(len(g.cells[0])))
	apply := widget.NewButton("改变行列数", func() {
		r, err1 := strconv.Atoi(rowsE.Text)
		c, err2 := strconv.Atoi(colsE.Text)
		if err1 == nil && err2 == nil && r >= 2 && c >= 1 && r <= 200 && c <= 12 {
			g.resize(r, c, nil)
		}
	})
	size := container.NewHBox(widget.NewLabel("行数（含表头）"), container.NewGridWrap(fyne.NewSize(80, rowsE.MinSize().Height), rowsE),
		widget.NewLabel("列数"), container.NewGridWrap(fyne.NewSize(80, colsE.MinSize().Height), colsE), apply)
	content := container.NewBorder(size, nil, nil, nil, container.NewVScroll(g.box))
	e.tableDone = func(ok bool) {
		if !ok {
			return
		}
		text := strings.Split(strings.TrimSuffix(TableText(g.values()), "\n"), "\n")
		lines, row := e.lines()
		if first, last, in := tableAt(lines, row); in {
			lines = append(lines[:first], append(text, lines[last+1:]...)...)
			e.setLines(lines, first, 0)
			return
		}
		ins := append([]string{""}, text...)
		ins = append(ins, "")
		lines = append(lines[:row+1], append(ins, lines[row+1:]...)...)
		e.setLines(lines, row+1+len(ins)-1, 0)
	}
	e.tableGrid = g
	d := dialog.NewCustomConfirm("编辑表格（第一行是表头）", "插入表格", "取消", content, e.tableDone, e.win)
	d.Resize(fyne.NewSize(1100, 600))
	d.Show()
}
