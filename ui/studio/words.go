package studio

import (
	"fmt"
	"regexp"
	"strings"

	"gongkai/publish"
)

// The studio's Chinese for publish's findings. The checks are publish's
// (one implementation); only their words are the studio's: warnings by
// their Rule, errors by what their message says, with the message itself
// as the fallback so nothing is ever hidden.

// FieldNames are the form's names of the front matter keys.
var FieldNames = map[string]string{
	"id": "编号", "title": "标题", "category": "类别", "agency": "发布机构", "published": "发布日期",
	"locations": "发布范围", "doc_no": "文号", "valid_from": "生效日期", "valid_until": "截止日期",
	"posting_days": "公示期", "posting_workdays": "公示期", "kind": "公告类型", "priority": "优先级",
	"normative": "规范性文件", "attachments": "附件", "url": "官方网址", "contact": "联系方式",
	"withdrawn": "撤回原因", "audio": "录音", "body": "正文",
}

var (
	reMasked = regexp.MustCompile(`e\.g\. ([0-9*Xx]+)\)`)
	reLaw    = regexp.MustCompile(`《[^》]+》[^()（）]*`)
	reTitleN = regexp.MustCompile(`title is (\d+) characters, over the (\d+)`)
)

// Words says a finding in Chinese, without the field's name (it stands
// beside its field). bodyLine is the finding's line within the body (0:
// none).
func Words(f publish.Finding, bodyLine int) string {
	at := ""
	if bodyLine > 0 {
		at = fmt.Sprintf("第 %d 行", bodyLine)
	}
	switch f.Rule {
	case publish.RuleNoContact:
		return "没有写联系方式：公示期内群众有异议要找谁？请填写受理异议的科室和电话。"
	case publish.RuleNoPeriod:
		return "这类公告法律规定了最短公示期，还没有选公示天数。" + law(f.Msg)
	case publish.RuleIDNumber, publish.RuleMobile:
		what := "居民身份证号码"
		if f.Rule == publish.RuleMobile {
			what = "手机号码"
		}
		if strings.HasPrefix(f.Msg, "and ") {
			var n int
			fmt.Sscanf(f.Msg, "and %d more", &n)
			return fmt.Sprintf("还有 %d 处%s。", n, what)
		}
		example := ""
		if m := reMasked.FindStringSubmatch(f.Msg); m != nil {
			example = "（如 " + m[1] + "）"
		}
		return fmt.Sprintf("%s有%s：张贴公示的名单不能显示完整号码，请打码%s或删去。", at, what, example)
	}
	m := f.Msg
	switch {
	case strings.HasPrefix(m, "required field"):
		return "必填，还没有填写。"
	case strings.Contains(m, "is not a date"):
		return "不是日期：请写成 年-月-日，如 2026-11-10。"
	case strings.Contains(m, "is before valid_from"):
		return "截止日期早于生效日期。"
	case strings.Contains(m, "must start with https://"):
		return "网址要以 https:// 或 http:// 开头。"
	case strings.Contains(m, "only a-z"):
		return "编号只能用小写字母 a-z、数字和 . _ -。"
	case reTitleN.MatchString(m):
		n := reTitleN.FindStringSubmatch(m)
		return fmt.Sprintf("标题 %s 个字，屏幕最多显示 %s 个字：请缩短，细节写进正文。", n[1], n[2])
	case strings.Contains(m, "must be posted for at least"):
		return "公示期短于法定最短期限。" + law(m)
	case strings.Contains(m, "is posted for working days"):
		return "这类公告的公示期按工作日计算。" + law(m)
	case strings.Contains(m, "is posted for calendar days"):
		return "这类公告的公示期按日历天计算。" + law(m)
	case strings.Contains(m, "both set"):
		return "公示期只能按天或按工作日，二选一。"
	case strings.Contains(m, "locations is empty"), strings.Contains(m, `"locations" is missing`):
		return "请选择发布到哪些村，或全镇。"
	case strings.Contains(m, "control character"):
		return "含有看不见的控制字符（常从别的程序复制带来），请删去后重新输入。"
	case strings.Contains(m, "normative document"):
		return "规范性文件要填写生效日期。"
	case strings.Contains(m, "is not declared in feed.yaml"):
		return "这个类别不在发布台设置里：请先在设置里添加。"
	case strings.Contains(m, "is already used by"):
		return "编号已被另一条公告使用：请换一个。"
	case strings.Contains(m, "not found"):
		return "找不到文件：" + m
	}
	if f.Field == "body" {
		return at + "正文格式有误：" + m
	}
	return "有误：" + m
}

// law is the Chinese law text a message cites, "" for none.
func law(msg string) string {
	if l := reLaw.FindString(msg); l != "" {
		return "依据：" + strings.TrimSpace(l)
	}
	return ""
}
