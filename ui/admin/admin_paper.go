package admin

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/atomicfile"
	"gongkai/diskerr"
	"gongkai/diskspace"
	"gongkai/proof"
	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// The admin pages that put paper in the clerk's hand: the 公示期 page
// (proof of display per notice, exported to a stick) and 打印海报 (a
// notice as an A4 poster on a stick). The kiosk has no printer: the stick
// goes to the office PC.

// stickFile is one file to write onto a stick.
type stickFile struct {
	name string
	data []byte
}

// para is a run of rich text that ends its line. Fyne wraps a run that
// holds "\n" at the wrong places, so lines are paragraphs instead.
func para(text string, size fyne.ThemeSizeName, color fyne.ThemeColorName, bold bool) *widget.TextSegment {
	s := kit.Seg(text, size, color)
	s.Style.Inline = false
	return s
}

// stickPicker asks which stick to write to and says how it went. It lists
// the sticks when asked rather than watching them: an export stick
// usually holds no feed, so the USB import's watcher never reports it.
type stickPicker struct {
	a        *Panel
	Msg      *widget.RichText
	List     *fyne.Container
	cancel   *kit.BigButton
	box      *fyne.Container
	what     string                      // what is written, for the messages: "海报"
	again    string                      // what to tap again once a stick is in
	files    func() ([]stickFile, error) // what to write, made once a stick is chosen
	waiting  bool                        // asked, and no stick was in
	busy     bool
	relayout func() // of the page: the picker grows and shrinks in it
}

func (a *Panel) newStickPicker(relayout func()) *stickPicker {
	s := &stickPicker{a: a, Msg: kit.Rich(), List: container.NewVBox(), relayout: relayout}
	s.cancel = a.btn("取消", widget.MediumImportance, s.clear)
	s.cancel.Min = fyne.NewSize(240, kit.TouchMin)
	s.box = container.NewVBox(s.Msg, s.List, container.NewHBox(s.cancel))
	s.reset()
	s.box.Hide()
	return s
}

// reset forgets the question; a result on show stays readable.
func (s *stickPicker) reset() {
	s.files, s.waiting = nil, false
	s.List.Objects = nil
	s.List.Refresh()
	kit.Show(s.cancel, false)
}

// clear resets and hides the picker, leaving the room to the page.
func (s *stickPicker) clear() {
	s.reset()
	kit.SetRich(s.Msg)
	kit.Show(s.box, false)
	s.relayout()
}

// say shows lines of text, and a detail (the error itself) below them.
func (s *stickPicker) say(lines []string, c fyne.ThemeColorName, detail string) {
	var segs []widget.RichTextSegment
	for _, l := range lines {
		segs = append(segs, para(l, theme.SizeNameSubHeadingText, c, true))
	}
	if detail != "" {
		segs = append(segs, para(detail, kit.SizeSmall, kit.ColorMuted, false))
	}
	kit.SetRich(s.Msg, segs...)
	kit.Show(s.box, true)
	s.relayout()
}

// offer lists the sticks mounted now for writing what files makes, or
// asks for one. The list is made off the UI thread: a dead mount can
// hang whoever looks at it.
func (s *stickPicker) offer(what, again string, files func() ([]stickFile, error)) {
	if s.busy {
		return
	}
	s.what, s.again, s.files = what, again, files
	sticks := s.a.k.Admin.Sticks
	if sticks == nil {
		s.reset()
		s.say([]string{"本机未设置写U盘功能。"}, kit.ColorMuted, "")
		return
	}
	s.busy = true
	k := s.a.k
	s.a.Async("list sticks", func() {
		var found [][2]string // path, and what to say of it
		for _, dir := range sticks() {
			about := dir
			if free, _, ok := diskspace.Of(dir); ok {
				about += "　剩余 " + bytesText(free)
			}
			found = append(found, [2]string{dir, about})
		}
		k.Do("sticks", func() {
			s.busy = false
			if s.files != nil { // not cancelled meanwhile
				s.showSticks(found)
			}
		})
	})
}

