package villager

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/ui/kit"
)

// A long topic is read from the store a chunk at a time and paged a page
// of cards at a time: paging reaches every notice exactly once, the next
// chunk is read only as the pages reach it, only the page on show is
// built, and the heights measured with the reused probe card are those
// of the cards built.
func TestLongListBuildsOnlyThePageOnShow(t *testing.T) {
	const n = 150 // and the demo's 3: past the first chunk and the second
	st := demoWith(t, n, func(i int) (string, string) {
		// titles of one to three lines, some with a badge: the probe must
		// measure each shape as a fresh card would
		title := fmt.Sprintf("东湾村第%d号测试公告", i)
		title += strings.Repeat("关于集体土地征收补偿安置", i%4)
		return title, map[int]string{0: "urgent", 1: "pinned"}[i%7]
	})

	for _, size := range []fyne.Size{portrait, landscape} {
		k := newScreens(t, st, size, Options{}, nil)
		test.Tap(k.tile(t, "土地征收"))
		list := k.views[screenList].(*listView)
		p := list.pager
		if len(list.items) != listChunk || list.total != n+3 || !p.More || list.count.Text != "共 153 条" {
			t.Fatalf("%v: opened with %d of %d notices read (more %v, %q), want the first %d of %d", size, len(list.items), list.total, p.More, list.count.Text, listChunk, n+3)
		}
		seen := map[string]int{}
		for page := 0; ; page++ {
			k.setPage(page)
			if p.Cur != page {
				break // the last page was the one before
			}
			// read as the pages reach it: never more than a chunk past
			// the page after the one on show
			next := p.Layout[min(page+1, len(p.Layout)-1)]
			if reach := next[len(next)-1] + 1; len(list.items) > reach+listChunk {
				t.Errorf("%v page %d: %d notices read, the next page reaches %d", size, page+1, len(list.items), reach)
			}
			if got, want := len(p.Built), len(p.Layout[p.Cur]); got != want {
				t.Errorf("%v page %d: %d cards built, want the %d on show", size, page+1, got, want)
			}
			for _, i := range p.Layout[p.Cur] {
				c := p.Object(i).(*kit.TapCard)
				if !c.Visible() {
					t.Errorf("%v page %d: card %d hidden", size, page+1, i)
				}
				if got, want := c.MinSize().Height, p.LazyH[i]; got != want {
					t.Errorf("%v: card %q is %g high, measured %g", size, textOf(c), got, want)
				}
				seen[strings.SplitN(textOf(c), "\n", 2)[0]]++
			}
		}
		if len(seen) != n+3 {
			t.Errorf("%v: paging showed %d distinct notices, want %d", size, len(seen), n+3)
		}
		for title, times := range seen {
			if times != 1 {
				t.Errorf("%v: %q shown %d times", size, title, times)
			}
		}
	}
}

// A list kept across a change of 字号 (the topic is not read again) is
// measured again at the new size: its cards fit their places.
func TestListRemeasuredAtAnotherTextSize(t *testing.T) {
	st := demoWith(t, 100, func(i int) (string, string) { return fmt.Sprintf("东湾村第%d号测试公告", i), "" })
	k := newScreens(t, st, portrait, Options{}, nil)
	test.Tap(k.tile(t, "土地征收"))
	k.setPage(3)
	p := k.views[screenList].(*listView).pager
	for _, step := range []int{2, 0, 1} {
		k.setStep(step)
		settle(k.w.Content())
		for _, i := range p.Layout[p.Cur] {
			c := p.Object(i).(*kit.TapCard)
			if got, want := c.MinSize().Height, p.LazyH[i]; got != want {
				t.Fatalf("字号 %d: card %q is %g high, measured %g", step, strings.SplitN(textOf(c), "\n", 2)[0], got, want)
			}
		}
	}
}
