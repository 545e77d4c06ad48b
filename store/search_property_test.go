package store

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
)

// TestSearchMatchesBruteForce applies random sequences of publications —
// new notices, edits, withdrawals, removals, expiry, time moving on — and
// after each compares every answer of the index with a brute-force scan of
// the visible notices' text (matchAll, the definition of a match): the
// same hits in the same order, the same total, the same pages.
func TestSearchMatchesBruteForce(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { bruteForceRun(t, seed) })
	}
	// As a large Apply does it: terms worked out a few items at a time,
	// posting edits written many times in one transaction.
	t.Run("in parts", func(t *testing.T) {
		defer func(b, f int) { termBatch, flushMarks = b, f }(termBatch, flushMarks)
		termBatch, flushMarks = 3, 500
		bruteForceRun(t, 4)
	})
}

var (
	propWords = []string{"土地征收", "补偿", "养老服务", "征兵", "镇社区", "事务", "老年人", "体检", "者食", "义务教育", "入学", "西安路", "现场", "村民", "委员会", "公告", "通知", "土地", "地征", "金泽镇", "东湾村"}
	propLatin = []string{"PDF", "Village", "finance", "2026", "17号", "021-59290000", "abcdefghijk"}
	propPlace = []string{"all", "310118901", village, otherVillage}
)

func propItem(r *rand.Rand, id string, now time.Time) feed.Item {
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	text := func(n int) string {
		var b strings.Builder
		for range n {
			if r.IntN(5) == 0 {
				b.WriteString(" " + pick(propLatin) + " ")
			} else {
				b.WriteString(pick(propWords))
			}
			if r.IntN(4) == 0 {
				b.WriteString("，")
			}
		}
		return b.String()
	}
	day := func(d int) feed.Date { return feed.Date(now.AddDate(0, 0, d).Format(time.DateOnly)) }
	it := item(id, func(it *feed.Item) {
		it.Title = text(1 + r.IntN(3))
		if r.IntN(8) == 0 {
			it.Title = text(12 + r.IntN(12)) // past the title's positional pairs
		}
		it.Body = text(r.IntN(12))
		it.Category = testCategories[r.IntN(len(testCategories))].ID
		it.Agency = pick([]string{"金泽镇人民政府", "金泽镇社区事务受理服务中心", "村民委员会"})
		it.Published = day(-r.IntN(40))
		it.Locations = []string{pick(propPlace)}
		if r.IntN(3) == 0 {
			it.DocNo = fmt.Sprintf("沪青金府〔2026〕%d号", r.IntN(30))
		}
		switch r.IntN(4) {
		case 0:
			it.ValidFrom = day(-r.IntN(10) + 3)
		case 1:
			it.ValidUntil = day(r.IntN(10) - 3)
		}
		it.Priority = propPriority(r)
		it.Normative = r.IntN(4) == 0
	})
	return it
}

// propPriority: mostly normal, some urgent, some pinned.
func propPriority(r *rand.Rand) string {
	return []string{"", "", "", "", feed.PriorityNormal, feed.PriorityUrgent, feed.PriorityPinned}[r.IntN(7)]
}

// propQuery is a query a villager might type for the given texts: a piece
// of Chinese, its pinyin or initials, a Latin word, or two of those.
func propQuery(r *rand.Rand, texts []string) string {
	loadPinyin()
	one := func() string {
		txt := []rune(texts[r.IntN(len(texts))])
		var han []rune
		for _, c := range txt {
			if isHan(c) {
				han = append(han, c)
			}
		}
		if len(han) == 0 || r.IntN(6) == 0 {
			w := propLatin[r.IntN(len(propLatin))]
			if r.IntN(2) == 0 && len(w) > 2 {
				w = w[:1+r.IntN(len(w)-1)]
			}
			return w
		}
		i := r.IntN(len(han))
		n := min(1+r.IntN(4), len(han)-i)
		piece := han[i : i+n]
		switch r.IntN(4) {
		case 0:
			var b strings.Builder
			for _, c := range piece {
				b.WriteByte(initialOf(c))
			}
			return b.String()
		case 1:
			var b []string
			for _, c := range piece {
				if s := syllableOf(c); s != 0 {
					b = append(b, pySyllables[s])
				}
			}
			sep := ""
			if r.IntN(3) == 0 {
				sep = " "
			}
			return strings.Join(b, sep)
		default:
			return string(piece)
		}
	}
	q := one()
	if r.IntN(4) == 0 {
		q += " " + one()
	}
	return q
}

