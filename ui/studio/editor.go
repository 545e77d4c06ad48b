package studio

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/docx"
	"gongkai/feed"
	"gongkai/publish"
	"gongkai/ui/kit"
	"gongkai/ui/studio/bodyedit"
	"gongkai/ui/studio/page"
	"gongkai/ui/studio/preview"
)

// The choices of the form, as the clerk reads them.
const (
	periodNone   = "不公示（无公示期）"
	periodCustom = "自定公示期"
	unitDays     = "天"
	unitWorkdays = "个工作日"
)

var priorities = []struct{ id, name string }{
	{feed.PriorityNormal, "普通"}, {feed.PriorityUrgent, "紧急"}, {feed.PriorityPinned, "置顶"},
}

// editor is the form of one notice: a field for each front matter key,
// the body with its toolbar, the checks beside their fields, and the
// preview.
type editor struct {
	s   *Studio
	box fyne.CanvasObject
	n   *Notice // the notice being edited; nil while it is new
	old string  // its file, relative; "" when new

	heading                                   *widget.Label
	id, title, agency, published, validFrom   *widget.Entry
	validUntil, docNo, contact, url, withdraw *widget.Entry
	category                                  *widget.Select
	allTown                                   *widget.Check
	places                                    *widget.CheckGroup
	kind                                      *widget.Select
	days                                      *widget.Entry
	unit                                      *widget.Select
	periodText                                *widget.Label
	priority                                  *widget.RadioGroup
	normative                                 *widget.Check
	attachBox                                 *fyne.Container
	attachments                               []attachment
	body                                      *widget.Entry
	scroll                                    *container.Scroll
	summary                                   *widget.RichText
	notes                                     map[string]*widget.RichText
	preview                                   *preview.Preview

	loading  bool
	checks   kit.Latest
	findings []publish.Finding // of the last check, shown
	audio    string            // audio: kept as it was (the form does not edit it)
}

// attachment is one row of the attachments: the file as the notice
// names it and the title the screen's button shows.
type attachment struct {
	file  string
	title *widget.Entry
}

