package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// The search index: posting lists of item ordinals in the postings bucket,
// written by Apply in its transaction (layout.go lists the keys). Each
// searchable item has an ordinal, a number of its own for as long as it is
// stored; a posting list is a set of ordinals, kept as roaring bitmaps
// (compressed sets whose intersections, unions and counts are computed
// without listing their members).
//
// A list is split by the high 16 bits of the ordinal into chunks of 65,536
// items, one bbolt value each, so that adding or removing one item rewrites
// a few kilobytes of each of its terms rather than whole lists of a million
// items.

// ordinal numbers the searchable items.
type ordinal = uint32

const chunkShift = 16

// Fields and kinds of the terms. A term key is field, kind, payload; the
// bbolt key appends 0x00 and the chunk number (2 bytes, big-endian). No
// payload contains 0x00, so a term's chunks are exactly the keys with
// prefix term+0x00.
const (
	fieldTitle = 't' // the title
	fieldRest  = 'r' // agency, document number, body
	fieldSet   = 's' // sets by attribute: location, validity, published, category

	kindChar    = 'c' // initial, Han character
	kindBigram  = 'g' // initial, initial, two adjacent Han characters
	kindInitial = 'i' // letter: some character with this pinyin initial
	kindPair    = 'p' // letter, letter: two adjacent characters with these initials
	kindWord    = 'w' // a prefix (up to maxPrefix runes) of a Latin or digit token

	// In the title only, where nearly all hits of a phrase are: pairs by
	// the rune position of their first character, so that a phrase of
	// three or more characters or initials is an exact set (its pairs at
	// consecutive positions) rather than candidates to check.
	kindBigramAt = 'G' // initial, initial, rune, rune, position+1
	kindPairAt   = 'P' // letter, letter, position+1

	// In the rest only (a body is too long for positions): three adjacent
	// characters, exact for a phrase of three and few candidates for a
	// longer one.
	kindTrigram = '3' // initial ×3, rune ×3
	kindTriple  = 'q' // letter ×3: three adjacent characters with these initials

	setLocation   = 'L' // location code prefix or "all": items targeting it
	setFrom       = 'F' // valid_from date
	setUntil      = 'U' // valid_until date
	setFromMonth  = 'f' // valid_from's month (YYYY-MM): whole months at once
	setUntilMonth = 'u' // valid_until's month
	setPublished  = 'P' // published date
	setCategory   = 'C' // category id
	setPriority   = 'R' // priority, urgent or pinned: what the home puts forward
	setNormative  = 'N' // normative documents (行政规范性文件), one set: the policy topic lists them apart
	setLongTitle  = 'T' // titles longer than their positional pairs reach, one set: only these can hold a phrase the pairs miss

	noInitial = '_' // in keys, for a character without a pinyin reading
)

// Han terms are packed into a uint64 while an Apply collects them, since
// a notice has hundreds: payload (a rune, two runes or letters; Han runes
// fit in 18 bits) in the low 36 bits, a title position in the next 6,
// then kind (3 bits), field (1 bit) and chunk (16 bits).
const (
	hanChar       = 1
	hanBigram     = 2
	hanInitial    = 3
	hanPair       = 4
	hanBigramAt   = 5
	hanPairAt     = 6
	hanTriple     = 7
	hanRuneBits   = 18
	hanPosShift   = 36
	hanKindShift  = 42
	hanFieldShift = 45
	hanChunkShift = 46
	hanTermMask   = 1<<hanChunkShift - 1
)

func hanTerm(field byte, kind uint64, payload uint64) uint64 {
	f := uint64(0)
	if field == fieldRest {
		f = 1
	}
	return f<<hanFieldShift | kind<<hanKindShift | payload
}

