package kit

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// A display slide's first page has the notice's heading and facts on top
// (Pager.SetFirst), and paginate starts the body on the next page when its
// first paragraph is taller than the room left under them: a passer-by
// then saw the heading over an empty half screen for a whole dwell (a
// title of 90 characters over a paragraph of 200 did it). So the pager
// cuts that paragraph between two of its lines: the first page holds the
// lines that fit, the next page goes on with the rest.

// lineCut is what a paragraph piece (or a list item's) needs to be cut:
// its runs and how the piece draws runs (mdRender.paragraph sets it on
// every piece; the rest is worked out only for the one cut).
type lineCut struct {
	runs  []Run
	piece func(runs []Run, head bool) fyne.CanvasObject // head: the part before a cut, or the piece whole
}

func newLineCut(runs []Run, piece func(runs []Run, head bool) fyne.CanvasObject) *lineCut {
	return &lineCut{runs: runs, piece: piece}
}

// text is the runs' characters, joined.
func (c *lineCut) text() []rune {
	var b strings.Builder
	for _, r := range c.runs {
		b.WriteString(r.Text)
	}
	return []rune(b.String())
}

// at splits the runs after their first k characters.
func (c *lineCut) at(k int) (head, tail []Run) {
	for i, r := range c.runs {
		n := utf8.RuneCountInString(r.Text)
		if k >= n {
			head = append(head, r)
			k -= n
			continue
		}
		if k > 0 {
			rs := []rune(r.Text)
			head = append(head, Run{Text: string(rs[:k]), strong: r.strong})
			r.Text = string(rs[k:])
		}
		return head, append(append(tail, r), c.runs[i+1:]...)
	}
	return head, nil
}

// lineStart moves a cut at k in rs back to where the paragraph's own
// wrap may start a line (breakable): not before closing punctuation (，。）
// belong to the line they end), not inside a Latin word or a number. It
// gives k itself when no such place is near (a token longer than a line,
// which Fyne breaks anywhere too).
func lineStart(rs []rune, k int) int {
	for j := k; j > 0 && j < len(rs) && k-j <= 24; j-- {
		if breakBetween(rs[j-1], rs[j]) || unicode.IsSpace(rs[j-1]) {
			return j
		}
	}
	return k
}

// cutToFit is b cut so that its head is as many whole lines as fit in room
// at width w, and the rest: ok is false when b cannot be cut, fits whole,
// or room holds less than two of its lines (a lone line reads worse than
// an empty space).
func cutToFit(b Block, w, room float32) (head, tail Block, ok bool) {
	c := b.cut
	if c == nil || b.Obj == nil || runeCount(c.runs) < 2 || Measure(b.Obj, w) <= room {
		return head, tail, false
	}
	height := func(k int) float32 {
		h, _ := c.at(k)
		return Height(c.piece(h, true), w)
	}
	line := height(1) // one line, with the text's padding
	if room < line {
		return head, tail, false
	}
	// the most characters whose lines fit: heights grow with k
	rs := c.text()
	lo, hi := 1, len(rs)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if height(mid) <= room {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	k := lineStart(rs, lo)
	if height(k) <= line {
		return head, tail, false
	}
	h, t := c.at(k)
	head = Block{Obj: c.piece(h, true), Gap: b.Gap}
	tail = Block{Obj: c.piece(t, false), Gap: gapContinuation}
	return head, tail, true
}

// firstCut is what the pager pages at width w and height h: the blocks
// given, with the block the first page must start with cut to the room
// under the lead when that page would otherwise hold nothing of the body.
// Kept until the width, the height, the lead, the text size or the
// blocks change, so a page turn cuts nothing again.
type firstCut struct {
	w, h, lead, foot, text float32
	given                  []Block
	blocks                 []Block
}

func (p *Pager) cutFirst(w, h float32) []Block {
	given := p.given
	if p.lead+p.foot <= 0 || len(given) == 0 {
		return given
	}
	fc, key := &p.firstCut, firstCut{w: w, h: h, lead: p.lead, foot: p.foot, text: theme.TextSize(), given: given}
	if fc.w == key.w && fc.h == key.h && fc.lead == key.lead && fc.foot == key.foot && fc.text == key.text && sameBlocks(fc.given, given) {
		return fc.blocks
	}
	*fc = key
	fc.blocks = given
	// headings that must stand with what follows them come first
	room := h - p.lead - p.foot
	i := 0
	for ; i < len(given) && given[i].KeepWithNext && given[i].Obj != nil; i++ {
		if i > 0 {
			room -= given[i].Gap
		}
		room -= Measure(given[i].Obj, w)
	}
	if i == len(given) {
		return given
	}
	if i > 0 {
		room -= given[i].Gap
	}
	head, tail, ok := cutToFit(given[i], w, room)
	if !ok {
		return given
	}
	head.Obj.Hide() // shown by Layout when on the page on show
	tail.Obj.Hide()
	blocks := slices.Concat(given[:i], []Block{head, tail}, given[i+1:])
	fc.blocks = blocks
	return blocks
}

// sameBlocks reports whether a and b are the same slice of blocks.
func sameBlocks(a, b []Block) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
