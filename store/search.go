package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
// (the published-date sets give the order). Where the lists cannot tell
// exactly (phrases of three or more characters or pinyin syllables, words
// longer than the indexed prefix), the candidates they give are checked
// against their text.

// Results is one page of a search and the number of all its hits.
type Results struct {
	Hits  []Hit
	Total int // every visible hit, not only the page
}

// Search finds visible items: Chinese by characters and pairs of them,
// Latin and digits by token prefix, pinyin by syllables and initials,
// topics by category name. Every term of the query must match. Title hits
// first, then whole-word hits, then the rest; newest first within each.
// At most limit hits (0: no limit).
func (s *Store) Search(query, location string, at time.Time, limit int) ([]Hit, error) {
	r, err := s.SearchPage(query, location, at, 0, limit)
	return r.Hits, err
}

// SearchPage is Search for the hits from offset on (at most limit; 0: all
// of them), with the total count of hits.
func (s *Store) SearchPage(query, location string, at time.Time, offset, limit int) (Results, error) {
	terms := parseQuery(query)
	if len(terms) == 0 {
		return Results{}, nil
	}
	st, _ := s.State()
	tz := s.Location()
	day := at.In(tz).Format(time.DateOnly)
	var res Results
	err := s.view(func(tx *bolt.Tx) error {
		q, err := s.newSearcher(tx, terms, st.Categories)
		if err != nil {
			return err
		}
		vis, err := s.visibleSet(q, location, day)
		if err != nil {
			return err
		}
		ranks, err := q.rank(vis)
		if err != nil {
			return err
		}
		for _, r := range ranks {
			res.Total += int(r.GetCardinality())
		}
		res.Hits, err = q.page(ranks, max(0, offset), limit)
		return err
	})
	if err != nil {
		return Results{}, fmt.Errorf("store: search %q: %w", query, err)
	}
	return res, nil
}

// searcher is one query in its read transaction.
type searcher struct {
	tx     *bolt.Tx
	post   *bolt.Cursor
	docs   *bolt.Bucket
	terms  []term
	cats   []feed.Category
	topics []field // the category names, as searchable fields
	byCat  map[string]*roaring.Bitmap
	vocabs map[uint64]bool
}

func (s *Store) newSearcher(tx *bolt.Tx, terms []term, cats []feed.Category) (*searcher, error) {
	post, docs := tx.Bucket(bucketPostings), tx.Bucket(bucketDocs)
	if post == nil || docs == nil {
		return nil, fmt.Errorf("%w: search index is missing", ErrDamaged)
	}
	q := &searcher{tx: tx, post: post.Cursor(), docs: docs, terms: terms, cats: cats,
		byCat: map[string]*roaring.Bitmap{}, vocabs: map[uint64]bool{}}
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

// vocab: see vocabulary. A pair is a word when some title holds it
// (its title list exists) or a category name does.
func (q *searcher) vocab(a, b rune) bool {
	k := uint64(a)<<21 | uint64(b)
	if v, ok := q.vocabs[k]; ok {
		return v
	}
	v := hasTerm(q.post, bigramKey(fieldTitle, a, b))
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
	vis := roaring.New()
	for _, p := range prefixes(location) {
		bm, err := readTerm(q.post, setKey(setLocation, p))
		if err != nil {
			return nil, err
		}
		if bm != nil {
			vis.Or(bm)
		}
	}
	// Not yet valid: valid_from after day.
	after := setKey(setFrom, day+"\x01")
	for k, _ := q.post.Seek(after); k != nil && len(k) > 2 && string(k[:2]) == string(after[:2]); {
		term, _, ok := splitChunkKey(k)
		if !ok {
			return nil, fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, k)
		}
		term = slices.Clone(term)
		bm, err := readTerm(q.post, term)
		if err != nil {
			return nil, err
		}
		vis.AndNot(bm)
		k, _ = q.post.Seek(append(term, 1))
	}
	// Expired: valid_until before day.
	pre := setKey(setUntil, "")
	for k, _ := q.post.Seek(pre); k != nil && len(k) > 2 && string(k[:2]) == string(pre); {
		term, _, ok := splitChunkKey(k)
		if !ok {
			return nil, fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, k)
		}
		if string(term[2:]) >= day {
			break
		}
		term = slices.Clone(term)
		bm, err := readTerm(q.post, term)
		if err != nil {
			return nil, err
		}
		vis.AndNot(bm)
		k, _ = q.post.Seek(append(term, 1))
	}
	s.mu.Lock()
	if s.gen == gen {
		s.vis = visCache{key: key, gen: gen, set: vis}
	}
	s.mu.Unlock()
	return vis, nil
}

