// Package markdown holds what the screens and the paper poster share when
// they lay out a notice's Markdown body: the inline text of a block as
// styled runs. Each renderer keeps its own block layout (widgets, PDF).
package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
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
	var pieces []Run
	inline(n, src, false, &pieces)
	return merge(pieces)
}

// merge joins neighbours of the same style in one pass: joining as they
// come copied the run so far for each piece, and 30,000 brackets (each a
// text node of its own) took seconds.
func merge(pieces []Run) []Run {
	var out []Run
	for i := 0; i < len(pieces); {
		j := i + 1
		for j < len(pieces) && pieces[j].Bold == pieces[i].Bold && pieces[j].Mono == pieces[i].Mono {
			j++
		}
		r := pieces[i]
		if j > i+1 {
			var b strings.Builder
			for _, p := range pieces[i:j] {
				b.WriteString(p.Text)
			}
			r.Text = b.String()
		}
		out = append(out, r)
		i = j
	}
	return out
}

func inline(n ast.Node, src []byte, bold bool, out *[]Run) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			// The source keeps a backslash escape ("\*", "\["); what is
			// shown is the character it escapes.
			t := string(util.UnescapePunctuations(c.Segment.Value(src)))
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
	if r.Text != "" {
		*out = append(*out, r) // merged by Inlines
	}
}
