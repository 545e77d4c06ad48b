package publish

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gongkai/feed"
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
		{"missing title stops", withLine(3, "title: "), []want{{3, "title", feed.RuleRequired, true, `"title" is missing`}}},
		{"bad date stops", withLine(6, "published: 2026-13-01"), []want{{6, "published", feed.RuleNotDate, true, "not a date"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lines := c.lines
			if c.name == "period shorter than the law stops" {
				lines = append(append([]string(nil), lines[:12]...), "kind: land-pre-announcement")
				lines = append(lines, landLines[12:]...)
				c.want = []want{{11, "posting_workdays", RulePeriodShort, true, "at least 10 working days"}}
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
	if s == nil || len(fs) != 2 || fs[0].Rule != RuleNoContact || fs[1].String() != filepath.FromSlash(landFile)+":17: "+fs[1].Msg {
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

// Every mistake a clerk can make by hand in a notice comes back with its
// rule and the detail its words need, so a window says it in its own
// words without reading publish's English.
func TestStopsNameTheirRule(t *testing.T) {
	long := "title: " + strings.Repeat("长", 200)
	for _, c := range []struct {
		name         string
		lines        []string
		field, rule  string
		detail       string
		withoutFiles bool
	}{
		{"required", withLine(5, "agency: "), "agency", feed.RuleRequired, "", false},
		{"locations missing", withoutLine(7), "locations", feed.RuleRequired, "", false},
		{"locations empty", withLine(7, "locations: []"), "locations", feed.RuleNoLocations, "", false},
		{"bad location", withLine(7, `locations: ["31x"]`), "locations", feed.RuleLocation, "", false},
		{"not a date", withLine(9, "valid_from: 2026-02-30"), "valid_from", feed.RuleNotDate, "", false},
		{"dates reversed", withLine(10, "valid_until: 2026-11-01"), "valid_until", feed.RuleDateOrder, "", false},
		{"both periods", withExtra("posting_workdays: 10"), "posting_days", feed.RulePeriodBoth, "", false},
		{"period out of range", withLine(11, "posting_days: 9999"), "posting_days", feed.RuleRange, "", false},
		{"bad id", withLine(2, "id: Land 001"), "id", feed.RuleID, "", false},
		{"url", withExtra("url: ftp://example.gov.cn/x"), "url", RuleURL, "", false},
		{"normative", append(withoutLine(9)[:11], append([]string{"normative: true"}, withoutLine(9)[11:]...)...), "normative", RuleNormative, "", false},
		{"title long", withLine(3, long), "title", RuleTitleLong, "200", false},
		{"control character", withLine(5, "agency: \"青禾镇\\u0007\""), "agency", RuleControl, "", false},
		{"period short", withExtra("kind: land-compensation-plan", "contact: 镇国土所"), "posting_days", RulePeriodShort, "《中华人民共和国土地管理法实施条例》第二十八条：公告时间不得少于30日", false},
		{"working days", withExtra("kind: land-pre-announcement", "contact: 镇国土所"), "posting_days", RulePeriodWorkdays, "《中华人民共和国土地管理法实施条例》第二十六条：预公告时间不得少于十个工作日", false},
		{"calendar days", append(withLine(11, "posting_workdays: 30"), "kind: land-compensation-plan"), "posting_workdays", RulePeriodCalendar, "《中华人民共和国土地管理法实施条例》第二十八条：公告时间不得少于30日", false},
		{"category", withLine(4, "category: roads"), "category", RuleCategory, "", false},
		{"attachment not there", withLine(12, "attachments: [plan.pdf]"), "attachments", RuleNoFile, "plan.pdf", false},
		{"same id twice", withLine(2, "id: school-2027-001"), "id", RuleDuplicateID, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			lines := c.lines
			if c.rule == RulePeriodCalendar {
				// kind: after the closing '---' is body text: put it in the front matter
				lines = append(append(append([]string(nil), lines[:12]...), "kind: land-compensation-plan"), landLines[12:]...)
			}
			dir := t.TempDir()
			writeSource(t, dir, lines)
			_, got := Check(dir)
			if len(got) != 1 || !got[0].Stop {
				t.Fatalf("findings %v, want one stop", got)
			}
			f := got[0]
			if f.Field != c.field || f.Rule != c.rule || (c.detail != "" && f.Detail != c.detail) {
				t.Errorf("finding %+v, want field %q rule %q detail %q", f, c.field, c.rule, c.detail)
			}
		})
	}
}

// The warnings carry what their words need: the law a kind's period
// comes from, the masked number, and how many more places there are.
func TestWarningsCarryTheirDetail(t *testing.T) {
	lines := append(append([]string(nil), landLines[:10]...), "kind: land-pre-announcement")
	lines = append(lines, landLines[11:]...)
	lines = append(lines, "| 320102199001011232 | 13812345678 |", "| 320102199001011232 |", "| 320102199001011232 |", "| 320102199001011232 |")
	got := CheckItem(landFile, []byte(strings.Join(lines, "\n")+"\n"))
	var law, masked, mobile string
	more := 0
	for _, f := range got {
		switch {
		case f.Rule == RuleNoPeriod:
			law = f.Detail
		case f.Rule == RuleIDNumber && f.More == 0:
			masked = f.Detail
		case f.Rule == RuleIDNumber:
			more = f.More
		case f.Rule == RuleMobile:
			mobile = f.Detail
		}
	}
	if !strings.HasPrefix(law, "《中华人民共和国土地管理法实施条例》第二十六条") || masked != "320102********1232" || mobile != "138****5678" || more != 1 {
		t.Errorf("law %q, masked %q, mobile %q, more %d; findings %+v", law, masked, mobile, more, got)
	}
}
