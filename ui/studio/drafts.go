package studio

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/atomicfile"
	"gongkai/drafts"
	"gongkai/feed"
	"gongkai/publish"
	"gongkai/ui/kit"
	"gongkai/ui/studio/page"
)

// A village's studio has no key: its clerk sends the village's notices
// to the township as one draft file (.zip, package drafts). The
// township's studio reads it like a hostile bundle, shows each draft
// beside the notice it would replace, and approves it (the notice joins
// the folder and is signed at the next publication) or returns it with a
// comment, written beside the draft file as RETURNED.txt for the village.

// ExportDrafts writes the notices (paths relative to the folder) as a
// draft file: each notice with its attachments, which travel by their
// file names.
func ExportDrafts(f *Folder, paths []string, to string, now time.Time) error {
	notices, files := map[string][]byte{}, map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(f.Dir, filepath.FromSlash(p)))
		if err != nil {
			return fmt.Errorf("studio: %w", err)
		}
		fm, body, err := publish.ReadItemFile(p, data)
		if err != nil {
			return err
		}
		for i, a := range fm.Attachments {
			file, rewrite := page.AttachmentFile(a)
			from := filepath.Join(f.Dir, filepath.FromSlash(noticeBase(p)), filepath.FromSlash(file))
			b, err := os.ReadFile(from)
			if err != nil {
				return fmt.Errorf("studio: attachment %s of %s: %w", file, p, err)
			}
			files[path.Base(file)] = b
			fm.Attachments[i] = rewrite(path.Base(file))
		}
		if data, err = publish.ItemFile(fm, body); err != nil {
			return err
		}
		notices[fm.ID+".md"] = data
	}
	var buf bytes.Buffer
	meta := drafts.Meta{Village: f.Settings.Village, From: f.Settings.Clerk, Made: now.UTC().Truncate(time.Second)}
	if err := drafts.Export(&buf, meta, notices, files); err != nil {
		return err
	}
	return atomicfile.Write(to, buf.Bytes())
}

// ReadDrafts reads a draft file, refusing one over drafts.MaxFile before
// reading it.
func ReadDrafts(file string) (*drafts.Drafts, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := feed.ReadLimited(f, drafts.MaxFile, "draft file")
	if err != nil {
		return nil, err
	}
	return drafts.Read(data)
}

// Approve puts a draft into the folder: over the notice of the same id,
// else as a new notice at the top level; its attachments into
// attachments/ID/. It returns the path written.
func Approve(f *Folder, d *drafts.Drafts, dr drafts.Draft) (string, error) {
	fm, body, err := publish.ReadItemFile(dr.Name, dr.Text)
	if err != nil {
		return "", err
	}
	if !feed.ValidID(fm.ID) {
		return "", fmt.Errorf("studio: draft %s has no valid id", dr.Name)
	}
	old := ""
	for _, n := range f.Notices {
		if n.FM.ID == fm.ID && !n.Draft() {
			old = n.Path
		}
	}
	dir := noticeBase(old)
	for i, a := range fm.Attachments {
		file, rewrite := page.AttachmentFile(a)
		data, ok := d.Files[path.Base(file)]
		if !ok {
			return "", fmt.Errorf("studio: draft %s names attachment %s, which the draft file lacks", dr.Name, file)
		}
		rel, err := putAttachment(f.Dir, dir, fm.ID, path.Base(file), bytes.NewReader(data))
		if err != nil {
			return "", err
		}
		fm.Attachments[i] = rewrite(rel)
	}
	return SaveNotice(f.Dir, old, fm, body, false, old, false)
}

// ReturnNote is the file beside a draft file where the township's
// comments for the village go: NAME.zip → NAME-退回意见.txt.
func ReturnNote(zip string) string {
	return strings.TrimSuffix(zip, filepath.Ext(zip)) + "-退回意见.txt"
}

// Return adds a returned draft and its comment to the note beside the
// draft file.
func Return(zip, feedTitle string, dr drafts.Draft, title, comment string, now time.Time) error {
	note := ReturnNote(zip)
	old, err := os.ReadFile(note)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	entry := fmt.Sprintf("公告：%s（%s，文件 %s）\n退回意见：%s\n%s %s\n\n", title, dr.ID, dr.Name, strings.TrimSpace(comment),
		feedTitle, now.Format("2006年1月2日 15:04"))
	return atomicfile.Write(note, append(old, entry...))
}

// draftsView sends the village's drafts, and reviews a village's draft
// file at the township.
type draftsView struct {
	s       *Studio
	box     fyne.CanvasObject
	scroll  *container.Scroll
	mine    *widget.CheckGroup
	minePat map[string]string // option → path
	review  *fyne.Container
	loaded  *drafts.Drafts
	zip     string
	// each draft's row, for tests: its comment entry and buttons
	rows []draftRow
}

type draftRow struct {
	draft    drafts.Draft
	comment  *widget.Entry
	approve  *widget.Button
	giveBack *widget.Button
	state    *widget.Label
}

