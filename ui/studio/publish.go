package studio

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/keyfile"
	"gongkai/publish"
	"gongkai/ui/kit"
	"gongkai/ui/studio/keys"
	"gongkai/ui/studio/page"
)

// Outcome is what a publication from the studio wrote.
type Outcome struct {
	Result *publish.Result
	Bundle string // the USB bundle written, "" for none
	Alerts bool   // alerts.json was signed again
}

// PublishFolder publishes the folder's source into its feed folder with
// priv, as `gongkai publish` does: the whole source checked first; the
// alerts beside the feed signed again so they expire with it; then the
// one-file bundle for a USB stick into bundleDir, when given. progress
// is publish's (Options.Progress).
func PublishFolder(dir, out string, priv ed25519.PrivateKey, bundleDir string, progress func(written bool, done, total int)) (*Outcome, error) {
	src, err := publish.ParseSource(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("studio: feed folder: %w", err)
	}
	opt := publish.Options{Key: priv, Progress: progress}
	res, err := publish.Publish(src, out, opt)
	if err != nil {
		return nil, err
	}
	o := &Outcome{Result: res}
	if _, err := os.Stat(filepath.Join(out, feed.AlertsFile)); err == nil {
		if _, err := publish.PublishAlerts(out, publish.AlertChange{}, publish.Options{Key: priv}); err != nil {
			return o, err
		}
		o.Alerts = true
	}
	if bundleDir != "" {
		o.Bundle = filepath.Join(bundleDir, fmt.Sprintf("%s-v%d.zip", src.Feed.ID, res.Version))
		if _, err := publish.WriteBundle(out, o.Bundle); err != nil {
			return o, err
		}
	}
	return o, nil
}

// OpenKey reads the publisher key with the passphrase typed in the
// studio (ignored for a plain key).
func OpenKey(path string, passphrase string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("还没有发布密钥：请先在“密钥”页生成")
	}
	if err != nil {
		return nil, err
	}
	priv, _, err := keyfile.Open(data, func() ([]byte, error) { return []byte(passphrase), nil })
	if errors.Is(err, keyfile.ErrPassphrase) {
		return nil, errors.New("口令不对（或密钥文件被改过）")
	}
	return priv, err
}

var changeWords = map[string]string{
	publish.Added: "新增", publish.Changed: "修改", publish.Withdrawn: "撤回", publish.Removed: "删除",
}

// publishView is the confirmation: what changes for the screens of each
// village, the checks that stop it, the passphrase, the USB stick; then
// the publication with its progress.
type publishView struct {
	s        *Studio
	box      fyne.CanvasObject
	summary  *widget.RichText
	detail   *fyne.Container
	pass     *widget.Entry
	passRow  *fyne.Container
	usb      *widget.Check
	usbDir   *widget.Entry
	confirm  *widget.Button
	progress *widget.ProgressBar
	result   *widget.RichText
	stops    int
	plan     *publish.Plan
	keyState keys.State
	busy     bool
}

func newPublishView(s *Studio) *publishView {
	v := &publishView{s: s}
	v.summary = widget.NewRichText()
	v.summary.Wrapping = fyne.TextWrapWord
	v.detail = container.NewVBox()
	v.pass = widget.NewPasswordEntry()
	v.pass.SetPlaceHolder("发布密钥的口令")
	v.passRow = container.NewBorder(nil, nil, widget.NewLabel("密钥口令"), nil, v.pass)
	v.usbDir = widget.NewEntry()
	v.usbDir.SetPlaceHolder("U 盘上的文件夹")
	v.usb = widget.NewCheck("同时写一份到 U 盘（无网络的屏幕用）", func(bool) {})
	usbRow := container.NewBorder(nil, nil, v.usb, widget.NewButton("选择…", func() {
		s.PickFolder("选择 U 盘上的文件夹", func(p string) { v.usbDir.SetText(p); v.usb.SetChecked(true) })
	}), v.usbDir)
	v.confirm = widget.NewButtonWithIcon("确认发布", theme.ConfirmIcon(), v.run)
	v.confirm.Importance = widget.HighImportance
	v.progress = widget.NewProgressBar()
	v.progress.Hide()
	v.result = widget.NewRichText()
	v.result.Wrapping = fyne.TextWrapWord
	back := widget.NewButtonWithIcon("返回列表", theme.NavigateBackIcon(), func() { s.Go("list") })
	bottom := container.NewVBox(v.passRow, usbRow, v.progress, v.result, container.NewHBox(back, layout.NewSpacer(), v.confirm))
	v.box = container.NewBorder(container.NewPadded(container.NewVBox(page.Heading("发布"), v.summary)), container.NewPadded(bottom), nil, nil,
		container.NewVScroll(container.NewPadded(v.detail)))
	return v
}

// prepare reads the folder and the feed off the UI goroutine and shows
// what publishing would change.
func (v *publishView) prepare() {
	if v.busy {
		return
	}
	f := v.s.f
	v.confirm.Disable()
	page.SetNote(v.summary, "正在检查公告…", theme.ColorNameForeground)
	page.SetNote(v.result, "", theme.ColorNameForeground)
	v.progress.Hide()
	v.detail.Objects = nil
	v.detail.Refresh()
	dir, out, key := f.Dir, f.OutDir(), f.KeyFile()
	v.s.Spawn(func() {
		src, findings := publish.Check(dir)
		var plan *publish.Plan
		var err error
		if src != nil {
			plan, err = publish.MakePlan(src, out)
		}
		ks, _ := keys.ReadState(key)
		fyne.Do(func() { v.show(src, findings, plan, err, ks) })
	})
}

