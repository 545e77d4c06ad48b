package feed

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		limit    int
		want     string
	}{
		{"plain", "503 Service Unavailable", 0, "503 Service Unavailable"},
		{"Chinese", "东湾村三组土地征收公告", 0, "东湾村三组土地征收公告"},
		{"escape sequences", "200 OK\x1b[2J\x1b[H\x1b]0;owned\x07", 0, "200 OK [2J [H ]0;owned"},
		{"window title", "\x1b]2;pwned\x07502 Bad Gateway", 0, "]2;pwned 502 Bad Gateway"},
		{"newlines and tabs", "line one\r\nline two\tend", 0, "line one line two end"},
		{"C1 control (8-bit CSI)", "a\u009b31mb", 0, "a 31mb"},
		{"bidi override", "invoice\u202Egpj.exe", 0, "invoice gpj.exe"},
		{"invalid UTF-8", "ok\xff\xfe", 0, "ok\uFFFD"},
		{"leading and trailing spaces", "  x  ", 0, "x"},
		{"cut", strings.Repeat("公", 10), 4, "公公公公…"},
		{"exactly the limit", "abcd", 4, "abcd"},
		{"5 KB of text", strings.Repeat("A", 5000), MaxLineText, strings.Repeat("A", MaxLineText) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Printable(tc.in, tc.limit)
			if got != tc.want {
				t.Errorf("Printable(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
			}
		})
	}
}

func FuzzPrintable(f *testing.F) {
	f.Add("200 OK", 10)
	f.Add("\x1b[31mred\x1b[0m\n", 3)
	f.Add("\u202Eabc\u2066", 0)
	f.Add("\xff\xfe", 1)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		limit %= 1000
		got := Printable(s, limit)
		if !utf8.ValidString(got) {
			t.Fatalf("not UTF-8: %q", got)
		}
		for _, r := range got {
			if Unprintable(r) || r == '\n' || r == '\r' || r == '\t' {
				t.Fatalf("Printable(%q) = %q keeps %U", s, got, r)
			}
		}
		if limit > 0 && utf8.RuneCountInString(got) > limit+1 {
			t.Fatalf("Printable(%q, %d) = %d characters", s, limit, utf8.RuneCountInString(got))
		}
		if Printable(got, limit) != got && (limit <= 0 || utf8.RuneCountInString(got) <= limit) {
			t.Fatalf("not idempotent: %q → %q", got, Printable(got, limit))
		}
	})
}