func newEditor(s *Studio) *editor {
	e := &editor{s: s, notes: map[string]*widget.RichText{}}
	changed := func(string) { e.changed() }
	entry := func(place string) *widget.Entry {
		en := widget.NewEntry()
		en.SetPlaceHolder(place)
		en.OnChanged = changed
		return en
	}
	e.heading = page.Heading("新建公告")
	e.title = entry("公告标题，如：东湾村三组集体土地征收补偿安置方案公告")
	e.id = entry("编号：小写字母、数字和 . _ -")
	e.agency = entry("发布机构，如：青禾镇人民政府")
	e.published = entry("年-月-日")
	e.validFrom = entry("年-月-日（可不填）")
	e.validUntil = entry("年-月-日（可不填）")
	e.docNo = entry("文号，如：青禾府〔2026〕21号（可不填）")
	e.contact = entry("受理异议的科室和电话，如：镇自然资源所 021-5555 0101")
	e.url = entry("https://…（政府网站上的原文，可不填）")
	e.withdraw = entry("撤回时写明原因；不撤回请留空")
	e.category = widget.NewSelect(nil, changed)
	e.category.PlaceHolder = "选择类别"
	e.allTown = widget.NewCheck("全镇（本镇所有屏幕）", func(on bool) {
		if on {
			e.places.Disable()
		} else {
			e.places.Enable()
		}
		e.changed()
	})
	e.places = widget.NewCheckGroup(nil, func([]string) { e.changed() })
	e.places.Horizontal = true
	kinds := []string{periodNone, periodCustom}
	for _, k := range publish.Kinds {
		kinds = append(kinds, kindLabel(k))
	}
	e.kind = widget.NewSelect(kinds, func(string) { e.kindChosen() })
	e.days = entry("天数")
	e.unit = widget.NewSelect([]string{unitDays, unitWorkdays}, changed)
	e.periodText = widget.NewLabel("")
	e.periodText.Wrapping = fyne.TextWrapWord
	names := make([]string, len(priorities))
	for i, p := range priorities {
		names[i] = p.name
	}
	e.priority = widget.NewRadioGroup(names, changed)
	e.priority.Horizontal = true
	e.priority.Required = true
	e.normative = widget.NewCheck("行政规范性文件（屏幕醒目显示有效期）", func(bool) { e.changed() })
	e.attachBox = container.NewVBox()
	e.body = widget.NewMultiLineEntry()
	e.body.Wrapping = fyne.TextWrapWord
	e.body.SetMinRowsVisible(16)
	e.body.SetPlaceHolder("正文。可用上面的按钮加标题、列表、加粗和表格，或从 Word 导入。")
	e.body.OnChanged = changed
	e.summary = widget.NewRichText()
	e.summary.Wrapping = fyne.TextWrapWord

	form := container.New(layout.NewFormLayout())
	add := func(key, label string, field fyne.CanvasObject) {
		n := page.Note("", theme.ColorNameError)
		n.Hide()
		e.notes[key] = n
		form.Add(widget.NewLabel(label))
		form.Add(container.NewVBox(field, n))
	}
	add("title", "标题", e.title)
	add("category", "类别", e.category)
	add("locations", "发布范围", container.NewVBox(e.allTown, e.places))
	add("agency", "发布机构", e.agency)
	add("published", "发布日期", e.dateField(e.published))
	add("period", "公示期", container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(container.NewGridWrap(fyne.NewSize(90, e.days.MinSize().Height), e.days), e.unit), e.kind),
		e.periodText))
	add("valid_from", "有效期", container.NewVBox(
		container.NewGridWithColumns(2, e.dateField(e.validFrom), e.dateField(e.validUntil)), e.normative))
	add("priority", "优先级", e.priority)
	add("doc_no", "文号", e.docNo)
	add("contact", "联系方式", e.contact)
	add("url", "官方网址", e.url)
	add("attachments", "附件", container.NewVBox(e.attachBox,
		container.NewHBox(widget.NewButtonWithIcon("添加附件（图片、PDF）…", theme.ContentAddIcon(), e.pickAttachment))))
	add("withdrawn", "撤回", e.withdraw)
	add("id", "编号", e.id)

	bodyNote := page.Note("", theme.ColorNameError)
	bodyNote.Hide()
	e.notes["body"] = bodyNote
	bodyBox := container.NewVBox(widget.NewLabel("正文"), bodyedit.New(e.body, s.w, e.changed, e.importWord).Object(), e.body, bodyNote)

	actions := container.NewHBox(
		widget.NewButtonWithIcon("返回列表", theme.NavigateBackIcon(), func() { s.Go("list") }),
		layout.NewSpacer(),
		widget.NewButtonWithIcon("存为草稿", theme.DocumentSaveIcon(), func() { e.save(true) }),
		func() *widget.Button {
			b := widget.NewButtonWithIcon("保存（待发布）", theme.ConfirmIcon(), func() { e.save(false) })
			b.Importance = widget.HighImportance
			return b
		}())
	general := page.Note("", theme.ColorNameError)
	general.Hide()
	e.notes[""] = general
	e.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(e.heading, e.summary, general, form, bodyBox)))
	left := e.scroll
	e.preview = preview.New(preview.Options{Spawn: s.opt.Spawn, Faults: s.faults, Say: s.Say})
	split := container.NewHSplit(left, e.preview.Object())
	split.Offset = 0.52
	e.box = container.NewBorder(nil, container.NewPadded(actions), nil, nil, split)
	return e
}

func kindLabel(k publish.Kind) string {
	if k.Min == 0 {
		return k.Name + "（法律未定天数）"
	}
	u := unitDays
	if k.Workdays {
		u = unitWorkdays
	}
	return fmt.Sprintf("%s（不少于 %d %s）", k.Name, k.Min, u)
}

