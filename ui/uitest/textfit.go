package uitest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
)

// The text-fit checker: over a laid-out tree, every piece of text must lie
// inside the window and inside every box that holds it (a tile, a card, a
// button, a page), must not overlap another piece of text, and a wrapped
// paragraph must not end in a line of one lone character. It reads where
// Fyne placed each canvas.Text and how big the glyphs are (MinSize, with
// the painter's own alignment and centring), so what it finds is what the
// renderer draws: a count pushed out of its tile, a line cut off below a
// box, two labels drawn over each other.

// rect is a box in window coordinates.
type rect struct{ x0, y0, x1, y1 float32 }

func (r rect) String() string {
	return fmt.Sprintf("(%.0f,%.0f)-(%.0f,%.0f)", r.x0, r.y0, r.x1, r.y1)
}

// fitSlack forgives rounding and the font's empty line gap below the ink.
const fitSlack = 3

// inside reports whether r lies within outer, give or take fitSlack.
func (r rect) inside(outer rect) bool {
	return r.x0 >= outer.x0-fitSlack && r.y0 >= outer.y0-fitSlack && r.x1 <= outer.x1+fitSlack && r.y1 <= outer.y1+fitSlack
}

// overlaps reports whether r and o share more than fitSlack in both
// directions.
func (r rect) overlaps(o rect) bool {
	return min(r.x1, o.x1)-max(r.x0, o.x0) > fitSlack && min(r.y1, o.y1)-max(r.y0, o.y0) > fitSlack
}

// placedText is one canvas.Text as drawn.
type placedText struct {
	text    string
	glyphs  rect
	holders []holder          // the boxes around it, outermost first
	rich    fyne.CanvasObject // the RichText or Label it is a line of, if any
}

type holder struct {
	obj  fyne.CanvasObject
	box  rect
	name string
}

// placedTexts walks the visible tree under root, root at (0, 0).
func placedTexts(root fyne.CanvasObject, rendererOf func(fyne.Widget) fyne.WidgetRenderer) []placedText {
	var out []placedText
	var walk func(o fyne.CanvasObject, at fyne.Position, holders []holder, rich fyne.CanvasObject)
	walk = func(o fyne.CanvasObject, at fyne.Position, holders []holder, rich fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		pos := at.Add(o.Position())
		size := o.Size()
		box := rect{pos.X, pos.Y, pos.X + size.Width, pos.Y + size.Height}
		switch x := o.(type) {
		case *canvas.Text:
			t := strings.TrimSpace(kit.Unbreakable(x.Text))
			if t == "" || x.TextSize <= 0 {
				return
			}
			m := x.MinSize()
			off := fyne.NewPos(0, 0)
			switch x.Alignment {
			case fyne.TextAlignTrailing:
				off.X = size.Width - m.Width
			case fyne.TextAlignCenter:
				off.X = (size.Width - m.Width) / 2
			}
			if size.Height > m.Height {
				off.Y = (size.Height - m.Height) / 2
			}
			g := rect{pos.X + off.X, pos.Y + off.Y, pos.X + off.X + m.Width, pos.Y + off.Y + m.Height}
			out = append(out, placedText{text: t, glyphs: g, holders: slices.Clone(holders), rich: rich})
		case *fyne.Container:
			hs := append(holders, holder{o, box, fmt.Sprintf("%T", x.Layout)})
			for _, c := range x.Objects {
				walk(c, pos, hs, rich)
			}
		case fyne.Widget:
			hs := append(holders, holder{o, box, fmt.Sprintf("%T", x)})
			switch x.(type) {
			case *widget.RichText, *widget.Label:
				rich = o
			}
			for _, c := range rendererOf(x).Objects() {
				walk(c, pos, hs, rich)
			}
		}
	}
	walk(root, fyne.NewPos(-root.Position().X, -root.Position().Y), nil, nil)
	return out
}

// TextFitProblems lists what the checker finds under root, in a window of
// size win; rendererOf is a widget's renderer as the canvas keeps it
// (test.WidgetRenderer).
func TextFitProblems(root fyne.CanvasObject, win fyne.Size, rendererOf func(fyne.Widget) fyne.WidgetRenderer) []string {
	texts := placedTexts(root, rendererOf)
	var probs []string
	screen := rect{0, 0, win.Width, win.Height}
	for _, t := range texts {
		if !t.glyphs.inside(screen) {
			probs = append(probs, fmt.Sprintf("%q at %v is outside the window", Short(t.text), t.glyphs))
			continue
		}
		for _, h := range t.holders {
			if !t.glyphs.inside(h.box) {
				probs = append(probs, fmt.Sprintf("%q at %v runs out of its %s at %v", Short(t.text), t.glyphs, h.name, h.box))
				break
			}
		}
	}
	for i, a := range texts {
		for _, b := range texts[i+1:] {
			if a.glyphs.overlaps(b.glyphs) {
				probs = append(probs, fmt.Sprintf("%q at %v overlaps %q at %v", Short(a.text), a.glyphs, Short(b.text), b.glyphs))
			}
		}
	}
	// a lone character on the last line of a wrapped paragraph: the last
	// line of a text block, of one character, right under a line of it
	for i, t := range texts {
		if i == 0 || t.rich == nil || texts[i-1].rich != t.rich || !lone(t.text) ||
			i+1 < len(texts) && texts[i+1].rich == t.rich {
			continue
		}
		prev := texts[i-1]
		lineH := prev.glyphs.y1 - prev.glyphs.y0
		if t.glyphs.y0 > prev.glyphs.y0 && t.glyphs.y0-prev.glyphs.y1 < lineH/2 && !strings.HasSuffix(prev.text, "：") {
			probs = append(probs, fmt.Sprintf("%q is alone on the last line after %q", t.text, Short(prev.text)))
		}
	}
	return probs
}

// lone: one character, perhaps with closing punctuation after it.
func lone(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return strings.ContainsRune("。，、；：？！）」』”’…%", r) })
	return utf8.RuneCountInString(s) == 1 && kit.HasCJK(s)
}

// CheckFit lays w out as a frame would and reports on t what the checker
// finds under root, as "TAG NAME: problem". With GONGKAI_SHOTS naming a
// folder it writes w there when it finds something (always with
// GONGKAI_FIT_ALL set), for a person to look at.
func CheckFit(t testing.TB, w fyne.Window, size fyne.Size, tag, name string, root fyne.CanvasObject, rendererOf func(fyne.Widget) fyne.WidgetRenderer) {
	t.Helper()
	kit.Settle(w.Canvas().Content(), rendererOf)
	probs := TextFitProblems(root, size, rendererOf)
	for _, p := range probs {
		t.Errorf("%s %s: %s", tag, name, p)
	}
	if dir := os.Getenv("GONGKAI_SHOTS"); dir != "" && (len(probs) > 0 || os.Getenv("GONGKAI_FIT_ALL") != "") {
		file := strings.NewReplacer(":", "-", "/", "-", " ", "-").Replace(tag + "-" + name)
		WritePNG(t, filepath.Join(dir, "fit-"+file+".png"), w.Canvas().Capture())
	}
}
