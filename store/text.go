package store

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"gongkai/feed"
)

// Text handling shared by indexing and querying: case and width folding,
// character classes, and the pinyin of Han characters.

// fold maps a rune to its search form, one rune for one rune so that
// positions in folded text are positions in the original: full-width
// letters and digits to ASCII, then lower case. Chinese text, punctuation
// included (a separator either way), is left as it is, so folding a notice
// usually costs one pass and no copy.
func fold(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	case r < utf8.RuneSelf:
		return r
	case r >= 0x3000 && r <= 0x9FFF:
		return r // CJK symbols, kana, ideographs: no case
	case r >= 0xFF10 && r <= 0xFF19, r >= 0xFF21 && r <= 0xFF3A, r >= 0xFF41 && r <= 0xFF5A:
		r -= 0xFEE0
	case r >= 0xFF01 && r <= 0xFF5E:
		return r
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

func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

// isWord is a rune of a Latin-script (or other non-Han) token.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// Pinyin of the CJK Unified Ideographs and Extension A, the characters
// notices use: go-pinyin's first (most common) reading of each, as
// generated into pinyin.bin (internal/genpinyin). The other readings of a
// heteronym would make every query match far more than a reader expects.
const (
	pyFirst = 0x3400
	pyLast  = 0x9FFF
)

//go:generate go run ./internal/genpinyin

//go:embed pinyin.bin
var pinyinBin string

// The table per rune is read where it is embedded, not copied: a copy
// was 63 KB of fresh heap that the first query of every process faulted
// in page by page (see BENCHMARKS.md, cold search).
var (
	pyOnce      sync.Once
	pyIDs       string   // rune-pyFirst → 2 bytes, big-endian: index in pySyllables, 0 for none
	pySyllables []string // index → syllable; [0] is ""
	pySylIni    []byte   // index in pySyllables → its initial letter; [0] is 0
	pyIndex     map[string]uint16
	pyInitials  [26]bool // letters that begin some syllable
)

func loadPinyin() {
	pyOnce.Do(func() {
		names, ids, ok := strings.Cut(pinyinBin, "\n")
		n := pyLast - pyFirst + 1
		if !ok || len(ids) != 2*n {
			panic("store: pinyin.bin is malformed")
		}
		pySyllables = append([]string{""}, strings.Fields(names)...)
		pyIndex = make(map[string]uint16, len(pySyllables))
		pySylIni = make([]byte, len(pySyllables))
		for i, syl := range pySyllables[1:] {
			pyIndex[syl] = uint16(i + 1)
			pyInitials[syl[0]-'a'] = true
			pySylIni[i+1] = syl[0]
		}
		// Every id names a syllable: TestPinyinTableIsGoPinyin reads them
		// all. Reading them here, in every process, was 40 KB of the
		// binary to fault in before a first search could answer.
		pyIDs = ids
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
	i := 2 * (r - pyFirst)
	return uint16(pyIDs[i])<<8 | uint16(pyIDs[i+1])
}

func initialOf(r rune) byte {
	if r < pyFirst || r > pyLast {
		return 0
	}
	return pySylIni[syllableOf(r)]
}

// initials gives one byte per rune of s: the pinyin initial of a Han
// character, 0 for anything else.
func initials(s string) []byte { return appendInitials(make([]byte, 0, len(s)), s) }

func appendInitials(out []byte, s string) []byte {
	loadPinyin()
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
