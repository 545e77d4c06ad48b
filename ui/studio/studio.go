// Package studio is the clerk's desktop window (发布台, `gongkai studio`):
// a source folder's feed settings, its notices in a list, a form for each
// notice with the checks publish makes shown beside the field they
// concern, a preview drawn by the screens' own code, publishing with the
// plan of what changes for each village, the publisher key, and the
// village drafts a township approves or returns. It holds no rule of its
// own: the source format, the checks and the plan are publish's, the
// posting period is period's, drafts are drafts'.
package studio

import (
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
	"gongkai/ui/studio/keys"
	"gongkai/ui/studio/page"
	"gongkai/ui/studio/settings"
)

// Options are what the window starts with.
type Options struct {
	Src    string           // the source folder; "" asks for one
	Now    func() time.Time // time.Now when nil
	Logger *slog.Logger
	// Spawn (nil: goroutines) runs the work that reads or writes disk
	// off the UI goroutine; tests hand in kit.Inline, so fyne.Do then
	// runs in place and nothing needs waiting for.
	Spawn func(job func())
}

// Studio is the window's content and what it holds.
type Studio struct {
	w   fyne.Window
	opt Options
	f   *Folder // the open folder, nil before one is

	page    *fyne.Container // the page on show
	pages   map[string]fyne.CanvasObject
	current string
	title   *widget.Label
	navBtns map[string]*widget.Button
	status  *widget.Label

	list     *listView
	ed       *editor
	settings *settings.View
	pub      *publishView
	keys     *keys.View
	drafts   *draftsView

	// PickFile and PickFolder ask the clerk for a file (of one of exts)
	// or a folder; save says the file is to be written. Tests replace
	// them: Fyne's dialogs cannot be driven from a test.
	PickFile   func(title string, exts []string, save bool, done func(path string))
	PickFolder func(title string, done func(path string))
	faults     *kit.Faults
}

// Theme is the studio's look: the screens' palette and font, with text
// a size smaller than the kiosk's (a clerk sits at a laptop, not a metre
// from a screen) and still larger than a desktop's usual.
func Theme() fyne.Theme { return studioTheme{kit.NewTheme(0)} }

type studioTheme struct{ *kit.KioskTheme }

func (t studioTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 20
	case theme.SizeNameCaptionText:
		return 17
	case theme.SizeNameSubHeadingText:
		return 23
	case theme.SizeNameHeadingText:
		return 28
	case theme.SizeNamePadding:
		return 5
	case theme.SizeNameInnerPadding:
		return 9
	case theme.SizeNameLineSpacing:
		return 5
	case theme.SizeNameInlineIcon:
		return 22
	case theme.SizeNameInputBorder:
		return 2
	}
	return t.KioskTheme.Size(n)
}

// New builds the studio in w. It opens opt.Src (off the UI goroutine)
// when given.
func New(w fyne.Window, opt Options) *Studio {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Studio{w: w, opt: opt, navBtns: map[string]*widget.Button{}, faults: kit.NewFaults(opt.Logger)}
	s.PickFile = s.dialogFile
	s.PickFolder = s.dialogFolder
	s.title = widget.NewLabel("发布台")
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Truncation = fyne.TextTruncateEllipsis
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	s.list = newListView(s)
	s.ed = newEditor(s)
	s.settings = settings.NewView(s, settings.Options{
		PickFolder: func(title string, done func(string)) { s.PickFolder(title, done) },
		Save:       saveSettings,
		Saved:      func() { s.reload(nil) },
	})
	s.pub = newPublishView(s)
	s.keys = keys.NewView(s)
	s.drafts = newDraftsView(s)
	s.pages = map[string]fyne.CanvasObject{
		"start":    s.startPage(),
		"list":     s.list.box,
		"editor":   s.ed.box,
		"settings": s.settings.Object(),
		"publish":  s.pub.box,
		"keys":     s.keys.Object(),
		"drafts":   s.drafts.box,
	}
	s.page = container.NewStack()
	s.show("start")
	if opt.Src != "" {
		s.Open(opt.Src)
	}
	return s
}

// Close removes what the window keeps on disk while it is open (the
// preview's feed and screen).
func (s *Studio) Close() { s.ed.preview.Close() }

// saveSettings writes the settings page's values into the folder dir:
// feed.yaml and studio.yaml.
func saveSettings(dir string, v settings.Values) error {
	if err := SaveFeed(dir, v.Feed); err != nil {
		return err
	}
	return SaveSettings(dir, Settings{Out: v.Out, Key: v.Key, Agency: v.Agency, Village: v.Village, Clerk: v.Clerk})
}

// Spawn runs job off the UI goroutine (Options.Spawn).
func (s *Studio) Spawn(job func()) {
	if s.opt.Spawn != nil {
		s.opt.Spawn(job)
		return
	}
	go func() {
		defer s.faults.Recovered("studio")
		job()
	}()
}

