package store

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	bolt "go.etcd.io/bbolt"

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

// postingEdits.write makes each chunk what its marks say, whichever way it
// builds the set: few ordinals one by one, many (denseFrom or more) as
// bits; in chunk 0 and in a later chunk; with repeats, with removals, and
// on top of a stored chunk.
func TestPostingEditsWrite(t *testing.T) {
	tests := []struct {
		name   string
		stored []ordinal // the chunk before the Apply
		adds   []ordinal // marked in this order
		dels   []ordinal
	}{
		{name: "few", adds: []ordinal{3, 3, 9, 70000 - 65536}},
		{name: "few, later chunk", adds: []ordinal{2<<16 + 5, 2<<16 + 5, 2<<16 + 1}},
		{name: "many", adds: spread(0, 3000, 7)},
		{name: "many, later chunk, repeats", adds: append(spread(3<<16, 2000, 3), spread(3<<16, 2000, 3)...)},
		{name: "many, dense enough for a bitmap container", adds: spread(1<<16, 20000, 2)},
		{name: "many onto stored, some removed", stored: spread(1<<16+1, 600, 5), adds: spread(1<<16, 900, 4), dels: []ordinal{1<<16 + 1, 1<<16 + 6}},
		{name: "removals only", stored: []ordinal{4, 8, 12}, dels: []ordinal{8}},
		{name: "all removed", stored: []ordinal{4}, dels: []ordinal{4}},
		{name: "removal from nothing", dels: []ordinal{4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTemp(t)
			term := docTerms{strs: []string{string(setKey(setCategory, "x"))}}
			all := append(append(slices.Clone(tc.stored), tc.adds...), tc.dels...)
			key := chunkKey([]byte(term.strs[0]), uint16(all[0]>>chunkShift))
			err := s.update(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucketPostings)
				if len(tc.stored) > 0 {
					v, err := encodeChunk(roaring.BitmapOf(tc.stored...))
					if err != nil {
						return err
					}
					if err := b.Put(key, v); err != nil {
						return err
					}
				}
				pe := newPostingEdits()
				for _, o := range tc.adds {
					pe.mark(term, o, true)
				}
				for _, o := range tc.dels {
					pe.mark(term, o, false)
				}
				return pe.write(b)
			})
			if err != nil {
				t.Fatal(err)
			}
			want := roaring.BitmapOf(tc.stored...)
			want.Or(roaring.BitmapOf(tc.adds...))
			want.AndNot(roaring.BitmapOf(tc.dels...))
			err = s.view(func(tx *bolt.Tx) error {
				v := tx.Bucket(bucketPostings).Get(key)
				if v == nil {
					if !want.IsEmpty() {
						t.Errorf("no chunk stored, want %d ordinals", want.GetCardinality())
					}
					return nil
				}
				got, err := decodeChunk(v, key)
				if err != nil {
					return err
				}
				if !got.Equals(want) {
					t.Errorf("stored %d ordinals %v…, want %d %v…", got.GetCardinality(), head(got), want.GetCardinality(), head(want))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// spread is n ordinals from first, step apart.
func spread(first ordinal, n, step int) []ordinal {
	out := make([]ordinal, n)
	for i := range out {
		out[i] = first + ordinal(i*step)
	}
	return out
}

func head(bm *roaring.Bitmap) []uint32 {
	l := bm.ToArray()
	return l[:min(5, len(l))]
}

// TestNewItemsNumberedByPublication checks that the new items of an Apply,
// and every item of a rebuild, get ordinals in the order search lists
// them by date: published, then id. A page of hits then reads its ids and
// documents from a few database pages, not one page each.
func TestNewItemsNumberedByPublication(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	dated := func(id, published string) feed.Item {
		return item(id, func(it *feed.Item) { it.Published = feed.Date(published) })
	}
	// in the manifest by id, which is not the order of publication
	items := []feed.Item{
		dated("a", "2026-02-20"), dated("b", "2026-01-05"), dated("c", "2026-02-20"),
		dated("d", "2025-12-31"), item("e", func(it *feed.Item) { it.Withdrawn = "内容有误" }),
		dated("f", "2026-01-05"),
	}
	mustApply(t, s, p.next(t, items))
	byOrdinal := func() []string {
		var out []string
		err := s.view(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketIDs).ForEach(func(_, id []byte) error {
				out = append(out, string(id))
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := []string{"d", "b", "f", "a", "c"}
	if got := byOrdinal(); !slices.Equal(got, want) {
		t.Fatalf("after Apply, ids in ordinal order: %q, want %q", got, want)
	}
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	if got := byOrdinal(); !slices.Equal(got, want) {
		t.Fatalf("after Rebuild, ids in ordinal order: %q, want %q", got, want)
	}
	// new items come after the stored ones, in the same order among themselves
	items = append(items, dated("g", "2026-03-01"), dated("h", "2025-06-01"))
	mustApply(t, s, p.next(t, items))
	want = append(want, "h", "g")
	if got := byOrdinal(); !slices.Equal(got, want) {
		t.Fatalf("after a second Apply, ids in ordinal order: %q, want %q", got, want)
	}
}

// TestMarksFlushRatherThanGrow checks that the marks of an update stay
// in the room grow made for them: when an item's marks would not fit,
// full asks for a flush, where growing would copy the whole list (216 MB
// within a 100,000-notice Apply whose first batch had short notices).
func TestMarksFlushRatherThanGrow(t *testing.T) {
	pe := newPostingEdits()
	pe.grow(8)
	room := cap(pe.adds.chunks)
	three := docTerms{strs: []string{"a", "b", "c"}}
	for o := range ordinal(100) {
		if pe.full(three.len()) {
			break
		}
		pe.mark(three, o, true)
	}
	if n := len(pe.adds.chunks); cap(pe.adds.chunks) != room || n+three.len() <= room {
		t.Fatalf("marks: %d in room for %d, made for %d", n, cap(pe.adds.chunks), room)
	}
}

// byChunk groups marks by chunk, in the order they were marked within a
// chunk, however many parts it cuts them into: against a one-pass
// reference, on marks enough to be cut (and on too few, and none).
func TestByChunk(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, size := range []struct{ items, chunks int }{{0, 1}, {3, 5}, {5000, 3000}, {40000, 70000}} {
		var m marks
		for i := range size.items {
			for range r.IntN(12) { // some items have no marks
				m.chunks = append(m.chunks, int32(r.IntN(size.chunks)))
			}
			m.items = append(m.items, itemEnd{ordinal(i * 7), len(m.chunks)})
		}
		n := int32(size.chunks)
		lows, start := byChunk(m, n)
		want := make([][]uint16, n)
		from := 0
		for _, it := range m.items {
			for _, c := range m.chunks[from:it.end] {
				want[c] = append(want[c], uint16(it.ord))
			}
			from = it.end
		}
		if len(start) != int(n)+1 || int(start[n]) != len(lows) || len(lows) != len(m.chunks) {
			t.Fatalf("%d items: %d starts, %d lows for %d marks", size.items, len(start), len(lows), len(m.chunks))
		}
		for c := range n {
			if got := lows[start[c]:start[c+1]]; !slices.Equal(got, want[c]) {
				t.Fatalf("%d items, chunk %d: %v, want %v", size.items, c, got, want[c])
			}
		}
	}
}