// termKeyOf spells a packed Han term as a term key.
func termKeyOf(t uint64) []byte {
	field := byte(fieldTitle)
	if t>>hanFieldShift&1 == 1 {
		field = fieldRest
	}
	p := t & (1<<hanPosShift - 1)
	pos := byte(t>>hanPosShift&(1<<(hanKindShift-hanPosShift)-1)) + 1
	k := make([]byte, 0, 13)
	switch kind := t >> hanKindShift & 7; kind {
	case hanChar:
		r := rune(p)
		k = append(k, field, kindChar, keyInitial(r))
		return utf8.AppendRune(k, r)
	case hanBigram, hanBigramAt:
		a, b := rune(p>>hanRuneBits), rune(p&(1<<hanRuneBits-1))
		if kind == hanBigramAt {
			k = append(k, field, kindBigramAt, keyInitial(a), keyInitial(b))
			return append(utf8.AppendRune(utf8.AppendRune(k, a), b), pos)
		}
		k = append(k, field, kindBigram, keyInitial(a), keyInitial(b))
		return utf8.AppendRune(utf8.AppendRune(k, a), b)
	case hanInitial:
		return append(k, field, kindInitial, byte(p))
	case hanPairAt:
		return append(k, field, kindPairAt, byte(p>>8), byte(p), pos)
	case hanTriple:
		return append(k, field, kindTriple, byte(p>>16), byte(p>>8), byte(p))
	default:
		return append(k, field, kindPair, byte(p>>8), byte(p))
	}
}

// titlePositions is how many positions of a title have positional pairs:
// a phrase further in is found among the candidates and checked.
const titlePositions = 1<<(hanKindShift-hanPosShift) - 1

func runePair(a, b rune) uint64 { return uint64(a)<<hanRuneBits | uint64(b) }

// A Han trigram of the rest does not fit beside a chunk in a uint64: its
// three runes (18 bits each) are packed alone, the chunk kept apart.
func runeTriple(a, b, c rune) uint64 {
	return (uint64(a)<<hanRuneBits|uint64(b))<<hanRuneBits | uint64(c)
}

// trigramKey spells a packed trigram of the rest as a term key.
func trigramKey(t uint64) []byte {
	const m = 1<<hanRuneBits - 1
	a, b, c := rune(t>>(2*hanRuneBits)&m), rune(t>>hanRuneBits&m), rune(t&m)
	k := make([]byte, 0, 14)
	k = append(k, fieldRest, kindTrigram, keyInitial(a), keyInitial(b), keyInitial(c))
	return utf8.AppendRune(utf8.AppendRune(utf8.AppendRune(k, a), b), c)
}

func tripleKey(a, b, c byte) []byte { return []byte{fieldRest, kindTriple, a, b, c} }

func keyInitial(r rune) byte {
	if c := initialOf(r); c != 0 {
		return c
	}
	return noInitial
}

func charKey(field byte, r rune) []byte { return termKeyOf(hanTerm(field, hanChar, uint64(r))) }
func bigramKey(field byte, a, b rune) []byte {
	return termKeyOf(hanTerm(field, hanBigram, runePair(a, b)))
}

// bigramAtKey and pairAtKey are the positional keys of a pair in the
// title, without the position byte.
func bigramAtKey(a, b rune) []byte {
	k := termKeyOf(hanTerm(fieldTitle, hanBigramAt, runePair(a, b)))
	return k[:len(k)-1]
}
func pairAtKey(a, b byte) []byte      { return []byte{fieldTitle, kindPairAt, a, b} }
func initialKey(field, c byte) []byte { return []byte{field, kindInitial, c} }
func pairKey(field, a, b byte) []byte { return []byte{field, kindPair, a, b} }
func wordKey(field byte, w string) []byte {
	return append([]byte{field, kindWord}, w...)
}
func setKey(kind byte, v string) []byte { return append([]byte{fieldSet, kind}, v...) }

