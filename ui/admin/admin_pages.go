package admin

import (
	"context"
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

	"gongkai/diskspace"
	gkscreen "gongkai/screen"
	"gongkai/store"
	gksync "gongkai/sync"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// resultText is a finished sync in words.
func resultText(r gksync.Result, err error) string {
	if err != nil {
		return words.ProblemOf(err)
	}
	if r.Unchanged {
		return fmt.Sprintf("已是最新（第 %d 版），没有变化。", r.Version)
	}
	return fmt.Sprintf("已更新到第 %d 版：新增 %s 条，更新 %s 条，撤下 %s 条。", r.Version, kit.Thousands(r.Changes.Added), kit.Thousands(r.Changes.Changed), kit.Thousands(r.Changes.Removed))
}

// progressOf maps a sync event onto a progress bar: the stages before and
// after the downloads are quick, the downloads take the middle.
func progressOf(e gksync.Event) (float64, string) {
	switch e.Stage {
	case gksync.StageChecking:
		return 0.05, "正在读取目录……"
	case gksync.StageVerifying:
		return 0.15, "正在核对签名……"
	case gksync.StageDownloading:
		f := 0.0
		switch {
		case e.TotalBytes > 0:
			f = float64(e.Bytes) / float64(e.TotalBytes)
		case e.TotalObjects > 0:
			f = float64(e.Objects) / float64(e.TotalObjects)
		}
		return 0.2 + 0.7*min(1, f), fmt.Sprintf("正在下载：%d/%d 个文件", e.Objects, e.TotalObjects)
	case gksync.StageApplying:
		return 0.95, "正在写入……"
	case gksync.StageDone, gksync.StageUnchanged:
		return 1, "完成"
	case gksync.StageFailed:
		return -1, "失败" // the bar stays where the run stopped
	}
	return 0, ""
}

func bytesText(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", n>>10)
}

func durationText(d time.Duration) string {
	d = d.Round(time.Minute)
	days, h, m := int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60
	if days > 0 {
		return fmt.Sprintf("%d 天 %d 小时", days, h)
	}
	return fmt.Sprintf("%d 小时 %d 分", h, m)
}

// dirSize adds up the files under dir (database, attachments, logs).
func dirSize(dir string) uint64 {
	var n uint64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += uint64(fi.Size())
			}
		}
		return nil
	})
	return n
}

// pagedBox is a pager with its own 上一页/下一页, for admin pages.
type pagedBox struct {
	P          *kit.Pager
	prev, next *kit.BigButton
	label      *widget.Label
	bar        *fyne.Container
	box        fyne.CanvasObject
}

func (a *Panel) newPaged() *pagedBox {
	b := &pagedBox{}
	b.label = widget.NewLabel("")
	b.label.Alignment = fyne.TextAlignCenter
	b.P = kit.NewPager(func(page, total int) {
		kit.SetText(b.label, kit.PageText(page, total)) // total < 0: more pages follow, not yet counted
		kit.Enable(b.prev, page > 0)
		kit.Enable(b.next, total < 0 || page < total-1)
		kit.Show(b.bar, total < 0 || total > 1)
	})
	b.prev = a.btn("‹ 上一页", widget.HighImportance, func() { b.P.SetPage(b.P.Cur - 1) })
	b.next = a.btn("下一页 ›", widget.HighImportance, func() { b.P.SetPage(b.P.Cur + 1) })
	b.prev.Min = fyne.NewSize(240, kit.TouchMin)
	b.next.Min = b.prev.Min
	b.bar = container.NewBorder(nil, nil, b.prev, b.next, b.label)
	b.box = container.NewBorder(nil, b.bar, nil, nil, b.P)
	return b
}

func (b *pagedBox) set(blocks []kit.Block) {
	b.P.Cur = 0
	b.P.SetBlocks(blocks)
}

// Status page.

type statusPage struct {
	a     *Panel
	Paged *pagedBox
}

func (a *Panel) newStatusPage() *statusPage {
	return &statusPage{a: a, Paged: a.newPaged()}
}

func (p *statusPage) Object() fyne.CanvasObject { return p.Paged.box }

// show reads the status in the background (the notice count walks the
// store, the data size the disk) and shows it when read.
func (p *statusPage) Show() {
	facts := p.a.statusFacts()
	p.a.Async("status", func() {
		lines := facts.lines()
		fyne.Do(func() { p.showLines(lines) })
	})
}