// Content is the whole window.
func (s *Studio) Content() fyne.CanvasObject {
	nav := container.NewHBox()
	for _, b := range []struct{ page, label string }{
		{"list", "公告列表"}, {"new", "新建公告"}, {"publish", "发布"}, {"drafts", "草稿审核"},
		{"keys", "密钥"}, {"settings", "发布台设置"},
	} {
		page := b.page
		btn := widget.NewButton(b.label, func() { s.Go(page) })
		s.navBtns[page] = btn
		nav.Add(btn)
	}
	open := widget.NewButtonWithIcon("打开文件夹", theme.FolderOpenIcon(), func() {
		s.PickFolder("打开或新建公告文件夹", func(p string) { s.Open(p) })
	})
	nav.Add(open)
	bar := container.NewBorder(nil, nil, nil, nav, s.title)
	bg := canvas.NewRectangle(kit.ThemeColor(theme.ColorNameHeaderBackground))
	top := container.NewStack(bg, container.NewPadded(bar))
	statusBox := container.NewStack(canvas.NewRectangle(kit.ThemeColor(kit.ColorNotice)), container.NewPadded(s.status))
	s.enableNav()
	return container.NewBorder(top, statusBox, nil, nil, s.page)
}

// Go shows a page: list, new (an empty notice in the editor), editor,
// publish, drafts, keys, settings.
func (s *Studio) Go(page string) {
	if s.f == nil && page != "start" {
		s.Say("先打开或新建一个公告文件夹。")
		return
	}
	switch page {
	case "new":
		s.ed.open(nil)
		page = "editor"
	case "publish":
		s.pub.prepare()
	case "keys":
		s.keys.Refresh(s.f.KeyFile())
	case "settings":
		f := s.f
		s.settings.Load(f.Dir, settings.Values{Feed: f.Feed, Out: f.Settings.Out, Key: f.Settings.Key,
			Agency: f.Settings.Agency, Village: f.Settings.Village, Clerk: f.Settings.Clerk}, f.FeedErr)
	case "drafts":
		s.drafts.refresh()
	}
	s.show(page)
}

func (s *Studio) show(page string) {
	s.current = page
	s.page.Objects = []fyne.CanvasObject{s.pages[page]}
	s.page.Refresh()
	for name, b := range s.navBtns {
		if name == page {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}

// Page is the page on show.
func (s *Studio) Page() string { return s.current }

// Say puts one line in the status bar at the bottom.
func (s *Studio) Say(msg string) { s.status.SetText(msg) }

func (s *Studio) enableNav() {
	for _, b := range s.navBtns {
		if s.f == nil {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// Open opens (or, if it has no feed.yaml, starts) a source folder.
func (s *Studio) Open(dir string) {
	s.Say("正在读取 " + dir + " …")
	s.Spawn(func() {
		f, err := Load(dir, s.opt.Now(), nil)
		fyne.Do(func() {
			if err != nil {
				s.Say("打不开这个文件夹：" + err.Error())
				return
			}
			s.f = f
			s.enableNav()
			s.refreshTitle()
			s.list.refresh()
			if !f.HasFeed {
				s.Say("这是一个新的公告文件夹：先填写发布台设置（名称、类别、村）。")
				s.Go("settings")
				return
			}
			s.Say(fmt.Sprintf("已打开 %s：%d 条公告。", f.Dir, len(f.Notices)))
			if s.current == "start" {
				s.show("list")
			}
		})
	})
}

// reload reads the folder again (after a save, a publication), then runs then.
func (s *Studio) reload(then func()) {
	if s.f == nil {
		return
	}
	dir, prev := s.f.Dir, s.f
	s.Spawn(func() {
		f, err := Load(dir, s.opt.Now(), prev)
		fyne.Do(func() {
			if err != nil {
				s.Say("读取文件夹失败：" + err.Error())
				return
			}
			s.f = f
			s.refreshTitle()
			s.list.refresh()
			if then != nil {
				then()
			}
		})
	})
}

func (s *Studio) refreshTitle() {
	name := "（未命名）"
	if s.f.Feed.Title != "" {
		name = s.f.Feed.Title
	}
	s.title.SetText("发布台 · " + name)
}

func (s *Studio) startPage() fyne.CanvasObject {
	msg := widget.NewLabel("选择一个公告文件夹开始：已有的文件夹（含 feed.yaml）会打开；空文件夹会成为新的公告文件夹。")
	msg.Wrapping = fyne.TextWrapWord
	btn := widget.NewButtonWithIcon("打开或新建公告文件夹…", theme.FolderOpenIcon(), func() {
		s.PickFolder("打开或新建公告文件夹", func(p string) { s.Open(p) })
	})
	btn.Importance = widget.HighImportance
	return container.NewCenter(container.NewVBox(page.Heading("欢迎使用发布台"), container.NewGridWrap(fyne.NewSize(760, 90), msg), btn))
}

func (s *Studio) dialogFile(title string, exts []string, save bool, done func(string)) {
	var d *dialog.FileDialog
	if save {
		d = dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err == nil && w != nil {
				w.Close()
				done(w.URI().Path())
			}
		}, s.w)
	} else {
		d = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				r.Close()
				done(r.URI().Path())
			}
		}, s.w)
	}
	d.SetTitleText(title)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Resize(fyne.NewSize(1000, 640))
	d.Show()
}

func (s *Studio) dialogFolder(title string, done func(string)) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		done(u.Path())
	}, s.w)
	d.SetTitleText(title)
	d.Resize(fyne.NewSize(1000, 640))
	d.Show()
}
