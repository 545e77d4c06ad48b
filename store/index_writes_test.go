package store

import (
	"bytes"
	"testing"

	"gongkai/feed"
)

// Apply touches the index only where an item changed: a re-sync of an
// unchanged feed writes no posting list, an edited notice rewrites only
// the lists its edit changes, and a withdrawn one only its own.
func TestApplyWritesOnlyChangedPostings(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	items := []feed.Item{
		item("a", func(it *feed.Item) { it.Title = "养老服务补贴发放公示" }),
		item("b", func(it *feed.Item) { it.Title = "土地征收补偿方案"; it.Body = "征收范围见附图。" }),
		item("c", func(it *feed.Item) { it.Title = "义务教育入学登记" }),
	}
	mustApply(t, s, p.next(t, items))
	var written [][]byte
	onPostingWrite = func(k []byte) { written = append(written, bytes.Clone(k)) }
	t.Cleanup(func() { onPostingWrite = nil })

	mustApply(t, s, p.next(t, items))
	if len(written) != 0 {
		t.Fatalf("an unchanged re-sync wrote %d posting chunks, e.g. %q", len(written), written[0])
	}

	// b's body gains a sentence: only terms of that sentence change
	oldB := items[1]
	items[1].Body = "征收范围见附图。联系电话 021-59290000。"
	mustApply(t, s, p.next(t, items))
	changed := termDiff(oldB, items[1])
	if len(written) == 0 {
		t.Fatal("an edited notice wrote no posting chunk")
	}
	for _, k := range written {
		term, _, _ := splitChunkKey(k)
		if !changed[string(term)] {
			t.Errorf("the edit of b rewrote %q, a list its edit does not change", term)
		}
	}

	// c withdrawn: only c's own lists
	written = nil
	oldC := items[2]
	items[2].Withdrawn = "内容有误"
	mustApply(t, s, p.next(t, items))
	own := termDiff(oldC, feed.Item{})
	for _, k := range written {
		term, _, _ := splitChunkKey(k)
		if !own[string(term)] {
			t.Errorf("withdrawing c rewrote %q, not one of its lists", term)
		}
	}
	if len(written) == 0 {
		t.Error("withdrawing c wrote nothing")
	}
}

// termDiff is the set of term keys in exactly one of the two items' terms
// (an empty item: none).
func termDiff(a, b feed.Item) map[string]bool {
	keys := func(it feed.Item) map[string]bool {
		out := map[string]bool{}
		if it.ID == "" {
			return out
		}
		d := newDocText(&it)
		sum := summaryOf(&it)
		t := termsOf(&d, &sum)
		for _, h := range t.han {
			out[string(termKeyOf(h))] = true
		}
		for _, r := range t.tri {
			out[string(trigramKey(r))] = true
		}
		for _, s := range t.strs {
			out[s] = true
		}
		return out
	}
	ka, kb := keys(a), keys(b)
	out := map[string]bool{}
	for k := range ka {
		if !kb[k] {
			out[k] = true
		}
	}
	for k := range kb {
		if !ka[k] {
			out[k] = true
		}
	}
	return out
}