func bruteForceRun(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 99))
	s, _ := openTemp(t)
	p := newPublisher(t)
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, shanghai)
	items := map[string]feed.Item{}
	next := 0
	for step := range 25 {
		now := base.AddDate(0, 0, step/3)
		// change the feed
		for range 1 + r.IntN(8) {
			ids := sortedKeys(items)
			switch op := r.IntN(10); {
			case op < 4 || len(ids) == 0: // publish
				id := fmt.Sprintf("n-%03d", next)
				next++
				items[id] = propItem(r, id, now)
			case op < 6: // update
				id := ids[r.IntN(len(ids))]
				it := propItem(r, id, now)
				switch r.IntN(3) {
				case 0:
					it.Title = items[id].Title // a body edit only
				case 1:
					it = items[id] // a change of priority only
					it.Priority = propPriority(r)
				}
				items[id] = it
			case op < 7: // withdraw
				id := ids[r.IntN(len(ids))]
				it := items[id]
				it.Withdrawn = "内容有误"
				items[id] = it
			case op < 8: // remove
				delete(items, ids[r.IntN(len(ids))])
			default: // expire
				id := ids[r.IntN(len(ids))]
				it := items[id]
				it.ValidFrom, it.ValidUntil = "", feed.Date(now.AddDate(0, 0, -1).Format(time.DateOnly))
				items[id] = it
			}
		}
		list := make([]feed.Item, 0, len(items))
		for _, id := range sortedKeys(items) {
			list = append(list, items[id])
		}
		mustApply(t, s, p.next(t, list))
		var texts []string
		for _, it := range list {
			texts = append(texts, it.Title, it.Body, it.Agency)
		}
		for _, c := range testCategories {
			texts = append(texts, c.Name)
		}
		// the next boundary, from the index's validity sets, is the
		// records' nearest valid_from or valid_until end ahead
		wantNext := int64(math.MaxInt64)
		for _, it := range list {
			sum := summaryOf(&it)
			from, until, ok := validity(&sum, shanghai)
			for _, b := range []int64{from, until} {
				if ok && it.Withdrawn == "" && b > now.Unix() && b < wantNext && b != math.MinInt64 {
					wantNext = b
				}
			}
		}
		if next, ok, err := s.NextChange(now); err != nil || ok != (wantNext != math.MaxInt64) || ok && next.Unix() != wantNext {
			t.Fatalf("step %d, NextChange = %s %v (%v), want %s", step, next, ok, err, time.Unix(wantNext, 0))
		}
		// the counts per topic, from the index's sets, are a count of
		// what IsVisible shows
		for _, loc := range propPlace[1:] {
			want := map[string]int{}
			for _, it := range list {
				if sum := summaryOf(&it); IsVisible(&sum, loc, now, shanghai) {
					want[it.Category]++
				}
			}
			if got, err := s.Counts(loc, now); err != nil || !maps.Equal(got, want) {
				t.Fatalf("step %d, counts at %s = %v (%v), want %v", step, loc, got, err, want)
			}
			var wantTally Tally
			for _, it := range list {
				if sum := summaryOf(&it); IsVisible(&sum, loc, now, shanghai) {
					wantTally.Total++
					switch sum.Priority {
					case feed.PriorityUrgent:
						wantTally.Urgent++
					case feed.PriorityPinned:
						wantTally.Pinned++
					}
				}
			}
			if got, err := s.Tally(loc, now); err != nil || got != wantTally {
				t.Fatalf("step %d, tally at %s = %+v (%v), want %+v", step, loc, got, err, wantTally)
			}
			// the home's urgent and pinned notices, from the priority
			// sets: the visible ones of those priorities, urgent first
			var wantImp []string
			for _, it := range list {
				if sum := summaryOf(&it); IsVisible(&sum, loc, now, shanghai) && UrgentFirst(sum.Priority) < 2 {
					wantImp = append(wantImp, it.ID)
				}
			}
			slices.SortFunc(wantImp, func(a, b string) int {
				x, y := items[a], items[b]
				return cmp.Or(cmp.Compare(UrgentFirst(x.Priority), UrgentFirst(y.Priority)),
					cmp.Compare(y.Published, x.Published), cmp.Compare(a, b))
			})
			if got, n, err := s.Important(loc, now, 0); err != nil || n != len(wantImp) || !slices.Equal(summaryIDs(got), wantImp) {
				t.Fatalf("step %d, important at %s = %d %v (%v), want %v", step, loc, n, summaryIDs(got), err, wantImp)
			}
			// the home's first few, and the true count
			if lim := 1 + r.IntN(3); true {
				got, n, err := s.Important(loc, now, lim)
				if want := wantImp[:min(lim, len(wantImp))]; err != nil || n != len(wantImp) || !slices.Equal(summaryIDs(got), want) {
					t.Fatalf("step %d, important at %s, %d of them = %d %v (%v), want %d %v", step, loc, lim, n, summaryIDs(got), err, len(wantImp), want)
				}
			}
			// a topic's pages, from the sets, are Visible's list (the
			// normative documents first where the topic lists them apart)
			for _, cat := range []string{"", testCategories[r.IntN(len(testCategories))].ID} {
				vis, err := s.Visible(loc, cat, now)
				if err != nil {
					t.Fatal(err)
				}
				if cat == "" {
					// the display's rotation: Visible's, urgent first
					want := slices.Clone(vis)
					slices.SortStableFunc(want, func(a, b Summary) int { return UrgentFirst(a.Priority) - UrgentFirst(b.Priority) })
					refs, err := s.VisibleRefs(loc, now)
					if err != nil || len(refs) != len(want) {
						t.Fatalf("step %d, visible refs at %s: %d (%v), want %d", step, loc, len(refs), err, len(want))
					}
					for i, r := range refs {
						if r.ID != want[i].ID || UrgentFirst(r.Priority) != UrgentFirst(want[i].Priority) {
							t.Fatalf("step %d, visible refs at %s: %d is %+v, want %s %q", step, loc, i, r, want[i].ID, want[i].Priority)
						}
					}
					ids, err := s.VisibleIDs(loc, now)
					slices.Sort(ids)
					if want := slices.Sorted(slices.Values(summaryIDs(vis))); err != nil || !slices.Equal(ids, want) {
						t.Fatalf("step %d, visible ids at %s = %v (%v), want %v", step, loc, ids, err, want)
					}
				}
				for _, normFirst := range []bool{false, true} {
					want := summaryIDs(vis)
					if normFirst {
						want = nil
						for _, first := range []bool{true, false} {
							for _, v := range vis {
								if v.Normative == first {
									want = append(want, v.ID)
								}
							}
						}
					}
					all, n, err := s.ListPage(loc, cat, now, normFirst, 0, 0)
					if err != nil || n != len(want) || !slices.Equal(summaryIDs(all), want) {
						t.Fatalf("step %d, list %q at %s (normative first %v) = %d %v (%v), want %v", step, cat, loc, normFirst, n, summaryIDs(all), err, want)
					}
					off := r.IntN(len(want) + 1)
					page, n, err := s.ListPage(loc, cat, now, normFirst, off, 3)
					if end := min(off+3, len(want)); err != nil || n != len(want) || !slices.Equal(summaryIDs(page), want[off:end]) {
						t.Fatalf("step %d, list %q page at %d = %d %v (%v), want %v", step, cat, off, n, summaryIDs(page), err, want[off:end])
					}
				}
			}
		}
		for range 30 {
			q := propQuery(r, texts)
			loc := propPlace[1+r.IntN(len(propPlace)-1)]
			want := bruteForce(q, list, loc, now)
			got, err := s.Search(q, loc, now, 0)
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.SearchCount(q, loc, now)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want) || !slices.Equal(hitIDs(got), hitIDs(want)) {
				t.Fatalf("step %d, %q at %s: index %d %v, brute force %d %v", step, q, loc, n, hitIDs(got), len(want), hitIDs(want))
			}
			if found, err := s.Find(q, loc, now); err != nil || !slices.Equal(summaryIDs(found), hitIDs(want)) {
				t.Fatalf("step %d, %q: Find = %v (%v), want %v", step, q, summaryIDs(found), err, hitIDs(want))
			}
			for i, h := range got {
				if h.InTitle != want[i].InTitle || !slices.Equal(h.Match, want[i].Match) {
					t.Fatalf("step %d, %q: hit %s: InTitle %v Match %q, want %v %q", step, q, h.ID, h.InTitle, h.Match, want[i].InTitle, want[i].Match)
				}
			}
			// pages of 3 are the same hits
			if off := r.IntN(len(want) + 1); true {
				page, err := s.SearchPage(q, loc, now, off, 3)
				if err != nil {
					t.Fatal(err)
				}
				end := min(off+3, len(want))
				if !slices.Equal(hitIDs(page), hitIDs(want[off:end])) {
					t.Fatalf("step %d, %q: page at %d = %v, want %v", step, q, off, hitIDs(page), hitIDs(want[off:end]))
				}
			}
		}
	}
	if problems, err := s.Check(); err != nil || len(problems) > 0 {
		t.Fatalf("Check after the run: %v %q", err, problems)
	}
}

