package bodyedit

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
)

// The toolbar writes the Markdown the screens render, on the cursor's
// line; a table is edited as a grid and written as a pipe table, and an
// existing one is read back into the grid.
func TestToolbar(t *testing.T) {
	test.NewTempApp(t)
	body := widget.NewMultiLineEntry()
	changes := 0
	e := New(body, test.NewWindow(nil), func() { changes++ }, func() {})
	e.body.SetText("一、征收范围\n东湾村三组\n补偿标准见下表")
	at := func(row, col int) { e.body.CursorRow, e.body.CursorColumn = row, col }
	at(0, 2)
	test.Tap(findButton(t, e.box, "大标题"))
	at(1, 0)
	test.Tap(findButton(t, e.box, "列表"))
	test.Tap(findButton(t, e.box, "编号列表"))
	at(0, 0)
	test.Tap(findButton(t, e.box, "小标题"))
	at(2, 4)
	test.Tap(findButton(t, e.box, "加粗"))
	if changes != 5 {
		t.Errorf("the form was told of %d changes, want 5", changes)
	}
	want := "### 一、征收范围\n1. 东湾村三组\n补偿标准**加粗文字**见下表"
	if e.body.Text != want {
		t.Fatalf("body\n%s\nwant\n%s", e.body.Text, want)
	}

	at(2, 0)
	test.Tap(findButton(t, e.box, "表格…"))
	g := e.tableGrid
	g.resize(3, 3, nil)
	for r, row := range [][]string{{"地类", "面积（亩）", "补偿"}, {"耕地", "12.5", "52000元/亩"}, {"宅基地", "3", "见|附件"}} {
		for c, v := range row {
			g.cells[r][c].SetText(v)
		}
	}
	e.tableDone(true)
	table := "| 地类 | 面积（亩） | 补偿 |\n| --- | --- | --- |\n| 耕地 | 12.5 | 52000元/亩 |\n| 宅基地 | 3 | 见\\|附件 |"
	if !strings.Contains(e.body.Text, "\n\n"+table+"\n") {
		t.Fatalf("no table in\n%s", e.body.Text)
	}
	// the screens read it as a table of 3 columns
	blocks := kit.MarkdownBlocks(e.body.Text)
	if !slices.ContainsFunc(blocks, func(b kit.Block) bool { return strings.Contains(kit.BlockText(b), "52000元/亩") }) {
		t.Error("the screens do not read the table")
	}

	// editing it again: the grid holds its cells; a change replaces it
	lines := strings.Split(e.body.Text, "\n")
	at(slices.Index(lines, "| 耕地 | 12.5 | 52000元/亩 |"), 3)
	test.Tap(findButton(t, e.box, "表格…"))
	g = e.tableGrid
	if got := g.values(); len(got) != 3 || got[2][2] != "见|附件" || got[0][1] != "面积（亩）" {
		t.Fatalf("grid read back %v", got)
	}
	g.cells[1][1].SetText("13")
	e.tableDone(true)
	if strings.Count(e.body.Text, "| 地类 |") != 1 || !strings.Contains(e.body.Text, "| 耕地 | 13 |") {
		t.Errorf("edited table:\n%s", e.body.Text)
	}
}

func TestTableTextRoundTrip(t *testing.T) {
	cells := [][]string{{"a", "b|c", ""}, {"1\n2", " x ", `\`}}
	got := ParseTable(strings.Split(strings.TrimSuffix(TableText(cells), "\n"), "\n"))
	want := [][]string{{"a", "b|c", ""}, {"1 2", "x", `\`}}
	if len(got) != 2 || !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// findButton finds the button labelled text under o.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	if c, ok := o.(*fyne.Container); ok {
		for _, b := range c.Objects {
			if b, ok := b.(*widget.Button); ok && b.Text == text {
				return b
			}
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}
