package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// Search answers from the posting lists in the database (index.go), in
// one read transaction, with nothing built at start: the first query of
// a new process costs what any other does.
//
// A query is answered in sets: each term gives the items it matches in
// the title, as a whole word anywhere, and anywhere (match.go says what
// each means); the visible items of the screen are a set too (locations,
// validity dates), so nothing is read of an item that is not shown. The
// three ranks — every term in the title, every term a whole word, the
// rest — are intersections, and their sizes are the true total. Only
// the hits on the page asked for are read, newest first within a rank
// (the published-date sets give the order). A phrase of three or more
// characters or pinyin units is exact in the title by its pairs at
// consecutive positions, and a phrase of three in the rest by its
// triples. Where the lists cannot tell exactly (a longer phrase in the
// rest, a title longer than the positional lists, words longer than the
// indexed prefix), the candidates they give are checked against their text.

// Search finds visible items: Chinese by characters and pairs of them,
// Latin and digits by token prefix, pinyin by syllables and initials,
// topics by category name. Every term of the query must match. Title hits
// first, then whole-word hits, then the rest; newest first within each.
// At most limit hits (0: no limit).
func (s *Store) Search(query, location string, at time.Time, limit int) ([]Hit, error) {
	return s.SearchPage(query, location, at, 0, limit)
}

// SearchPage is Search for the hits from offset on, at most limit (0: all
// of them). It reads only as far as the page needs: the hits after it are
// counted by SearchCount.
func (s *Store) SearchPage(query, location string, at time.Time, offset, limit int) ([]Hit, error) {
	var hits []Hit
	err := s.search(query, location, at, func(r *ranking) (err error) {
		hits, err = r.page(max(0, offset), limit, true)
		return err
	})
	return hits, err
}

// Find lists every hit of Search, best first, without what Search works out
// for highlighting (so without reading the hits' text): what a command
// printing thousands of hits needs.
func (s *Store) Find(query, location string, at time.Time) ([]Summary, error) {
	var out []Summary
	err := s.search(query, location, at, func(r *ranking) (err error) {
		out, err = r.all()
		return err
	})
	return out, err
}

// SearchCount is the number of all hits of Search: "找到 3,412 条".
func (s *Store) SearchCount(query, location string, at time.Time) (int, error) {
	var n int
	err := s.search(query, location, at, func(r *ranking) (err error) {
		n, err = r.count()
		return err
	})
	return n, err
}

// search runs fn on the ranking of query's hits, in one read transaction.
func (s *Store) search(query, location string, at time.Time, fn func(*ranking) error) error {
	terms := parseQuery(query)
	if len(terms) == 0 {
		return nil
	}
	st, _ := s.State()
	day := at.In(s.Location()).Format(time.DateOnly)
	err := s.view(func(tx *bolt.Tx) error {
		q, err := s.newSearcher(tx, terms, st.Categories)
		if err != nil {
			return err
		}
		vis, err := s.visibleSet(q, location, day)
		if err != nil {
			return err
		}
		r, err := q.rank(vis)
		if err != nil {
			return err
		}
		return fn(r)
	})
	if err != nil {
		return fmt.Errorf("store: search %q: %w", query, err)
	}
	return nil
}

// searcher is one query in its read transaction.
type searcher struct {
	tx     *bolt.Tx
	post   *bolt.Cursor
	docs   *bolt.Bucket
	ids    *bolt.Bucket
	terms  []term
	cats   []feed.Category
	topics []field // the category names, as searchable fields
	byCat  map[string]*roaring.Bitmap
	vocabs map[uint64]bool
	pinyin bool // some term has pinyin readings: fields need their initials
}

func (s *Store) newSearcher(tx *bolt.Tx, terms []term, cats []feed.Category) (*searcher, error) {
	post, docs, ids := tx.Bucket(bucketPostings), tx.Bucket(bucketDocs), tx.Bucket(bucketIDs)
	if post == nil || docs == nil || ids == nil {
		return nil, fmt.Errorf("%w: search index is missing", ErrDamaged)
	}
	q := &searcher{tx: tx, post: post.Cursor(), docs: docs, ids: ids, terms: terms, cats: cats,
		byCat: map[string]*roaring.Bitmap{}, vocabs: map[uint64]bool{}}
	for _, t := range terms {
		q.pinyin = q.pinyin || len(t.segs) > 0
	}
	for _, c := range cats {
		f := newField(c.Name)
		f.topic = true
		q.topics = append(q.topics, f)
	}
	return q, nil
}

// read is a term's posting list, empty when it has none.
func (q *searcher) read(term []byte) (*roaring.Bitmap, error) {
	bm, err := readTerm(q.post, term)
	if bm == nil {
		bm = roaring.New()
	}
	return bm, err
}

// either is the union of a term's lists in the title and in the rest.
func (q *searcher) either(key func(field byte) []byte) (*roaring.Bitmap, error) {
	t, err := q.read(key(fieldTitle))
	if err != nil {
		return nil, err
	}
	r, err := q.read(key(fieldRest))
	t.Or(r)
	return t, err
}

// vocab: see vocabulary.
func (q *searcher) vocab(a, b rune) bool {
	k := uint64(a)<<21 | uint64(b)
	if v, ok := q.vocabs[k]; ok {
		return v
	}
	v := false
	pair := string([]rune{a, b})
	for _, t := range q.topics {
		v = v || strings.Contains(t.norm, pair)
	}
	q.vocabs[k] = v
	return v
}

