package studio

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
)

// findButton finds the button labelled text under o.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// findEntry finds the first entry under o that is.
func findEntry(t *testing.T, o fyne.CanvasObject, what string, is func(*widget.Entry) bool) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	walk(o, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && is(e) && found == nil {
			found = e
		}
	})
	if found == nil {
		t.Fatalf("no entry %s", what)
	}
	return found
}

// walk visits o and everything inside its containers and scrolls.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	visit(o)
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			walk(c, visit)
		}
	case *container.Scroll:
		walk(o.Content, visit)
	case *container.Split:
		walk(o.Leading, visit)
		walk(o.Trailing, visit)
	case *widget.Form:
		for _, it := range o.Items {
			walk(it.Widget, visit)
		}
	case interface{ Objects() []fyne.CanvasObject }:
		for _, c := range o.Objects() {
			walk(c, visit)
		}
	}
}

// hasLabel says whether a label under o contains text.
func hasLabel(o fyne.CanvasObject, text string) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			found = found || strings.Contains(o.Text, text)
		case *widget.RichText:
			found = found || strings.Contains(richText(o), text)
		}
	})
	return found
}

func richText(rt *widget.RichText) string {
	var b strings.Builder
	for _, s := range rt.Segments {
		b.WriteString(s.Textual())
	}
	return kit.Unbreakable(b.String())
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func fmtInt(i int) string { return strconv.Itoa(i) }
