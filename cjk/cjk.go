// Package cjk holds the rules of Chinese line breaking (禁则) that the
// screen's text (ui) and the printed poster (paper) both follow, and the
// width of Chinese text on a terminal (the commands' tables).
package cjk

import "strings"

// NoLineStart: closing punctuation, which stays at the end of the line
// before it (GB/T 15834: 句号、逗号、顿号、分号、冒号、问号、叹号、
// 后引号、后括号、省略号、间隔号、连接号 never begin a line).
func NoLineStart(r rune) bool {
	return strings.ContainsRune("，。、；：？！）」』》〉】〕〗〙〛”’…⋯·％～,.;:?!)]}%", r)
}

// NoLineEnd: opening punctuation, which stays with what follows it.
func NoLineEnd(r rune) bool {
	return strings.ContainsRune("（「『《〈【〔〖〘〚“‘([{", r)
}

// Width is the number of terminal columns s takes: East Asian wide
// characters (CJK, Hangul, fullwidth forms) take two.
func Width(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60,
			r >= 0xFFE0 && r <= 0xFFE6, r >= 0x20000 && r <= 0x3FFFD:
			n += 2
		default:
			n++
		}
	}
	return n
}

// Pad fills s with spaces to w terminal columns (Width).
func Pad(s string, w int) string {
	if d := w - Width(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}