// showSticks offers the sticks found, or asks for one when there is none.
func (s *stickPicker) showSticks(found [][2]string) {
	s.List.Objects = nil
	s.waiting = len(found) == 0
	kit.Show(s.cancel, true)
	if s.waiting {
		s.say([]string{"请插入U盘。插好后再点一次" + s.again + "。"}, kit.ColorUrgent, "")
		s.List.Refresh()
		return
	}
	s.say([]string{"写到哪个U盘？点一下："}, theme.ColorNameForeground, "")
	for _, f := range found {
		view := container.New(kit.TightVBox{}, kit.Rich(kit.Seg(words.StickName(f[0]), theme.SizeNameSubHeadingText, theme.ColorNamePrimary)),
			kit.Rich(kit.Seg(f[1], kit.SizeSmall, kit.ColorMuted)))
		s.List.Add(s.a.k.Card(view, func() {
			s.a.touch()
			s.write(f[0])
		}))
	}
	s.List.Refresh()
	s.relayout()
}

// asking: the picker waits for a stick to be chosen or plugged in, or
// is writing to one.
func (s *stickPicker) asking() bool { return s.files != nil || s.busy }

// sticksChanged: media came or went; a question waiting for a stick is
// asked again, so the clerk need not tap twice.
func (s *stickPicker) sticksChanged() {
	if s.waiting && !s.busy && s.files != nil {
		s.offer(s.what, s.again, s.files)
	}
}

// write makes the files and writes them into dir, off the UI thread: a
// report signs the log and renders a PDF, and a stick is slow.
func (s *stickPicker) write(dir string) {
	if s.busy || s.files == nil {
		return
	}
	k, files := s.a.k, s.files
	s.reset()
	s.busy = true
	s.say([]string{"正在写入U盘，请不要拔出……"}, theme.ColorNameForeground, "")
	s.a.Async("write to stick", func() {
		var written []string
		out, err := files()
		made := err == nil
		if made {
			written, err = writeFiles(dir, out)
		}
		if err != nil {
			k.Logger.Warn("write to stick", "dir", dir, "written", written, "err", err)
		} else {
			k.Logger.Info("wrote to stick", "dir", dir, "files", written)
		}
		k.Do("stick result", func() {
			s.busy = false
			s.result(dir, made, written, err)
		})
	})
}

// result says in plain words what is on the stick now. made is false
// when the files could not even be made: no fault of the stick.
func (s *stickPicker) result(dir string, made bool, written []string, err error) {
	var names []string
	for _, w := range written {
		names = append(names, "· "+w)
	}
	switch {
	case err == nil:
		s.say(append([]string{fmt.Sprintf("已把%s写到U盘“%s”，可以拔出U盘了：", s.what, words.StickName(dir))}, names...), theme.ColorNameSuccess, "")
		return
	case !made:
		s.say([]string{"没有写成：本机生成" + s.what + "时出错，请联系技术人员。"}, kit.ColorUrgent, "")
		return
	}
	lines := []string{"没有写成：" + stickError(err)}
	if len(written) > 0 {
		lines = append(append(lines, "已写入的文件："), names...)
	}
	s.say(lines, kit.ColorUrgent, "")
}

// writeFiles writes each file whole or not at all (atomicfile) into dir,
// and returns the names written before any error.
func writeFiles(dir string, files []stickFile) ([]string, error) {
	var written []string
	for _, f := range files {
		if err := atomicfile.Write(filepath.Join(dir, f.name), f.data); err != nil {
			return written, err
		}
		written = append(written, f.name)
	}
	return written, nil
}

// stickError is why a write to a stick failed, in words a clerk can act on.
func stickError(err error) string {
	// by the error's value only: its English text may change
	switch {
	case diskerr.ReadOnly(err):
		return "U盘是只读的。请拨开U盘上的写保护开关，或换一个U盘。"
	case diskerr.Full(err):
		return "U盘已满。请删掉一些文件，或换一个U盘。"
	case errors.Is(err, fs.ErrPermission):
		return "没有写入这个U盘的权限。请换一个U盘。"
	case errors.Is(err, fs.ErrNotExist):
		return "找不到U盘，可能已被拔出。请重新插入。"
	}
	return "写入失败。"
}

// fileStamp is the trusted time in the feed's time zone for file names:
// sortable, and unlike a colon allowed on every stick's file system.
func (a *Panel) fileStamp() string {
	return a.k.Now().In(a.k.Loc).Format("20060102-1504")
}

// Compliance page (公示期).