// dateField is a date entry with a calendar beside it.
func (e *editor) dateField(en *widget.Entry) fyne.CanvasObject {
	var btn *widget.Button
	btn = widget.NewButton("日历", func() {
		start := time.Now()
		if t, err := time.Parse(time.DateOnly, en.Text); err == nil {
			start = t
		}
		var pop *widget.PopUp
		cal := widget.NewCalendar(start, func(t time.Time) {
			en.SetText(t.Format(time.DateOnly))
			pop.Hide()
		})
		c := fyne.CurrentApp().Driver().CanvasForObject(btn)
		pop = widget.NewPopUp(cal, c)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(btn)
		pop.ShowAtPosition(pos.Add(fyne.NewPos(0, btn.Size().Height)))
	})
	return container.NewBorder(nil, nil, nil, btn, en)
}

// open fills the form with n, or with a new notice when n is nil.
func (e *editor) open(n *Notice) {
	f := e.s.f
	e.loading = true
	defer func() { e.loading = false; e.changed() }()
	e.n = n
	var fm publish.FrontMatter
	body := ""
	if n != nil {
		fm, body, e.old = n.FM, n.Body, n.Path
		e.heading.SetText("编辑公告")
	} else {
		e.old = ""
		today := e.s.opt.Now().In(f.Loc).Format(time.DateOnly)
		fm = publish.FrontMatter{ID: f.newID(e.s.opt.Now()), Published: today, Agency: f.Settings.Agency, Priority: feed.PriorityNormal}
		if len(f.Feed.Categories) > 0 {
			fm.Category = f.Feed.Categories[0].ID
		}
		e.heading.SetText("新建公告")
	}
	e.audio = fm.Audio
	e.title.SetText(fm.Title)
	e.id.SetText(fm.ID)
	e.agency.SetText(fm.Agency)
	e.published.SetText(fm.Published)
	e.validFrom.SetText(fm.ValidFrom)
	e.validUntil.SetText(fm.ValidUntil)
	e.docNo.SetText(fm.DocNo)
	e.contact.SetText(fm.Contact)
	e.url.SetText(fm.URL)
	e.withdraw.SetText(fm.Withdrawn)
	var cats []string
	for _, c := range f.Feed.Categories {
		cats = append(cats, c.Name)
	}
	e.category.Options = cats
	e.category.ClearSelected()
	if fm.Category != "" {
		e.category.SetSelected(f.CategoryName(fm.Category))
	}
	var opts []string
	for _, p := range f.Feed.Locations {
		opts = append(opts, placeOption(p))
	}
	e.places.Options = opts
	locs := locationList(fm.Locations)
	all := slices.Contains(locs, feed.AllLocations)
	var sel []string
	for _, p := range f.Feed.Locations {
		if slices.Contains(locs, p.Code) {
			sel = append(sel, placeOption(p))
		}
	}
	e.places.SetSelected(sel)
	e.allTown.SetChecked(all)
	if all {
		e.places.Disable()
	} else {
		e.places.Enable()
	}
	switch {
	case fm.Kind != "":
		for _, k := range publish.Kinds {
			if k.ID == fm.Kind {
				e.kind.SetSelected(kindLabel(k))
			}
		}
	case fm.PostingDays > 0 || fm.PostingWorkdays > 0:
		e.kind.SetSelected(periodCustom)
	default:
		e.kind.SetSelected(periodNone)
	}
	e.days.SetText("")
	e.unit.SetSelected(unitDays)
	if fm.PostingDays > 0 {
		e.days.SetText(strconv.Itoa(fm.PostingDays))
	}
	if fm.PostingWorkdays > 0 {
		e.days.SetText(strconv.Itoa(fm.PostingWorkdays))
		e.unit.SetSelected(unitWorkdays)
	}
	pr := "普通"
	for _, p := range priorities {
		if p.id == fm.Priority {
			pr = p.name
		}
	}
	e.priority.SetSelected(pr)
	e.normative.SetChecked(fm.Normative)
	e.attachments = nil
	for _, a := range fm.Attachments {
		switch a := a.(type) {
		case string:
			e.addAttachment(a, "")
		case map[string]any:
			file, _ := a["file"].(string)
			title, _ := a["title"].(string)
			e.addAttachment(file, title)
		}
	}
	e.showAttachments()
	e.body.SetText(body)
	if n != nil && n.Err != nil {
		page.SetNote(e.notes[""], "这个文件读不出来："+n.Err.Error()+"。保存会按表单重写它。", theme.ColorNameError)
	}
}