func newDraftsView(s *Studio) *draftsView {
	v := &draftsView{s: s}
	v.mine = widget.NewCheckGroup(nil, nil)
	v.review = container.NewVBox()
	export := widget.NewButtonWithIcon("导出草稿包（.zip）…", theme.UploadIcon(), v.export)
	imp := widget.NewButtonWithIcon("导入村里的草稿包…", theme.DownloadIcon(), func() {
		s.PickFile("选择村里送来的草稿包", []string{".zip"}, false, v.load)
	})
	imp.Importance = widget.HighImportance
	village := container.NewVBox(page.Heading("送镇审核（村级发布台）"),
		widget.NewLabel("村里没有发布密钥：把写好的公告导出成一个草稿包，用 U 盘或邮件交给镇里审核。"),
		v.mine, container.NewHBox(export))
	township := container.NewVBox(page.Heading("审核村里的草稿（镇级发布台）"),
		widget.NewLabel("每份草稿和已发布的版本对照（绿色是新增的行，红色是删去的行）。批准后在下次发布时签名；退回要写明意见。"),
		container.NewHBox(imp), v.review)
	v.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(township, widget.NewSeparator(), village)))
	v.box = v.scroll
	return v
}

// refresh lists the folder's unpublished notices for export.
func (v *draftsView) refresh() {
	v.minePat = map[string]string{}
	var opts, sel []string
	for _, n := range v.s.f.Notices {
		if n.Err != nil || (n.State != StateDraft && n.State != StatePending) {
			continue
		}
		o := fmt.Sprintf("%s【%s】", n.FM.Title, n.State)
		if _, dup := v.minePat[o]; dup {
			o += " " + n.Path
		}
		v.minePat[o] = n.Path
		opts = append(opts, o)
		sel = append(sel, o)
	}
	v.mine.Options = opts
	v.mine.SetSelected(sel)
	v.scroll.Refresh()
}

func (v *draftsView) export() {
	f := v.s.f
	if !feed.ValidCode(f.Settings.Village) {
		v.s.Say("先在“发布台设置”里填写本村代码，再导出草稿。")
		return
	}
	var paths []string
	for _, o := range v.mine.Selected {
		paths = append(paths, v.minePat[o])
	}
	if len(paths) == 0 {
		v.s.Say("没有选中要送审的公告。")
		return
	}
	v.s.PickFile("草稿包存到哪里", []string{".zip"}, true, func(to string) {
		if !strings.HasSuffix(strings.ToLower(to), ".zip") {
			to += ".zip"
		}
		now := v.s.opt.Now()
		v.s.Spawn(func() {
			err := ExportDrafts(f, paths, to, now)
			fyne.Do(func() {
				if err != nil {
					v.s.Say("草稿包没有导出：" + page.OneLine(err.Error()))
					return
				}
				v.s.Say(fmt.Sprintf("已导出 %d 份草稿：%s", len(paths), to))
			})
		})
	})
}

// load reads a draft file off the UI goroutine and shows its drafts.
func (v *draftsView) load(zip string) {
	f := v.s.f
	v.s.Spawn(func() {
		d, err := ReadDrafts(zip)
		var src *publish.Source
		if err == nil {
			src, _ = publish.Check(f.Dir)
		}
		fyne.Do(func() {
			if err != nil {
				v.s.Say("无法读取草稿包 " + filepath.Base(zip) + "：" + page.OneLine(err.Error()))
				return
			}
			v.loaded, v.zip = d, zip
			v.show(src)
			v.s.Say(fmt.Sprintf("草稿包 %s：%s 送来 %d 份草稿。", filepath.Base(zip), f.PlaceName(d.Meta.Village), len(d.Drafts)))
		})
	})
}