type CompliancePage struct {
	a      *Panel
	box    fyne.CanvasObject
	Head   *widget.RichText
	sub    *widget.RichText // on-hours, time of the report
	Export *kit.BigButton
	Back   *kit.BigButton
	Sticks *stickPicker
	Paged  *pagedBox
	rows   []proof.NoticeReport // the notices with a posting period, worst first
	asOf   string               // the report's time, RFC 3339
	detail int                  // the row on show with its gaps; -1 for the list
}

func (a *Panel) newCompliancePage() *CompliancePage {
	p := &CompliancePage{a: a, Head: kit.Rich(), sub: kit.Rich(), Paged: a.newPaged(), detail: -1}
	p.Sticks = a.newStickPicker(func() { p.box.Refresh() })
	p.Export = a.btn("导出到U盘", widget.HighImportance, p.offerExport)
	p.Export.Min = fyne.NewSize(320, 100)
	p.Back = a.btn("‹ 返回列表", widget.MediumImportance, func() { p.detail = -1; p.render() })
	p.Back.Min = fyne.NewSize(280, 100)
	top := container.NewBorder(nil, nil, nil, container.NewVBox(p.Export, p.Back), container.New(kit.TightVBox{}, p.Head, p.sub))
	p.box = container.NewBorder(container.NewVBox(top, p.Sticks.box, kit.Separator()), nil, nil, nil, p.Paged.box)
	return p
}

func (p *CompliancePage) Object() fyne.CanvasObject { return p.box }