// visCache keeps the visible set of the last query's screen and day.
type visCache struct {
	key string
	gen uint64
	set *roaring.Bitmap // read-only once cached
}

// termSets are what the lists say of one term: the items it matches in the
// title, as a whole word anywhere, anywhere; and candidates (maybe) it may
// match, to be checked against their text.
type termSets struct {
	title, word, any *roaring.Bitmap
	maybe            *roaring.Bitmap
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
	ts = termSets{title: roaring.New(), word: roaring.New(), any: roaring.New()}
	maybe := func(bm *roaring.Bitmap) {
		if ts.maybe == nil {
			ts.maybe = roaring.New()
		}
		ts.maybe.Or(bm)
	}
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
			ts.word.Or(title)
			ts.word.Or(rest)
		default:
			lists := make([]*roaring.Bitmap, 0, len(rs)-1)
			for i := 1; i < len(rs); i++ {
				bm, err := q.either(func(f byte) []byte { return bigramKey(f, rs[i-1], rs[i]) })
				if err != nil {
					return ts, err
				}
				lists = append(lists, bm)
			}
			maybe(roaring.FastAnd(lists...))
		}
		ts.any.Or(ts.word)
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
		ts.word.Or(inField[0])
		ts.word.Or(inField[1])
	} else {
		maybe(roaring.Or(inField[0], inField[1]))
	}

	// Pinyin readings.
	seen := map[string]bool{}
	for _, seg := range t.segs {
		k := fmt.Sprint(seg)
		if seen[k] {
			continue
		}
		seen[k] = true
		if err := q.evalReading(seg, &ts, maybe); err != nil {
			return ts, err
		}
	}
	ts.word.Or(ts.title)
	ts.any.Or(ts.word)
	return ts, nil
}

// evalReading adds what the lists say of one pinyin reading.
func (q *searcher) evalReading(seg []unit, ts *termSets, maybe func(*roaring.Bitmap)) error {
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
		// Title pairs: hits in the title, and the words of the reading.
		var words [][2]rune
		err := eachTerm(q.post, []byte{fieldTitle, kindBigram, a.ini, b.ini}, match, func(term []byte, bm *roaring.Bitmap) error {
			rs := []rune(string(term[4:]))
			words = append(words, [2]rune{rs[0], rs[1]})
			ts.title.Or(bm)
			return nil
		})
		if err != nil {
			return err
		}
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
		// Every match in the rest.
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
		lists := make([]*roaring.Bitmap, 0, len(seg)-1)
		for i := 1; i < len(seg); i++ {
			bm, err := q.either(func(f byte) []byte { return pairKey(f, seg[i-1].ini, seg[i].ini) })
			if err != nil {
				return err
			}
			lists = append(lists, bm)
		}
		maybe(roaring.FastAnd(lists...))
		return nil
	}
}