// bruteForce reads every notice: visible ones that match, ranked.
func bruteForce(q string, items []feed.Item, location string, now time.Time) []Hit {
	terms := parseQuery(q)
	if len(terms) == 0 {
		return nil
	}
	words := map[[2]rune]bool{}
	pairs := func(s string) {
		rs := []rune(foldString(s))
		for i := 1; i < len(rs); i++ {
			if isHan(rs[i-1]) && isHan(rs[i]) {
				words[[2]rune{rs[i-1], rs[i]}] = true
			}
		}
	}
	topics := map[string]field{}
	for _, c := range testCategories {
		pairs(c.Name)
		f := newField(c.Name)
		f.topic = true
		topics[c.ID] = f
	}
	vocab := func(a, b rune) bool { return words[[2]rune{a, b}] }
	type ranked struct {
		Hit
		tier int
	}
	var out []ranked
	for _, it := range items {
		sum := summaryOf(&it)
		if !IsVisible(&sum, location, now, shanghai) {
			continue
		}
		d := newDocText(&it)
		title, rest := newField(d.Title), newField(d.Rest)
		var topic *field
		if f, ok := topics[it.Category]; ok {
			topic = &f
		}
		if m, tier, inTitle, ok := matchAll(terms, title, topic, &rest, vocab, true); ok {
			out = append(out, ranked{Hit{Summary: sum, InTitle: inTitle, Match: m}, tier})
		}
	}
	slices.SortFunc(out, func(a, b ranked) int {
		if c := cmp.Compare(a.tier, b.tier); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Published, a.Published); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	hits := make([]Hit, len(out))
	for i, r := range out {
		hits[i] = r.Hit
	}
	return hits
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