// show reads the report afresh: the log grows while the page is away.
func (p *CompliancePage) Show() {
	p.rows, p.asOf, p.detail = nil, "", -1
	p.Sticks.clear()
	kit.SetRich(p.sub)
	get := p.a.k.Admin.Compliance
	kit.Enable(p.Export, get != nil && p.a.k.Admin.ExportReport != nil)
	if get == nil {
		kit.SetRich(p.Head, kit.Seg("本机未设置公示期核查功能。", theme.SizeNameText, kit.ColorMuted))
		p.Paged.set(nil)
		kit.Show(p.Back, false)
		return
	}
	rep, err := get()
	if err != nil {
		p.a.k.Logger.Warn("compliance report", "err", err)
		kit.SetRich(p.Head, kit.Seg("无法读取展示记录，请联系技术人员。", theme.SizeNameSubHeadingText, kit.ColorUrgent))
		kit.SetRich(p.sub)
		p.Paged.set(nil)
		kit.Show(p.Back, false)
		return
	}
	p.asOf = rep.Generated
	for _, n := range rep.Notices {
		if n.PostingDays > 0 || n.PostingWorkdays > 0 {
			p.rows = append(p.rows, n)
		}
	}
	// The clerk looks for trouble first: gaps, then running periods,
	// then those met; the newest period first within each.
	rank := func(n proof.NoticeReport) int {
		return map[string]int{proof.StatusFailed: 0, proof.StatusOnTrack: 1, proof.StatusMet: 2}[n.Status]
	}
	slices.SortStableFunc(p.rows, func(a, b proof.NoticeReport) int {
		if r := rank(a) - rank(b); r != 0 {
			return r
		}
		return strings.Compare(deref(b.PeriodStart), deref(a.PeriodStart))
	})
	// a period is under way, over, or not begun; gaps are counted within
	// each, so a notice still on show is never left out of 公示中
	var running, runningGaps, over, overFailed, notYet int
	for _, n := range p.rows {
		gap := n.Status == proof.StatusFailed
		switch {
		case n.PeriodStart != nil && len(p.asOf) >= 10 && *n.PeriodStart > p.asOf[:10]:
			notYet++
		case n.DaysElapsed >= n.Days():
			over++
			if gap {
				overFailed++
			}
		default:
			running++
			if gap {
				runningGaps++
			}
		}
	}
	gaps := runningGaps + overFailed
	hours := "全天开屏"
	if rep.OnHours != "" {
		hours = "开屏时段 " + rep.OnHours + "，其余时间不计入缺口"
	}
	c := fyne.ThemeColorName(theme.ColorNameForeground)
	if gaps > 0 {
		c = kit.ColorUrgent
	}
	summary := fmt.Sprintf("有公示期的公告 %s 条：公示中 %s 条（其中有缺口 %s 条），已结束 %s 条（未满足 %s 条）", kit.Thousands(len(p.rows)), kit.Thousands(running), kit.Thousands(runningGaps), kit.Thousands(over), kit.Thousands(overFailed))
	if notYet > 0 {
		summary += fmt.Sprintf("，尚未开始 %s 条", kit.Thousands(notYet))
	}
	kit.SetRich(p.Head, kit.Seg(summary, theme.SizeNameSubHeadingText, c))
	kit.SetRich(p.sub, kit.Seg(fmt.Sprintf("%s；统计截至 %s。点一条看每处缺口。", hours, clockText(rep.Generated)), kit.SizeSmall, kit.ColorMuted))
	p.render()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// render shows the list, or one notice's gaps.
func (p *CompliancePage) render() {
	kit.Show(p.Back, p.detail >= 0)
	p.box.Refresh() // 返回列表 came or went: the top is laid out again
	if p.detail >= 0 {
		p.Paged.set(p.gapBlocks(p.rows[p.detail]))
		return
	}
	var blocks []kit.Block
	for i, n := range p.rows {
		blocks = append(blocks, kit.Block{Obj: p.a.k.Card(p.rowView(n), func() {
			p.a.touch()
			p.detail = i
			p.render()
		}), Gap: 12})
	}
	if len(blocks) == 0 {
		blocks = kit.MessageBlocks("本屏没有设公示期的公告。")
	}
	p.Paged.set(blocks)
}

// rowView is one notice: title, period, status, days covered, and its
// gaps summed by cause. One rich text: its lines sit closer than widgets.
func (p *CompliancePage) rowView(n proof.NoticeReport) fyne.CanvasObject {
	runs := []widget.RichTextSegment{
		para(kit.ShownTitle(n.Title), theme.SizeNameSubHeadingText, theme.ColorNameForeground, true),
		para(periodText(n), theme.SizeNameText, kit.ColorMuted, false)}
	runs = append(runs, p.statusRuns(n)...)
	return kit.Rich(append(runs, para("缺口："+causesText(n), theme.SizeNameText, kit.ColorMuted, false))...)
}

// statusRuns are a period's status and its days covered, one line.
func (p *CompliancePage) statusRuns(n proof.NoticeReport) []widget.RichTextSegment {
	status, c := complianceStatus(n, p.asOf)
	return []widget.RichTextSegment{kit.Seg(status, theme.SizeNameText, c),
		para(fmt.Sprintf("　已覆盖 %d / %d 天", n.DaysCovered, n.Days()), theme.SizeNameText, theme.ColorNameForeground, false)}
}

// gapBlocks list one notice's counted gaps, each with its cause.
func (p *CompliancePage) gapBlocks(n proof.NoticeReport) []kit.Block {
	line := func(segs ...widget.RichTextSegment) kit.Block { return kit.Block{Obj: kit.Rich(segs...), Gap: 4} }
	blocks := []kit.Block{
		{Obj: kit.Label(kit.ShownTitle(n.Title), theme.SizeNameHeadingText), Gap: 4},
		line(kit.Seg(periodText(n), theme.SizeNameText, kit.ColorMuted)),
		line(p.statusRuns(n)...),
		{Obj: kit.Label("缺口（屏上没有这条公告的时段）", theme.SizeNameSubHeadingText), Gap: 16, KeepWithNext: true},
	}
	listed := 0
	for _, g := range mergedGaps(n) {
		listed++
		blocks = append(blocks, line(
			kit.Seg(spanText(g.start, g.end)+"　", theme.SizeNameText, theme.ColorNameForeground),
			kit.Seg(causeName(g.cause), theme.SizeNameText, kit.ColorUrgent),
			kit.Seg("　"+gapDuration(g.Seconds), theme.SizeNameText, kit.ColorMuted)))
	}
	if n.GapsOmitted > 0 {
		blocks = append(blocks, line(kit.Seg(fmt.Sprintf("另有 %d 处缺口未列出，见导出的 JSON 文件。", n.GapsOmitted), theme.SizeNameText, kit.ColorMuted)))
	} else if listed == 0 {
		blocks = append(blocks, line(kit.Seg("无缺口。", theme.SizeNameText, theme.ColorNameSuccess)))
	}
	return blocks
}

// complianceStatus is a posting period's status in plain words, and its
// colour.
func complianceStatus(n proof.NoticeReport, asOf string) (string, fyne.ThemeColorName) {
	over := n.DaysElapsed >= n.Days()
	var s string
	c := fyne.ThemeColorName(theme.ColorNameForeground)
	switch {
	case n.Status == proof.StatusMet:
		s, c = "已满足", theme.ColorNameSuccess
	case n.Status == proof.StatusFailed && over:
		s, c = fmt.Sprintf("未满足（有缺口 %d 天）", n.DaysWithGaps), kit.ColorUrgent
	case n.Status == proof.StatusFailed:
		s, c = fmt.Sprintf("有缺口 %d 天", n.DaysWithGaps), kit.ColorUrgent
	case n.PeriodStart != nil && len(asOf) >= 10 && *n.PeriodStart > asOf[:10]:
		s = "尚未开始"
	default:
		s = "进行中·无缺口"
	}
	if n.Withdrawn {
		s += "（已撤回）"
	}
	return s, c
}

// periodText is the period as the report says it (package period's
// words, "公示期 10 个工作日：2026年12月1日至2026年12月14日"), with the
// calendar's note when working days were counted without the year's
// arrangement.
func periodText(n proof.NoticeReport) string {
	s := n.Period
	if s == "" {
		return "公示期 " + n.Length() + "（起始日期不明）"
	}
	if n.CalendarNote != "" {
		s += "（" + n.CalendarNote + "）"
	}
	return s
}

// gapRun is one stretch of a cause: the report splits a gap at each
// midnight (a day is covered or not), and one power cut of 27 days read as
// 27 rows of "1 天 0 小时" and "程序未运行 27 次".
type gapRun struct {
	start, end, cause string
	Seconds           int64 // counted seconds: off-hours inside are excused
}

// mergedGaps joins the gaps that follow one another without a break and
// have the same cause, and keeps the runs with counted time.
func mergedGaps(n proof.NoticeReport) []gapRun {
	var runs []gapRun
	for _, g := range n.Gaps {
		counted := int64(0)
		if g.Counted {
			counted = g.Seconds
		}
		if last := len(runs) - 1; last >= 0 && runs[last].cause == g.Cause && sameInstant(runs[last].end, g.Start) {
			runs[last].end = g.End
			runs[last].Seconds += counted
			continue
		}
		runs = append(runs, gapRun{start: g.Start, end: g.End, cause: g.Cause, Seconds: counted})
	}
	kept := runs[:0]
	for _, r := range runs {
		if r.Seconds > 0 {
			kept = append(kept, r)
		}
	}
	return kept
}

// sameInstant compares two RFC 3339 times, whatever their zones.
func sameInstant(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}

// causesText sums the counted stretches by cause: "熄屏时段 2 次，共 3 小时 0 分".
func causesText(n proof.NoticeReport) string {
	var parts []string
	type total struct {
		cause   string
		count   int
		seconds int64
	}
	var totals []total
	for _, r := range mergedGaps(n) {
		i := slices.IndexFunc(totals, func(t total) bool { return t.cause == r.cause })
		if i < 0 {
			i = len(totals)
			totals = append(totals, total{cause: r.cause})
		}
		totals[i].count++
		totals[i].seconds += r.Seconds
	}
	for _, t := range totals {
		parts = append(parts, fmt.Sprintf("%s %d 次，共 %s", causeName(t.cause), t.count, gapDuration(t.seconds)))
	}
	if n.GapsOmitted > 0 {
		parts = append(parts, fmt.Sprintf("另有 %d 处", n.GapsOmitted))
	}
	if len(parts) == 0 {
		return "无"
	}
	return strings.Join(parts, "；")
}

// gapDuration is a gap's length; a restart's few seconds are not "0 分".
func gapDuration(seconds int64) string {
	if seconds < 60 {
		return "不到 1 分钟"
	}
	return durationText(time.Duration(seconds) * time.Second)
}

func causeName(c string) string { return words.Or(proof.CauseNames[c], c) }

// clockText is an RFC 3339 time as "11月25日 10:00", in its own zone.
func clockText(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%s %02d:%02d", words.MonthDay(t), t.Hour(), t.Minute())
}

// spanText is a gap's start and end: "11月20日 22:00 至 11月21日 06:00",
// the day said once when both fall on it.
func spanText(start, end string) string {
	a, b := clockText(start), clockText(end)
	if d, rest, ok := strings.Cut(b, " "); ok && strings.HasPrefix(a, d+" ") {
		b = rest
	}
	return a + " 至 " + b
}

func (p *CompliancePage) offerExport() {
	a := p.a
	p.Sticks.offer("公示报告（JSON 与 PDF）", "“导出到U盘”", func() ([]stickFile, error) {
		j, pdf, err := a.k.Admin.ExportReport()
		if err != nil {
			return nil, err
		}
		base := fmt.Sprintf("gongkai-report-%s-%s", a.k.Location, a.fileStamp())
		return []stickFile{{base + ".json", j}, {base + ".pdf", pdf}}, nil
	})
}

// Poster page (打印海报).

type PosterPage struct {
	a      *Panel
	box    fyne.CanvasObject
	head   *widget.RichText
	Sticks *stickPicker
	Paged  *pagedBox
}

func (a *Panel) newPosterPage() *PosterPage {
	p := &PosterPage{a: a, head: kit.Rich(), Paged: a.newPaged()}
	p.Sticks = a.newStickPicker(func() { p.box.Refresh() })
	p.box = container.NewBorder(container.NewVBox(p.head, p.Sticks.box, kit.Separator()), nil, nil, nil, p.Paged.box)
	return p
}

func (p *PosterPage) Object() fyne.CanvasObject { return p.box }

func (p *PosterPage) Show() {
	k := p.a.k
	p.Sticks.clear()
	if k.Admin.Poster == nil {
		kit.SetRich(p.head, kit.Seg("本机未设置打印海报功能。", theme.SizeNameText, kit.ColorMuted))
		p.Paged.set(nil)
		return
	}
	kit.SetRich(p.head, kit.Seg("点一条公告，把它的 A4 海报（PDF）写到U盘，再到办公室电脑上打印。", theme.SizeNameSubHeadingText, theme.ColorNameForeground))
	// read in the background, as the status page is: at 100,000
	// notices the list is a second of work
	st, loc, now := k.Store, k.Location, k.Now()
	p.a.Async("posters", func() {
		items, err := st.Visible(loc, "", now)
		fyne.Do(func() { p.showItems(items, err) })
	})
}

func (p *PosterPage) showItems(items []store.Summary, err error) {
	k := p.a.k
	if err != nil {
		p.Paged.set(kit.MessageBlocks("暂时无法读取公告，请稍后再试；如一直这样，请联系技术人员。"))
		return
	}
	if len(items) == 0 {
		p.Paged.set(kit.MessageBlocks("本屏现在没有公告。"))
		return
	}
	// A screen may hold thousands of notices: one probe card measures
	// them all and a card is built only for the page on show.
	probe := kit.Rich()
	probeCard := kit.NewTapCard(probe, nil)
	blocks := make([]kit.Block, len(items))
	for i, it := range items {
		blocks[i] = kit.LazyBlock(
			func() fyne.CanvasObject {
				return k.Card(kit.Rich(p.noticeSegs(it)...), func() { p.a.touch(); p.choose(it) })
			},
			func(w float32) float32 {
				kit.SetRich(probe, p.noticeSegs(it)...)
				return kit.Height(probeCard, w)
			}, 12)
	}
	p.Paged.set(blocks)
}

func (p *PosterPage) noticeSegs(s store.Summary) []widget.RichTextSegment {
	return []widget.RichTextSegment{
		para(kit.ShownTitle(s.Title), theme.SizeNameSubHeadingText, theme.ColorNameForeground, true),
		para(p.a.k.CategoryName(s.Category)+" · "+string(s.Published)+" 发布", kit.SizeSmall, kit.ColorMuted, false),
	}
}

// choose asks for a stick to print notice s to.
func (p *PosterPage) choose(s store.Summary) {
	kit.SetRich(p.head, kit.Seg("打印："+kit.ShownTitle(s.Title), theme.SizeNameSubHeadingText, theme.ColorNamePrimary))
	p.Sticks.offer("海报", "这条公告", func() ([]stickFile, error) {
		pdf, err := p.a.k.Admin.Poster(s.ID)
		if err != nil {
			return nil, err
		}
		return []stickFile{{"gongkai-poster-" + s.ID + ".pdf", pdf}}, nil
	})
}