func (p *statusPage) showLines(lines []statusLine) {
	var blocks []kit.Block
	for _, l := range lines {
		c := fyne.ThemeColorName(theme.ColorNameForeground)
		if l.bad {
			c = kit.ColorUrgent
		}
		blocks = append(blocks, kit.Block{Obj: kit.Rich(
			kit.Seg(l.Name+"：", theme.SizeNameText, kit.ColorMuted),
			kit.Seg(l.Value, theme.SizeNameText, c)), Gap: 4})
	}
	p.Paged.set(blocks)
}

type statusLine struct {
	Name, Value string
	bad         bool
}

// statusLines is everything a clerk needs to judge the screen, in words.
func (a *Panel) statusLines() []statusLine { return a.statusFacts().lines() }

// statusFacts is what the status page takes from the kiosk, on the UI
// goroutine; lines reads the rest (store, disk) anywhere.
type statusFacts struct {
	k       *Host
	st      store.State
	loc     *time.Location
	now     time.Time
	stale   bool
	why     string
	display bool
	faults  []string
}

func (a *Panel) statusFacts() statusFacts {
	k := a.k
	k.Load()
	f := statusFacts{k: k, st: k.Feed, loc: k.Loc, now: k.Now(), display: k.Display(), faults: k.Faults.FaultList()}
	f.stale, f.why = k.IsStale(f.now)
	return f
}

func (f statusFacts) lines() []statusLine {
	k, st, now := f.k, f.st, f.now
	at := func(t time.Time) string {
		if t.IsZero() {
			return "从未"
		}
		t = t.In(f.loc)
		return fmt.Sprintf("%s %02d:%02d", t.Format("2006-01-02"), t.Hour(), t.Minute())
	}
	var out []statusLine
	add := func(name, value string, bad bool) { out = append(out, statusLine{name, value, bad}) }
	add("位置", fmt.Sprintf("%s（%s）", k.Store.PlaceName(k.Location), k.Location), false)
	mode := "触摸查询屏"
	if f.display {
		mode = "电子信息屏（轮播）"
	}
	add("模式", mode, false)
	if st.Version == 0 {
		add("内容版本", "尚无内容", true)
	} else {
		add("内容版本", fmt.Sprintf("第 %d 版 · %s", st.Version, st.Title), false)
	}
	src := st.Source
	if src == "" && k.Admin.Config != nil {
		src = strings.Join(k.Admin.Config.Sources, "，")
	}
	add("数据来源", words.Or(src, "—"), false)
	add("上次成功同步", at(st.LastSuccess), st.LastSuccess.IsZero())
	if st.LastError != "" {
		// the English detail is in the log file, for engineers
		kind := words.StoredKind(st.LastErrorKind)
		add("上次同步结果", words.PlainError(kind)+"（"+at(st.LastAttempt)+"）", true)
		add("处理办法", words.NextStep(kind), true)
	} else if !st.LastAttempt.IsZero() {
		add("上次同步结果", "正常（"+at(st.LastAttempt)+"）", false)
	}
	if n, err := k.Store.Tally(k.Location, now); err != nil {
		add("公告数量", "暂时无法读取，请联系技术人员。", true)
	} else {
		add("公告数量", fmt.Sprintf("本屏显示 %s 条（紧急 %s，置顶 %s）", kit.Thousands(n.Total), kit.Thousands(n.Urgent), kit.Thousands(n.Pinned)), false)
	}
	if f.stale {
		add("内容状态", f.why, true)
	} else {
		add("内容状态", "正常，有效期至 "+at(st.Expires), false)
	}
	if k.DataDir != "" {
		if free, total, ok := diskspace.Of(k.DataDir); ok {
			add("磁盘剩余", fmt.Sprintf("%s（共 %s）", bytesText(free), bytesText(total)), free < 200<<20)
		} else {
			add("磁盘剩余", "—", false)
		}
		add("数据大小", bytesText(dirSize(k.DataDir)), false)
		// report_url: the signed proof of display sent to the township
		if up, err := gkscreen.LoadUploadStatus(k.DataDir); err != nil {
			add("证明上报", "上报记录无法读取，请联系技术人员。", true)
		} else if !up.LastAttempt.IsZero() {
			if up.LastError != "" {
				add("证明上报", "失败（"+at(up.LastAttempt)+"）："+words.ProblemText(words.StoredKind(up.LastKind)), true)
			} else {
				add("证明上报", "正常（"+at(up.LastSuccess)+"）", false)
			}
		}
	}
	add("已运行", durationText(k.Clock().Sub(k.Started)), false)
	add("发布方公钥", words.Or(k.Admin.PublisherKey, "—"), false)
	add("本机密钥", words.Or(k.Admin.DeviceKey, "—"), false)
	add("程序版本", words.VersionText(k.Admin.Version, k.Admin.Build), false)
	if len(f.faults) > 0 {
		for _, fault := range f.faults {
			add("后台错误", fault, true)
		}
	} else {
		add("后台错误", "无", false)
	}
	return out
}

