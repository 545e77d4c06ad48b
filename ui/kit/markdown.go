package kit

import (
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"gongkai/markdown"
)

// Fyne's own Markdown has no tables, and notices are full of them
// (accounts, compensation rates), so bodies are parsed with goldmark + GFM
// tables and turned into our own blocks: headings, paragraphs (split by
// sentence so a page can break inside a long one), list items, table rows.

// run is a piece of inline text with one style.
// run is a piece of inline text. Strong (any Markdown emphasis) is shown
// in the accent colour, not bold (see label); code is plain text.
type Run struct {
	Text   string
	strong bool
}

// ParaLimit is the length, in characters, after which a paragraph is cut
// at the next sentence end: small enough to fill pages well, large
// enough to keep a sentence together.
const ParaLimit = 150

// Vertical gaps between blocks. RichText pads itself by the inner padding
// above and below, so a piece continuing a split paragraph pulls up to
// ordinary line spacing, and list items sit closer than paragraphs.
const (
	gapParagraph    float32 = 0
	gapContinuation float32 = -24
	gapListItem     float32 = -16
	gapHeading      float32 = 16
)

var mdParser = goldmark.New(goldmark.WithExtensions(extension.Table)).Parser()

// parseBlocks renders a Markdown body into pageable blocks at text step
// step (StepSize); call it through MarkdownBlocksAt (bounds.go), which
// bounds the work first.
func parseBlocks(body string, step int) []Block {
	src := []byte(body)
	doc := mdParser.Parse(text.NewReader(src))
	r := &mdRender{src: src, step: step}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		r.node(n, 0)
	}
	return r.blocks
}

type mdRender struct {
	src    []byte
	step   int // the text step its sizes are named at (StepSize)
	blocks []Block
}

// size is size n at the render's text step.
func (r *mdRender) size(n fyne.ThemeSizeName) fyne.ThemeSizeName { return StepSize(r.step, n) }

func (r *mdRender) add(b Block) { r.blocks = append(r.blocks, b) }

func (r *mdRender) node(n ast.Node, depth int) {
	switch n := n.(type) {
	case *ast.Heading:
		size := r.size(theme.SizeNameHeadingText)
		if n.Level >= 3 {
			size = r.size(theme.SizeNameSubHeadingText)
		}
		rt := Rich(RunSegs(cutRuns(r.inlines(n), markdown.MaxTitle), size)...) // bounds.go
		r.add(Block{Obj: rt, Gap: gapHeading, KeepWithNext: true})
	case *ast.Paragraph, *ast.TextBlock:
		r.paragraph(r.inlines(n), "", depth)
	case *ast.List:
		i := n.Start
		for li := n.FirstChild(); li != nil; li = li.NextSibling() {
			marker := "•"
			if n.IsOrdered() {
				marker = Itoa(i) + "."
				i++
			}
			first := true
			for c := li.FirstChild(); c != nil; c = c.NextSibling() {
				switch c.(type) {
				case *ast.Paragraph, *ast.TextBlock:
					m := ""
					if first {
						m = marker
					}
					r.paragraph(r.inlines(c), m, depth+1)
				default:
					r.node(c, depth+1)
				}
				first = false
			}
		}
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			r.node(c, depth+1)
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var b strings.Builder
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(r.src))
		}
		r.paragraph([]Run{{Text: strings.TrimRight(b.String(), "\n")}}, "", depth)
	case *ast.ThematicBreak:
		r.add(Block{Obj: Separator(), Gap: 16})
	case *extast.Table:
		r.table(n)
	case *ast.HTMLBlock:
		// raw HTML is not shown: notices are Markdown
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			r.node(c, depth)
		}
	}
}

// paragraph adds a paragraph in sentence-sized pieces; the pieces after the
// first join the one before (gap 0), so on one page it reads as one.
func (r *mdRender) paragraph(runs []Run, marker string, depth int) {
	size := r.size(theme.SizeNameText)
	// piece draws runs as a piece of this paragraph: in a list, indented,
	// with the marker when it is the first
	piece := func(runs []Run, first bool) fyne.CanvasObject {
		rt := Rich(RunSegs(runs, size)...)
		if depth == 0 {
			return rt
		}
		m := ""
		if first {
			m = marker
		}
		mk := widget.NewRichText(Seg(m, size, theme.ColorNameForeground))
		indent := float32(depth-1) * 40
		return container.NewBorder(nil, nil,
			container.New(layout.NewCustomPaddedLayout(0, 0, indent, 0), container.New(FixedWidth{W: 52}, mk)), nil, rt)
	}
	for i, chunk := range SplitRuns(runs, ParaLimit) {
		gap := gapParagraph
		if i > 0 {
			gap = gapContinuation
		} else if depth > 0 {
			gap = gapListItem
		}
		first := i == 0
		r.add(Block{Obj: piece(chunk, first), Gap: gap, cut: newLineCut(chunk, func(runs []Run, head bool) fyne.CanvasObject {
			return piece(runs, head && first)
		})})
	}
}

