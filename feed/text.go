package feed

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Outside text (a server's status line, an error that quotes it, a title
// printed by `list`) reaches terminals, logs and the status record. A
// terminal obeys what it is sent: ESC sequences move the cursor, clear the
// screen or retitle the window, and bidirectional controls make a line
// read differently from its bytes. Printable makes such text inert.

// Length caps for outside text, in characters.
const (
	MaxLineText  = 300  // one line quoted from outside (a status line, a title in a list)
	MaxErrorText = 1000 // an error message kept in the status record
)

// Printable returns s as one line safe to print or store: invalid UTF-8
// and every control or bidirectional-formatting character (newlines
// included) become a space, runs of spaces one space, and text beyond
// limit characters is cut, ending in "…". limit ≤ 0 means no cap.
func Printable(s string, limit int) string {
	if isPrintable(s) && (limit <= 0 || len(s) <= limit) {
		return s // the common case: nothing to change, no allocation
	}
	var b strings.Builder
	b.Grow(min(len(s), 4*max(limit, 0)+8))
	n, space := 0, false
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if Unprintable(r) || unicode.IsSpace(r) {
			space = n > 0
			continue
		}
		if space {
			n++
		}
		if limit > 0 && n >= limit {
			b.WriteString("…")
			return b.String()
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Unprintable reports whether r must never reach a terminal or a title:
// C0 and C1 controls, DEL, and the characters that reorder text (bidi
// embeddings, overrides and isolates, the directional marks).
func Unprintable(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

func isPrintable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	prevSpace := true // a leading space is cleaned too
	for _, r := range s {
		if Unprintable(r) || (unicode.IsSpace(r) && (r != ' ' || prevSpace)) {
			return false
		}
		prevSpace = r == ' '
	}
	return !prevSpace || s == ""
}