func placeOption(p feed.Place) string { return p.Name + "（" + p.Code + "）" }

// newID is an unused id for a new notice: notice-YYYYMMDD-N.
func (f *Folder) newID(now time.Time) string {
	day := now.In(f.Loc).Format("20060102")
	for i := 1; ; i++ {
		id := fmt.Sprintf("notice-%s-%d", day, i)
		if !slices.ContainsFunc(f.Notices, func(n *Notice) bool { return n.FM.ID == id }) {
			return id
		}
	}
}

// kindChosen sets the period to the chosen kind's legal minimum.
func (e *editor) kindChosen() {
	if e.loading {
		return
	}
	for _, k := range publish.Kinds {
		if e.kind.Selected == kindLabel(k) && k.Min > 0 {
			n, _ := strconv.Atoi(e.days.Text)
			want := unitDays
			if k.Workdays {
				want = unitWorkdays
			}
			if n < k.Min || e.unit.Selected != want {
				e.loading = true
				e.days.SetText(strconv.Itoa(k.Min))
				e.unit.SetSelected(want)
				e.loading = false
			}
		}
	}
	if e.kind.Selected == periodNone {
		e.loading = true
		e.days.SetText("")
		e.loading = false
	}
	e.changed()
}

// frontMatter is the form as front matter.
func (e *editor) frontMatter() publish.FrontMatter {
	f := e.s.f
	t := strings.TrimSpace
	fm := publish.FrontMatter{
		ID: t(e.id.Text), Title: t(e.title.Text), Agency: t(e.agency.Text), Published: t(e.published.Text),
		ValidFrom: t(e.validFrom.Text), ValidUntil: t(e.validUntil.Text), DocNo: t(e.docNo.Text),
		Contact: t(e.contact.Text), URL: t(e.url.Text), Withdrawn: t(e.withdraw.Text), Normative: e.normative.Checked,
		Audio: e.audio,
	}
	for _, c := range f.Feed.Categories {
		if c.Name == e.category.Selected {
			fm.Category = c.ID
		}
	}
	if e.allTown.Checked {
		fm.Locations = feed.AllLocations
	} else {
		var locs []string
		for _, p := range f.Feed.Locations {
			if slices.Contains(e.places.Selected, placeOption(p)) {
				locs = append(locs, p.Code)
			}
		}
		fm.Locations = locs
	}
	for _, k := range publish.Kinds {
		if e.kind.Selected == kindLabel(k) {
			fm.Kind = k.ID
		}
	}
	if e.kind.Selected != periodNone {
		if n, err := strconv.Atoi(t(e.days.Text)); err == nil && n > 0 {
			if e.unit.Selected == unitWorkdays {
				fm.PostingWorkdays = n
			} else {
				fm.PostingDays = n
			}
		}
	}
	for _, p := range priorities {
		if p.name == e.priority.Selected && p.id != feed.PriorityNormal {
			fm.Priority = p.id
		}
	}
	for _, a := range e.attachments {
		if title := t(a.title.Text); title != "" {
			fm.Attachments = append(fm.Attachments, map[string]any{"file": a.file, "title": title})
		} else {
			fm.Attachments = append(fm.Attachments, a.file)
		}
	}
	return fm
}

// file is the notice file the form saves, and the line its body starts on.
func (e *editor) file() ([]byte, int, error) {
	body := e.body.Text
	data, err := publish.ItemFile(e.frontMatter(), body)
	if err != nil {
		return nil, 0, err
	}
	norm := strings.ReplaceAll(body, "\r\n", "\n")
	head := len(data) - len(norm)
	if body != "" && !strings.HasSuffix(norm, "\n") {
		head--
	}
	return data, 1 + bytes.Count(data[:max(0, head)], []byte("\n")), nil
}