// Sync page.

type syncPage struct {
	a       *Panel
	box     fyne.CanvasObject
	Run     *kit.BigButton
	bar     *widget.ProgressBar
	stage   *widget.Label
	Result  *widget.RichText
	running bool
}

func (a *Panel) newSyncPage() *syncPage {
	p := &syncPage{a: a}
	p.Run = a.btn("立即同步", widget.HighImportance, p.start)
	p.Run.Min = fyne.NewSize(400, 120)
	p.bar = widget.NewProgressBar()
	p.stage = kit.Label("", theme.SizeNameText)
	p.Result = kit.Rich()
	p.box = container.NewVBox(
		kit.Label("从已设置的数据源取回最新公告。", theme.SizeNameText),
		container.NewCenter(p.Run), p.bar, p.stage, p.Result)
	return p
}

func (p *syncPage) Object() fyne.CanvasObject { return p.box }

func (p *syncPage) Show() {
	kit.Enable(p.Run, !p.running && p.a.k.Runtime != nil)
	if p.a.k.Runtime == nil {
		kit.SetRich(p.Result, kit.Seg("本机未设置同步功能。", theme.SizeNameText, kit.ColorMuted))
	}
}

func (p *syncPage) progress(e gksync.Event) {
	v, text := progressOf(e)
	if v >= 0 {
		p.bar.SetValue(v)
	}
	kit.SetText(p.stage, text)
}

func (p *syncPage) start() {
	rt := p.a.k.Runtime
	if p.running || rt == nil {
		return
	}
	syncNow := rt.SyncNow
	p.running = true
	kit.Enable(p.Run, false)
	kit.Show(p.bar, true)
	p.bar.SetValue(0)
	kit.SetText(p.stage, "正在连接……")
	kit.SetRich(p.Result)
	k := p.a.k
	p.a.Async("sync now", func() {
		// the sync itself may panic: report it like any failure
		res, err := func() (res gksync.Result, err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
					k.Logger.Error("sync now panicked", "panic", fmt.Sprint(r))
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			return syncNow(ctx, func(e gksync.Event) { k.Do("sync progress", func() { p.progress(e) }) })
		}()
		if err != nil {
			k.Logger.Warn("sync now failed", "err", err)
		} else {
			k.Logger.Info("sync now", "version", res.Version, "unchanged", res.Unchanged)
		}
		k.Do("sync result", func() {
			p.running = false
			kit.Enable(p.Run, true)
			// a full bar beside 失败 said the opposite of what happened:
			// a failed run has no bar
			c := fyne.ThemeColorName(theme.ColorNameSuccess)
			if err != nil {
				c = kit.ColorUrgent
				kit.Show(p.bar, false)
				kit.SetText(p.stage, "")
			} else {
				p.bar.SetValue(1)
			}
			kit.SetRich(p.Result, kit.Seg(resultText(res, err), theme.SizeNameSubHeadingText, c))
		})
	})
}

// USB import page.

type UsbPage struct {
	a       *Panel
	box     fyne.CanvasObject
	paths   []string
	List    *fyne.Container
	Paged   *pagedBox
	Head    *widget.RichText
	actions *fyne.Container
	confirm *kit.BigButton
	Cancel  *kit.BigButton
	bar     *widget.ProgressBar
	chosen  string
	diff    *ImportDiff
	busy    bool
}

func (a *Panel) newUSBPage() *UsbPage {
	p := &UsbPage{a: a}
	p.List = container.NewVBox()
	p.Head = kit.Rich()
	p.Paged = a.newPaged()
	p.confirm = a.btn("确认导入", widget.HighImportance, p.doImport)
	p.Cancel = a.btn("取消", widget.MediumImportance, p.reset)
	p.confirm.Min = fyne.NewSize(300, 100)
	p.Cancel.Min = p.confirm.Min
	p.bar = widget.NewProgressBar()
	p.bar.Hide()
	p.actions = container.NewHBox(p.confirm, p.Cancel)
	p.box = container.NewBorder(container.NewVBox(p.Head, p.List), container.NewVBox(p.bar, p.actions), nil, nil, p.Paged.box)
	return p
}

