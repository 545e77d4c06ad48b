package cjk

import "testing"

func TestWidthAndPad(t *testing.T) {
	for _, c := range []struct {
		s       string
		width   int
		padded6 string
	}{
		{"", 0, "      "},
		{"land", 4, "land  "},
		{"土地", 4, "土地  "},
		{"ＡＢ", 4, "ＡＢ  "}, // fullwidth forms
		{"한글", 4, "한글  "},
		{"村务公开a", 9, "村务公开a"}, // wider than 6: left as it is
		{"𠀀", 2, "𠀀    "},     // plane 2
	} {
		if got := Width(c.s); got != c.width {
			t.Errorf("Width(%q) = %d, want %d", c.s, got, c.width)
		}
		if got := Pad(c.s, 6); got != c.padded6 {
			t.Errorf("Pad(%q, 6) = %q, want %q", c.s, got, c.padded6)
		}
	}
}