func (v *publishView) show(src *publish.Source, findings []publish.Finding, plan *publish.Plan, planErr error, ks keys.State) {
	f := v.s.f
	v.plan, v.keyState = plan, ks
	v.stops = 0
	v.detail.Objects = nil
	var warns []fyne.CanvasObject
	for _, fd := range findings {
		line := fd.File + "：" + Words(fd, 0)
		if name := FieldNames[fd.Field]; name != "" {
			line = fd.File + "（" + name + "）：" + Words(fd, 0)
		}
		if fd.Stop {
			v.stops++
			v.detail.Add(page.Note("✖ "+line, theme.ColorNameError))
		} else {
			warns = append(warns, page.Note("⚠ "+line, theme.ColorNameWarning))
		}
	}
	switch {
	case v.stops > 0:
		page.SetNote(v.summary, "有错误，不能发布：先改正下面红色的问题（打开公告，问题写在对应的栏目旁边）。", theme.ColorNameError)
	case planErr != nil:
		v.stops++
		page.SetNote(v.summary, "读不出发布文件夹里上一次的发布："+planErr.Error(), theme.ColorNameError)
	default:
		text := fmt.Sprintf("将发布到 %s（第 %d 版）：新增 %d 条，修改 %d 条，撤回 %d 条，删除 %d 条，未变 %d 条。请核对后确认。",
			f.OutDir(), plan.Previous+1, plan.Count(publish.Added), plan.Count(publish.Changed),
			plan.Count(publish.Withdrawn), plan.Count(publish.Removed), plan.Unchanged)
		if len(plan.Changes) == 0 {
			text = fmt.Sprintf("公告没有变化：发布会重新签名（第 %d 版），让屏幕上的内容继续有效。", plan.Previous+1)
		}
		page.SetNote(v.summary, text, theme.ColorNameForeground)
		for _, pc := range plan.ByPlace(src.Feed.Locations) {
			name := f.PlaceName(pc.Place.Code)
			if pc.Place.Name != "" {
				name = pc.Place.Name
			}
			l := widget.NewLabel(fmt.Sprintf("%s（%s）：%d 处变化", name, pc.Place.Code, len(pc.Changes)))
			l.SizeName = theme.SizeNameSubHeadingText
			v.detail.Add(l)
			for _, c := range pc.Changes {
				title := c.Title
				if title == "" {
					title = c.ID
				}
				v.detail.Add(widget.NewLabel("    " + changeWords[c.What] + " · " + title))
			}
		}
	}
	for _, w := range warns {
		v.detail.Add(w)
	}
	v.detail.Refresh()
	switch ks {
	case keys.None, keys.Broken:
		page.SetNote(v.result, "没有可用的发布密钥："+f.KeyFile()+"。请先到“密钥”页生成。", theme.ColorNameError)
		v.stops++
	case keys.Plain:
		page.SetNote(v.result, "密钥没有加密：谁拿到它都能发布。请到“密钥”页加密。", theme.ColorNameWarning)
	}
	kit.Show(v.passRow, ks == keys.Encrypted)
	if v.stops == 0 {
		v.confirm.Enable()
	}
}

// run publishes: in a goroutine, the progress bar updated through fyne.Do.
func (v *publishView) run() {
	if v.stops > 0 || v.busy {
		return
	}
	f := v.s.f
	dir, out, key, pass := f.Dir, f.OutDir(), f.KeyFile(), v.pass.Text
	usb := ""
	if v.usb.Checked {
		usb = strings.TrimSpace(v.usbDir.Text)
		if usb == "" {
			page.SetNote(v.result, "请选择 U 盘上的文件夹，或取消“写一份到 U 盘”。", theme.ColorNameError)
			return
		}
	}
	v.busy = true
	v.confirm.Disable()
	v.progress.SetValue(0)
	v.progress.Show()
	page.SetNote(v.result, "正在发布…", theme.ColorNameForeground)
	v.s.Spawn(func() {
		last := -1
		progress := func(written bool, done, total int) {
			// reading counts for the first half, writing for the second
			p := 0.0
			if total > 0 {
				p = float64(done) / float64(total) / 2
			}
			if written {
				p += 0.5
			}
			if pc := int(p * 100); pc != last {
				last = pc
				fyne.Do(func() { v.progress.SetValue(p) })
			}
		}
		var o *Outcome
		priv, err := OpenKey(key, pass)
		if err == nil {
			o, err = PublishFolder(dir, out, priv, usb, progress)
		}
		fyne.Do(func() {
			v.busy = false
			v.pass.SetText("")
			if err != nil {
				v.confirm.Enable()
				v.progress.Hide()
				page.SetNote(v.result, "没有发布："+page.OneLine(err.Error()), theme.ColorNameError)
				v.s.Say("发布失败：" + page.OneLine(err.Error()))
				return
			}
			v.progress.SetValue(1)
			msg := fmt.Sprintf("已发布第 %d 版：%d 条公告，%d 个附件，写入 %d 个新文件，到 %s。", o.Result.Version, o.Result.Items,
				o.Result.Attachments, o.Result.NewObjects, out)
			if o.Bundle != "" {
				msg += "U 盘文件：" + o.Bundle + "。"
			}
			v.s.Say(msg)
			// the plan again, against what is now published
			v.s.reload(func() {
				v.prepare()
				page.SetNote(v.result, msg, theme.ColorNameSuccess)
			})
		})
	})
}
