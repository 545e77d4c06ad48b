package kit

import (
	"image"
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/cjk"
)

func TestBreakableMarksWhereChineseMayBreak(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"公告内容", "公|告|内容"},           // the last character never ends up alone
		{"（见附件）", "（见|附件）"},          // no break after an opening or before a closing bracket
		{"他说：“好。”", "他|说：|“好。”"},     // nor before ：。” or after “
		{"第3条", "第|3条"},              // Chinese beside a digit breaks
		{"至 9 月 30 日", "至 9 月 30 日"}, // spaces are Fyne's own breaks
		{"本办法自 2026 年 10 月 1 日起施行，至 12 月 31 日。", "本|办|法|自 2026 年 10 月 1 日|起|施|行，|至 12 月 31+日。"}, // but a long text's last character keeps company
		{"等待……再说——好", "等|待……|再|说|——好"},
		{"2026-03-01 12.5% Hello world", "2026-03-01 12.5% Hello world"}, // Latin text untouched
		{"", ""},
	} {
		got := strings.NewReplacer(string(wrapMark), "|", string(glueMark), "+").Replace(breakable(c.in))
		if got != c.want {
			t.Errorf("breakable(%q) = %q, want %q", c.in, got, c.want)
		}
		if Unbreakable(breakable(c.in)) != c.in {
			t.Errorf("unbreakable(breakable(%q)) lost text", c.in)
		}
	}
}

// The mark must cost nothing on screen: no width, no ink.
func TestWrapMarkIsInvisible(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme(0))
	size := theme.TextSize()
	// both marks, the wrap mark and the glue replacing a space
	plain := "公开栏：2026 年度村务公开，至 12 月 31日"
	marked := breakable("公开栏：2026 年度村务公开，至 12 月 31 日")
	if !strings.ContainsRune(marked, wrapMark) || !strings.ContainsRune(marked, glueMark) {
		t.Fatalf("not marked: %q", marked)
	}
	wp := fyne.MeasureText(plain, size, fyne.TextStyle{}).Width
	wm := fyne.MeasureText(marked, size, fyne.TextStyle{}).Width
	if wp != wm {
		t.Errorf("width %v plain, %v with marks", wp, wm)
	}
	draw := func(s string) image.Image {
		tx := canvas.NewText(s, ThemeColor(theme.ColorNameForeground))
		c := test.NewCanvas()
		c.SetContent(tx)
		c.Resize(fyne.NewSize(wp+20, size*2))
		return c.Capture()
	}
	ip, im := draw(plain), draw(marked)
	b := ip.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if ip.At(x, y) != im.At(x, y) {
				t.Fatalf("pixel %d,%d differs: the mark is drawn", x, y)
			}
		}
	}
}

// renderedRows are the rows a wrapped rich text shows, marks removed.
func renderedRows(rt *widget.RichText) []string {
	var rows []string
	for _, o := range test.WidgetRenderer(rt).Objects() {
		if tx, ok := o.(*canvas.Text); ok && tx.Text != "" {
			rows = append(rows, Unbreakable(tx.Text))
		}
	}
	return rows
}

// A paragraph as notices have them, at several widths: every line as full
// as the rules allow, and none starting with closing punctuation.
func TestChineseWrapsFullLinesAndKeepsPunctuation(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme(0))
	para := "请各户于 2026 年 9 月 30 日（星期三）前，携带户口簿、身份证到村委会办理登记；逾期未办理的，视为自动放弃。" +
		"联系电话：0571-88886666，联系人：王会计。补偿标准详见附件《征收补偿安置方案》第3条。"
	size := theme.TextSize()
	wide := func(s string) float32 { return fyne.MeasureText(s, size, fyne.TextStyle{}).Width }
	han := wide("国")
	for _, w := range []float32{300, 420, 555, 700, 900} {
		rt := Rich(Seg(para, theme.SizeNameText, theme.ColorNameForeground))
		rt.Resize(fyne.NewSize(w, 3000))
		rows := renderedRows(rt)
		if got := strings.Join(rows, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(para, " ", "") {
			t.Fatalf("width %v: text changed:\n%q", w, rows)
		}
		avail := w - 2*theme.InnerPadding()
		for i, row := range rows {
			first, _ := utf8.DecodeRuneInString(row)
			last, _ := utf8.DecodeLastRuneInString(row)
			if i > 0 && cjk.NoLineStart(first) {
				t.Errorf("width %v: row %d starts with %q: %q", w, i, first, rows)
			}
			if i < len(rows)-1 && cjk.NoLineEnd(last) {
				t.Errorf("width %v: row %d ends with %q: %q", w, i, last, rows)
			}
			if wide(row) > avail+1 {
				t.Errorf("width %v: row %d is %v wide, more than %v: %q", w, i, wide(row), avail, row)
			}
			// a full row leaves less than the width of three characters:
			// one that would not fit, and what the rules keep with it
			next, _ := utf8.DecodeRuneInString(strings.TrimLeft(rows[min(i+1, len(rows)-1)], " "))
			if i < len(rows)-1 && isCJK(next) && avail-wide(row) >= 3*han {
				t.Errorf("width %v: row %d is short (%v of %v) before %q: %q", w, i, wide(row), avail, rows[i+1], rows)
			}
		}
	}
}

// A line cut with an ellipsis gets no marks: Fyne truncates with go-text's
// line wrapper, which shapes a carriage return with width, and a title
// that fits would be cut short.
func TestOneLineTextIsNotMarked(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme(0))
	title := "紧急通知：东湾村、柳塘村部分区域11月26日夜间临时停水"
	rt := widget.NewRichText()
	rt.Truncation = fyne.TextTruncateEllipsis
	SetRich(rt, Seg(title, theme.SizeNameText, theme.ColorNameForeground))
	// just wide enough for the title
	rt.Resize(fyne.NewSize(fyne.MeasureText(title, theme.TextSize(), fyne.TextStyle{}).Width+2*theme.InnerPadding()+4, 100))
	if rows := renderedRows(rt); len(rows) != 1 || rows[0] != title {
		t.Errorf("ticker shows %q, want the whole title", rows)
	}
	l := Label("", theme.SizeNameText)
	l.Truncation = fyne.TextTruncateEllipsis
	SetText(l, title)
	if l.Text != title {
		t.Errorf("truncated label holds %q", l.Text)
	}
}