func (p *UsbPage) Object() fyne.CanvasObject { return p.box }

// setPaths is called when removable media come or go.
func (p *UsbPage) setPaths(paths []string) {
	p.paths = slices.Clone(paths)
	if p.chosen != "" && !slices.Contains(p.paths, p.chosen) && !p.busy {
		p.chosen, p.diff = "", nil // the stick was pulled before confirming
	}
	p.Show()
}

func (p *UsbPage) reset() {
	p.chosen, p.diff = "", nil
	p.Show()
}

func (p *UsbPage) Show() {
	a := p.a
	p.List.Objects = nil
	kit.Show(p.actions, p.diff != nil && !p.busy)
	switch {
	case a.k.Runtime == nil:
		kit.SetRich(p.Head, kit.Seg("本机未设置 U 盘导入功能。", theme.SizeNameText, kit.ColorMuted))
	case p.chosen == "" && len(p.paths) == 0:
		kit.SetRich(p.Head, kit.Seg("请插入存有公告数据的 U 盘，插入后这里会列出找到的数据。", theme.SizeNameSubHeadingText, theme.ColorNameForeground))
	case p.chosen == "":
		kit.SetRich(p.Head, kit.Seg("在 U 盘上找到以下数据，点一下查看导入后的变化：", theme.SizeNameSubHeadingText, theme.ColorNameForeground))
		for _, path := range p.paths {
			p.List.Add(a.k.Card(kit.Rich(kit.Seg(words.FeedOnStick(path), theme.SizeNameText, theme.ColorNamePrimary)), func() {
				a.touch()
				p.Preview(path)
			}))
		}
	}
	if p.chosen == "" {
		p.Paged.set(nil)
	}
	p.List.Refresh()
	p.box.Refresh()
}

func (p *UsbPage) Preview(path string) {
	k := p.a.k
	p.chosen, p.diff, p.busy = path, nil, true
	kit.SetRich(p.Head, kit.Seg("正在检查"+words.FeedOnStick(path)+"……", theme.SizeNameSubHeadingText, theme.ColorNameForeground))
	p.List.Objects = nil
	p.List.Refresh()
	kit.Show(p.actions, false)
	p.a.Async("usb preview", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		d, err := k.Runtime.Preview(ctx, path)
		k.Do("usb preview result", func() {
			p.busy = false
			if err != nil {
				k.Logger.Warn("usb preview", "path", path, "err", err)
				p.chosen = ""
				p.Show()
				kind := gksync.KindOf(err)
				kit.SetRich(p.Head, para("这份数据不能导入："+words.PlainError(kind)+"。", theme.SizeNameSubHeadingText, kit.ColorUrgent, true),
					para(words.NextStep(kind), theme.SizeNameText, theme.ColorNameForeground, false))
				return
			}
			p.diff = &d
			p.showDiff()
		})
	})
}

// showDiff lists what would change, so nothing is imported unseen.
func (p *UsbPage) showDiff() {
	d := p.diff
	kit.SetRich(p.Head, kit.Seg(fmt.Sprintf("导入第 %d 版将会：新增 %s 条，更新 %s 条，撤下 %s 条，删除 %s 条。确认后才会导入。",
		d.Version, kit.Thousands(len(d.Added)), kit.Thousands(len(d.Changed)), kit.Thousands(len(d.Withdrawn)), kit.Thousands(len(d.Removed))), theme.SizeNameSubHeadingText, theme.ColorNameForeground))
	var blocks []kit.Block
	group := func(name string, titles []string, c fyne.ThemeColorName) {
		if len(titles) == 0 {
			return
		}
		blocks = append(blocks, kit.Block{Obj: kit.Label(name, theme.SizeNameSubHeadingText), Gap: 12, KeepWithNext: true})
		for _, t := range titles {
			blocks = append(blocks, kit.Block{Obj: kit.Rich(kit.Seg("· "+t, theme.SizeNameText, c)), Gap: 2})
		}
	}
	group("新增", d.Added, theme.ColorNameForeground)
	group("更新", d.Changed, theme.ColorNameForeground)
	group("撤下", d.Withdrawn, kit.ColorUrgent)
	group("删除", d.Removed, kit.ColorUrgent)
	// the same version as the screen's is nothing to import: only 取消
	same := d.Version <= p.a.k.Feed.Version
	switch {
	case same:
		kit.SetRich(p.Head, kit.Seg(fmt.Sprintf("U 盘上的数据是第 %d 版，本机已经有了，无需导入。请点“取消”，或换一个 U 盘。", d.Version),
			theme.SizeNameSubHeadingText, theme.ColorNameForeground))
		blocks = nil
	case len(blocks) == 0:
		blocks = kit.MessageBlocks("公告内容没有变化；导入后，内容的有效期会随新版本延长。")
	}
	p.Paged.set(blocks)
	kit.Show(p.actions, true)
	kit.Show(p.confirm, !same)
	p.box.Refresh()
}