// changed runs the checks again (off the UI goroutine: a body may be a
// long list) and updates the period line and the preview.
func (e *editor) changed() {
	if e.loading || e.s.f == nil {
		return
	}
	e.showPeriod()
	data, bodyLine, err := e.file()
	if err != nil {
		e.showFindings([]publish.Finding{publish.FindingOf(err)}, 0)
		return
	}
	name := e.old
	if name == "" {
		name = e.frontMatter().ID + ".md"
	}
	// what only the whole folder knows (a category or an attachment
	// missing, a duplicate id) as publish found it at the last reading
	var folder []publish.Finding
	for _, f := range e.s.f.Findings {
		if f.File == e.old && e.old != "" && f.Stop {
			folder = append(folder, f)
		}
	}
	fm := e.frontMatter()
	e.checks.Run(e.s.opt.Spawn, e.s.faults, "studio checks", func() {
		found := publish.CheckItem(name, data)
		if len(found) == 0 || !found[0].Stop {
			found = append(folder, found...)
		}
		fyne.Do(func() {
			e.showFindings(found, bodyLine)
			f := e.s.f
			e.preview.Show(preview.Input{Feed: f.Feed, Dir: f.Dir, Base: noticeBase(e.old), FM: fm,
				Targets: locationList(fm.Locations), Body: e.body.Text, Now: e.s.opt.Now()}, found)
		})
	})
}

// showPeriod says the posting period the form gives, as period counts it.
func (e *editor) showPeriod() {
	if e.kind.Selected == periodNone {
		e.days.Disable()
		e.unit.Disable()
	} else {
		e.days.Enable()
		e.unit.Enable()
	}
	fm := e.frontMatter()
	p, ok := e.s.f.Period(fm)
	if !ok {
		e.periodText.SetText("")
		e.periodText.Hide()
		return
	}
	text := p.Label(true) + "，" + p.Status(e.s.opt.Now())
	if n := p.Note(); n != "" {
		text += "（" + n + "）"
	}
	e.periodText.SetText(text)
	e.periodText.Show()
}

// noteKey is the form row a finding's field is shown on.
func noteKey(field string) string {
	switch field {
	case "posting_days", "posting_workdays", "kind":
		return "period"
	case "valid_until", "normative":
		return "valid_from"
	case "audio":
		return ""
	}
	return field
}

// showFindings puts each finding beside its field, in Chinese.
func (e *editor) showFindings(found []publish.Finding, bodyLine int) {
	e.findings = found
	texts := map[string][]string{}
	stops, warns := 0, 0
	stopAt := map[string]bool{}
	for _, f := range found {
		key := noteKey(f.Field)
		if _, ok := e.notes[key]; !ok {
			key = ""
		}
		line := 0
		if f.Field == "body" && f.Line > 0 {
			line = f.Line - bodyLine + 1
		}
		w := Words(f, line)
		if f.Stop {
			stops++
			stopAt[key] = true
			w = "✖ " + w
		} else {
			warns++
			w = "⚠ " + w
		}
		texts[key] = append(texts[key], w)
	}
	for key, n := range e.notes {
		c := fyne.ThemeColorName(theme.ColorNameWarning)
		if stopAt[key] {
			c = theme.ColorNameError
		}
		if key == "" && e.n != nil && e.n.Err != nil && len(texts[key]) == 0 {
			continue
		}
		page.SetNote(n, strings.Join(texts[key], "\n"), c)
	}
	switch {
	case stops > 0:
		page.SetNote(e.summary, fmt.Sprintf("有 %d 处必须改正才能发布（红色），%d 处提醒（橙色）。", stops, warns), theme.ColorNameError)
	case warns > 0:
		page.SetNote(e.summary, fmt.Sprintf("可以发布；有 %d 处提醒请看一下（橙色）。", warns), theme.ColorNameWarning)
	default:
		page.SetNote(e.summary, "检查通过，可以发布。", theme.ColorNameSuccess)
	}
}

// Stops is how many findings of the last check refuse publication.
func (e *editor) stops() int {
	n := 0
	for _, f := range e.findings {
		if f.Stop {
			n++
		}
	}
	return n
}