// rank gives the visible hits of the query by rank: every term in the
// title, every term a whole word, the rest.
func (q *searcher) rank(vis *roaring.Bitmap) ([tiers]*roaring.Bitmap, error) {
	var out [tiers]*roaring.Bitmap
	sets := make([]termSets, len(q.terms))
	exact := true
	for i, t := range q.terms {
		ts, err := q.evalTerm(t)
		if err != nil {
			return out, err
		}
		sets[i] = ts
		exact = exact && ts.maybe == nil
	}
	if exact {
		pick := func(f func(termSets) *roaring.Bitmap) *roaring.Bitmap {
			bm := vis.Clone()
			for _, ts := range sets {
				bm.And(f(ts))
			}
			return bm
		}
		out[tierTitle] = pick(func(ts termSets) *roaring.Bitmap { return ts.title })
		out[tierWord] = pick(func(ts termSets) *roaring.Bitmap { return ts.word })
		out[tierOther] = pick(func(ts termSets) *roaring.Bitmap { return ts.any })
		out[tierWord].AndNot(out[tierTitle])
		out[tierOther].AndNot(out[tierTitle])
		out[tierOther].AndNot(out[tierWord])
		return out, nil
	}
	// Check every visible candidate against its text.
	cand := vis.Clone()
	for _, ts := range sets {
		c := ts.any
		if ts.maybe != nil {
			c = roaring.Or(ts.any, ts.maybe)
		}
		cand.And(c)
	}
	for i := range out {
		out[i] = roaring.New()
	}
	it := cand.Iterator()
	for it.HasNext() {
		o := it.Next()
		d, err := q.doc(o)
		if err != nil {
			return out, err
		}
		if _, tier, ok := q.matchDoc(d); ok {
			out[tier].Add(o)
		}
	}
	return out, nil
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

func (q *searcher) matchDoc(d docText) ([]string, int, bool) {
	var topic *field
	for i, c := range q.cats {
		if c.ID == d.Category {
			topic = &q.topics[i]
		}
	}
	title, rest := newField(d.Title), newField(d.Rest)
	return matchAll(q.terms, title, topic, &rest, q.vocab)
}

// page reads the hits from offset on, at most limit (0: all): by rank,
// then newest published, then id.
func (q *searcher) page(ranks [tiers]*roaring.Bitmap, offset, limit int) ([]Hit, error) {
	recs := q.tx.Bucket(bucketRecords)
	var hits []Hit
	full := func() bool { return limit > 0 && len(hits) >= limit }
	for tier, set := range ranks {
		n := int(set.GetCardinality())
		if offset >= n {
			offset -= n
			continue
		}
		left := n
		// published dates, newest first: walk the date sets backwards
		c := q.tx.Bucket(bucketPostings).Cursor()
		pre := setKey(setPublished, "")
		k, v := c.Seek(append(slices.Clone(pre), 0xff))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for k != nil && bytes.HasPrefix(k, pre) && left > 0 && !full() {
			term, _, ok := splitChunkKey(k)
			if !ok {
				return nil, fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, k)
			}
			term = slices.Clone(term)
			day := roaring.New()
			for ; isChunkOf(k, term); k, v = c.Prev() {
				bm, err := decodeChunk(v, k)
				if err != nil {
					return nil, err
				}
				day.Or(bm)
			}
			day.And(set)
			m := int(day.GetCardinality())
			left -= m
			if offset >= m {
				offset -= m
				continue
			}
			type ref struct {
				o  ordinal
				id string
			}
			refs := make([]ref, 0, m)
			for _, o := range day.ToArray() {
				id, err := docID(q.docs.Get(ordinalKey(o)))
				if err != nil {
					return nil, fmt.Errorf("%w: item %d: %v", ErrDamaged, o, err)
				}
				refs = append(refs, ref{o, id})
			}
			slices.SortFunc(refs, func(a, b ref) int { return cmp.Compare(a.id, b.id) })
			for _, r := range refs[offset:] {
				if full() {
					break
				}
				h, err := q.hit(recs, r.o, tier)
				if err != nil {
					return nil, err
				}
				hits = append(hits, h)
			}
			offset = 0
		}
		if full() {
			break
		}
	}
	return hits, nil
}

// hit reads one hit on the page: its record, and what matched.
func (q *searcher) hit(recs *bolt.Bucket, o ordinal, tier int) (Hit, error) {
	d, err := q.doc(o)
	if err != nil {
		return Hit{}, err
	}
	rec, err := decodeRecord(recs.Get([]byte(d.ID)))
	if err != nil {
		return Hit{}, fmt.Errorf("item %s: %w", d.ID, err)
	}
	m, _, _ := q.matchDoc(d)
	return Hit{Summary: rec.Summary, InTitle: tier == tierTitle, Match: m}, nil
}

// record is what the records bucket holds of an item.
type record struct {
	Summary
	Attachments []objectRef `json:",omitempty"`
}

type objectRef struct {
	SHA256 string
	Size   int64
}

func encodeRecord(r record) ([]byte, error) { return json.Marshal(r) }

func decodeRecord(b []byte) (record, error) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return record{}, fmt.Errorf("%w: item record: %v", ErrDamaged, err)
	}
	if r.ID == "" {
		return record{}, fmt.Errorf("%w: item record without id", ErrDamaged)
	}
	return r, nil
}
