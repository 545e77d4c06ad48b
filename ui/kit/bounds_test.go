package kit

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2/test"

	"gongkai/markdown"
	"gongkai/sync/synctest"
)

// The work of laying out one notice is bounded whatever its body: no
// block holds more than hardLimit characters, a table at most
// MaxTableColumns cells, a notice at most maxBlocks blocks, and a cut
// notice says so on the screen.
func TestMarkdownBlocksAreBounded(t *testing.T) {
	test.NewTempApp(t)
	for _, it := range synctest.Hostile() {
		body := it.Body
		t.Run(it.ID, func(t *testing.T) {
			blocks := MarkdownBlocks(body)
			if len(blocks) == 0 || len(blocks) > MaxBlocks+1 {
				t.Fatalf("%d blocks", len(blocks))
			}
			total := 0
			for i, b := range blocks {
				n := blockRunes(b)
				total += n
				if n > hardLimit(ParaLimit)+2 { // a marker or an ellipsis
					t.Errorf("block %d holds %d characters, over %d", i, n, hardLimit(ParaLimit))
				}
				if tr, ok := b.Obj.(*TableRow); ok && len(tr.Cells) > markdown.MaxTableColumns {
					t.Errorf("a table row of %d cells", len(tr.Cells))
				}
			}
			if total > markdown.MaxBody+utf8.RuneCountInString(cutNote)+markdown.MaxTableColumns*markdown.MaxCell {
				t.Errorf("%d characters laid out, over the %d a notice may have", total, markdown.MaxBody)
			}
			if utf8.RuneCountInString(body) > markdown.MaxBody && !strings.Contains(BlockText(blocks[len(blocks)-1]), "正文过长") {
				t.Errorf("a cut notice does not say so: last block %q", BlockText(blocks[len(blocks)-1]))
			}
		})
	}
	// An ordinary body is not touched.
	blocks := MarkdownBlocks("第一段。\n\n| 科目 | 金额 |\n|---|---|\n| 道路 | 1 |\n")
	for _, b := range blocks {
		if strings.Contains(BlockText(b), "正文过长") {
			t.Errorf("an ordinary body was cut")
		}
	}
}

func TestShownTitle(t *testing.T) {
	long := strings.Repeat("题", 100_000)
	got := ShownTitle(long)
	if n := utf8.RuneCountInString(got); n != markdown.MaxTitle+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("a 100,000-character title is shown as %d characters", n)
	}
	if got := ShownTitle("东湾村\x1b[2J公告\n第二行"); got != "东湾村 [2J公告 第二行" {
		t.Errorf("shownTitle kept control characters: %q", got)
	}
	if got := ShownTitle("东湾村三组土地征收公告"); got != "东湾村三组土地征收公告" {
		t.Errorf("an ordinary title changed: %q", got)
	}
}

func blockRunes(b Block) int { return utf8.RuneCountInString(BlockText(b)) }