// visibleSet is the set of items shown at location on day (YYYY-MM-DD in
// the feed's time zone): those targeting one of its code prefixes or
// "all", less those that start after day or ended before it. Withdrawn
// items are in no set. It is kept until the next Apply.
func (s *Store) visibleSet(q *searcher, location, day string) (*roaring.Bitmap, error) {
	key := location + "\x00" + day
	s.mu.RLock()
	vc, gen := s.vis, s.gen
	s.mu.RUnlock()
	if vc.key == key && vc.gen == gen && vc.set != nil {
		return vc.set, nil
	}
	// Chunk by chunk, into vis and out of it: unions of the sets first
	// were as many more sets of a million to allocate, and on a new
	// process's heap every page of them is a fault.
	vis := roaring.New()
	for _, p := range prefixes(location) {
		if err := eachChunk(q.post, setKey(setLocation, p), vis.Or); err != nil {
			return nil, err
		}
	}
	// Not yet valid, valid_from after day; expired, valid_until before it:
	// whole months by their sets, the days of day's month by theirs.
	month := day[:min(7, len(day))]
	for _, r := range []struct {
		kind   byte
		lo, hi string
	}{
		{setFromMonth, month + "\x01", ""},
		{setFrom, day + "\x01", month + "\xff"},
		{setUntilMonth, "", month},
		{setUntil, month, day},
	} {
		if err := eachInRange(q.post, r.kind, r.lo, r.hi, vis.AndNot); err != nil {
			return nil, err
		}
	}
	vis.CloneCopyOnWriteContainers() // kept past the transaction (viewChunk)
	s.mu.Lock()
	if s.gen == gen {
		s.vis = visCache{key: key, gen: gen, set: vis}
	}
	s.mu.Unlock()
	return vis, nil
}

// eachInRange calls fn with every chunk of the sets of a kind whose
// value v has lo <= v < hi (hi "" for no bound).
func eachInRange(c *bolt.Cursor, kind byte, lo, hi string, fn func(*roaring.Bitmap)) error {
	pre := setKey(kind, "")
	for k, _ := c.Seek(setKey(kind, lo)); k != nil && bytes.HasPrefix(k, pre); {
		term, _, ok := splitChunkKey(k)
		if !ok {
			return fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, k)
		}
		if hi != "" && string(term[len(pre):]) >= hi {
			break
		}
		term = slices.Clone(term)
		if err := eachChunk(c, term, fn); err != nil {
			return err
		}
		k, _ = c.Seek(append(term, 1))
	}
	return nil
}

// visCache keeps the visible set of the last query's screen and day.
type visCache struct {
	key string
	gen uint64
	set *roaring.Bitmap // read-only once cached
}

// termSets are what the lists say of one term: the items it matches as a
// whole word in the title, as a whole word anywhere, in the title, and
// anywhere; and candidates it may match in the title and anywhere (nil
// when the lists are exact), to be checked against their text.
type termSets struct {
	title, word, titleAny, any *roaring.Bitmap // titleAny and any: see looser
	loose                      bool            // titleAny and any hold more than title and word
	unmerged                   bool            // titleAny and any hold only what they add
	maybeTitle, maybeAny       *roaring.Bitmap
}

// looser is the sets of matches in the title and anywhere, words or not.
// A loose term's are its own matches merged with the stricter sets they
// include: merged once, when first asked for, since a first page filled
// from the first ranks never asks (for a pinyin query at a million
// notices, three unions of sets of 100 KB or more).
func (ts *termSets) looser() (titleAny, any *roaring.Bitmap) {
	if ts.unmerged {
		ts.titleAny.Or(ts.title)
		ts.any.Or(ts.word)
		ts.any.Or(ts.titleAny)
		ts.unmerged = false
	}
	return ts.titleAny, ts.any
}

// maybe adds candidates: in the title, and anywhere. None leaves the
// lists exact: nothing needs its text checked.
func (ts *termSets) maybe(title, any *roaring.Bitmap) {
	switch {
	case title.IsEmpty() && any.IsEmpty():
	case ts.maybeAny == nil:
		// the sets given are the callers' to give (made for this term,
		// not kept): taken, not copied, unless they are one set
		ts.maybeTitle, ts.maybeAny = title, any
		if any == title {
			ts.maybeAny = any.Clone()
		}
	default:
		ts.maybeTitle.Or(title)
		ts.maybeAny.Or(any)
	}
}

func (q *searcher) topicDocs(id string) (*roaring.Bitmap, error) {
	if bm, ok := q.byCat[id]; ok {
		return bm, nil
	}
	bm, err := q.read(setKey(setCategory, id))
	q.byCat[id] = bm
	return bm, err
}

