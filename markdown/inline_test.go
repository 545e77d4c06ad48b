package markdown

import (
	"reflect"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/text"
)

func TestInlines(t *testing.T) {
	cases := []struct {
		src  string
		want []Run
	}{
		// Chinese lines join without a space, Latin words with one.
		{"征收范围\n见附图。", []Run{{Text: "征收范围见附图。"}}},
		{"see the\nmap", []Run{{Text: "see the map"}}},
		{"共 **4.86 公顷** 土地", []Run{{Text: "共 "}, {Text: "4.86 公顷", Bold: true}, {Text: " 土地"}}},
		{"文号 `青禾府〔2026〕17号`", []Run{{Text: "文号 "}, {Text: "青禾府〔2026〕17号", Mono: true}}},
		{"见 ![图](map.png) 与 <b>x</b>", []Run{{Text: "见 ［图］ 与 x"}}},
	}
	for _, c := range cases {
		src := []byte(c.src)
		doc := goldmark.New().Parser().Parse(text.NewReader(src))
		got := Inlines(doc.FirstChild(), src)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %+v, want %+v", c.src, got, c.want)
		}
	}
}

// A backslash escape shows the character it escapes, as Markdown means.
func TestInlinesUnescape(t *testing.T) {
	src := []byte(`a \[b\] \*c\* d`)
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	if got := Inlines(doc.FirstChild(), src); len(got) != 1 || got[0].Text != "a [b] *c* d" {
		t.Errorf("Inlines = %+v, want the text without the escapes", got)
	}
}