func (r *mdRender) inlines(n ast.Node) []Run {
	var out []Run
	for _, m := range markdown.Inlines(n, r.src) {
		out = append(out, Run{Text: m.Text, strong: m.Bold})
	}
	return out
}

func RunSegs(runs []Run, size fyne.ThemeSizeName) []widget.RichTextSegment {
	segs := make([]widget.RichTextSegment, 0, len(runs))
	for _, r := range runs {
		c := fyne.ThemeColorName(theme.ColorNameForeground)
		if r.strong {
			c = theme.ColorNamePrimary
		}
		segs = append(segs, Seg(r.Text, size, c))
	}
	if len(segs) == 0 {
		segs = append(segs, Seg("", size, theme.ColorNameForeground))
	}
	return segs
}

// sentenceEnd reports whether a paragraph may be cut after r.
func sentenceEnd(r rune) bool { return strings.ContainsRune("。！？；!?;", r) }

// closer is punctuation that stays with the sentence before it.
func closer(r rune) bool { return strings.ContainsRune("”’」』）)】", r) }

// SplitRuns cuts runs into pieces of about limit characters, at sentence
// ends (or, failing those, at commas once a piece is twice the limit).
func SplitRuns(runs []Run, limit int) [][]Run {
	var out [][]Run
	var cur []Run
	count := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur, count = nil, 0
	}
	for _, rn := range runs {
		text := []rune(rn.Text)
		start := 0
		for i, c := range text {
			count++
			cut := count >= limit && sentenceEnd(c) || count >= 2*limit && (strings.ContainsRune("，、,", c) || c == ' ') ||
				count >= hardLimit(limit) // text without a place to cut (bounds.go)
			if cut && i+1 < len(text) && closer(text[i+1]) {
				continue
			}
			if !cut && closer(c) && i > 0 && count >= limit && sentenceEnd(text[i-1]) {
				cut = true
			}
			if cut {
				appendRunTo(&cur, Run{Text: string(text[start : i+1]), strong: rn.strong})
				start = i + 1
				flush()
			}
		}
		if start < len(text) {
			appendRunTo(&cur, Run{Text: string(text[start:]), strong: rn.strong})
		}
	}
	flush()
	// a short tail reads better with the piece before it
	if n := len(out); n > 1 && runeCount(out[n-1]) < limit/4 {
		out[n-2] = append(out[n-2], out[n-1]...)
		out = out[:n-1]
	}
	return out
}

func appendRunTo(cur *[]Run, r Run) {
	r.Text = strings.TrimLeft(r.Text, " ")
	if r.Text != "" {
		*cur = append(*cur, r)
	}
}

func runeCount(rs []Run) int {
	n := 0
	for _, r := range rs {
		n += utf8.RuneCountInString(r.Text)
	}
	return n
}

func Itoa(i int) string {
	if i < 0 {
		return "-" + Itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return Itoa(i/10) + string(rune('0'+i%10))
}

// table turns a GFM table into rows that share column widths; every data
// row names the header so a page that starts inside the table repeats it.
func (r *mdRender) table(t *extast.Table) {
	m := &TableModel{Size: r.size(theme.SizeNameText)}
	for _, a := range t.Alignments {
		switch a {
		case extast.AlignRight:
			m.align = append(m.align, fyne.TextAlignTrailing)
		case extast.AlignCenter:
			m.align = append(m.align, fyne.TextAlignCenter)
		default:
			m.align = append(m.align, fyne.TextAlignLeading)
		}
	}
	var header *TableRow
	cols := len(t.Alignments)
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var cells [][]Run
		for c := row.FirstChild(); c != nil && len(cells) < markdown.MaxTableColumns; c = c.NextSibling() {
			cells = append(cells, cutRuns(r.inlines(c), markdown.MaxCell)) // bounds.go
		}
		_, isHeader := row.(*extast.TableHeader)
		tr := m.AddRow(cells, isHeader)
		if isHeader {
			header = tr
			r.add(Block{Obj: tr, Gap: 16, KeepWithNext: true})
			continue
		}
		b := Block{Obj: tr}
		if header != nil {
			b.Header = header
		}
		r.add(b)
	}
	if cols > markdown.MaxTableColumns {
		r.blocks = append(r.blocks, MessageBlocksAt(columnsNote(cols), r.step)...) // bounds.go
	}
}

// MessageBlocks is a message where a screen's content would be.
func MessageBlocks(text string) []Block { return MessageBlocksAt(text, ThemeStep) }

// MessageBlocksAt is MessageBlocks at text step step (StepSize).
func MessageBlocksAt(text string, step int) []Block {
	return []Block{{Obj: Label(text, StepSize(step, theme.SizeNameSubHeadingText))}}
}

// TextBlocks are plain text's lines as paragraphs, in sentence-sized
// pieces a page can break between.
func TextBlocks(text string) []Block {
	r := &mdRender{step: ThemeStep}
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			r.paragraph([]Run{{Text: line}}, "", 0)
		}
	}
	return r.blocks
}
