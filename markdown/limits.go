package markdown

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Limits of a notice's text. A screen lays a notice out on its UI
// goroutine, and the cost of wrapping text grows faster than its length:
// a 20,000-character title or a 50,000-character paragraph took a screen
// down for minutes. publish refuses what is over a limit, naming file and
// line; a screen that receives it anyway (an older publisher, a feed made
// by hand) cuts it where these limits say and shows a word why.
const (
	MaxTitle        = 100    // characters of a title: a slide shows it in four lines
	MaxBody         = 30_000 // characters of a Markdown body; longer documents go in an attachment
	MaxParagraph    = 5_000  // characters of one paragraph, list item, quote or code block
	MaxTableColumns = 12     // more do not fit the width of a portrait screen
	MaxTableRows    = 1_000
	MaxCell         = 500 // characters of one table cell
	MaxDepth        = 8   // lists and quotes inside each other
)

// Problem is one place where a body breaks a limit.
type Problem struct {
	Line int // 1-based line of the body
	Msg  string
}

var parser = goldmark.New(goldmark.WithExtensions(extension.Table)).Parser()

// Check finds where body breaks the limits, in order, at most max of
// them (max ≤ 0: all). A body over MaxBody is not parsed at all: its
// length is the problem, and parsing pathological Markdown costs time
// that grows with the square of its length.
func Check(body string, max int) []Problem {
	src := []byte(body)
	if n := utf8.RuneCount(src); n > MaxBody {
		return []Problem{{Line: lineAtRune(src, MaxBody), Msg: fmt.Sprintf("the text is %d characters, over the %d a notice may have; put a long document in an attachment (PDF)", n, MaxBody)}}
	}
	c := &checker{src: src, max: max}
	c.walk(parser.Parse(text.NewReader(src)), 0)
	return c.problems
}

type checker struct {
	src      []byte
	max      int
	problems []Problem
}

func (c *checker) add(n ast.Node, format string, args ...any) {
	if c.max > 0 && len(c.problems) >= c.max {
		return
	}
	c.problems = append(c.problems, Problem{Line: c.line(n), Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) walk(n ast.Node, depth int) {
	switch n := n.(type) {
	case *ast.List, *ast.Blockquote:
		if depth+1 > MaxDepth {
			c.add(n, "lists and quotes are nested %d deep, over %d", depth+1, MaxDepth)
			return
		}
		for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
			c.walk(ch, depth+1)
		}
		return
	case *extast.Table:
		c.table(n)
		return
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading, *ast.FencedCodeBlock, *ast.CodeBlock:
		if k := c.runes(n); k > MaxParagraph {
			c.add(n, "a paragraph of %d characters, over %d; split it into paragraphs", k, MaxParagraph)
		}
		return
	}
	for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
		c.walk(ch, depth)
	}
}

func (c *checker) table(t *extast.Table) {
	rows := 0
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		rows++
		cols := 0
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			cols++
			if k := utf8.RuneCountInString(plain(cell, c.src)); k > MaxCell {
				c.add(cell, "a table cell of %d characters, over %d", k, MaxCell)
			}
		}
		if cols > MaxTableColumns {
			c.add(row, "a table row of %d columns, over %d that a screen can show", cols, MaxTableColumns)
			return
		}
	}
	if rows > MaxTableRows {
		c.add(t, "a table of %d rows, over %d; put it in an attachment (CSV)", rows, MaxTableRows)
	}
}

// runes counts the characters of a block: its source lines.
func (c *checker) runes(n ast.Node) int {
	k := 0
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		k += utf8.RuneCount(seg.Value(c.src))
	}
	return k
}

// plain is the inline text of n.
func plain(n ast.Node, src []byte) string {
	var b bytes.Buffer
	for _, r := range Inlines(n, src) {
		b.WriteString(r.Text)
	}
	return b.String()
}

// line is the 1-based source line where n starts.
func (c *checker) line(n ast.Node) int {
	if off := offset(n); off >= 0 {
		return 1 + bytes.Count(c.src[:off], []byte("\n"))
	}
	return 1
}

// offset is the byte offset of n's first text in the source, or -1.
func offset(n ast.Node) int {
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
		if off := offset(ch); off >= 0 {
			return off
		}
	}
	return -1
}

// lineAtRune is the 1-based line of the n-th character of src.
func lineAtRune(src []byte, n int) int {
	line := 1
	for _, r := range string(src) {
		if n--; n < 0 {
			break
		}
		if r == '\n' {
			line++
		}
	}
	return line
}
