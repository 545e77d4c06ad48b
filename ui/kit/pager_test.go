package kit

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// lazyBlocks are n lazy blocks of height h, counting their measures.
func lazyBlocks(n int, h float32, measured *int) []Block {
	blocks := make([]Block, n)
	for i := range blocks {
		blocks[i] = LazyBlock(func() fyne.CanvasObject {
			r := canvas.NewRectangle(nil)
			r.SetMinSize(fyne.NewSize(10, h))
			return r
		}, func(float32) float32 { *measured++; return h }, 10)
	}
	return blocks
}

// A long list of lazy blocks is paged only as far as the page after the
// one on show, so opening a topic of 100,000 notices measures a few
// cards, not all of them; its page count is then not told (-1), and
// turning on pages on as far again. A short list is paged whole.
func TestPagerPagesALongListAsItIsRead(t *testing.T) {
	test.NewTempApp(t)
	var reported [][2]int
	p := NewPager(func(page, total int) { reported = append(reported, [2]int{page, total}) })
	measured := 0
	p.SetBlocks(lazyBlocks(100_000, 90, &measured))
	p.Resize(fyne.NewSize(600, 500)) // 5 blocks a page (90 + 10 gap)
	if measured > 20 || !p.Open || len(p.Layout) != 2 {
		t.Fatalf("measured %d of 100,000, open %v, %d pages laid out", measured, p.Open, len(p.Layout))
	}
	if last := reported[len(reported)-1]; last != [2]int{0, -1} {
		t.Fatalf("reported %v, want page 0 of an unknown count", last)
	}
	p.SetPage(40)
	if measured > 300 || !p.Open || p.Cur != 40 || p.TopBlock() != 200 {
		t.Fatalf("at page 40: measured %d, open %v, page %d, top block %d", measured, p.Open, p.Cur, p.TopBlock())
	}
	if p.Object(200) == nil || p.Object(0) != nil {
		t.Fatal("page 40's blocks are not built, or page 0's still are")
	}

	measured = 0
	p.SetBlocks(lazyBlocks(measureAhead, 90, &measured))
	p.SetPage(0)
	if p.Open || measured != measureAhead || len(p.Layout) != measureAhead/5 {
		t.Fatalf("a short list: open %v, measured %d, %d pages", p.Open, measured, len(p.Layout))
	}
	if last := reported[len(reported)-1]; last != [2]int{0, measureAhead / 5} {
		t.Fatalf("reported %v for a short list", last)
	}
	// the last page of a long list: paged to the end, counted
	measured = 0
	p.SetBlocks(lazyBlocks(measureAhead+7, 90, &measured))
	p.SetPage(1000)
	if p.Open || p.Cur != (measureAhead+7-1)/5 {
		t.Fatalf("paging to the end: open %v, page %d", p.Open, p.Cur)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 41886: "41,886", 139949: "139,949", 1000000: "1,000,000"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
