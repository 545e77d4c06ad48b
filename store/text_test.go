package store

import (
	"testing"

	"github.com/mozillazg/go-pinyin"
)

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
