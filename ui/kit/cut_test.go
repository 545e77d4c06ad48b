package kit

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// plain draws runs as a plain paragraph does.
func plain(runs []Run, _ bool) fyne.CanvasObject { return Rich(RunSegs(runs, theme.SizeNameText)...) }

func runsText(rs []Run) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text)
	}
	return b.String()
}

// A cut keeps every character once, and each run's emphasis.
func TestLineCutAt(t *testing.T) {
	runs := []Run{{Text: "体检时间"}, {Text: "十月十二日", strong: true}, {Text: "至月底。"}}
	c := newLineCut(runs, plain)
	for k := 0; k <= len(c.text()); k++ {
		head, tail := c.at(k)
		if got := runsText(head) + runsText(tail); got != "体检时间十月十二日至月底。" {
			t.Fatalf("cut at %d: %q + %q", k, runsText(head), runsText(tail))
		}
		if n := len([]rune(runsText(head))); n != k {
			t.Errorf("cut at %d: a head of %d characters", k, n)
		}
	}
	head, tail := c.at(6)
	if len(head) != 2 || !head[1].strong || head[1].Text != "十月" || len(tail) != 2 || !tail[0].strong || tail[0].Text != "十二日" {
		t.Errorf("cut inside the strong run: %+v | %+v", head, tail)
	}
}

// A line does not start with closing punctuation, nor inside a Latin
// word or number; where no such place is near, the cut stays.
func TestLineCutStartsALine(t *testing.T) {
	for _, c := range []struct {
		text string
		k    int
		want int
	}{
		{"体检时间为十月，各村卫生室", 7, 6},           // "，" stays with 十月: cut before 月
		{"请携带身份证）。再说", 6, 5},              // nor "）。": cut before 证
		{"电话 021-58881234 咨询", 8, 3},      // inside a number: before it
		{"电话 Gongkai 咨询", 6, 3},           // inside a word
		{"体检时间为十月十二日", 4, 4},              // between two Han characters: as it is
		{strings.Repeat("a", 40), 30, 30}, // a word longer than a line: cut inside it
	} {
		if got := lineStart([]rune(c.text), c.k); got != c.want {
			t.Errorf("%q at %d: cut at %d, want %d", c.text, c.k, got, c.want)
		}
	}
}

// cutToFit gives the head as many whole lines as the room holds, and
// does not cut a paragraph that fits, nor one whose first two lines do
// not.
func TestCutToFit(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme(0)) // the shipped font: the same widths on every system
	para := strings.Repeat("为迎接重阳节，镇社区卫生服务中心为本镇老年人提供免费健康体检。", 8)
	block := func() Block {
		rs := []Run{{Text: para}}
		return Block{Obj: plain(rs, true), cut: newLineCut(rs, plain)}
	}
	const w = 400
	one := Height(Rich(Seg("为", theme.SizeNameText, theme.ColorNameForeground)), w)
	whole := Measure(block().Obj, w)

	if _, _, ok := cutToFit(block(), w, whole); ok {
		t.Error("a paragraph that fits was cut")
	}
	if _, _, ok := cutToFit(block(), w, one+1); ok {
		t.Error("cut to one lone line")
	}
	if _, _, ok := cutToFit(Block{Obj: widget.NewLabel(para)}, w, whole/2); ok {
		t.Error("a block without a cut was cut")
	}
	room := whole / 2
	head, tail, ok := cutToFit(block(), w, room)
	if !ok {
		t.Fatalf("not cut to %v of %v", room, whole)
	}
	hh := Height(head.Obj, w)
	if hh > room || hh <= one {
		t.Errorf("head of height %v for a room of %v (one line %v)", hh, room, one)
	}
	h, tl := head.Obj.(*widget.RichText), tail.Obj.(*widget.RichText)
	if got := Unbreakable(h.String()) + Unbreakable(tl.String()); got != para {
		t.Errorf("head and tail read %q", got)
	}
	// the head's lines are full: it gives up at most the punctuation
	// that may not start the next line
	hrunes := len([]rune(Unbreakable(h.String())))
	more, _ := block().cut.at(hrunes + 3)
	if Height(Rich(RunSegs(more, theme.SizeNameText)...), w) <= room {
		t.Errorf("the head stops at %d characters, but %d fit", hrunes, hrunes+3)
	}
	if tail.Gap != gapContinuation {
		t.Errorf("the tail's gap is %v, want it to go on as the paragraph (%v)", tail.Gap, gapContinuation)
	}
}

// A list item is cut as a paragraph is: the marker stays with its first
// lines, the rest goes on under them without one.
func TestCutToFitListItem(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme(0)) // the shipped font: the same widths on every system
	item := strings.Repeat("行动不便的老年人可由家属提前向村委会登记，由家庭医生团队上门开展体检服务。", 6)
	blocks := MarkdownBlocks("- " + item + "\n")
	if len(blocks) == 0 || blocks[0].cut == nil {
		t.Fatal("the list item cannot be cut")
	}
	const w = 500
	room := Measure(blocks[0].Obj, w) / 2
	head, tail, ok := cutToFit(blocks[0], w, room)
	if !ok {
		one, _ := blocks[0].cut.at(1)
		t.Fatalf("not cut to %v of %v at width %v (one line %v; %d blocks, the first %q)", room, 2*room, w,
			Height(blocks[0].cut.piece(one, true), w), len(blocks), texts(blocks[0].Obj))
	}
	whole := strings.Replace(texts(blocks[0].Obj), "•", "", 1) // the item's first piece
	h, tl := texts(head.Obj), texts(tail.Obj)
	if !strings.Contains(h, "•") || strings.Contains(tl, "•") {
		t.Errorf("marker: head %q, tail %q", h, tl)
	}
	if got := strings.Replace(h, "•", "", 1) + tl; got != whole || !strings.HasPrefix(item, whole) {
		t.Errorf("head and tail read %q", got)
	}
}

// texts is the rich text under o, joined.
func texts(o fyne.CanvasObject) string {
	switch o := o.(type) {
	case *widget.RichText:
		return Unbreakable(o.String())
	case *fyne.Container:
		var b strings.Builder
		for _, c := range o.Objects {
			b.WriteString(texts(c))
		}
		return b.String()
	}
	return ""
}