func (v *draftsView) show(src *publish.Source) {
	f, d := v.s.f, v.loaded
	v.review.Objects = nil
	v.rows = nil
	from := f.PlaceName(d.Meta.Village)
	if d.Meta.From != "" {
		from += " · " + d.Meta.From
	}
	v.review.Add(widget.NewLabel(fmt.Sprintf("来自 %s，%s", from, d.Meta.Made.In(f.Loc).Format("2006年1月2日 15:04"))))
	for _, dr := range d.Drafts {
		fm, _, _ := publish.ReadItemFile(dr.Name, dr.Text)
		title := fm.Title
		if title == "" {
			title = dr.Name
		}
		var published []byte
		if src != nil {
			published, _ = drafts.Published(src, dr.ID)
		} else if i := slices.IndexFunc(f.Notices, func(n *Notice) bool { return n.FM.ID == dr.ID && !n.Draft() }); i >= 0 {
			published, _ = os.ReadFile(filepath.Join(f.Dir, filepath.FromSlash(f.Notices[i].Path)))
		}
		head := widget.NewLabel(title)
		head.SizeName = theme.SizeNameSubHeadingText
		what := "新公告"
		if published != nil {
			what = "修改已有的公告（左侧 − 是原文，+ 是草稿）"
		}
		box := container.NewVBox(head, widget.NewLabel(what))
		for _, fd := range dr.Findings {
			c := fyne.ThemeColorName(theme.ColorNameWarning)
			mark := "⚠ "
			if fd.Stop {
				c, mark = theme.ColorNameError, "✖ "
			}
			box.Add(page.Note(mark+FieldNames[fd.Field]+"："+Words(fd, 0), c))
		}
		box.Add(diffText(drafts.Diff(canonical(published), canonical(dr.Text))))
		row := draftRow{draft: dr, comment: widget.NewEntry(), state: widget.NewLabel("")}
		row.comment.SetPlaceHolder("退回意见（退回时必填）")
		row.approve = widget.NewButtonWithIcon("批准", theme.ConfirmIcon(), func() { v.approve(dr, title) })
		row.approve.Importance = widget.HighImportance
		row.giveBack = widget.NewButtonWithIcon("退回", theme.CancelIcon(), func() { v.giveBack(dr, title) })
		if slices.ContainsFunc(dr.Findings, func(fd publish.Finding) bool { return fd.Stop }) {
			row.approve.Disable() // a draft with a mistake goes back, or is corrected here after approval is possible
		}
		v.rows = append(v.rows, row)
		box.Add(container.NewBorder(nil, nil, nil, container.NewHBox(row.approve, row.giveBack), row.comment))
		box.Add(row.state)
		box.Add(widget.NewSeparator())
		v.review.Add(box)
	}
	v.review.Refresh()
	v.scroll.Refresh() // its content grew: lay it out again
}

// canonical is a notice file as the studio writes it, so the comparison
// shows what changed, not how the front matter was typed.
func canonical(data []byte) []byte {
	if data == nil {
		return nil
	}
	fm, body, err := publish.ReadItemFile("x.md", data)
	if err != nil {
		return data
	}
	out, err := publish.ItemFile(fm, body)
	if err != nil {
		return data
	}
	return out
}

// diffText shows a diff's lines: added green, removed red, the rest
// plain; long runs of unchanged lines folded.
func diffText(lines []drafts.Line) fyne.CanvasObject {
	rt := widget.NewRichText()
	rt.Wrapping = fyne.TextWrapWord
	var segs []widget.RichTextSegment
	same := 0
	for i, l := range lines {
		c, mark := fyne.ThemeColorName(theme.ColorNameForeground), "  "
		switch l.Op {
		case '+':
			c, mark = theme.ColorNameSuccess, "+ "
		case '-':
			c, mark = theme.ColorNameError, "− "
		default:
			same++
			near := (i > 0 && lines[i-1].Op != ' ') || (i+1 < len(lines) && lines[i+1].Op != ' ')
			if !near && len(lines) > 12 {
				if same == 1 || (i > 0 && lines[i-1].Op != ' ') {
					segs = append(segs, &widget.TextSegment{Text: "  …", Style: widget.RichTextStyle{ColorName: kit.ColorMuted}})
				}
				continue
			}
		}
		if l.Op != ' ' {
			same = 0
		}
		seg := kit.Seg(mark+l.Text, theme.SizeNameText, c) // breaks as Chinese does
		seg.Style.Inline = false
		segs = append(segs, seg)
	}
	rt.Segments = segs
	return rt
}

func (v *draftsView) rowOf(dr drafts.Draft) *draftRow {
	for i := range v.rows {
		if v.rows[i].draft.Name == dr.Name {
			return &v.rows[i]
		}
	}
	return nil
}

func (v *draftsView) approve(dr drafts.Draft, title string) {
	f, d := v.s.f, v.loaded
	row := v.rowOf(dr)
	v.s.Spawn(func() {
		rel, err := Approve(f, d, dr)
		fyne.Do(func() {
			if err != nil {
				v.s.Say("没有批准：" + page.OneLine(err.Error()))
				return
			}
			row.approve.Disable()
			row.giveBack.Disable()
			row.state.SetText("已批准：" + rel + "（下次发布时签名）")
			v.s.Say("已批准「" + title + "」：下次发布时签名。")
			v.s.reload(nil)
		})
	})
}

func (v *draftsView) giveBack(dr drafts.Draft, title string) {
	row := v.rowOf(dr)
	comment := strings.TrimSpace(row.comment.Text)
	if comment == "" {
		v.s.Say("退回要写明意见。")
		return
	}
	zip, feedTitle, now := v.zip, v.s.f.Feed.Title, v.s.opt.Now().In(v.s.f.Loc)
	v.s.Spawn(func() {
		err := Return(zip, feedTitle, dr, title, comment, now)
		fyne.Do(func() {
			if err != nil {
				v.s.Say("没有退回：" + page.OneLine(err.Error()))
				return
			}
			row.approve.Disable()
			row.giveBack.Disable()
			row.state.SetText("已退回，意见写在 " + ReturnNote(zip))
			v.s.Say("已退回「" + title + "」：意见写在 " + ReturnNote(zip) + "，交还村里。")
		})
	})
}
