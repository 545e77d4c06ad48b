package studio

import (
	"fmt"

	"gongkai/feed"
	"gongkai/markdown"
	"gongkai/publish"
)

// The studio's Chinese for publish's findings. The checks are publish's
// (one implementation); only their words are the studio's, chosen by
// the finding's Rule (publish's or feed's), with publish's message as
// the fallback for a rule without words here, so nothing is ever hidden.

// FieldNames are the form's names of the front matter keys.
var FieldNames = map[string]string{
	"id": "编号", "title": "标题", "category": "类别", "agency": "发布机构", "published": "发布日期",
	"locations": "发布范围", "doc_no": "文号", "valid_from": "生效日期", "valid_until": "截止日期",
	"posting_days": "公示期", "posting_workdays": "公示期", "kind": "公告类型", "priority": "优先级",
	"normative": "规范性文件", "attachments": "附件", "url": "官方网址", "contact": "联系方式",
	"withdrawn": "撤回原因", "audio": "录音", "body": "正文",
}

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
		return "这类公告法律规定了最短公示期，还没有选公示天数。" + law(f.Detail)
	case publish.RuleIDNumber, publish.RuleMobile:
		what := "居民身份证号码"
		if f.Rule == publish.RuleMobile {
			what = "手机号码"
		}
		if f.More > 0 {
			return fmt.Sprintf("还有 %d 处%s。", f.More, what)
		}
		return fmt.Sprintf("%s有%s：张贴公示的名单不能显示完整号码，请打码（如 %s）或删去。", at, what, f.Detail)
	case feed.RuleRequired:
		return "必填，还没有填写。"
	case feed.RuleNotDate:
		return "不是日期：请写成 年-月-日，如 2026-11-10。"
	case feed.RuleDateOrder:
		return "截止日期早于生效日期。"
	case feed.RuleID:
		return "编号只能用小写字母 a-z、数字和 . _ -。"
	case feed.RuleRange:
		return "公示期天数不对：最多 3650 天（工作日最多 2500 天）。"
	case feed.RulePeriodBoth:
		return "公示期只能按天或按工作日，二选一。"
	case feed.RuleNoLocations:
		return "请选择发布到哪些村，或全镇。"
	case feed.RuleLocation:
		return "发布范围要用区划代码（2 到 12 位数字），或全镇。"
	case publish.RuleURL:
		return "网址要以 https:// 或 http:// 开头。"
	case publish.RuleTitleLong:
		return fmt.Sprintf("标题 %s 个字，屏幕最多显示 %d 个字：请缩短，细节写进正文。", f.Detail, markdown.MaxTitle)
	case publish.RuleControl:
		return "含有看不见的控制字符（常从别的程序复制带来），请删去后重新输入。"
	case publish.RuleNormative:
		return "规范性文件要填写生效日期。"
	case publish.RulePeriodShort:
		return "公示期短于法定最短期限。" + law(f.Detail)
	case publish.RulePeriodWorkdays:
		return "这类公告的公示期按工作日计算。" + law(f.Detail)
	case publish.RulePeriodCalendar:
		return "这类公告的公示期按日历天计算。" + law(f.Detail)
	case publish.RuleCategory:
		return "这个类别不在发布台设置里：请先在设置里添加。"
	case publish.RuleDuplicateID:
		return "编号已被另一条公告使用（" + f.Detail + "）：请换一个。"
	case publish.RuleNoFile:
		return "找不到文件：" + f.Detail
	}
	if f.Field == "body" {
		return at + "正文格式有误：" + f.Msg
	}
	return "有误：" + f.Msg
}

// law is the words of the law a rule cites, "" for none.
func law(text string) string {
	if text == "" {
		return ""
	}
	return "依据：" + text
}
