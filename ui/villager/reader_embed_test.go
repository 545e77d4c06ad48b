package villager

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// A Reader of its own, in a container of the studio's, without a store,
// shows a notice as the villager's reader does: the same first page, the
// same side panel, its own paging; the same notice shown again (an edit)
// keeps its page.
func TestReaderOnItsOwn(t *testing.T) {
	k := newTestScreens(t, portrait)
	if err := k.Open("item:land-2026-017"); err != nil {
		t.Fatal(err)
	}
	villagers := k.views[screenReader].(*readerView)
	want, wantSide := pageContent(villagers.pager), textOf(villagers.side)

	it, err := k.Store.Item("land-2026-017", dongwan, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	env := &kit.Env{Clock: func() time.Time { return demoNow }, Loc: loc, Calendar: k.Calendar}
	r := NewReader(env)
	w := test.NewWindow(container.NewPadded(r.Object()))
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1080-2*kit.BarPadding*2, 1920)) // the width the villager's reader has
	r.Show(it)
	if dir := os.Getenv("GONGKAI_SHOTS"); dir != "" {
		settle(w.Content())
		uitest.WritePNG(t, filepath.Join(dir, "reader-on-its-own.png"), w.Canvas().Capture())
	}
	if got := pageContent(r.v.pager); got != want {
		t.Errorf("page 1 differs from the villager's reader:\n%s\nwant\n%s", got, want)
	}
	if got := textOf(r.v.side); got != wantSide {
		t.Errorf("side panel %q, want %q", got, wantSide)
	}
	if !strings.Contains(pageContent(r.v.pager), "公示期 30 天：11月10日至12月9日，剩余 14 天") {
		t.Errorf("no posting period on page 1:\n%s", pageContent(r.v.pager))
	}
	if r.v.pager.Pages() < 2 {
		t.Fatalf("the long land notice fits on %d page(s)", r.v.pager.Pages())
	}
	test.Tap(r.v.bar.Next)
	if r.v.pager.Page() != 1 {
		t.Fatalf("下一页 went to page %d", r.v.pager.Page())
	}
	edited := *it
	edited.Contact += "（周一至周五）"
	r.Show(&edited)
	if r.v.pager.Page() != 1 || !strings.Contains(textOf(r.v.side), "周一至周五") {
		t.Errorf("an edit went to page %d, side %q", r.v.pager.Page(), textOf(r.v.side))
	}
	// an attachment's card is there, and a tap on it goes nowhere
	test.Tap(cardFor(t, attachmentPager(r), "征收范围示意图"))
}

// attachmentPager is a pager holding the reader's attachment cards, for
// cardFor.
func attachmentPager(r *Reader) *kit.Pager {
	var blocks []kit.Block
	for _, o := range r.v.attach.Objects {
		blocks = append(blocks, kit.Block{Obj: o.(*fyne.Container).Objects[0]})
	}
	return &kit.Pager{Blocks: blocks}
}
