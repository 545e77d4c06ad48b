package paper

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"gongkai/atomicfile"
	"gongkai/feed"
	"gongkai/proof"
)

// maxCertNotices bounds the notices printed; a report of more is cut with
// a note (the JSON export still holds them all).
const maxCertNotices = 200

// Certificate writes a printable proof-of-display certificate (展示证明)
// in Chinese: the screen's device key, the time of the report, and per
// notice its posting period, days covered, time displayed, status and
// gaps. It carries no signature of its own: the signed JSON export is the
// evidence, and the certificate says so. fingerprint must be the device
// the report names, so a certificate cannot be printed for a report of
// another screen by mistake.
func Certificate(w io.Writer, r proof.Report, fingerprint string) error {
	if fingerprint != "" && r.Device != "" && fingerprint != r.Device {
		return fmt.Errorf("paper: report is of device %s, not %s", r.Device, fingerprint)
	}
	if fingerprint == "" {
		fingerprint = r.Device
	}
	d := newDoc("展示证明", "电子公告屏展示证明 · 设备 "+clip(fingerprint, 40))

	d.setSize(22)
	d.y += 4
	for _, t := range []string{"电子公告屏展示证明"} {
		line := []run{{text: t, bold: true}}
		d.drawLine(marginX+(contentW-lineWidth(d, line))/2, d.y, line)
		d.y += d.lineH()
	}
	d.setSize(11)
	sub := []run{{text: "（公告张贴期间展示情况记录）"}}
	d.drawLine(marginX+(contentW-lineWidth(d, sub))/2, d.y, sub)
	d.y += d.lineH() + 2
	d.rule(0, 0.6)
	d.y += 4

	hours := r.OnHours
	if hours == "" {
		hours = "全天"
	}
	d.setSize(11.5)
	for _, m := range [][2]string{
		{"屏幕设备", "设备密钥指纹 " + clip(fingerprint, 80)},
		{"生成时间", cnTime(r.Generated)},
		{"时　　区", clip(r.Timezone, 60)},
		{"开屏时段", clip(hours, 40) + "（此时段以外不计入缺口）"},
		{"统计范围", periodOf(r)},
		{"公告数量", fmt.Sprintf("%d 条", len(r.Notices))},
		{"记录链头", headText(r.Head)},
	} {
		d.paragraph([]run{{text: m[0] + "：", bold: true}, {text: m[1]}}, marginX, contentW, "")
	}
	d.y += 3

	t := table{header: true, align: []align{alignLeft, alignLeft, alignCenter, alignRight, alignCenter, alignLeft}}
	t.rows = append(t.rows, [][]run{{{text: "公告"}}, {{text: "公示期"}}, {{text: "覆盖天数"}}, {{text: "展示时长"}}, {{text: "结论"}}, {{text: "缺口情况"}}})
	notices := r.Notices
	if len(notices) > maxCertNotices {
		notices = notices[:maxCertNotices]
	}
	for _, n := range notices {
		t.rows = append(t.rows, [][]run{
			{{text: oneLineText(n.Title, 80), bold: true}, {text: "\n" + clip(n.ID, 64)}},
			{{text: postingText(n)}},
			{{text: coverageText(n)}},
			{{text: durationText(n.DisplayedSeconds)}},
			{{text: statusText(n), bold: n.Status == "failed"}},
			{{text: gapsText(n)}},
		})
	}
	ok := true
	if len(notices) == 0 {
		ok = d.paragraph([]run{{text: "（记录中没有设公示期或已展示的公告。）"}}, marginX, contentW, "")
	} else {
		ok = d.table(t, 9.5)
	}
	if !ok || len(notices) < len(r.Notices) {
		d.full = false
		d.setSize(10.5)
		d.paragraph([]run{{text: fmt.Sprintf("（共 %d 条公告，纸面仅印出部分，完整内容见签名的 JSON 导出文件。）", len(r.Notices)), bold: true}}, marginX, contentW, "")
	}

	d.full = false
	d.setSize(10)
	d.y += 4
	if d.need(52) {
		d.rule(120, 0.3)
		d.y += 2
		for _, p := range []string{
			"说明：覆盖天数指公示期内已结束、且计入的缺口合计少于 5 分钟的天数；展示时长为公告在屏上轮播或可供查阅（屏幕开启时）的累计时间。结论“达标”表示公示期已满且每天均覆盖，“进行中”表示尚未发现缺口、公示期未满，“未达标”表示已有一天以上存在缺口。",
			"本证明由屏幕根据其展示日志生成，日志逐条以哈希链相连，并由本屏设备密钥签名。纸质证明本身不含签名，可验证的证据以同时导出的 JSON 文件为准：gongkai report --verify 文件.json --device device.pub --anchor 条号:校验码；记录链头应与镇监控平台收到的一致。",
		} {
			d.paragraph([]run{{text: p}}, marginX, contentW, "")
			d.y += 1.5
		}
		d.y += 6
		d.setSize(11.5)
		d.paragraph([]run{{text: "经办人（签字）：____________　　单位（盖章）：____________　　日期：____________"}}, marginX, contentW, "")
	}
	return d.finish(w)
}

