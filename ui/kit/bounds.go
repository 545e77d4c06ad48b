package kit

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/markdown"
)

// A notice is laid out on the UI goroutine, and the cost of wrapping text
// in Fyne grows faster than its length: a 20,000-character title or a
// 50,000-character paragraph without punctuation kept a screen from
// drawing (and from answering its watchdog) for minutes. publish refuses
// such text (markdown.Check); a screen that receives it anyway — from an
// older publisher, or a feed made by hand — bounds the work here, where a
// notice becomes blocks: the body is cut at markdown.MaxBody characters
// before it is parsed, no block holds more than hardLimit characters, a
// table shows at most markdown.MaxTableColumns columns of cells cut at
// markdown.MaxCell, a notice at most maxBlocks blocks, and what was cut is
// said on the screen and in the log. A body that still cannot be turned
// into blocks is replaced by a line saying so: skipped and logged, never a
// crash the watchdog would restart into the same notice.

// maxBlocks bounds the pieces of one notice: the pager measures every one.
const MaxBlocks = 2_000

// maxBrackets: more '[' than this in a body are text, not links.
const maxBrackets = 1_000

// cutNote ends a notice that was cut.
const cutNote = "（正文过长，屏幕上只显示以上部分；全文请扫码或向发布机关索取。）"

// columnsNote follows a table cut to markdown.MaxTableColumns columns.
func columnsNote(cols int) string {
	return fmt.Sprintf("（此表共 %d 列，屏幕只显示前 %d 列；全表请扫码查看。）", cols, markdown.MaxTableColumns)
}

// hardLimit is the most characters a block of a paragraph holds even with
// no sentence end, comma or space to cut at.
func hardLimit(limit int) int { return 2*limit + limit/3 }

// MarkdownBlocks renders a Markdown body into pageable blocks, bounded.
func MarkdownBlocks(body string) []Block { return MarkdownBlocksAt(body, ThemeStep) }

// MarkdownBlocksAt is MarkdownBlocks at text step step (StepSize).
func MarkdownBlocksAt(body string, step int) (blocks []Block) {
	cut := false
	if utf8.RuneCountInString(body) > markdown.MaxBody {
		body, cut = cutText(body, markdown.MaxBody), true
	}
	if strings.Count(body, "[") > maxBrackets {
		// Link syntax costs the parser time that grows with the square of
		// the brackets: 15,000 of them took a second. So many are no
		// links; shown as they are written.
		body = strings.ReplaceAll(body, "[", `\[`)
	}
	defer func() {
		if r := recover(); r != nil {
			slog.Default().Error("a notice body could not be laid out; showing a note instead", "panic", fmt.Sprint(r))
			blocks = MessageBlocksAt("这条公告的正文无法在屏幕上显示，请扫码或向发布机关索取。", step)
		}
	}()
	blocks = parseBlocks(body, step)
	if len(blocks) > MaxBlocks {
		blocks, cut = blocks[:MaxBlocks], true
	}
	if cut {
		slog.Default().Warn("a notice body is over the screen's limits; it is shown cut", "blocks", len(blocks))
		blocks = append(blocks, MessageBlocksAt(cutNote, step)...)
	}
	return blocks
}

// shownTitle is a title as a screen draws it: one line of printable text
// of at most markdown.MaxTitle characters (a longer one ends in "…").
func ShownTitle(title string) string { return feed.Printable(title, markdown.MaxTitle) }

// cutText keeps the first n characters of s, ending at a line break when
// there is one in the last tenth, so Markdown is not cut mid-line.
func cutText(s string, n int) string {
	i := 0
	for k := range s {
		if n == 0 {
			i = k
			break
		}
		n--
		i = len(s)
	}
	s = s[:i]
	if j := strings.LastIndexByte(s, '\n'); j > len(s)*9/10 {
		s = s[:j]
	}
	return s
}

// cutRuns keeps the first n characters of runs, marking a cut with "…".
func cutRuns(runs []Run, n int) []Run {
	for i, r := range runs {
		k := utf8.RuneCountInString(r.Text)
		if k <= n {
			n -= k
			continue
		}
		out := append([]Run(nil), runs[:i]...)
		return append(out, Run{Text: cutText(r.Text, n) + "…", strong: r.strong})
	}
	return runs
}

// BlockText is the text a block shows (its rich text, inside containers
// too, or a table row's cells): what tests read to check a page.
func BlockText(b Block) string {
	var sb strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.RichText:
			for _, s := range o.Segments {
				if ts, ok := s.(*widget.TextSegment); ok {
					sb.WriteString(Unbreakable(ts.Text))
				}
			}
		case *widget.Label:
			sb.WriteString(Unbreakable(o.Text))
		case *TableRow:
			for _, c := range o.text {
				for _, r := range c {
					sb.WriteString(r.Text)
				}
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(b.Obj)
	return sb.String()
}
