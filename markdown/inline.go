// Package markdown holds what the screens and the paper poster share when
// they lay out a notice's Markdown body: the inline text of a block as
// styled runs. Each renderer keeps its own block layout (widgets, PDF).
package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// Run is a piece of inline text with one style.
type Run struct {
	Text string
	Bold bool // emphasis of any kind: the one bundled face has no italic
	Mono bool // code
}

// Inlines flattens the inline children of n (a paragraph, heading, list
// item or table cell) into runs, merging neighbours of the same style.
// src is the Markdown source the AST was parsed from.
func Inlines(n ast.Node, src []byte) []Run {
	var out []Run
	inline(n, src, false, &out)
	return out
}

func inline(n ast.Node, src []byte, bold bool, out *[]Run) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			t := string(c.Segment.Value(src))
			switch {
			case c.HardLineBreak():
				t += "\n"
			case c.SoftLineBreak():
				t += softBreak(t, c.NextSibling(), src)
			}
			appendRun(out, Run{Text: t, Bold: bold})
		case *ast.String:
			appendRun(out, Run{Text: string(c.Value), Bold: bold})
		case *ast.Emphasis:
			inline(c, src, true, out)
		case *ast.CodeSpan:
			var b strings.Builder
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			appendRun(out, Run{Text: b.String(), Bold: bold, Mono: true})
		case *ast.Image:
			appendRun(out, Run{Text: "［图］", Bold: bold})
		case *ast.AutoLink:
			appendRun(out, Run{Text: string(c.Label(src)), Bold: bold})
		case *ast.RawHTML:
		default:
			inline(c, src, bold, out)
		}
	}
}

// softBreak joins source lines: nothing between Chinese characters, a
// space between Latin words.
func softBreak(before string, next ast.Node, src []byte) string {
	last, _ := utf8.DecodeLastRuneInString(before)
	if unicode.Is(unicode.Han, last) || unicode.IsPunct(last) && last > 0x2000 {
		return ""
	}
	if t, ok := next.(*ast.Text); ok {
		first, _ := utf8.DecodeRune(t.Segment.Value(src))
		if unicode.Is(unicode.Han, first) {
			return ""
		}
	}
	return " "
}

func appendRun(out *[]Run, r Run) {
	if r.Text == "" {
		return
	}
	if n := len(*out); n > 0 && (*out)[n-1].Bold == r.Bold && (*out)[n-1].Mono == r.Mono {
		(*out)[n-1].Text += r.Text
		return
	}
	*out = append(*out, r)
}
