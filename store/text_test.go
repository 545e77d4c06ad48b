package store

import (
	"testing"

	"github.com/mozillazg/go-pinyin"
)

// The embedded table is go-pinyin's first Normal reading of every
// character (go generate makes it again after an update of go-pinyin), and
// each character's initial is what go-pinyin's FirstLetter style gives.
func TestPinyinTableIsGoPinyin(t *testing.T) {
	loadPinyin()
	normal := pinyin.NewArgs()
	for r := rune(pyFirst); r <= pyLast; r++ {
		want := ""
		if syl := pinyin.SinglePinyin(r, normal); len(syl) > 0 && isLowerASCII(syl[0]) {
			want = syl[0]
		}
		if got := pySyllables[syllableOf(r)]; got != want {
			t.Fatalf("%c: table says %q, go-pinyin %q: run go generate ./store/", r, got, want)
		}
	}
}

// loadPinyin takes each character's initial from its Normal reading; that
// must stay what go-pinyin's FirstLetter style gives.
func TestInitialsAreFirstLetters(t *testing.T) {
	loadPinyin()
	first := pinyin.NewArgs()
	first.Style = pinyin.FirstLetter
	for r := rune(pyFirst); r <= pyLast; r++ {
		want := byte(0)
		if f := pinyin.SinglePinyin(r, first); syllableOf(r) != 0 && len(f) > 0 && isLowerASCII(f[0]) {
			want = f[0][0]
		}
		if got := initialOf(r); got != want {
			t.Fatalf("initial of %c = %q, FirstLetter gives %q", r, got, want)
		}
	}
}
