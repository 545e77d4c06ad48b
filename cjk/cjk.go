// Package cjk holds the rules of Chinese line breaking (禁则) that the
// screen's text (ui) and the printed poster (paper) both follow.
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
