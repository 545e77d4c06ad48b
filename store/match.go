package store

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"
)

// What a query is and when it matches a text: the definition search is
// held to. The posting lists (index.go, search.go) find the items; where
// they cannot tell exactly (phrases of three or more characters, long
// words), candidates are checked here against their text; and the words
// to pick out in the hits on show come from here too.

const (
	maxPrefix     = 8 // longest token prefix indexed; longer words are checked against the text
	maxQueryRunes = 256
	maxTerms      = 16
	maxSegments   = 32
)

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

// prefixKey is the indexed prefix of a word: its first maxPrefix runes.
func prefixKey(w string) (p string, whole bool) {
	n := 0
	for off := range w {
		if n == maxPrefix {
			return w[:off], false
		}
		n++
	}
	return w, true
}

// unitsMatch reports whether characters a, b read as the units u.
func unitsMatch(rs []rune, u []unit) bool {
	for i, r := range rs {
		if initialOf(r) != u[i].ini || (u[i].syl != 0 && syllableOf(r) != u[i].syl) {
			return false
		}
	}
	return true
}

type span struct{ start, end int } // byte offsets in the folded text

// field is one searchable text of an item.
type field struct {
	orig, norm string
	ini        []byte
	topic      bool // a category name: every match in it is a whole word
}

func newField(s string) field {
	n := foldString(s)
	return field{orig: s, norm: n, ini: initials(n)}
}

// vocabulary says whether two adjacent characters are a word: they occur
// together in a topic's name, the feed's own words for what villagers look
// for (土地征收, 养老服务). A two-letter pinyin query ("zs") reads as many
// pairs of characters; those that are words (征收) rank before chance
// neighbours (镇社 in 青禾镇社区, 者食 in 长者食堂), even in a title. nil:
// every pair is.
type vocabulary func(a, b rune) bool

// match finds t in f: the spans for highlighting and whether some
// occurrence is a whole word (see vocabulary; Han characters and Latin
// words as typed always are). A word-like occurrence is preferred for the
// spans.
func (t term) match(f field, vocab vocabulary) (spans []span, ok, word bool) {
	if t.han != "" {
		i := strings.Index(f.norm, t.han)
		if i < 0 {
			return nil, false, false
		}
		return []span{{i, i + len(t.han)}}, true, true
	}
	for _, seg := range t.segs {
		sp, found, w := matchPinyin(f, seg, vocab)
		if !found {
			continue
		}
		if w {
			return []span{sp}, true, true
		}
		if !ok {
			spans, ok = []span{sp}, true
		}
	}
	var wspans []span
	for _, w := range t.words {
		sp, found := matchWord(f.norm, w)
		if !found {
			return spans, ok, false
		}
		wspans = append(wspans, sp)
	}
	if !ok {
		spans = wspans
	}
	return spans, true, true
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

// guessed reports whether a reading has a unit typed as its initial alone:
// only such readings ("zs", "zhengs") can land on chance neighbours; one
// spelled out in syllables ("xian" as 西安) is what was meant.
func guessed(seg []unit) bool {
	for _, u := range seg {
		if u.syl == 0 {
			return true
		}
	}
	return false
}

// matchPinyin finds a run of characters reading as seg. word: for a
// two-character reading with a guessed unit, some occurrence is in the
// vocabulary.
func matchPinyin(f field, seg []unit, vocab vocabulary) (first span, ok, word bool) {
	pat := make([]byte, len(seg))
	full := false
	for i, u := range seg {
		pat[i] = u.ini
		full = full || u.syl != 0
	}
	judge := len(seg) == 2 && vocab != nil && !f.topic && guessed(seg)
	// The cursor only moves forward, so a long body is walked once however
	// many places its initials match.
	idx, off := 0, 0 // rune index and byte offset of the cursor
	for from := 0; from < len(f.ini); {
		k := bytes.Index(f.ini[from:], pat)
		if k < 0 {
			break
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
			sp := span{off, end}
			if !judge {
				return sp, true, true
			}
			a, n := utf8.DecodeRuneInString(f.norm[off:])
			b, _ := utf8.DecodeRuneInString(f.norm[off+n:])
			if vocab(a, b) {
				return sp, true, true
			}
			if !ok {
				first, ok = sp, true
			}
		}
		from = k + 1
	}
	return first, ok, false
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

// Ranks of a hit: every term a whole word in the title; every term a
// whole word somewhere (title, topic, body); every term in the title, one
// at least by chance; any other match.
const (
	tierTitle = iota
	tierWord
	tierTitleChance
	tierOther
	tiers
)

// matchAll checks every term against an item's title, its topic (the
// category name) and the rest of its text, and gives its rank, whether
// every term is in the title, and (with collect) the distinct matched
// substrings for highlighting. rest is nil to look at the title alone.
func matchAll(terms []term, title field, topic, rest *field, vocab vocabulary, collect bool) (matches []string, tier int, inTitle, ok bool) {
	type found struct {
		f     *field
		spans []span
	}
	all := make([]found, len(terms))
	inTitle, titleWords, words := true, true, true
	for i, t := range terms {
		spans, ok, word := t.match(title, vocab)
		if ok {
			all[i] = found{&title, spans}
			titleWords = titleWords && word
			if word {
				continue
			}
		} else {
			inTitle, titleWords = false, false
		}
		if rest == nil {
			if !ok {
				return nil, 0, false, false
			}
			words = false
			continue
		}
		if topic != nil {
			if spans, ok := t.matchIn(*topic, vocab); ok {
				if all[i].f == nil {
					all[i] = found{topic, spans}
				}
				continue
			}
		}
		spans, found2, word := t.match(*rest, vocab)
		switch {
		case found2 && word:
			if all[i].f == nil {
				all[i] = found{rest, spans}
			}
			continue
		case found2 && all[i].f == nil:
			all[i] = found{rest, spans}
		case !found2 && all[i].f == nil:
			return nil, 0, false, false
		}
		words = false
	}
	switch {
	case titleWords:
		tier = tierTitle
	case words && rest != nil:
		tier = tierWord
	case inTitle:
		tier = tierTitleChance
	default:
		tier = tierOther
	}
	if !collect {
		return nil, tier, inTitle, true
	}
	for _, fd := range all {
		for _, sp := range fd.spans {
			if s := fd.f.original(sp); s != "" && !slices.Contains(matches, s) {
				matches = append(matches, s)
			}
		}
	}
	return matches, tier, inTitle, true
}

// matchIn is match for a topic's name, where every match is a word.
func (t term) matchIn(topic field, vocab vocabulary) ([]span, bool) {
	spans, ok, _ := t.match(topic, vocab)
	return spans, ok
}