// save writes the notice: a draft into .drafts/, else where publish
// reads it. Saving never waits for the checks: a notice with mistakes is
// saved, and publish refuses it until they are corrected.
func (e *editor) save(draft bool) {
	fm := e.frontMatter()
	if !feed.ValidID(fm.ID) {
		page.SetNote(e.notes["id"], "✖ 编号只能用小写字母 a-z、数字和 . _ -，保存前请改正。", theme.ColorNameError)
		e.s.Say("没有保存：编号不对。")
		return
	}
	// one notice per id, but a published notice may have one draft of it
	published := ""
	for _, n := range e.s.f.Notices {
		if n.FM.ID != fm.ID || n == e.n {
			continue
		}
		if e.n != nil && e.n.FM.ID == fm.ID && n.Draft() != e.n.Draft() {
			if !n.Draft() {
				published = n.Path
			}
			continue
		}
		page.SetNote(e.notes["id"], "✖ 编号已被另一条公告使用：请换一个。", theme.ColorNameError)
		e.s.Say("没有保存：编号重复。")
		return
	}
	dir, old, body := e.s.f.Dir, e.old, e.body.Text
	keep := draft && e.n != nil && e.n.InFeed
	e.s.Spawn(func() {
		rel, err := SaveNotice(dir, old, fm, body, draft, published, keep)
		fyne.Do(func() {
			if err != nil {
				e.s.Say("保存失败：" + err.Error())
				return
			}
			e.old = rel
			where := "待发布"
			if draft {
				where = "草稿"
			}
			e.s.Say(fmt.Sprintf("已保存「%s」（%s）：%s", fm.Title, where, filepath.Join(dir, filepath.FromSlash(rel))))
			e.s.reload(func() {
				for _, n := range e.s.f.Notices {
					if n.Path == rel {
						e.n = n
					}
				}
				e.changed()
			})
		})
	})
}

func (e *editor) addAttachment(file, title string) {
	t := widget.NewEntry()
	t.SetPlaceHolder("按钮上的名称（可不填）")
	t.SetText(title)
	t.OnChanged = func(string) { e.changed() }
	e.attachments = append(e.attachments, attachment{file: file, title: t})
}

func (e *editor) showAttachments() {
	e.attachBox.Objects = nil
	for i, a := range e.attachments {
		i := i
		del := widget.NewButtonWithIcon("移除", theme.DeleteIcon(), func() {
			e.attachments = slices.Delete(e.attachments, i, i+1)
			e.showAttachments()
			e.changed()
		})
		e.attachBox.Add(container.NewBorder(nil, nil, widget.NewLabel(path.Base(a.file)), del, a.title))
	}
	e.attachBox.Refresh()
	e.scroll.Refresh()
}

// pickAttachment copies a picture or PDF into the folder and adds it.
func (e *editor) pickAttachment() {
	e.s.PickFile("选择附件（图片或 PDF）", []string{".png", ".jpg", ".jpeg", ".pdf"}, false, func(p string) {
		dir, id := e.s.f.Dir, e.frontMatter().ID
		noticeDir := noticeBase(e.old)
		e.s.Spawn(func() {
			rel, err := AddAttachment(dir, noticeDir, id, p)
			fyne.Do(func() {
				if err != nil {
					e.s.Say("添加附件失败：" + err.Error())
					return
				}
				e.addAttachment(rel, strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)))
				e.showAttachments()
				e.changed()
				e.s.Say("已添加附件 " + filepath.Base(p))
			})
		})
	})
}

// importWord reads a Word (.docx) or text file into the body: the whole
// body when it is empty, else after it.
func (e *editor) importWord() {
	e.s.PickFile("从 Word 导入正文", []string{".docx", ".txt"}, false, func(p string) {
		e.s.Spawn(func() {
			d, err := docx.File(p)
			fyne.Do(func() {
				if err != nil {
					e.s.Say("无法导入 " + filepath.Base(p) + "：" + page.OneLine(err.Error()))
					return
				}
				if strings.TrimSpace(e.body.Text) == "" {
					e.body.SetText(d.Markdown)
				} else {
					e.body.SetText(strings.TrimRight(e.body.Text, "\n") + "\n\n" + d.Markdown)
				}
				msg := "已从 " + filepath.Base(p) + " 导入正文。"
				if d.Pictures > 0 {
					msg += fmt.Sprintf("文中 %d 张图片没有导入，请作为附件添加。", d.Pictures)
				}
				e.s.Say(msg)
			})
		})
	})
}
