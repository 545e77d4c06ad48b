package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Search runs on an in-memory inverted index built from the records and
// search documents of the database (written by Apply in its transaction).
// It is built on the first search after Open or Apply (and rebuilt in the
// background after an Apply when one existed), then shared read-only.
//
// Postings hold document numbers, and documents are numbered newest
// published first, so every posting list is already in the order results
// are shown and a search with a limit can stop early. Postings only find
// candidates; each candidate is then checked against its text, which makes
// phrases exact and gives the matched substrings for highlighting.

// maxPrefix is the longest token prefix indexed; longer queries use their
// first maxPrefix runes for candidates and the whole word for checking.
const (
	maxPrefix     = 8
	maxQueryRunes = 256
	maxTerms      = 16
	maxSegments   = 32
)

type doc struct {
	sum               Summary
	from, until       int64 // Unix seconds: visible when from <= at < until
	title, rest       string
	titleN, restN     string // folded; the same strings when folding changes nothing
	titleIni, restIni []byte
}

// index holds postings twice: for titles alone, so title hits (ranked
// first) are found without looking at bodies, and for all the text.
type index struct {
	docs     []doc
	title    *postings
	all      *postings
	sylChars map[uint16][]rune // Han characters of the corpus by syllable
}

type postings struct {
	chars   map[rune][]uint32
	bigrams map[uint64][]uint32
	inis    [26 * 26][]uint32 // pairs of adjacent pinyin initials
	words   map[string][]uint32
}

func newPostings() *postings {
	return &postings{chars: map[rune][]uint32{}, bigrams: map[uint64][]uint32{}, words: map[string][]uint32{}}
}

// index returns the current search index, building it if needed.
func (s *Store) index() (*index, error) {
	s.mu.RLock()
	ix := s.idx
	s.mu.RUnlock()
	if ix != nil {
		return ix, nil
	}
	s.build.Lock()
	defer s.build.Unlock()
	s.mu.RLock()
	ix, gen, tz := s.idx, s.gen, s.tz
	s.mu.RUnlock()
	if ix != nil {
		return ix, nil
	}
	ix, err := buildIndex(s, tz)
	if err != nil {
		return nil, fmt.Errorf("store: search index: %w", err)
	}
	s.releasePages() // the index holds its own copies of the text
	s.mu.Lock()
	if s.gen == gen { // no Apply committed meanwhile
		s.idx = ix
	}
	s.mu.Unlock()
	return ix, nil
}

