// Package page is what the studio's pages share, below the window that
// holds them (package studio) and beside each other: the one interface a
// page has to the window, the look of a page's heading and notes, and
// the reading of a notice's attachment entries. A page's package imports
// it, never the window's.
package page

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
)

// Host is what a page needs of the window around it.
type Host interface {
	// Say puts one line in the window's status bar.
	Say(msg string)
	// Spawn runs job off the UI goroutine (in tests, in place: the
	// studio's Options.Spawn).
	Spawn(job func())
}

// Heading is a page's title.
func Heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameHeadingText
	return l
}

// Note is a wrapping line of text in a colour (a finding, a hint).
func Note(text string, c fyne.ThemeColorName) *widget.RichText {
	rt := widget.NewRichText(&widget.TextSegment{Text: text, Style: widget.RichTextStyle{ColorName: c, Inline: true}})
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// SetNote changes a note's text and colour; an empty one is hidden.
func SetNote(rt *widget.RichText, text string, c fyne.ThemeColorName) {
	rt.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: text, Style: widget.RichTextStyle{ColorName: c, Inline: true}}}
	rt.Refresh()
	kit.Show(rt, text != "")
}

// OneLine is the first line of s: an error from outside data is said in
// one line.
func OneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// AttachmentFile is an attachment entry's file, and a function giving
// the same entry with another file.
func AttachmentFile(a any) (string, func(string) any) {
	switch a := a.(type) {
	case map[string]any:
		file, _ := a["file"].(string)
		return file, func(f string) any {
			m := map[string]any{}
			for k, v := range a {
				m[k] = v
			}
			m["file"] = f
			return m
		}
	default:
		s, _ := a.(string)
		return s, func(f string) any { return f }
	}
}
