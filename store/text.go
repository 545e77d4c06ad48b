package store

import (
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"

	"gongkai/feed"
)

// Text handling shared by indexing and querying: case and width folding,
// character classes, and the pinyin of Han characters.

// fold maps a rune to its search form, one rune for one rune so that
// positions in folded text are positions in the original: full-width ASCII
// to ASCII, then lower case.
func fold(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	case r < utf8.RuneSelf:
		return r
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return unicode.ToLower(r)
}

// foldString folds s, returning s itself (no copy) when nothing changes,
// which is the usual case for Chinese text.
func foldString(s string) string {
	for _, r := range s {
		if fold(r) != r {
			return strings.Map(fold, s)
		}
	}
	return s
}

func isHan(r rune) bool { return r >= 0x2E80 && unicode.Is(unicode.Han, r) }

// isWord is a rune of a Latin-script (or other non-Han) token.
func isWord(r rune) bool { return !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// Pinyin table of the CJK Unified Ideographs and Extension A, the characters
// notices use. Built once from go-pinyin, taking the first (most common)
// reading of a heteronym: the other readings would make every query match
// far more than a reader expects.
const (
	pyFirst = 0x3400
	pyLast  = 0x9FFF
)

var (
	pyOnce      sync.Once
	pySyl       []uint16 // rune-pyFirst → index in pySyllables, 0 for none
	pyIni       []byte   // rune-pyFirst → initial letter, 0 for none
	pySyllables []string // index → syllable; [0] is ""
	pyIndex     map[string]uint16
	pyInitials  [26]bool // letters that begin some syllable
)

func loadPinyin() {
	pyOnce.Do(func() {
		normal := pinyin.NewArgs()
		normal.Style = pinyin.Normal
		n := pyLast - pyFirst + 1
		pySyl, pyIni = make([]uint16, n), make([]byte, n)
		pySyllables, pyIndex = []string{""}, map[string]uint16{}
		for r := rune(pyFirst); r <= pyLast; r++ {
			syl := pinyin.SinglePinyin(r, normal)
			if len(syl) == 0 || !isLowerASCII(syl[0]) {
				continue
			}
			id, ok := pyIndex[syl[0]]
			if !ok {
				id = uint16(len(pySyllables))
				pySyllables = append(pySyllables, syl[0])
				pyIndex[syl[0]] = id
			}
			// go-pinyin's FirstLetter style is the first rune of this
			// Normal reading, so asking for it again would only halve the
			// speed of this table.
			ini := syl[0][0]
			pySyl[r-pyFirst], pyIni[r-pyFirst] = id, ini
			pyInitials[ini-'a'] = true
		}
	})
}

func isLowerASCII(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// syllableOf is the pinyin syllable id of r (0 when r has none).
func syllableOf(r rune) uint16 {
	if r < pyFirst || r > pyLast {
		return 0
	}
	return pySyl[r-pyFirst]
}

func initialOf(r rune) byte {
	if r < pyFirst || r > pyLast {
		return 0
	}
	return pyIni[r-pyFirst]
}

// initials gives one byte per rune of s: the pinyin initial of a Han
// character, 0 for anything else.
func initials(s string) []byte {
	loadPinyin()
	out := make([]byte, 0, len(s))
	for _, r := range s {
		out = append(out, initialOf(r))
	}
	return out
}

// docText is what the docs bucket holds of a searchable item: its id and
// category, and the text search reads — the title, and the rest (agency,
// document number and body). Candidates of a query the posting lists
// cannot answer exactly are checked against it, and the matched words of
// the hits on show are taken from it.
type docText struct {
	ID, Category string
	Title, Rest  string
}

const docFormat = 2

func newDocText(it *feed.Item) docText {
	return docText{ID: it.ID, Category: it.Category, Title: it.Title, Rest: it.Agency + "\n" + it.DocNo + "\n" + it.Body}
}

// encodeDoc: format byte, then four uvarint-length-prefixed fields.
func encodeDoc(d docText) []byte {
	n := 1 + 4*binary.MaxVarintLen64 + len(d.ID) + len(d.Category) + len(d.Title) + len(d.Rest)
	b := make([]byte, 0, n)
	b = append(b, docFormat)
	b = appendField(b, d.ID)
	b = appendField(b, d.Category)
	b = appendField(b, d.Title)
	return appendField(b, d.Rest)
}

// appendField appends f with its length before it; a string is appended
// as it is, without a copy as []byte first.
func appendField[T string | []byte](b []byte, f T) []byte {
	b = binary.AppendUvarint(b, uint64(len(f)))
	return append(b, f...)
}

var errDoc = errors.New("malformed search document")

// decodeDoc reads what encodeDoc wrote. The strings are copies: b may be
// bbolt memory, valid only inside its transaction.
func decodeDoc(b []byte) (docText, error) {
	var f [4][]byte
	if err := splitDoc(b, &f); err != nil {
		return docText{}, err
	}
	return docText{ID: string(f[0]), Category: string(f[1]), Title: string(f[2]), Rest: string(f[3])}, nil
}

// docID reads only the id of a stored doc.
func docID(b []byte) (string, error) {
	var f [4][]byte
	if err := splitDoc(b, &f); err != nil {
		return "", err
	}
	return string(f[0]), nil
}

func splitDoc(b []byte, f *[4][]byte) error {
	if len(b) == 0 || b[0] != docFormat {
		return errDoc
	}
	b = b[1:]
	for i := range f {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return errDoc
		}
		f[i] = b[k : k+int(n)]
		b = b[k+int(n):]
	}
	if len(b) != 0 || len(f[0]) == 0 {
		return errDoc
	}
	return nil
}