func buildIndex(s *Store, tz *time.Location) (*index, error) {
	var docs []doc
	err := s.view(func(tx *bolt.Tx) error {
		recs, sdocs := tx.Bucket(bucketRecords), tx.Bucket(bucketSearch)
		if recs == nil || sdocs == nil {
			return nil
		}
		return recs.ForEach(func(k, v []byte) error {
			rec, err := decodeRecord(v)
			if err != nil {
				return nil // Check reports it; search skips it
			}
			sd, err := decodeSearchDoc(sdocs.Get(k))
			if err != nil {
				return nil
			}
			from, until, ok := validity(&rec.Summary, tz)
			if !ok {
				return nil
			}
			docs = append(docs, doc{
				sum: rec.Summary, from: from, until: until,
				title: sd.Title, rest: sd.Rest, titleN: foldString(sd.Title), restN: foldString(sd.Rest),
				titleIni: sd.TitleIni, restIni: sd.RestIni,
			})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(docs, func(a, b doc) int {
		if c := cmp.Compare(b.sum.Published, a.sum.Published); c != 0 {
			return c
		}
		return cmp.Compare(a.sum.ID, b.sum.ID)
	})
	return newIndex(docs), nil
}

func newIndex(docs []doc) *index {
	ix := &index{docs: docs, title: newPostings(), all: newPostings(), sylChars: map[uint16][]rune{}}
	loadPinyin()
	for i := range docs {
		ix.title.add(uint32(i), docs[i].titleN, docs[i].titleIni)
		ix.all.add(uint32(i), docs[i].titleN, docs[i].titleIni)
		ix.all.add(uint32(i), docs[i].restN, docs[i].restIni)
	}
	for r := range ix.all.chars {
		if syl := syllableOf(r); syl != 0 {
			ix.sylChars[syl] = append(ix.sylChars[syl], r)
		}
	}
	return ix
}

// appendDoc adds d to a posting list unless it is already the last entry
// (documents are added in order, so that is the only place it can be).
func appendDoc(p []uint32, d uint32) []uint32 {
	if n := len(p); n > 0 && p[n-1] == d {
		return p
	}
	return append(p, d)
}

func (ix *postings) add(d uint32, text string, ini []byte) {
	var prev rune = -1
	var prevIni byte
	word := -1 // byte offset where the current word began
	i := 0     // rune index
	for off, r := range text {
		han := isHan(r)
		if han {
			ix.chars[r] = appendDoc(ix.chars[r], d)
			if prev >= 0 {
				k := uint64(prev)<<32 | uint64(r)
				ix.bigrams[k] = appendDoc(ix.bigrams[k], d)
			}
			prev = r
		} else {
			prev = -1
		}
		c := ini[i]
		if c != 0 && prevIni != 0 {
			k := int(prevIni-'a')*26 + int(c-'a')
			ix.inis[k] = appendDoc(ix.inis[k], d)
		}
		prevIni = c
		switch w := isWord(r); {
		case w && word < 0:
			word = off
		case !w && word >= 0:
			ix.addWord(d, text[word:off])
			word = -1
		}
		i++
	}
	if word >= 0 {
		ix.addWord(d, text[word:])
	}
}

func (ix *postings) addWord(d uint32, w string) {
	n := 0
	for off := range w {
		if n > 0 {
			ix.addPrefix(d, w[:off])
		}
		if n++; n > maxPrefix {
			return
		}
	}
	ix.addPrefix(d, w)
}

func (ix *postings) addPrefix(d uint32, p string) {
	if list, ok := ix.words[p]; ok {
		ix.words[p] = appendDoc(list, d)
		return
	}
	ix.words[strings.Clone(p)] = []uint32{d}
}

// A query is a list of terms that must all match.
type term struct {
	han   string   // a folded run of Han characters, or
	words []string // folded word tokens; several for a spaced pinyin phrase ("tu di")
	segs  [][]unit // readings of the words as pinyin
}

// unit is one character of a pinyin reading: a full syllable, or (syl 0)
// just its initial letter.
type unit struct {
	syl uint16
	ini byte
}

func parseQuery(q string) []term {
	loadPinyin()
	type piece struct {
		han  bool
		text string
	}
	var pieces []piece
	var cur []rune
	curHan := false
	flush := func() {
		if len(cur) > 0 {
			pieces = append(pieces, piece{curHan, string(cur)})
			cur = cur[:0]
		}
	}
	n := 0
	for _, r := range q {
		if n++; n > maxQueryRunes {
			break
		}
		r = fold(r)
		switch {
		case isHan(r):
			if !curHan {
				flush()
			}
			curHan = true
			cur = append(cur, r)
		case isWord(r):
			if curHan {
				flush()
			}
			curHan = false
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()

	var terms []term
	for i := 0; i < len(pieces) && len(terms) < maxTerms; i++ {
		if pieces[i].han {
			terms = append(terms, term{han: pieces[i].text})
			continue
		}
		// Words that are each whole pinyin syllables, typed with spaces,
		// read as one phrase: "tu di" is 土地.
		j := i
		for j < len(pieces) && !pieces[j].han && segment(pieces[j].text, false, 1) != nil {
			j++
		}
		if j-i > 1 {
			t := term{}
			for _, p := range pieces[i:j] {
				t.words = append(t.words, p.text)
			}
			t.segs = segmentPhrase(t.words)
			terms = append(terms, t)
			i = j - 1
			continue
		}
		w := pieces[i].text
		terms = append(terms, term{words: []string{w}, segs: segment(w, true, maxSegments)})
	}
	return terms
}

// segment lists readings of w as pinyin: syllables, and with mixed also
// single initials ("tdzs", "tudzs"). At most limit readings.
func segment(w string, mixed bool, limit int) [][]unit {
	if len(w) > 64 || !isLowerASCII(w) {
		return nil
	}
	step := func(i int, yield func(l int, u unit) bool) {
		for l := min(6, len(w)-i); l >= 1; l-- { // "zhuang" is the longest syllable
			if id, ok := pyIndex[w[i:i+l]]; ok && !yield(l, unit{syl: id, ini: w[i]}) {
				return
			}
		}
		if mixed && pyInitials[w[i]-'a'] {
			yield(1, unit{ini: w[i]})
		}
	}
	// done[i]: the rest from i can be read, so the search below never
	// walks into a dead end (which would be exponential).
	done := make([]bool, len(w)+1)
	done[len(w)] = true
	for i := len(w) - 1; i >= 0; i-- {
		step(i, func(l int, _ unit) bool {
			done[i] = done[i+l]
			return !done[i]
		})
	}
	if !done[0] {
		return nil
	}
	var out [][]unit
	var cur []unit
	var walk func(i int)
	walk = func(i int) {
		if i == len(w) {
			out = append(out, slices.Clone(cur))
			return
		}
		step(i, func(l int, u unit) bool {
			if done[i+l] {
				cur = append(cur, u)
				walk(i + l)
				cur = cur[:len(cur)-1]
			}
			return len(out) < limit
		})
	}
	walk(0)
	return out
}

// segmentPhrase reads spaced words as one pinyin phrase, each word on its
// own syllable boundaries.
func segmentPhrase(words []string) [][]unit {
	out := [][]unit{nil}
	for _, w := range words {
		var next [][]unit
		for _, s := range segment(w, true, maxSegments) {
			for _, o := range out {
				if len(next) < maxSegments {
					next = append(next, append(slices.Clone(o), s...))
				}
			}
		}
		out = next
	}
	return out
}

func prefixKey(w string) string {
	n := 0
	for off := range w {
		if n == maxPrefix {
			return w[:off]
		}
		n++
	}
	return w
}

// candidates lists the documents that may contain t in p, in document order.
func (ix *index) candidates(p *postings, t term) []uint32 {
	if t.han != "" {
		rs := []rune(t.han)
		if len(rs) == 1 {
			return p.chars[rs[0]]
		}
		lists := make([][]uint32, 0, len(rs)-1)
		for i := 1; i < len(rs); i++ {
			lists = append(lists, p.bigrams[uint64(rs[i-1])<<32|uint64(rs[i])])
		}
		return intersect(lists)
	}
	var alts [][]uint32
	lat := make([][]uint32, 0, len(t.words))
	for _, w := range t.words {
		lat = append(lat, p.words[prefixKey(w)])
	}
	alts = append(alts, intersect(lat))
	seen := map[string]bool{}
	for _, seg := range t.segs {
		key := make([]byte, len(seg))
		for i, u := range seg {
			key[i] = u.ini
		}
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		switch {
		case len(seg) >= 2:
			lists := make([][]uint32, 0, len(seg)-1)
			for i := 1; i < len(key); i++ {
				lists = append(lists, p.inis[int(key[i-1]-'a')*26+int(key[i]-'a')])
			}
			alts = append(alts, intersect(lists))
		case seg[0].syl != 0:
			for _, r := range ix.sylChars[seg[0].syl] {
				alts = append(alts, p.chars[r])
			}
		}
	}
	return union(alts)
}

// intersect of sorted lists, shortest first so the work is bounded by it.
func intersect(lists [][]uint32) []uint32 {
	if len(lists) == 0 {
		return nil
	}
	lists = slices.Clone(lists)
	slices.SortFunc(lists, func(a, b []uint32) int { return cmp.Compare(len(a), len(b)) })
	out := lists[0]
	for _, l := range lists[1:] {
		if len(out) == 0 {
			break
		}
		next := make([]uint32, 0, len(out))
		j := 0
		for _, d := range out {
			// Gallop: l is usually much longer than out.
			j += seek(l[j:], d)
			if j < len(l) && l[j] == d {
				next = append(next, d)
			}
		}
		out = next
	}
	return out
}

// seek is the position of the first element >= d in sorted l.
func seek(l []uint32, d uint32) int {
	step := 1
	for step < len(l) && l[step-1] < d {
		step *= 2
	}
	lo, hi := step/2, min(step, len(l))
	i, _ := slices.BinarySearch(l[lo:hi], d)
	return lo + i
}

// union of sorted lists. Pinyin readings give many long lists, so
// they are merged through a bitmap rather than sorted.
func union(lists [][]uint32) []uint32 {
	lists = slices.DeleteFunc(slices.Clone(lists), func(l []uint32) bool { return len(l) == 0 })
	switch len(lists) {
	case 0:
		return nil
	case 1:
		return lists[0]
	}
	var top uint32
	total := 0
	for _, l := range lists {
		top = max(top, l[len(l)-1])
		total += len(l)
	}
	set := make([]uint64, top/64+1)
	for _, l := range lists {
		for _, d := range l {
			set[d/64] |= 1 << (d % 64)
		}
	}
	out := make([]uint32, 0, min(total, int(top)+1))
	for i, w := range set {
		for w != 0 {
			out = append(out, uint32(i*64+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return out
}

type span struct{ start, end int } // byte offsets in the folded text

// field is one searchable text of a document.
type field struct {
	orig, norm string
	ini        []byte
}

func (t term) match(f field) ([]span, bool) {
	if t.han != "" {
		i := strings.Index(f.norm, t.han)
		if i < 0 {
			return nil, false
		}
		return []span{{i, i + len(t.han)}}, true
	}
	for _, seg := range t.segs {
		if sp, ok := matchPinyin(f, seg); ok {
			return []span{sp}, true
		}
	}
	var spans []span
	for _, w := range t.words {
		sp, ok := matchWord(f.norm, w)
		if !ok {
			return nil, false
		}
		spans = append(spans, sp)
	}
	return spans, true
}

// matchWord finds w at the start of a token of s (prefix match).
func matchWord(s, w string) (span, bool) {
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return span{}, false
		}
		i += off
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); i == 0 || !isWord(r) {
			return span{i, i + len(w)}, true
		}
		off = i + 1
	}
	return span{}, false
}

func matchPinyin(f field, seg []unit) (span, bool) {
	pat := make([]byte, len(seg))
	full := false
	for i, u := range seg {
		pat[i] = u.ini
		full = full || u.syl != 0
	}
	// The cursor only moves forward, so a long body is walked once however
	// many places its initials match.
	idx, off := 0, 0 // rune index and byte offset of the cursor
	for from := 0; from < len(f.ini); {
		k := bytes.Index(f.ini[from:], pat)
		if k < 0 {
			return span{}, false
		}
		k += from
		for idx < k {
			_, n := utf8.DecodeRuneInString(f.norm[off:])
			off += n
			idx++
		}
		end := off
		for range seg {
			_, n := utf8.DecodeRuneInString(f.norm[end:])
			end += n
		}
		if !full || syllablesMatch(f.norm[off:end], seg) {
			return span{off, end}, true
		}
		from = k + 1
	}
	return span{}, false
}

func syllablesMatch(s string, seg []unit) bool {
	i := 0
	for _, r := range s {
		if seg[i].syl != 0 && syllableOf(r) != seg[i].syl {
			return false
		}
		i++
	}
	return true
}

// runeSpan gives the byte offsets of runes k..k+n of s.
func runeSpan(s string, k, n int) (start, end int) {
	i := 0
	start, end = len(s), len(s)
	for off := range s {
		if i == k {
			start = off
		}
		if i == k+n {
			return start, off
		}
		i++
	}
	return start, end
}

// original maps a span of the folded text back to the original text
// (folding keeps one rune for one rune, not byte lengths).
func (f field) original(sp span) string {
	if f.orig == f.norm {
		return f.orig[sp.start:sp.end]
	}
	k := utf8.RuneCountInString(f.norm[:sp.start])
	n := utf8.RuneCountInString(f.norm[sp.start:sp.end])
	start, end := runeSpan(f.orig, k, n)
	return f.orig[start:end]
}

func (ix *index) search(terms []term, location string, at int64, limit int) []Hit {
	var inTitle, inAll [][]uint32
	for _, t := range terms {
		inTitle = append(inTitle, ix.candidates(ix.title, t))
		inAll = append(inAll, ix.candidates(ix.all, t))
	}
	visible := func(d *doc) bool {
		return d.from <= at && at < d.until && d.sum.Withdrawn == "" && targets(d.sum.Locations, location)
	}
	var hits []Hit
	var titleDocs []uint32 // documents of the title hits, in order
	for _, d := range intersect(inTitle) {
		doc := &ix.docs[d]
		if !visible(doc) {
			continue
		}
		if m, ok := matchAll(terms, doc.titleField(), nil); ok {
			hits = append(hits, Hit{Summary: doc.sum, InTitle: true, Match: m})
			titleDocs = append(titleDocs, d)
			if limit > 0 && len(hits) >= limit {
				return cloneLocations(hits)
			}
		}
	}
	for _, d := range intersect(inAll) {
		if _, found := slices.BinarySearch(titleDocs, d); found {
			continue
		}
		doc := &ix.docs[d]
		if !visible(doc) {
			continue
		}
		rest := doc.restField()
		if m, ok := matchAll(terms, doc.titleField(), &rest); ok {
			hits = append(hits, Hit{Summary: doc.sum, Match: m})
			if limit > 0 && len(hits) >= limit {
				break
			}
		}
	}
	return cloneLocations(hits)
}

func (d *doc) titleField() field { return field{d.title, d.titleN, d.titleIni} }
func (d *doc) restField() field  { return field{d.rest, d.restN, d.restIni} }

// cloneLocations keeps callers from sharing the index's slices.
func cloneLocations(hits []Hit) []Hit {
	for i := range hits {
		hits[i].Locations = slices.Clone(hits[i].Locations)
	}
	return hits
}

// matchAll checks every term in the title, or (rest given) in the title or
// the rest, and gives the distinct matched substrings.
func matchAll(terms []term, title field, rest *field) ([]string, bool) {
	var out []string
	for _, t := range terms {
		f := title
		spans, ok := t.match(title)
		if !ok && rest != nil {
			f = *rest
			spans, ok = t.match(*rest)
		}
		if !ok {
			return nil, false
		}
		for _, sp := range spans {
			if s := f.original(sp); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out, true
}

// Search finds visible items: Chinese by bigrams and single characters,
// Latin and digits by token prefix, pinyin by full syllables and initials.
// Every term of the query must match. Title hits first, then newest. At most
// limit hits (0: no limit).
func (s *Store) Search(query, location string, at time.Time, limit int) ([]Hit, error) {
	terms := parseQuery(query)
	if len(terms) == 0 {
		return nil, nil
	}
	ix, err := s.index()
	if err != nil {
		return nil, err
	}
	return ix.search(terms, location, at.Unix(), limit), nil
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