// headText is the chain head a certificate prints, for comparing with the
// monitor's receipt (proof/FORMAT.md).
func headText(h *proof.HeadRef) string {
	if h == nil || h.Seq == 0 {
		return "（无记录）"
	}
	return fmt.Sprintf("第 %d 条　校验码 %s", h.Seq, h.Code)
}

// ExportAndCertificate is log's signed JSON export (proof.Log.Export)
// and the certificate of the very report the export carries, so the paper
// and the file a reader verifies never disagree.
func ExportAndCertificate(log *proof.Log, build func(proof.Records) (proof.Report, error)) (export, certificate []byte, err error) {
	var rep proof.Report
	export, err = log.Export(func(r proof.Records) (proof.Report, error) {
		var err error
		rep, err = build(r)
		return rep, err
	})
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if err := Certificate(&buf, rep, feed.Fingerprint(log.PublicKey())); err != nil {
		return nil, nil, err
	}
	return export, buf.Bytes(), nil
}

// periodOf is the span of the notices' posting periods.
func periodOf(r proof.Report) string {
	var first, last string
	for _, n := range r.Notices {
		if n.PeriodStart == nil || n.PeriodEnd == nil {
			continue
		}
		if first == "" || *n.PeriodStart < first {
			first = *n.PeriodStart
		}
		if *n.PeriodEnd > last {
			last = *n.PeriodEnd
		}
	}
	if first == "" {
		return "截至 " + cnTime(r.Generated)
	}
	return fmt.Sprintf("%s 至 %s（各公告公示期），统计截至 %s", cnDay(first), cnDay(last), cnTime(r.Generated))
}

func postingText(n proof.NoticeReport) string {
	if n.PostingDays == 0 && n.PostingWorkdays == 0 {
		return "无公示期要求"
	}
	s := n.Length()
	if n.PeriodStart != nil && n.PeriodEnd != nil {
		s += "\n" + cnDay(*n.PeriodStart) + "\n至 " + cnDay(*n.PeriodEnd)
	}
	if n.CalendarNote != "" {
		s += "\n（" + n.CalendarNote + "）"
	}
	return s
}

func coverageText(n proof.NoticeReport) string {
	if n.Days() == 0 {
		return "—"
	}
	s := fmt.Sprintf("%d / %d 天", n.DaysCovered, n.Days())
	if n.DaysWithGaps > 0 {
		s += fmt.Sprintf("\n缺口 %d 天", n.DaysWithGaps)
	}
	return s
}

func statusText(n proof.NoticeReport) string {
	s := map[string]string{"met": "达标", "on track": "进行中", "failed": "未达标"}[n.Status]
	if s == "" {
		s = "—"
	}
	if n.Withdrawn {
		s += "\n（已撤回）"
	}
	return s
}

// gapsText sums the counted gaps by cause: a certificate says what
// happened, the JSON export lists each gap.
func gapsText(n proof.NoticeReport) string {
	totals := n.GapsByCause()
	if len(totals) == 0 {
		if n.GapsOmitted > 0 {
			return fmt.Sprintf("另有 %d 处缺口见 JSON", n.GapsOmitted)
		}
		return "无"
	}
	var lines []string
	for _, t := range totals {
		name := proof.CauseNames[t.Cause]
		if name == "" {
			name = clip(t.Cause, 20)
		}
		lines = append(lines, fmt.Sprintf("%s %d 次，共 %s", name, t.Count, durationText(t.Seconds)))
	}
	if n.GapsOmitted > 0 {
		lines = append(lines, fmt.Sprintf("另有 %d 处见 JSON", n.GapsOmitted))
	}
	return strings.Join(lines, "\n")
}

func durationText(sec int64) string {
	switch {
	case sec <= 0:
		return "0"
	case sec < 60:
		return fmt.Sprintf("%d 秒", sec)
	case sec < 3600:
		return fmt.Sprintf("%d 分", sec/60)
	case sec < 86400:
		return fmt.Sprintf("%d 小时 %d 分", sec/3600, sec%3600/60)
	}
	return fmt.Sprintf("%d 天 %d 小时", sec/86400, sec%86400/3600)
}

func cnDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return clip(s, 20)
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

func cnTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return clip(s, 40)
	}
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
}

// WriteCertificate writes the certificate of log's report (build) to
// path, as gongkai report --out FILE.pdf does. It is for paper; the
// evidence stays in the JSON export, which the certificate tells its
// reader to verify.
func WriteCertificate(path string, log *proof.Log, build func(proof.Records) (proof.Report, error)) (proof.Report, error) {
	rep, err := log.Report(build)
	if err != nil {
		return rep, err
	}
	var buf bytes.Buffer
	if err := Certificate(&buf, rep, feed.Fingerprint(log.PublicKey())); err != nil {
		return rep, err
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return rep, fmt.Errorf("writing %s: %w", path, err)
	}
	return rep, nil
}