func (q *searcher) evalTerm(t term) (ts termSets, err error) {
	ts = termSets{title: roaring.New(), word: roaring.New(), titleAny: roaring.New(), any: roaring.New()}
	defer func() {
		// No set is changed once made (ranks are picked from them), so
		// a set that is another's plus nothing is that set, not a copy.
		if ts.word.IsEmpty() {
			ts.word = ts.title
		} else {
			ts.word.Or(ts.title)
		}
		if ts.titleAny.IsEmpty() && ts.any.IsEmpty() {
			// only the pinyin readings add matches that are not words:
			// without them the looser sets are the same sets, shared
			// rather than copied (four copies of sets of a million)
			ts.titleAny, ts.any = ts.title, ts.word
			return
		}
		ts.loose, ts.unmerged = true, true
	}()
	// Topics: the items of every category whose name matches.
	for i, c := range q.cats {
		if _, ok, _ := t.match(q.topics[i], nil); ok {
			bm, err := q.topicDocs(c.ID)
			if err != nil {
				return ts, err
			}
			ts.word.Or(bm)
		}
	}
	if t.han != "" {
		rs := []rune(t.han)
		switch len(rs) {
		case 1, 2:
			key := func(f byte) []byte { return charKey(f, rs[0]) }
			if len(rs) == 2 {
				key = func(f byte) []byte { return bigramKey(f, rs[0], rs[1]) }
			}
			title, err := q.read(key(fieldTitle))
			if err != nil {
				return ts, err
			}
			rest, err := q.read(key(fieldRest))
			if err != nil {
				return ts, err
			}
			ts.title.Or(title)
			ts.word.Or(rest)
		default:
			exact, err := q.phraseInTitle(len(rs)-1, func(i int) []byte { return bigramAtKey(rs[i], rs[i+1]) }, nil)
			if err != nil {
				return ts, err
			}
			ts.title.Or(exact)
			err = q.phraseCandidates(&ts, len(rs), true, func(i int) []byte { return bigramKey(fieldTitle, rs[i], rs[i+1]) },
				func(i int) []byte { return trigramKey(runeTriple(rs[i], rs[i+1], rs[i+2])) })
			return ts, err
		}
		return ts, nil
	}

	// Latin and digit tokens by prefix, every word of the term in one field.
	exact := true
	var inField [2]*roaring.Bitmap
	for i, f := range []byte{fieldTitle, fieldRest} {
		for _, w := range t.words {
			p, whole := prefixKey(w)
			exact = exact && whole
			bm, err := q.read(wordKey(f, p))
			if err != nil {
				return ts, err
			}
			if inField[i] == nil {
				inField[i] = bm
			} else {
				inField[i].And(bm)
			}
		}
	}
	if exact {
		ts.title.Or(inField[0])
		ts.word.Or(inField[1])
	} else {
		ts.maybe(inField[0], roaring.Or(inField[0], inField[1]))
	}

	// Pinyin readings.
	for _, seg := range readings(t.segs) {
		if err := q.evalReading(seg, &ts); err != nil {
			return ts, err
		}
	}
	return ts, nil
}

