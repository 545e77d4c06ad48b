package publish

import (
	"slices"
	"strings"
	"testing"
)

// Personal numbers in a line of a notice: the ones a posted list must not
// show, and the numbers of ordinary notices that must not be taken for
// them.
func TestPersonalNumbers(t *testing.T) {
	for _, c := range []struct {
		line string
		want []string // rule:number
	}{
		// ID card numbers: 18 digits with a valid check character, 15 digits
		{"| 张三 | 320102199001011232 | 2 |", []string{"id-number:320102199001011232"}},
		{"身份证号：11010519491231002X。", []string{"id-number:11010519491231002X"}},
		{"身份证号：11010519491231002x", []string{"id-number:11010519491231002X"}},
		{"全角：３２０１０２１９９００１０１１２３２", []string{"id-number:320102199001011232"}},
		{"老证 320102900101123 号", []string{"id-number:320102900101123"}},
		{"320583198512035610,510108200002290017", []string{"id-number:320583198512035610", "id-number:510108200002290017"}},
		// mobile numbers
		{"联系人李四 13812345678。", []string{"mobile:13812345678"}},
		{"电话 138 1234 5678", []string{"mobile:13812345678"}},
		{"电话 138-1234-5678", []string{"mobile:13812345678"}},
		{"电话 +86 13812345678", []string{"mobile:13812345678"}},
		{"电话 +8613812345678", []string{"mobile:13812345678"}},
		{"电话：１９９１２３４５６７８", []string{"mobile:19912345678"}},
		{"| 王五 | 320102199001011232 | 15912345678 |", []string{"id-number:320102199001011232", "mobile:15912345678"}},
		// not personal numbers
		{"wrong check digit 320102199001011233", nil},
		{"masked 3201**********1232 and 138****5678", nil},
		{"date 2026-11-18, 20261118, 2026年11月18日", nil},
		{"文号 青禾府〔2026〕21号, 沪府规〔2024〕3号", nil},
		{"amount 13800000000元, 15,800,000.00 元, 13812345678.50", nil},
		{"landline 021-5888-1234, 0571-88881234, (021) 58881234, 400-123-4567", nil},
		{"bank account 6222021001123456789 and 62220210011234567890", nil},
		{"parcel 12345678901234567890123", nil},
		{"12 digits 310118901202 division code", nil},
		{"11 digits not a mobile 12812345678", nil},
		{"born on 1990-01-01, area 3201 02", nil},
		{"18 digits with no birth date 320102199013011232", nil},
		{"version 1.13812345678", nil},
	} {
		var got []string
		for _, p := range personalNumbers(c.line) {
			got = append(got, p.rule+":"+p.number)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: found %q, want %q", c.line, got, c.want)
		}
	}
}

// CheckItem names the file, line and field of every warning, stops on an
// error the way publish does, and keeps the whole number out of its
// message.
func TestCheckItem(t *testing.T) {
	body := func(lines ...string) []string {
		return append(append([]string(nil), landLines[:13]...), lines...)
	}
	type want struct {
		line  int
		field string
		rule  string
		stop  bool
		msg   string
	}
	for _, c := range []struct {
		name  string
		lines []string
		want  []want
	}{
		{"posted without contact", landLines, []want{{0, "contact", RuleNoContact, false, "who takes objections"}}},
		{"posted with contact", withExtra("contact: 镇国土所 021-58881234"), nil},
		{"not posted, no contact", withoutLine(11), nil},
		{"withdrawn needs no contact", withExtra("withdrawn: 方案调整"), nil},
		{"kind without a period", withLine(11, "kind: land-pre-announcement"), []want{
			{11, "kind", RuleNoPeriod, false, "requires at least 10 working days"},
			{0, "contact", RuleNoContact, false, ""}}},
		{"period shorter than the law stops", append(withLine(11, "posting_workdays: 9"), ""), nil},
		{"ID and mobile in a list", body("低保名单：", "", "| 户主 | 身份证号 | 电话 |", "|---|---|---|", "| 张三 | 320102199001011232 | 13812345678 |"),
			[]want{{0, "contact", RuleNoContact, false, ""},
				{18, "body", RuleIDNumber, false, "3201**********1232"},
				{18, "body", RuleMobile, false, "138****5678"}}},
		{"many IDs: three lines and a count", body("| 320102199001011232 |", "| 320102199001011232 |", "| 320102199001011232 |", "| 320102199001011232 |", "| 320102199001011232 |"),
			[]want{{0, "contact", RuleNoContact, false, ""},
				{14, "body", RuleIDNumber, false, ""}, {15, "body", RuleIDNumber, false, ""}, {16, "body", RuleIDNumber, false, ""},
				{0, "body", RuleIDNumber, false, "and 2 more"}}},
		{"missing title stops", withLine(3, "title: "), []want{{3, "title", "", true, `"title" is missing`}}},
		{"bad date stops", withLine(6, "published: 2026-13-01"), []want{{6, "published", "", true, "not a date"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lines := c.lines
			if c.name == "period shorter than the law stops" {
				lines = append(append([]string(nil), lines[:12]...), "kind: land-pre-announcement")
				lines = append(lines, landLines[12:]...)
				c.want = []want{{11, "posting_workdays", "", true, "at least 10 working days"}}
			}
			got := CheckItem(landFile, []byte(strings.Join(lines, "\n")+"\n"))
			if len(got) != len(c.want) {
				t.Fatalf("findings %v, want %d", got, len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if g.File != landFile || g.Line != w.line || g.Field != w.field || g.Rule != w.rule || g.Stop != w.stop || !strings.Contains(g.Msg, w.msg) {
					t.Errorf("finding %d: %+v, want %+v", i, g, w)
				}
				if strings.Contains(g.Msg, "320102199001011232") || strings.Contains(g.Msg, "13812345678") {
					t.Errorf("finding %d repeats the whole number: %s", i, g.Msg)
				}
			}
		})
	}
}

// Check of a folder: the same warnings as publish prints, with file and
// line; the first error of ParseSource as a stop finding.
func TestCheckFolder(t *testing.T) {
	src := t.TempDir()
	writeSource(t, src, append(append([]string(nil), landLines...), "联系人 13812345678"))
	s, fs := Check(src)
	if s == nil || len(fs) != 2 || fs[0].Rule != RuleNoContact || fs[1].String() != landFile+":17: "+fs[1].Msg {
		t.Fatalf("findings %v", fs)
	}
	if fs[1].Msg == "" || fs[1].Stop {
		t.Fatalf("finding %+v", fs[1])
	}
	writeSource(t, src, withLine(4, "category: roads"))
	s, fs = Check(src)
	if s != nil || len(fs) != 1 || !fs[0].Stop || fs[0].Field != "category" || fs[0].Line != 4 {
		t.Fatalf("source %v, findings %+v", s, fs)
	}
}

func FuzzPersonalNumbers(f *testing.F) {
	for _, s := range []string{"320102199001011232", "138 1234 5678", "+8613812345678", "１３８１２３４５６７８", "11010519491231002X 1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range personalNumbers(s) {
			if p.rule == RuleIDNumber && !validID(p.number) || p.rule == RuleMobile && len(p.number) != 11 {
				t.Fatalf("%q: %+v", s, p)
			}
		}
	})
}
