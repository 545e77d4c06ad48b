package markdown

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	table := func(cols int) string {
		return "|" + strings.Repeat("a|", cols) + "\n|" + strings.Repeat("-|", cols) + "\n|" + strings.Repeat("1|", cols) + "\n"
	}
	for _, tc := range []struct {
		name string
		body string
		line int    // 0: no problem
		says string // in the message
	}{
		{"an ordinary notice", "征收范围见附图。\n\n| 科目 | 金额 |\n| --- | ---: |\n| 道路 | 12000 |\n\n- 一\n- 二\n", 0, ""},
		{"a long but legal paragraph", strings.Repeat("公告内容。", MaxParagraph/5), 0, ""},
		{"50,000 characters without punctuation", "前言。\n\n" + strings.Repeat("公", 50_000), 3, "over the 30000"},
		{"a paragraph over the limit", "第一段。\n\n第二段。\n\n" + strings.Repeat("公", MaxParagraph+1) + "\n", 5, "a paragraph of 5001 characters"},
		{"30,000 characters of English in one paragraph", strings.Repeat("word ", 6_000), 1, "a paragraph of"},
		{"50,000 [ then 50,000 ]", strings.Repeat("[", 50_000) + strings.Repeat("]", 50_000), 1, "over the 30000"},
		{"a table of 10,000 columns", "表：\n\n" + table(10_000), 4, "over the 30000"},
		{"a table of 1,000 columns", "表：\n\n" + table(1_000), 3, "1000 columns"},
		{"a table of too many rows", "| a |\n|---|\n" + strings.Repeat("| 1 |\n", MaxTableRows+1), 1, "rows"},
		{"a huge cell", "| a |\n|---|\n| " + strings.Repeat("格", MaxCell+1) + " |\n", 3, "table cell of 501"},
		{"lists nested 20 deep", nested(20), 9, "nested 9 deep"},
		{"quotes nested 20 deep", strings.Repeat("> ", 20) + "深\n", 1, "nested"},
		{"a heading of 20,000 characters", "# " + strings.Repeat("标", 20_000) + "\n", 1, "paragraph of 20000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.body, 1)
			if tc.line == 0 {
				if len(got) > 0 {
					t.Fatalf("Check refused an ordinary body: %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("Check = %+v, want one problem", got)
			}
			if got[0].Line != tc.line || !strings.Contains(got[0].Msg, tc.says) {
				t.Errorf("Check = line %d %q, want line %d saying %q", got[0].Line, got[0].Msg, tc.line, tc.says)
			}
		})
	}
}

func nested(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i) + "- 第" + string(rune('a'+i)) + "层\n")
	}
	return b.String()
}

func FuzzCheck(f *testing.F) {
	f.Add("正文。\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
	f.Add(strings.Repeat("[", 100) + strings.Repeat("]", 100))
	f.Add(nested(12))
	f.Add("> - > - > - x")
	f.Fuzz(func(t *testing.T, body string) {
		for _, p := range Check(body, 0) {
			if p.Line < 1 || p.Line > strings.Count(body, "\n")+1 {
				t.Fatalf("problem %q at line %d of a %d-line body", p.Msg, p.Line, strings.Count(body, "\n")+1)
			}
			if p.Msg == "" || strings.Contains(p.Msg, "\n") {
				t.Fatalf("problem message %q", p.Msg)
			}
		}
	})
}