// evalReading adds what the lists say of one pinyin reading.
func (q *searcher) evalReading(seg []unit, ts *termSets) error {
	switch len(seg) {
	case 1:
		u := seg[0]
		if u.syl == 0 {
			bm, err := q.read(initialKey(fieldTitle, u.ini))
			if err != nil {
				return err
			}
			ts.title.Or(bm)
			bm, err = q.read(initialKey(fieldRest, u.ini))
			ts.word.Or(bm)
			return err
		}
		// The characters of this syllable: all under the initial's keys.
		for _, f := range []byte{fieldTitle, fieldRest} {
			err := eachTerm(q.post, []byte{f, kindChar, u.ini}, func(term []byte) bool {
				r, _ := utf8.DecodeRune(term[3:])
				return syllableOf(r) == u.syl
			}, func(_ []byte, bm *roaring.Bitmap) error {
				if f == fieldTitle {
					ts.title.Or(bm)
				} else {
					ts.word.Or(bm)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	case 2:
		a, b := seg[0], seg[1]
		initialsOnly := a.syl == 0 && b.syl == 0
		match := func(term []byte) bool {
			rs := []rune(string(term[4:]))
			return len(rs) == 2 && unitsMatch(rs, seg)
		}
		// In the title: every pair read so, and those that are words.
		err := eachTerm(q.post, []byte{fieldTitle, kindBigram, a.ini, b.ini}, match, func(term []byte, bm *roaring.Bitmap) error {
			rs := []rune(string(term[4:]))
			ts.titleAny.Or(bm)
			if !guessed(seg) || q.vocab(rs[0], rs[1]) {
				ts.title.Or(bm)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Elsewhere, those that are words: the pairs of the topics' names.
		var words [][2]rune
		for _, t := range q.topics {
			rs := []rune(t.norm)
			for i := 1; i < len(rs); i++ {
				if p := [2]rune{rs[i-1], rs[i]}; unitsMatch(p[:], seg) && !slices.Contains(words, p) {
					words = append(words, p)
				}
			}
		}
		for _, w := range words {
			bm, err := q.read(bigramKey(fieldRest, w[0], w[1]))
			if err != nil {
				return err
			}
			ts.word.Or(bm)
		}
		// Every match in the rest; all words when spelled out.
		if !guessed(seg) {
			return eachTerm(q.post, []byte{fieldRest, kindBigram, a.ini, b.ini}, match, func(_ []byte, bm *roaring.Bitmap) error {
				ts.word.Or(bm)
				return nil
			})
		}
		if initialsOnly {
			bm, err := q.read(pairKey(fieldRest, a.ini, b.ini))
			ts.any.Or(bm)
			return err
		}
		return eachTerm(q.post, []byte{fieldRest, kindBigram, a.ini, b.ini}, match, func(_ []byte, bm *roaring.Bitmap) error {
			ts.any.Or(bm)
			return nil
		})
	default:
		// Exact in the title by the positional pairs: of initials, or with
		// syllables those of characters that read so. In the rest, three
		// units are exact by the triples (of characters, for syllables).
		initialsOnly := !slices.ContainsFunc(seg, func(u unit) bool { return u.syl != 0 })
		key := func(i int) []byte { return pairAtKey(seg[i].ini, seg[i+1].ini) }
		var want func(i int, term []byte) bool
		if !initialsOnly {
			key = func(i int) []byte { return []byte{fieldTitle, kindBigramAt, seg[i].ini, seg[i+1].ini} }
			want = func(i int, term []byte) bool {
				rs := []rune(string(term[4 : len(term)-1]))
				return len(rs) == 2 && unitsMatch(rs, seg[i:i+2])
			}
		}
		exact, err := q.phraseInTitle(len(seg)-1, key, want)
		if err != nil {
			return err
		}
		ts.title.Or(exact)
		if !initialsOnly && len(seg) == 3 {
			rest := roaring.New()
			err := eachTerm(q.post, []byte{fieldRest, kindTrigram, seg[0].ini, seg[1].ini, seg[2].ini}, func(term []byte) bool {
				rs := []rune(string(term[5:]))
				return len(rs) == 3 && unitsMatch(rs, seg)
			}, func(_ []byte, bm *roaring.Bitmap) error {
				rest.Or(bm)
				return nil
			})
			if err != nil {
				return err
			}
			ts.word.Or(rest)
			title, err := q.longTitles(2, func(i int) []byte { return pairKey(fieldTitle, seg[i].ini, seg[i+1].ini) })
			ts.maybe(title, title)
			return err
		}
		return q.phraseCandidates(ts, len(seg), initialsOnly,
			func(i int) []byte { return pairKey(fieldTitle, seg[i].ini, seg[i+1].ini) },
			func(i int) []byte { return tripleKey(seg[i].ini, seg[i+1].ini, seg[i+2].ini) })
	}
}

// phraseCandidates adds what the lists say of a phrase of n >= 3
// characters or pinyin units, beside its exact title set: candidates in
// the title (every pair, for titles longer than the positional lists),
// and in the rest every triple — exact for a phrase of three when exact.
func (q *searcher) phraseCandidates(ts *termSets, n int, exact bool, titleLink, restTriple func(i int) []byte) error {
	title, err := q.longTitles(n-1, titleLink)
	if err != nil {
		return err
	}
	rest, err := q.all(n-2, restTriple)
	if err != nil {
		return err
	}
	if exact && n == 3 {
		ts.word.Or(rest)
		ts.maybe(title, title)
		return nil
	}
	rest.Or(title)
	ts.maybe(title, rest)
	return nil
}

// longTitles is the intersection of n posting lists of a phrase's links
// in titles, among the titles longer than their positional lists reach:
// the only ones where the phrase may be and the positional lists not
// tell (phraseInTitle answers for the rest).
func (q *searcher) longTitles(n int, key func(i int) []byte) (*roaring.Bitmap, error) {
	long, err := q.read(setKey(setLongTitle, ""))
	if err != nil || long.IsEmpty() {
		return long, err
	}
	links, err := q.all(n, key)
	if err != nil {
		return nil, err
	}
	links.And(long)
	return links, nil
}

// all is the intersection of n posting lists.
func (q *searcher) all(n int, key func(i int) []byte) (*roaring.Bitmap, error) {
	lists := make([]*roaring.Bitmap, n)
	for i := range lists {
		bm, err := q.read(key(i))
		if err != nil {
			return nil, err
		}
		lists[i] = bm
	}
	return roaring.FastAnd(lists...), nil
}

// titlePosition reads the position byte after a positional key's pair
// (n bytes): a stored key, so possibly damaged.
func titlePosition(term []byte, n int) (int, error) {
	if n < 0 || len(term) != n+1 || term[n] == 0 || int(term[n]) > titlePositions {
		return 0, fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, term)
	}
	return int(term[n]) - 1, nil
}

// phraseInTitle is the set of items whose title has a run of n links
// (pairs of characters or of initials) at consecutive positions: exactly
// the items with the phrase in the title within its first titlePositions
// positions. Link i is every positional key that starts with key(i) (and
// that want accepts, when want is not nil).
func (q *searcher) phraseInTitle(n int, key func(i int) []byte, want func(i int, term []byte) bool) (*roaring.Bitmap, error) {
	at := make([][titlePositions]*roaring.Bitmap, n) // link → position → list
	for i := range at {
		var w func([]byte) bool
		if want != nil {
			w = func(term []byte) bool { return want(i, term) }
		}
		err := eachTerm(q.post, key(i), w, func(term []byte, bm *roaring.Bitmap) error {
			p, err := titlePosition(term, len(term)-1)
			if at[i][p] == nil {
				at[i][p] = bm
			} else {
				at[i][p].Or(bm)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	var out *roaring.Bitmap
	lists := make([]*roaring.Bitmap, n)
	// a link i at position p+i for every link: the phrase at p
next:
	for p := 0; p+n <= titlePositions; p++ {
		for i := range lists {
			if lists[i] = at[i][p+i]; lists[i] == nil {
				continue next
			}
		}
		if at := roaring.FastAnd(lists...); out == nil {
			out = at // not copied into an empty set: one set less to allocate
		} else {
			out.Or(at)
		}
	}
	if out == nil {
		out = roaring.New()
	}
	return out, nil
}

// readings leaves out the readings another one covers: a unit read as a
// syllable (an) matches a subset of what its initial alone (a) matches.
func readings(segs [][]unit) [][]unit {
	covers := func(b, a []unit) bool {
		for i := range a {
			if b[i] != a[i] && (b[i].syl != 0 || b[i].ini != a[i].ini) {
				return false
			}
		}
		return true
	}
	var out [][]unit
	for i, a := range segs {
		keep := true
		for j, b := range segs {
			if i != j && len(a) == len(b) && covers(b, a) && (!covers(a, b) || j < i) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, a)
		}
	}
	return out
}

// ranking is the visible hits of a query by rank: every term in the title,
// every term a whole word, the rest. When the lists are exact the ranks
// are sets; otherwise they are candidates, checked against their text as
// far as a page or the count needs.
type ranking struct {
	q     *searcher
	exact bool
	ranks [tiers]*roaring.Bitmap // exact: made in order, when first asked for (tier)
	made  int                    // how many ranks are made
	seen  *roaring.Bitmap        // their union (read only)
	title *roaring.Bitmap        // otherwise: candidates for the first rank
	any   *roaring.Bitmap        // and for any rank (candidates)
	sets  []*termSets            // what the lists say of each term
	vis   *roaring.Bitmap
	loose bool // a term's pinyin may match other than whole words

	tb, rb []byte // buffers for the initials of checked fields
	docs   *bolt.Cursor
	dk, dv []byte // where docs is
	walk   *ahead // set while candidates are checked in ordinal order
}

func (q *searcher) rank(vis *roaring.Bitmap) (*ranking, error) {
	r := &ranking{q: q, exact: true, docs: q.docs.Cursor(), vis: vis}
	sets := make([]*termSets, len(q.terms))
	for i, t := range q.terms {
		ts, err := q.evalTerm(t)
		if err != nil {
			return nil, err
		}
		sets[i] = &ts
		r.exact = r.exact && ts.maybeAny == nil
	}
	r.sets = sets
	r.loose = slices.ContainsFunc(sets, func(ts *termSets) bool { return ts.loose })
	if r.exact {
		return r, nil // the ranks are made as they are asked for
	}
	r.title = r.pick(func(ts *termSets) *roaring.Bitmap {
		titleAny, _ := ts.looser()
		if ts.maybeTitle == nil {
			return titleAny
		}
		return roaring.Or(titleAny, ts.maybeTitle)
	})
	return r, nil
}

// candidates is the candidates for any rank, made when first asked for:
// a page the first rank fills does without them.
func (r *ranking) candidates() *roaring.Bitmap {
	if r.any == nil {
		r.any = r.pick(func(ts *termSets) *roaring.Bitmap {
			_, any := ts.looser()
			if ts.maybeAny == nil {
				return any
			}
			return roaring.Or(any, ts.maybeAny)
		})
	}
	return r.any
}

// pick is the visible items in f's set of every term.
func (r *ranking) pick(f func(*termSets) *roaring.Bitmap) *roaring.Bitmap {
	// vis is most of the store: intersect it, not a copy of it
	lists := []*roaring.Bitmap{r.vis}
	for _, ts := range r.sets {
		lists = append(lists, f(ts))
	}
	return roaring.FastAnd(lists...)
}

// every tells whether candidate o is in f's set of every term (o is
// visible: every candidate is). A page asks it of a few candidates, where
// a set of them all (pick) would be a set of a million to allocate.
func (r *ranking) every(o ordinal, f func(*termSets) *roaring.Bitmap) bool {
	for _, ts := range r.sets {
		if !f(ts).Contains(o) {
			return false
		}
	}
	return true
}

func anySet(ts *termSets) *roaring.Bitmap {
	_, any := ts.looser()
	return any
}

func titleSet(ts *termSets) *roaring.Bitmap { return ts.title }

// tierSets are the sets each rank takes its hits from (less the ranks
// before it), for exact lists.
var tierSets = [tiers]func(*termSets) *roaring.Bitmap{
	titleSet,
	func(ts *termSets) *roaring.Bitmap { return ts.word },
	func(ts *termSets) *roaring.Bitmap {
		titleAny, _ := ts.looser()
		return titleAny
	},
	anySet,
}

// tier is rank t's set of hits, for exact lists. Ranks are made in order
// and only as far as asked: a first page that the first rank fills never
// makes the others, each a set as large as the matches (at a million
// notices hundreds of kilobytes of a new process's heap).
func (r *ranking) tier(t int) *roaring.Bitmap {
	// Without pinyin matches that are not words, the looser ranks are the
	// same sets as the first two: nothing is left for them.
	last := tiers - 1
	if !r.loose {
		last = tierWord
	}
	for ; r.made <= t; r.made++ {
		k := r.made
		switch {
		case k > last:
			r.ranks[k] = roaring.New()
		case k == 0:
			r.ranks[k] = r.pick(tierSets[k])
			r.seen = r.ranks[k]
		default:
			r.ranks[k] = r.pick(tierSets[k])
			r.ranks[k].AndNot(r.seen)
			if k < last {
				r.seen = roaring.Or(r.seen, r.ranks[k])
			}
		}
	}
	return r.ranks[t]
}

// count is the number of all hits.
func (r *ranking) count() (int, error) {
	if r.exact {
		n := 0
		for t := range tiers {
			n += int(r.tier(t).GetCardinality())
		}
		return n, nil
	}
	// The candidates the exact lists already match need no check.
	sure := r.pick(anySet)
	n := int(sure.GetCardinality())
	err := r.checkEach(roaring.AndNot(r.candidates(), sure), func(_ ordinal, tier int) {
		if tier >= 0 {
			n++
		}
	})
	return n, err
}

// checkEach checks every candidate of set against its text, in ordinal
// order, and tells fn its rank (-1: no match). The documents are walked
// with one cursor and their pages mapped ahead (docAt).
func (r *ranking) checkEach(set *roaring.Bitmap, fn func(o ordinal, tier int)) error {
	r.walk = &ahead{tx: r.q.tx} // check copies nothing it keeps
	defer func() { r.walk, r.dk, r.dv = nil, nil, nil }()
	for it := set.Iterator(); it.HasNext(); {
		o := it.Next()
		tier, err := r.check(o, true)
		if err != nil {
			return err
		}
		fn(o, tier)
	}
	return nil
}

// page gives the hits from offset on, at most limit (0: all): by rank,
// then newest published, then id. Candidates are checked in that order,
// and only until the page is full.
func (r *ranking) page(offset, limit int, match bool) ([]Hit, error) {
	recs := r.q.tx.Bucket(bucketRecords)
	var hits []Hit
	var err error
	full := func() bool { return limit > 0 && len(hits) >= limit }
	emit := func(o ordinal, id string, tier int) bool {
		if offset > 0 {
			offset--
			return true
		}
		var h Hit
		if h, err = r.q.hit(recs, o, id, match, tier); err != nil {
			return false
		}
		hits = append(hits, h)
		return !full()
	}
	if r.exact {
		skip := offset
		offset = 0
		// each rank made only when the page reaches it (tier)
		ranks := func(yield func(int, *roaring.Bitmap) bool) {
			for t := range tiers {
				if !yield(t, r.tier(t)) {
					return
				}
			}
		}
		if e := r.q.inOrder(ranks, skip, emit); e != nil {
			return nil, e
		}
		return hits, err
	}
	// First rank: the title candidates, title alone checked. Reaching the
	// end of them means the first rank is complete.
	first := roaring.New()
	var none int
	e := r.q.byDate(r.title, &none, func(o ordinal, id string) bool {
		tier, cerr := r.check(o, false)
		if err = cerr; err != nil {
			return false
		}
		if tier != tierTitle {
			return true
		}
		first.Add(o)
		return emit(o, id, tierTitle)
	})
	if e != nil || err != nil || full() {
		return hits, cmp.Or(e, err)
	}
	// Then whole-word hits, keeping the others for the last ranks: reaching
	// the end of the candidates means every rank is complete.
	rest := roaring.AndNot(r.candidates(), first)
	later := [tiers]*roaring.Bitmap{tierTitleChance: roaring.New(), tierOther: roaring.New()}
	e = r.q.byDate(rest, &none, func(o ordinal, id string) bool {
		tier, cerr := r.check(o, true)
		if err = cerr; err != nil {
			return false
		}
		switch tier {
		case tierWord:
			return emit(o, id, tierWord)
		case tierTitleChance, tierOther:
			later[tier].Add(o)
		}
		return true
	})
	for _, tier := range []int{tierTitleChance, tierOther} {
		if e != nil || err != nil || full() {
			break
		}
		e = r.q.byDate(later[tier], &offset, func(o ordinal, id string) bool { return emit(o, id, tier) })
	}
	return hits, cmp.Or(e, err)
}

// all lists the summaries of every hit in order. Unlike page it reads the
// hits in file order, not rank order: every hit's id in ordinal order (the
// ids bucket's), then every record in id order (the records bucket's), so
// both walks move forward through the file and map each page once; then it
// sorts in memory, since it reads every hit anyway. Read in rank order,
// 15,000 hits were as many page faults in scattered pages.
func (r *ranking) all() ([]Summary, error) {
	var ranks [tiers]*roaring.Bitmap
	if r.exact {
		r.tier(tiers - 1) // every rank
		ranks = r.ranks
	} else {
		for i := range ranks {
			ranks[i] = roaring.New()
		}
		err := r.checkEach(r.candidates(), func(o ordinal, tier int) {
			if tier >= 0 {
				ranks[tier].Add(o)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	// The ids are copied out of the map: the walk releases the pages it
	// read, and sorting, then finding the records, went back to each id's
	// page, out of order (a million notices: 17,000 page faults more, a
	// third of the list's time).
	type ref struct {
		at, end int32 // its id is names[at:end]
		tier    int
	}
	n := 0
	for _, set := range ranks {
		n += int(set.GetCardinality())
	}
	refs := make([]ref, 0, n)
	names := make([]byte, 0, 12*n)
	name := func(r ref) []byte { return names[r.at:r.end] }
	ids := r.q.ids.Cursor()
	walk := ahead{tx: r.q.tx}
	it := roaring.FastOr(ranks[:]...).Iterator()
	var k, id []byte
	for it.HasNext() {
		o := it.Next()
		k, id = seekOn(ids, k, id, ordinalKey(o))
		walk.at(id)
		if k == nil || binary.BigEndian.Uint32(k) != o || len(id) == 0 {
			return nil, fmt.Errorf("%w: search index names item %d, which has no id", ErrDamaged, o)
		}
		tier := 0
		for tier < len(ranks)-1 && !ranks[tier].Contains(o) {
			tier++
		}
		names = append(names, id...)
		refs = append(refs, ref{int32(len(names) - len(id)), int32(len(names)), tier})
	}
	slices.SortFunc(refs, func(a, b ref) int { return bytes.Compare(name(a), name(b)) })
	out := make([]Summary, len(refs))
	recs := r.q.tx.Bucket(bucketRecords).Cursor()
	var v []byte
	k = nil
	for i, ref := range refs {
		id := name(ref)
		k, v = seekOn(recs, k, v, id)
		if !bytes.Equal(k, id) {
			return nil, fmt.Errorf("item %s: %w: no record", id, ErrDamaged)
		}
		walk.at(v)
		rec, err := decodeRecord(v)
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", id, err)
		}
		out[i] = rec.Summary // a copy: the walk may release what it read
	}
	// By rank, then newest first, then by id. Rank and day are packed in
	// one number, and out is in id order already, so no string is
	// compared: comparing them was a quarter of a 30,000-hit search.
	order := make([]int32, len(out))
	keys := make([]uint64, len(out))
	for i := range order {
		order[i] = int32(i)
		keys[i] = uint64(refs[i].tier)<<32 | uint64(math.MaxUint32-dayNumber(out[i].Published))
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(keys[a], keys[b]), cmp.Compare(a, b))
	})
	permute(out, order)
	return out, nil
}

// dayNumber orders dates as their text does: YYYYMMDD as a number for a
// date, 0 for anything else (which sorts as the oldest, as "" does).
func dayNumber(d feed.Date) uint32 {
	if len(d) != 10 || d[4] != '-' || d[7] != '-' {
		return 0
	}
	var n uint32
	for i := range len(d) {
		if i == 4 || i == 7 {
			continue
		}
		if d[i] < '0' || d[i] > '9' {
			return 0
		}
		n = n*10 + uint32(d[i]-'0')
	}
	return n
}

// seekOn moves cursor c, at k, v, to key at or after k: by Next while
// that is a few steps, else by Seek (a walk through a list of keys in
// order finds most of them a few entries on in the same page).
func seekOn(c *bolt.Cursor, k, v, key []byte) ([]byte, []byte) {
	for range 8 {
		if k == nil {
			break
		}
		if bytes.Compare(k, key) >= 0 {
			return k, v
		}
		k, v = c.Next()
	}
	return c.Seek(key)
}

// permute puts s in the order given (s[i] becomes the old s[order[i]]),
// in place; order is used up.
func permute[T any](s []T, order []int32) {
	for i := range order {
		if order[i] < 0 {
			continue
		}
		tmp := s[i]
		j := i
		for {
			k := int(order[j])
			order[j] = -1
			if k == i {
				s[j] = tmp
				break
			}
			s[j] = s[k]
			j = k
		}
	}
}

// check reads candidate o's search document and gives its rank, -1 when it
// does not match. Without whole, only the title is looked at (ranks 0 or
// -1). It reads in place: nothing is copied.
func (r *ranking) check(o ordinal, whole bool) (int, error) {
	if tier, ok := r.known(o); ok {
		if !whole && tier != tierTitle {
			return -1, nil
		}
		return tier, nil
	}
	if onCheck != nil {
		onCheck(o)
	}
	k, v := r.docAt(o)
	if k == nil || len(k) != 4 || binary.BigEndian.Uint32(k) != o {
		return 0, fmt.Errorf("%w: search index names item %d, which has no document", ErrDamaged, o)
	}
	var f [4][]byte
	if err := splitDoc(v, &f); err != nil {
		return 0, fmt.Errorf("%w: item %d: %v", ErrDamaged, o, err)
	}
	q := r.q
	title := q.viewField(f[2], &r.tb)
	if _, tier, _, ok := matchAll(q.terms, title, nil, nil, q.vocab, false); ok && tier == tierTitle {
		return tierTitle, nil
	}
	if !whole {
		return -1, nil
	}
	rest := q.viewField(f[3], &r.rb)
	if _, tier, _, ok := matchAll(q.terms, title, q.topic(string(f[1])), &rest, q.vocab, false); ok {
		return tier, nil
	}
	return -1, nil
}

// known is candidate o's rank where the exact lists settle it, so that
// its text need not be read: a match in the title for every term; or a
// sure match that cannot be in the title, which without loose pinyin
// terms is a match of whole words.
func (r *ranking) known(o ordinal) (int, bool) {
	switch {
	case r.every(o, titleSet):
		return tierTitle, true
	case !r.loose && !r.title.Contains(o) && r.every(o, anySet):
		return tierWord, true
	}
	return 0, false
}

// docAt moves the documents' cursor to o's. In a walk in ordinal order
// it goes on from where it is (the next candidate is mostly a few entries
// on, in a page already read) and maps the pages ahead; otherwise (rank
// order, all over the file) it seeks.
func (r *ranking) docAt(o ordinal) ([]byte, []byte) {
	var key [4]byte
	binary.BigEndian.PutUint32(key[:], o)
	if r.walk == nil {
		return r.docs.Seek(key[:])
	}
	if r.dk != nil && bytes.Compare(r.dk, key[:]) <= 0 {
		r.dk, r.dv = seekOn(r.docs, r.dk, r.dv, key[:])
	} else {
		r.dk, r.dv = r.docs.Seek(key[:])
	}
	r.walk.at(r.dv)
	return r.dk, r.dv
}

// onCheck, when set (by tests), is told every candidate checked against
// its text.
var onCheck func(o ordinal)

// viewField makes a field of bytes that stay valid for the transaction,
// without copying them; the initials go to buf.
func (q *searcher) viewField(b []byte, buf *[]byte) field {
	s := unsafe.String(unsafe.SliceData(b), len(b))
	n := foldString(s)
	f := field{orig: s, norm: n}
	if q.pinyin {
		*buf = appendInitials((*buf)[:0], n)
		f.ini = *buf
	}
	return f
}

func (q *searcher) topic(category string) *field {
	for i, c := range q.cats {
		if c.ID == category {
			return &q.topics[i]
		}
	}
	return nil
}

func (q *searcher) doc(o ordinal) (docText, error) {
	v := q.docs.Get(ordinalKey(o))
	if v == nil {
		return docText{}, fmt.Errorf("%w: search index names item %d, which has no document", ErrDamaged, o)
	}
	d, err := decodeDoc(v)
	if err != nil {
		return docText{}, fmt.Errorf("%w: item %d: %v", ErrDamaged, o, err)
	}
	return d, nil
}

func (q *searcher) matchDoc(d docText) (matches []string, inTitle bool) {
	title, rest := newField(d.Title), newField(d.Rest)
	matches, _, inTitle, _ = matchAll(q.terms, title, q.topic(d.Category), &rest, q.vocab, true)
	return matches, inTitle
}

// inOrder calls fn with the items of sets (and their ids), set after set,
// each set's newest published first and then by id, after skipping the
// first skip of them, until fn returns false. A set skipped whole is only
// counted. Sets are taken as the walk reaches them, so one made on demand
// (ranking.tier) is not made when the walk stops before it.
func (q *searcher) inOrder(sets iter.Seq2[int, *roaring.Bitmap], skip int, fn func(o ordinal, id string, set int) bool) error {
	for i, set := range sets {
		n := int(set.GetCardinality())
		if skip >= n {
			skip -= n
			continue
		}
		more := true
		err := q.byDate(set, &skip, func(o ordinal, id string) bool {
			if skip > 0 { // byDate skips whole days only
				skip--
				return true
			}
			more = fn(o, id, i)
			return more
		})
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// byDate calls fn with the members of set and their ids, newest
// published first, then by id, until fn returns false. While *skip is
// positive, whole days are passed over by their counts and *skip
// lessened by them.
func (q *searcher) byDate(set *roaring.Bitmap, skip *int, fn func(o ordinal, id string) bool) error {
	left := int(set.GetCardinality())
	c := q.tx.Bucket(bucketPostings).Cursor()
	pre := setKey(setPublished, "")
	k, v := c.Seek(append(slices.Clone(pre), 0xff))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	type ref struct {
		o  ordinal
		id string
	}
	var refs []ref
	for k != nil && bytes.HasPrefix(k, pre) && left > 0 {
		term, _, ok := splitChunkKey(k)
		if !ok {
			return fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, k)
		}
		term = slices.Clone(term)
		day := roaring.New()
		for ; isChunkOf(k, term); k, v = c.Prev() {
			bm, err := viewChunk(v, k)
			if err != nil {
				return err
			}
			day.Or(bm)
		}
		day.And(set)
		n := int(day.GetCardinality())
		left -= n
		if *skip >= n {
			*skip -= n
			continue
		}
		refs = refs[:0]
		it := day.Iterator()
		for it.HasNext() {
			o := it.Next()
			id, err := q.idOf(o)
			if err != nil {
				return err
			}
			refs = append(refs, ref{o, string(id)})
		}
		slices.SortFunc(refs, func(a, b ref) int { return cmp.Compare(a.id, b.id) })
		for _, r := range refs {
			if !fn(r.o, r.id) {
				return nil
			}
		}
	}
	return nil
}

// idOf is the id of the item with ordinal o.
func (q *searcher) idOf(o ordinal) ([]byte, error) {
	id := q.ids.Get(ordinalKey(o))
	if len(id) == 0 {
		return nil, fmt.Errorf("%w: search index names item %d, which has no id", ErrDamaged, o)
	}
	return id, nil
}

// hit reads one hit on the page, o with its id (byDate found it) in rank
// tier: its record, and (match) what matched, from its search document.
func (q *searcher) hit(recs *bolt.Bucket, o ordinal, id string, match bool, tier int) (Hit, error) {
	rec, err := decodeRecord(recs.Get([]byte(id)))
	if err != nil {
		return Hit{}, fmt.Errorf("item %s: %w", id, err)
	}
	h := Hit{Summary: rec.Summary}
	switch {
	case match && tier == tierTitle:
		// every term a word in the title: what matched is in the record's
		// title, and the document (one more page to read) is not needed
		h.Match, _, h.InTitle, _ = matchAll(q.terms, newField(rec.Title), nil, nil, q.vocab, true)
	case match:
		d, err := q.doc(o)
		if err != nil {
			return Hit{}, err
		}
		h.Match, h.InTitle = q.matchDoc(d)
	}
	return h, nil
}
