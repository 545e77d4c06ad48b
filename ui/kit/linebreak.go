package kit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"gongkai/cjk"
)

// Fyne's word wrap breaks a line only at a space (unicode.IsSpace) and,
// when a line holds none, anywhere. Chinese has no spaces, and notices mix
// it with numbers set off by spaces ("至 9 月 30 日"), so Fyne broke at the
// last of those spaces and left a short line ("…至 9 月 30" / "日）…"), or,
// breaking anywhere, started a line with "；" or "）", which Chinese
// typesetting never does.
//
// breakable marks where Chinese may break with wrapMark, a space Fyne
// breaks at that is drawn with no width and no ink: between two
// characters when either is Chinese, except before closing punctuation and
// after opening punctuation (禁则). Fyne then fills each line as far as
// it goes and breaks at the last mark or space that fits. Latin words and
// numbers ("2026-03-01", "12.5%") stay whole, as before.

// wrapMark is a carriage return: unicode.IsSpace, so Fyne's wrap breaks
// at it, and the only such rune the bundled font draws with no width and
// no ink (TestWrapMarkIsInvisible; U+2028 and the Unicode spaces all have
// width). Fyne splits lines only at '\n', so the mark never breaks a line
// by itself.
const wrapMark = '\r'

// breakable returns s with wrapMark at each place Chinese may break a line
// and Fyne would not. Text without Chinese comes back unchanged.
//
// No mark goes before the last character (and the closing punctuation
// after it): a paragraph never ends in a line of one lone character
// ("…请于本月底前办" / "理。"), which reads as a mistake.
//
// Fyne also breaks at every space, so "…自 2026 年 10 月 1 日。" could
// still leave "日。" alone: in text long enough to wrap, a space before a
// lone last character becomes glueMark ("1日。"), the one change
// breakable makes to what is shown. Short labels ("共 3 条") keep theirs,
// and unbreakable gives the space back.
func breakable(s string) string {
	if !HasCJK(s) {
		return s
	}
	last := lastCharAt(s)
	if last > 0 && s[last-1] == ' ' && isCJK([]rune(s[last:])[0]) && utf8.RuneCountInString(s) >= wrapLong {
		s = s[:last-1] + string(glueMark) + s[last:]
		last += utf8.RuneLen(glueMark) - 1
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3) // a one-byte mark per three-byte character
	var prev rune
	for i, r := range s {
		if i > 0 && i != last && breakBetween(prev, r) {
			b.WriteRune(wrapMark)
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// lastCharAt is the byte index of the last character of s that is not
// a space or closing punctuation; -1 when there is none.
func lastCharAt(s string) int {
	last := -1
	for i, r := range s {
		if !unicode.IsSpace(r) && !cjk.NoLineStart(r) {
			last = i
		}
	}
	return last
}

// wrapLong is the length from which a text is taken to wrap.
const wrapLong = 16

// glueMark is a word joiner: not a space, so Fyne keeps the characters
// on either side together, and drawn with no width and no ink
// (TestWrapMarkIsInvisible).
const glueMark = '\u2060'

// unbreakable removes the marks again: text as the reader wrote it.
func Unbreakable(s string) string {
	return strings.NewReplacer(string(wrapMark), "", string(glueMark), " ").Replace(s)
}

func HasCJK(s string) bool {
	for _, r := range s {
		if isCJK(r) {
			return true
		}
	}
	return false
}

// breakBetween says whether a line may break between a and b that Fyne
// would otherwise keep together.
func breakBetween(a, b rune) bool {
	switch {
	case unicode.IsSpace(a) || unicode.IsSpace(b):
		return false // Fyne breaks at spaces already
	case cjk.NoLineStart(b) || cjk.NoLineEnd(a):
		return false
	case a == b && (a == '—' || a == '…' || a == '⋯'):
		return false // "——", "……" are one mark
	}
	return isCJK(a) || isCJK(b)
}

// isCJK: Chinese (and Japanese) characters and their full-width
// punctuation, which break freely between themselves and Latin text.
func isCJK(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		return true
	case r >= 0x3000 && r <= 0x303F: // CJK symbols and punctuation: 、。「」《》【】
		return true
	case r >= 0xFF00 && r <= 0xFFEF: // full-width forms: （），；：！？％
		return true
	case r == '—' || r == '…' || r == '⋯' || r == '“' || r == '”' || r == '‘' || r == '’' || r == '·':
		return true
	}
	return false
}