// chunkKey is the bbolt key of term's chunk c.
func chunkKey(term []byte, c uint16) []byte {
	k := make([]byte, 0, len(term)+3)
	k = append(k, term...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint16(k, c)
}

// splitChunkKey gives the term and chunk of a postings key.
func splitChunkKey(k []byte) (term []byte, c uint16, ok bool) {
	if len(k) < 5 || k[len(k)-3] != 0 {
		return nil, 0, false
	}
	return k[:len(k)-3], binary.BigEndian.Uint16(k[len(k)-2:]), true
}

// docTerms are the index terms of one item: Han terms packed (without a
// chunk), trigrams of the rest packed (runeTriple), and the others (word
// prefixes and sets) as term keys.
type docTerms struct {
	han  []uint64
	tri  []uint64
	strs []string
}

func (t *docTerms) len() int { return len(t.han) + len(t.tri) + len(t.strs) }

// termsOf lists the terms of an item: its searchable text and its
// attributes. Duplicates are kept: adding an ordinal twice is harmless,
// and sorting them out costs more than the second add.
func termsOf(d *docText, sum *Summary) docTerms {
	title, rest := foldString(d.Title), foldString(d.Rest)
	// Room for the terms up front: growing the lists copied them over
	// and over (a tenth of an Apply's CPU at 100,000 notices). A Han
	// character is at least 3 bytes; it gives at most four Han terms in the
	// title and three in the rest (and a trigram), and a field adds each of
	// its initials and pairs of initials once, counted here as one a
	// character (punctuation, 3 bytes too, leaves more room). A text whose
	// characters bring more new pairs than that grows once.
	hanT, hanR := len(title)/3, len(rest)/3
	b := termBuilder{
		han: make([]uint64, 0, 4*hanT+min(hanT, initialTerms)+3*hanR+min(hanR, initialTerms)),
		tri: make([]uint64, 0, hanR),
	}
	b.addText(fieldTitle, title)
	b.addText(fieldRest, rest)
	b.addStr(setPublished, string(sum.Published))
	b.addStr(setCategory, sum.Category)
	if p := sum.Priority; p == feed.PriorityUrgent || p == feed.PriorityPinned {
		b.addStr(setPriority, p)
	}
	if sum.Normative {
		b.addStr(setNormative, "")
	}
	if utf8.RuneCountInString(title) > titlePositions+1 {
		b.addStr(setLongTitle, "")
	}
	if d := string(sum.ValidFrom); d != "" {
		b.addStr(setFrom, d)
		b.addStr(setFromMonth, d[:min(7, len(d))])
	}
	if d := string(sum.ValidUntil); d != "" {
		b.addStr(setUntil, d)
		b.addStr(setUntilMonth, d[:min(7, len(d))])
	}
	if _, _, ok := validity(sum, nil); ok {
		// Dates that do not parse are never shown: such an item reaches
		// no screen.
		for _, l := range sum.Locations {
			if l != "" && !strings.ContainsRune(l, 0) {
				b.addStr(setLocation, l)
			}
		}
	}
	return b.terms()
}

// initialTerms is how many initial and initial-pair terms a field can
// have: 26 letters, 26×26 pairs.
const initialTerms = 26 + 26*26

// termBuilder collects the terms of one item with few allocations: Han
// terms packed, the others (term keys) in one buffer.
type termBuilder struct {
	han  []uint64
	tri  []uint64
	buf  []byte
	ends []int
}

func (b *termBuilder) addStr(kind byte, v string) {
	b.buf = append(b.buf, fieldSet, kind)
	b.buf = append(b.buf, v...)
	b.ends = append(b.ends, len(b.buf))
}

func (b *termBuilder) terms() docTerms {
	all := string(b.buf)
	t := docTerms{han: b.han, tri: b.tri, strs: make([]string, len(b.ends))}
	start := 0
	for i, end := range b.ends {
		t.strs[i], start = all[start:end], end
	}
	return t
}

func (b *termBuilder) addText(field byte, text string) {
	loadPinyin()
	var prev, prev2 rune = -1, -1 // the Han characters before r, -1 for none
	var prevIni, prevIni2 byte
	// initials and pairs of them repeat in any text: each is added once
	var inis uint32
	var pairs [(26*26 + 63) / 64]uint64
	word := -1
	pos := -1 // rune index of r
	for off, r := range text {
		pos++
		// at: the position of a pair ending in r, when it has positional
		// lists (title only)
		at := field == fieldTitle && pos-1 < titlePositions
		ini := byte(0)
		if r >= 0x2E80 && isHan(r) {
			ini = initialOf(r)
			b.han = append(b.han, hanTerm(field, hanChar, uint64(r)))
			if prev >= 0 {
				b.han = append(b.han, hanTerm(field, hanBigram, runePair(prev, r)))
				if at {
					b.han = append(b.han, hanTerm(field, hanBigramAt, runePair(prev, r)|uint64(pos-1)<<hanPosShift))
				}
			}
			if field == fieldRest && prev2 >= 0 && prev >= 0 {
				b.tri = append(b.tri, runeTriple(prev2, prev, r))
			}
			prev2, prev = prev, r
			if ini != 0 {
				if field == fieldRest && prevIni2 != 0 && prevIni != 0 {
					b.han = append(b.han, hanTerm(field, hanTriple, uint64(prevIni2)<<16|uint64(prevIni)<<8|uint64(ini)))
				}
				if prevIni != 0 && at {
					b.han = append(b.han, hanTerm(field, hanPairAt, uint64(prevIni)<<8|uint64(ini)|uint64(pos-1)<<hanPosShift))
				}
				if bit := uint32(1) << (ini - 'a'); inis&bit == 0 {
					inis |= bit
					b.han = append(b.han, hanTerm(field, hanInitial, uint64(ini)))
				}
				if p := int(prevIni-'a')*26 + int(ini-'a'); prevIni != 0 && pairs[p/64]&(1<<(p%64)) == 0 {
					pairs[p/64] |= 1 << (p % 64)
					b.han = append(b.han, hanTerm(field, hanPair, uint64(prevIni)<<8|uint64(ini)))
				}
			}
		} else {
			prev, prev2 = -1, -1
		}
		prevIni2, prevIni = prevIni, ini
		switch w := isWord(r); {
		case w && word < 0:
			word = off
		case !w && word >= 0:
			b.addWord(field, text[word:off])
			word = -1
		}
	}
	if word >= 0 {
		b.addWord(field, text[word:])
	}
}

// addWord adds the prefixes of a token, up to maxPrefix runes.
func (b *termBuilder) addWord(field byte, w string) {
	n := 0
	add := func(p string) {
		b.buf = append(b.buf, field, kindWord)
		b.buf = append(b.buf, p...)
		b.ends = append(b.ends, len(b.buf))
	}
	for off := range w {
		if n > 0 {
			add(w[:off])
		}
		if n++; n > maxPrefix {
			return
		}
	}
	add(w)
}

// postingEdits collects the changes an Apply makes to posting lists, by
// chunk, before writing each touched chunk once. Each chunk touched gets a
// number when first marked (one map lookup per mark); the marks themselves
// are flat lists of chunk numbers, item after item, grouped by chunk in
// two passes (a counting sort) when written. A notice has about a thousand
// terms: a slice per chunk, grown mark by mark, cost more than all the rest
// of the index's writing (BENCHMARKS.md, Apply).
type postingEdits struct {
	han  map[uint64]int32 // packed Han term with its chunk
	tri  map[triChunk]int32
	strs map[strChunk]int32
	n    int32 // chunks numbered
	adds marks // in the order marked: ascending ordinals for new items
	dels marks
}

type triChunk struct {
	runes uint64
	chunk uint16
}

type strChunk struct {
	term  string
	chunk uint16
}

// marks are what an Apply adds to chunks (or removes from them): the
// chunk numbers of each item's terms, item after item, and where each
// item's end. An ordinal is never both added to and removed from a chunk:
// an item is either kept, replaced or removed.
type marks struct {
	chunks []int32
	items  []itemEnd
}

type itemEnd struct {
	ord ordinal
	end int // its marks are chunks[previous end:end]
}

func newPostingEdits() *postingEdits {
	return &postingEdits{han: map[uint64]int32{}, tri: map[triChunk]int32{}, strs: map[strChunk]int32{}}
}

// flushMarks is how many marks postingEdits holds before an Apply writes
// them (flushIfFull): 256 MB of chunk numbers, about 100,000 notices' of
// the generated corpus (655 marks each; a million notices flush ten times).
var flushMarks = 64 << 20 // a variable so tests can make flushes happen

// reset empties the edits once written, keeping the room the marks had
// for the next flush of the same Apply.
func (pe *postingEdits) reset() {
	adds, dels := pe.adds, pe.dels
	*pe = *newPostingEdits()
	pe.adds = marks{chunks: adds.chunks[:0], items: adds.items[:0]}
	pe.dels = marks{chunks: dels.chunks[:0], items: dels.items[:0]}
}

// grow makes room for n added marks, up to a flush's worth. It is asked
// once, by an update's first batch for the whole update (markInBatches):
// later, full flushes rather than let the list grow.
func (pe *postingEdits) grow(n int) {
	pe.adds.chunks = slices.Grow(pe.adds.chunks, min(n, flushMarks))
}

// full reports whether the edits are to be written before an item adds k
// more marks: they hold flushMarks marks or more, or the k would not fit in
// the room grow made. Growing a list of tens of millions of marks copies
// it (216 MB, a quarter of a 100,000-notice Apply's page faults, when
// the first batch had fewer terms a notice than the rest); writing early
// costs a second write of the chunks both parts touch.
func (pe *postingEdits) full(k int) bool {
	n := len(pe.adds.chunks)
	return n+len(pe.dels.chunks) >= flushMarks || n > 0 && n+k > cap(pe.adds.chunks)
}

// numberOf is the number of key k in m, given on first use.
func numberOf[K comparable](pe *postingEdits, m map[K]int32, k K) int32 {
	i, ok := m[k]
	if !ok {
		i = pe.n
		pe.n++
		m[k] = i
	}
	return i
}

// mark records that o gains (add) or loses the terms t.
func (pe *postingEdits) mark(t docTerms, o ordinal, add bool) {
	chunk := uint64(o >> chunkShift)
	to := &pe.dels
	if add {
		to = &pe.adds
	}
	l := to.chunks
	for _, h := range t.han {
		l = append(l, numberOf(pe, pe.han, h|chunk<<hanChunkShift))
	}
	for _, t := range t.tri {
		l = append(l, numberOf(pe, pe.tri, triChunk{t, uint16(chunk)}))
	}
	for _, s := range t.strs {
		l = append(l, numberOf(pe, pe.strs, strChunk{s, uint16(chunk)}))
	}
	to.chunks = l
	to.items = append(to.items, itemEnd{o, len(l)})
}

// byChunk groups marks by chunk number, keeping their order within a
// chunk: chunk c's ordinals are lows[start[c]:start[c+1]], their low 16
// bits (the chunk gives the rest). The items are cut into a part for each
// core, counted and scattered side by side: a part's marks of a chunk go
// after those of the parts before it, so the order is kept.
func byChunk(m marks, n int32) (lows []uint16, start []int32) {
	parts := chunkParts(m)
	counts := make([][]int32, len(parts)) // part → chunk → its first place, once summed
	parallel(len(parts), func(p int) {
		count := make([]int32, n)
		for _, c := range m.chunks[parts[p].from:parts[p].to] {
			count[c]++
		}
		counts[p] = count
	})
	start = make([]int32, n+1)
	at := int32(0)
	for c := range n {
		start[c] = at
		for _, count := range counts {
			at, count[c] = at+count[c], at
		}
	}
	start[n] = at
	lows = make([]uint16, len(m.chunks))
	parallel(len(parts), func(p int) {
		next, from := counts[p], parts[p].from
		for _, it := range m.items[parts[p].items:parts[p].itemsTo] {
			lo := uint16(it.ord)
			for _, c := range m.chunks[from:it.end] {
				lows[next[c]] = lo
				next[c]++
			}
			from = it.end
		}
	})
	return lows, start
}

// chunkPart is a run of whole items' marks: m.items[items:itemsTo], whose
// marks are m.chunks[from:to].
type chunkPart struct{ items, itemsTo, from, to int }

// chunkParts cuts m into a part for each core, of about as many marks each
// (one part when there are few).
func chunkParts(m marks) []chunkPart {
	k := 1
	if len(m.chunks) >= 1<<16 {
		k = runtime.GOMAXPROCS(0)
	}
	parts := make([]chunkPart, 0, k)
	item, from := 0, 0
	for p := 1; p <= k; p++ {
		upTo := len(m.chunks) * p / k
		end := item
		for end < len(m.items) && (m.items[end].end <= upTo || p == k) {
			end++
		}
		to := from
		if end > item {
			to = m.items[end-1].end
		}
		parts = append(parts, chunkPart{item, end, from, to})
		item, from = end, to
	}
	return parts
}

// keys spells the bbolt key of every chunk numbered.
func (pe *postingEdits) keys() [][]byte {
	keys := make([][]byte, pe.n)
	for k, i := range pe.han {
		keys[i] = chunkKey(termKeyOf(k&hanTermMask), uint16(k>>hanChunkShift))
	}
	for k, i := range pe.tri {
		keys[i] = chunkKey(trigramKey(k.runes), k.chunk)
	}
	for k, i := range pe.strs {
		keys[i] = chunkKey([]byte(k.term), k.chunk)
	}
	return keys
}

// addTo adds to bm (made when nil; nil stays nil when lows is empty) the
// ordinals of chunk c whose low bits are lows (mostly ascending, with
// repeats).
func addTo(bm *roaring.Bitmap, c uint16, lows []uint16, buf *denseChunk) *roaring.Bitmap {
	if len(lows) == 0 {
		return bm
	}
	if len(lows) >= denseFrom {
		return orInto(bm, buf.bitmap(c, lows))
	}
	// Repeats are next to each other (an item's marks are): drop them
	// before roaring looks each one up.
	ords := make([]ordinal, 0, len(lows))
	for i, lo := range lows {
		if i == 0 || lo != lows[i-1] {
			ords = append(ords, ordinal(c)<<chunkShift|ordinal(lo))
		}
	}
	return orInto(bm, roaring.BitmapOf(ords...))
}

func orInto(bm, add *roaring.Bitmap) *roaring.Bitmap {
	if bm == nil {
		return add
	}
	bm.Or(add)
	return bm
}

// denseChunk is a chunk's 65,536 bits, empty between uses: a common term
// (thousands of ordinals in a chunk) becomes a set by setting bits, where
// roaring would add them one by one. Scanning the 8 KiB costs about what
// adding denseFrom ordinals does.
type denseChunk [1 << chunkShift / 64]uint64

const denseFrom = 512

// bitmap is the set of chunk c's ordinals whose low bits are lows.
func (d *denseChunk) bitmap(c uint16, lows []uint16) *roaring.Bitmap {
	for _, lo := range lows {
		d[lo>>6] |= 1 << (lo & 63)
	}
	bm := roaring.FromDense(d[:], c == 0) // without a copy, d's words are shared until AddOffset copies them
	if c != 0 {
		bm = roaring.AddOffset64(bm, int64(c)<<chunkShift)
	}
	for _, lo := range lows {
		d[lo>>6] = 0
	}
	return bm
}

// replace records the change of o's terms from old to new: only the terms
// that differ are touched, so an edit of a notice rewrites only the lists
// its edit changes.
func (pe *postingEdits) replace(old, new docTerms, o ordinal) {
	oh, nh := sortedSet(old.han), sortedSet(new.han)
	ot, nt := sortedSet(old.tri), sortedSet(new.tri)
	os, ns := sortedSet(old.strs), sortedSet(new.strs)
	var gone, came docTerms
	gone.han, came.han = diffSorted(oh, nh), diffSorted(nh, oh)
	gone.tri, came.tri = diffSorted(ot, nt), diffSorted(nt, ot)
	gone.strs, came.strs = diffSorted(os, ns), diffSorted(ns, os)
	pe.mark(gone, o, false)
	pe.mark(came, o, true)
}

// sortedSet is a sorted copy of l without duplicates.
func sortedSet[T uint64 | string](l []T) []T {
	l = slices.Clone(l)
	slices.Sort(l)
	return slices.Compact(l)
}

// diffSorted lists the elements of a not in b (both sorted, no duplicates).
func diffSorted[T uint64 | string](a, b []T) []T {
	var out []T
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			out = append(out, x)
		}
	}
	return out
}

