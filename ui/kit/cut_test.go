package kit

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

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
	c := newLineCut(runs, theme.SizeNameText)
	for k := 0; k <= len(c.runes); k++ {
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
		lc := newLineCut([]Run{{Text: c.text}}, theme.SizeNameText)
		if got := lc.lineStart(c.k); got != c.want {
			t.Errorf("%q at %d: cut at %d, want %d", c.text, c.k, got, c.want)
		}
	}
}

// cutToFit gives the head as many whole lines as the room holds, and
// does not cut a paragraph that fits, nor one whose first two lines do
// not.
func TestCutToFit(t *testing.T) {
	test.NewTempApp(t)
	para := strings.Repeat("为迎接重阳节，镇社区卫生服务中心为本镇老年人提供免费健康体检。", 8)
	block := func() Block {
		rs := []Run{{Text: para}}
		return Block{Obj: Rich(RunSegs(rs, theme.SizeNameText)...), cut: newLineCut(rs, theme.SizeNameText)}
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