func (p *UsbPage) doImport() {
	k := p.a.k
	if p.diff == nil || p.busy {
		return
	}
	path := p.chosen
	p.busy = true
	kit.Show(p.actions, false)
	p.bar.SetValue(0)
	kit.Show(p.bar, true)
	p.a.Async("usb import", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		res, err := k.Runtime.Import(ctx, path, func(e gksync.Event) {
			k.Do("usb progress", func() {
				if v, _ := progressOf(e); v >= 0 {
					p.bar.SetValue(v)
				}
			})
		})
		if err != nil {
			k.Logger.Warn("usb import", "path", path, "err", err)
		} else {
			k.Logger.Info("usb import", "path", path, "version", res.Version)
		}
		k.Do("usb import result", func() {
			p.busy, p.chosen, p.diff = false, "", nil
			p.bar.Hide()
			p.Show()
			c := fyne.ThemeColorName(theme.ColorNameSuccess)
			if err != nil {
				c = kit.ColorUrgent
			}
			kit.SetRich(p.Head, kit.Seg("导入结果："+resultText(res, err), theme.SizeNameSubHeadingText, c))
		})
	})
}

// volumesChanged: a stick came or went. An open panel jumps to the USB
// page, unless the clerk asked for a stick to write to: then this is the
// stick asked for, feed on it or not.
func (a *Panel) VolumesChanged(paths []string) {
	usb := a.Pages[PageUSB].(*UsbPage)
	usb.setPaths(paths)
	report, poster := a.Pages[PageCompliance].(*CompliancePage).Sticks, a.Pages[PagePoster].(*PosterPage).Sticks
	report.sticksChanged()
	poster.sticksChanged()
	asked := a.Page == PageCompliance && report.asking() || a.Page == PagePoster && poster.asking()
	if len(paths) > 0 && !asked && a.unlocked && a.Box.Visible() && a.panel.Visible() {
		a.ShowPage(PageUSB)
	}
}

// Log page.

type logPage struct {
	a     *Panel
	Paged *pagedBox
}

func (a *Panel) newLogPage() *logPage { return &logPage{a: a, Paged: a.newPaged()} }

func (p *logPage) Object() fyne.CanvasObject { return p.Paged.box }

func (p *logPage) Show() {
	var lines []string
	if f := p.a.k.Admin.LogLines; f != nil {
		lines = f()
	}
	var blocks []kit.Block
	for i := len(lines) - 1; i >= 0; i-- { // newest first
		blocks = append(blocks, kit.Block{Obj: kit.Rich(kit.Seg(words.LogLine(lines[i], p.a.k.Loc), kit.SizeSmall, theme.ColorNameForeground)), Gap: 2})
	}
	if len(blocks) == 0 {
		blocks = kit.MessageBlocks("暂无日志。")
	}
	p.Paged.set(blocks)
}

// Leave page.

type leavePage struct{ box fyne.CanvasObject }

func (a *Panel) newLeavePage() *leavePage {
	b := a.btn("退出信息屏", widget.DangerImportance, func() { a.Open(PurposeLeave) })
	b.Min = fyne.NewSize(420, 120)
	return &leavePage{box: container.NewVBox(
		kit.Label("退出后屏幕将不再显示公告，需要有人在本机重新启动程序。为防误操作，需再次输入管理密码。", theme.SizeNameSubHeadingText),
		container.NewCenter(b))}
}

func (p *leavePage) Object() fyne.CanvasObject { return p.box }
func (p *leavePage) Show()                     {}