// write applies the edits to the postings bucket in key order: each
// touched chunk is read, changed and written once, and deleted when it
// becomes empty.
func (pe *postingEdits) write(b *bolt.Bucket) error {
	keys := pe.keys()
	order := make([]int32, pe.n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return bytes.Compare(keys[x], keys[y]) })
	adds, addStart := byChunk(pe.adds, pe.n)
	dels, delStart := byChunk(pe.dels, pe.n)
	pe.reset() // written below
	if k, _ := b.Cursor().First(); k == nil {
		b.FillPercent = 1 // filled in key order from empty: see applier.put
	}
	// A window of chunks at a time: their old values read (decodeChunk
	// copies them), then their new values worked out on every core while
	// this goroutine, the only one using bbolt, writes them in key order as
	// they come (inOrder). A window bounds the old lists held at once.
	var (
		bufs = sync.Pool{New: func() any { return new(denseChunk) }}
		olds = make([]*roaring.Bitmap, min(len(order), writeWindow))
		news = make([]newChunk, len(olds))
	)
	for start := 0; start < len(order); start += writeWindow {
		window := order[start:min(start+writeWindow, len(order))]
		for i, c := range window {
			olds[i] = nil
			if v := b.Get(keys[c]); v != nil {
				old, err := decodeChunk(v, keys[c])
				if err != nil {
					return err
				}
				olds[i] = old
			}
		}
		err := inOrder(len(window), 64, func(i int) {
			c := window[i]
			_, chunk, _ := splitChunkKey(keys[c])
			buf := bufs.Get().(*denseChunk)
			defer bufs.Put(buf)
			news[i] = newChunk{}
			bm := addTo(olds[i], chunk, adds[addStart[c]:addStart[c+1]], buf)
			olds[i] = nil
			if bm == nil {
				news[i].same = true
				return
			}
			if d := addTo(nil, chunk, dels[delStart[c]:delStart[c+1]], buf); d != nil {
				bm.AndNot(d)
			}
			if !bm.IsEmpty() {
				news[i].v, news[i].err = encodeChunk(bm)
			}
		}, func(i int) error {
			n, key := news[i], keys[window[i]]
			news[i] = newChunk{} // bbolt holds the value now
			switch {
			case n.same:
				return nil
			case n.err != nil:
				return n.err
			}
			if onPostingWrite != nil {
				onPostingWrite(key)
			}
			if n.v == nil {
				return b.Delete(key)
			}
			if err := b.Put(key, n.v); err != nil {
				return fmt.Errorf("write postings %q: %w", key, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// writeWindow is how many chunks write reads and works out at a time.
const writeWindow = 8192

// newChunk is a chunk's value as write works it out: unchanged (no adds,
// no old value), the value, or nil to delete an emptied chunk.
type newChunk struct {
	same bool
	v    []byte
	err  error
}

// onPostingWrite, when set (by tests), is told every chunk written or
// deleted.
var onPostingWrite func(key []byte)

// maxChunkBytes bounds a stored chunk: 65,536 ordinals take at most an
// 8 KiB bitmap container, or a run container no larger, plus headers.
const maxChunkBytes = 8192 + 64

var errChunk = errors.New("malformed posting list")

// The cookies of the roaring format (RoaringFormatSpec): with run
// containers (the container count - 1 in the high 16 bits), and without
// (the count in the next 4 bytes).
const (
	roaringCookieRuns = 12347
	roaringCookie     = 12346
)

func encodeChunk(bm *roaring.Bitmap) ([]byte, error) {
	bm.RunOptimize()
	return bm.ToBytes()
}

// decodeChunk reads a stored chunk, refusing anything that is not one
// sound container of the chunk its key names: the value may be damaged
// bytes (bbolt keeps no checksums of data pages).
func decodeChunk(v, key []byte) (bm *roaring.Bitmap, err error) {
	return decodeChunkAs(v, key, false)
}

// viewChunk is decodeChunk for a read transaction: the bitmap's containers
// are the value's bytes in the mapped file, not copies, and stay valid only
// as long as the transaction. A query reads hundreds of kilobytes of lists;
// copying them made the first query of a process fault in as many fresh
// heap pages, each costing more than the reading (see BENCHMARKS.md,
// cold search). Changing such a bitmap copies the containers it changes
// (roaring's copy-on-write); one kept past the transaction must be given
// its own copies first (CloneCopyOnWriteContainers).
func viewChunk(v, key []byte) (*roaring.Bitmap, error) {
	return decodeChunkAs(v, key, true)
}

func decodeChunkAs(v, key []byte, view bool) (bm *roaring.Bitmap, err error) {
	_, c, ok := splitChunkKey(key)
	if !ok {
		return nil, fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, key)
	}
	bm, err = decodeChunkValue(v, c, view)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: key %q: %v", ErrDamaged, errChunk, key, err)
	}
	return bm, nil
}

// decodeChunkValue decodes chunk c's value v: a copy, or with view the
// bytes of v themselves (see viewChunk).
func decodeChunkValue(v []byte, c uint16, view bool) (bm *roaring.Bitmap, err error) {
	if len(v) == 0 || len(v) > maxChunkBytes {
		return nil, fmt.Errorf("%d bytes", len(v))
	}
	// One container, as encodeChunk writes: refused before the decoder
	// reads a count that could make it allocate gigabytes.
	if len(v) < 8 {
		return nil, fmt.Errorf("%d bytes", len(v))
	}
	switch cookie := binary.LittleEndian.Uint32(v); {
	case cookie&0xFFFF == roaringCookieRuns && cookie>>16 == 0:
	case cookie == roaringCookie && binary.LittleEndian.Uint32(v[4:]) == 1:
	default:
		return nil, errors.New("not one container")
	}
	defer func() {
		if r := recover(); r != nil {
			bm, err = nil, fmt.Errorf("%v", r)
		}
	}()
	bm = roaring.New()
	if view {
		_, err = bm.FromBuffer(v)
	} else {
		err = bm.UnmarshalBinary(v)
	}
	if err != nil {
		return nil, err
	}
	if err := bm.Validate(); err != nil {
		return nil, err
	}
	if bm.IsEmpty() || bm.Minimum()>>chunkShift != uint32(c) || bm.Maximum()>>chunkShift != uint32(c) {
		return nil, errors.New("ordinals outside the chunk")
	}
	return bm, nil
}

// isChunkOf reports whether k is the key of one of term's chunks.
func isChunkOf(k, term []byte) bool {
	return len(k) == len(term)+3 && k[len(term)] == 0 && bytes.HasPrefix(k, term)
}

// readTerm reads a whole posting list; nil when the term has none.
func readTerm(c *bolt.Cursor, term []byte) (*roaring.Bitmap, error) {
	var out *roaring.Bitmap
	err := eachChunk(c, term, func(bm *roaring.Bitmap) {
		if out == nil {
			out = bm
		} else {
			out.Or(bm)
		}
	})
	return out, err
}

// eachChunk calls fn with every chunk of term.
func eachChunk(c *bolt.Cursor, term []byte, fn func(*roaring.Bitmap)) error {
	for k, v := c.Seek(append(slices.Clip(term), 0)); isChunkOf(k, term); k, v = c.Next() {
		bm, err := viewChunk(v, k)
		if err != nil {
			return err
		}
		fn(bm)
	}
	return nil
}

// eachTerm calls fn with every term that starts with prefix (and that
// want accepts, when want is not nil) and its whole posting list, in key
// order. Lists of terms not wanted are not decoded.
func eachTerm(c *bolt.Cursor, prefix []byte, want func(term []byte) bool, fn func(term []byte, bm *roaring.Bitmap) error) error {
	var cur []byte
	var acc *roaring.Bitmap
	skip := false
	flush := func() error {
		if acc == nil {
			return nil
		}
		err := fn(cur, acc)
		acc = nil
		return err
	}
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		term, _, ok := splitChunkKey(k)
		if !ok {
			return fmt.Errorf("%w: %w: key %q", ErrDamaged, errChunk, k)
		}
		same := cur != nil && bytes.Equal(term, cur)
		if !same {
			if err := flush(); err != nil {
				return err
			}
			cur = bytes.Clone(term)
			skip = want != nil && !want(term)
		}
		if skip {
			continue
		}
		bm, err := viewChunk(v, k)
		if err != nil {
			return err
		}
		if acc == nil {
			acc = bm
		} else {
			acc.Or(bm)
		}
	}
	return flush()
}

// hasTerm reports whether term has a posting list.
func hasTerm(c *bolt.Cursor, term []byte) bool {
	k, _ := c.Seek(append(slices.Clip(term), 0))
	return isChunkOf(k, term)
}

// ordinalKey is the key of an ordinal in the docs bucket.
func ordinalKey(o ordinal) []byte { return binary.BigEndian.AppendUint32(nil, o) }

func decodeOrdinal(v []byte) (ordinal, error) {
	if len(v) != 4 {
		return 0, fmt.Errorf("%w: ordinal of %d bytes", ErrDamaged, len(v))
	}
	return binary.BigEndian.Uint32(v), nil
}

// lists gives the posting lists the edits add, by bbolt key: what an
// index made from scratch holds (Check compares the stored one with it).
func (pe *postingEdits) lists() map[string]*roaring.Bitmap {
	keys := pe.keys()
	adds, start := byChunk(pe.adds, pe.n)
	out := make(map[string]*roaring.Bitmap, len(keys))
	var buf denseChunk
	for c, k := range keys {
		_, chunk, _ := splitChunkKey(k)
		if bm := addTo(nil, chunk, adds[start[c]:start[c+1]], &buf); bm != nil {
			out[string(k)] = bm
		}
	}
	return out
}
