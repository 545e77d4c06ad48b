package villager

import (
	"fmt"
	"path"
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"gongkai/feed"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// readerView shows one notice: title; facts (agency, number, dates,
// posting period) and the body, paged; attachments, the QR code of the
// official copy and the contact beside or below.
type readerView struct {
	k     *Screens // nil in a Reader of its own (NewReader)
	env   *kit.Env
	box   *fyne.Container
	title *widget.RichText
	tag   *fyne.Container // 紧急 / 置顶 badge
	head  *fyne.Container
	pager *kit.Pager
	bar   *kit.PageBar

	side    *fyne.Container
	qr      *canvas.Image
	qrLabel *widget.Label
	qrCol   fyne.CanvasObject
	contact *widget.RichText
	attach  *fyne.Container

	// step is the text step the reader's sizes are named at (kit.StepSize):
	// kit.ThemeStep, the window's, on a screen; a step of its own in the
	// studio's preview (Reader.SetStep)
	step int

	shown *feed.Item // what the widgets show now
	// attachmentCard is an attachment's card at a text step; its tap opens it
	attachmentCard func(it *feed.Item, i int, a feed.Attachment, step int) fyne.CanvasObject
}

func (k *Screens) newReaderView() *readerView {
	bar := k.newPageBar()
	v := newReaderView(k.Env, bar, k.pagedFor(screenReader, bar), k.speak.btn, k.attachmentCard)
	v.k = k
	return v
}

// newReaderView builds the reader's widgets around its page bar and
// pager; speak (朗读) may be nil.
func newReaderView(env *kit.Env, bar *kit.PageBar, pager *kit.Pager, speak fyne.CanvasObject,
	attachmentCard func(it *feed.Item, i int, a feed.Attachment, step int) fyne.CanvasObject) *readerView {
	v := &readerView{env: env, bar: bar, pager: pager, attachmentCard: attachmentCard, step: kit.ThemeStep}
	v.title = kit.Rich()
	v.qr = canvas.NewImageFromImage(nil)
	v.qr.FillMode = canvas.ImageFillContain
	v.qr.ScaleMode = canvas.ImageScalePixels
	v.qr.SetMinSize(fyne.NewSquareSize(220))
	v.qrLabel = kit.Label("手机扫码查看原文", kit.SizeSmall)
	v.qrLabel.Alignment = fyne.TextAlignCenter
	v.qrCol = container.New(kit.TightVBox{}, container.NewCenter(v.qr), v.qrLabel)
	v.contact = kit.Rich()
	v.attach = container.New(kit.TightVBox{})
	info := container.New(kit.TightVBox{}, v.attach, v.contact)
	v.side = container.New(&sideLayout{}, v.qrCol, info)
	v.tag = container.NewVBox()
	v.head = container.NewBorder(nil, nil, v.tag, speak, v.title)
	v.box = container.New(&readerLayout{}, v.head, v.pager, v.bar.Box, v.side)
	return v
}

func (v *readerView) object() fyne.CanvasObject { return v.box }

// size is size n at the reader's text step.
func (v *readerView) size(n fyne.ThemeSizeName) fyne.ThemeSizeName { return kit.StepSize(v.step, n) }

func (v *readerView) show(s *screen) {
	k := v.k
	it, err := k.Item(s.itemID)
	k.speak.showFor(it)
	v.fill(it, err, s.page)
}

// fill shows notice it (err: it cannot be read) at page.
func (v *readerView) fill(it *feed.Item, err error, page int) {
	if err != nil {
		v.shown = nil
		v.tag.Objects = nil
		v.tag.Refresh()
		kit.SetRich(v.title, kit.Seg("无法打开这条公告", v.size(theme.SizeNameHeadingText), theme.ColorNameForeground))
		v.pager.SetBlocks(kit.MessageBlocksAt("这条公告已撤下、已到期，或不在本村公开范围内。请按“返回”。", v.step))
		v.side.Hide()
		return
	}
	kit.Show(v.side, true)
	v.pager.Cur = page
	if v.shown != nil && reflect.DeepEqual(*v.shown, *it) {
		v.pager.SetPage(page)
		return
	}
	v.shown = it

	kit.SetRich(v.title, kit.Seg(it.Title, v.size(theme.SizeNameHeadingText), theme.ColorNameForeground))
	v.tag.Objects = nil
	if tag := kit.PriorityTag(it.Priority, v.size(theme.SizeNameSubHeadingText)); tag != nil {
		v.tag.Objects = []fyne.CanvasObject{tag}
	}
	v.tag.Refresh()
	v.head.Refresh()

	blocks := []kit.Block{{Obj: v.facts(it)}}
	blocks = append(blocks, kit.MarkdownBlocksAt(it.Body, v.step)...)
	v.pager.SetBlocks(blocks)

	v.qrCol.Hide()
	if it.URL != "" {
		if q, err := qrcode.New(it.URL, qrcode.Medium); err == nil {
			q.DisableBorder = false
			v.qr.Image = q.Image(440)
			v.qr.Refresh()
			kit.Show(v.qrCol, true)
		}
	}
	if it.Contact != "" {
		kit.SetRich(v.contact,
			kit.Seg("咨询与异议\n", v.size(theme.SizeNameSubHeadingText), theme.ColorNameForeground),
			kit.Seg(it.Contact, v.size(theme.SizeNameText), theme.ColorNameForeground))
		kit.Show(v.contact, true)
	} else {
		v.contact.Hide()
	}
	v.attach.Objects = nil
	for i, a := range it.Attachments {
		v.attach.Add(v.attachmentCard(it, i, a, v.step))
	}
	v.attach.Refresh()
	v.side.Refresh()
}

// facts is the first block of page 1: who issued it, when, how long it
// applies, and for a posting notice the days left to object.
func (v *readerView) facts(it *feed.Item) fyne.CanvasObject {
	k, text, sub := v.env, v.size(theme.SizeNameText), v.size(theme.SizeNameSubHeadingText)
	// one RichText of several paragraphs: a label per line would pad
	// every line and push the body off page 1
	var segs []widget.RichTextSegment
	line := func(name, value string) {
		end := kit.Seg(value, text, theme.ColorNameForeground)
		end.Style.Inline = false
		segs = append(segs, kit.Seg(name+"：", text, kit.ColorMuted), end)
	}
	line("发布机构", it.Agency)
	if it.DocNo != "" {
		line("文　　号", it.DocNo)
	}
	line("发布日期", string(it.Published))
	valid := words.ValidityText(it.Published, it.ValidFrom, it.ValidUntil)
	if it.Normative {
		end := kit.Seg(valid, sub, theme.ColorNamePrimary)
		end.Style.Inline = false
		segs = append(segs, kit.Seg("行政规范性文件　", sub, theme.ColorNamePrimary), end)
	} else if it.ValidUntil != "" {
		line("公开期限", strings.TrimPrefix(valid, "有效期 "))
	}
	if p, ok := k.PostingOf(it.Published, it.ValidFrom, it.PostingDays, it.PostingWorkdays); ok {
		now := k.Now()
		c := fyne.ThemeColorName(theme.ColorNamePrimary)
		if p.Left(now) <= 3 {
			c = kit.ColorUrgent
		}
		end := kit.Seg(p.Text(now), sub, c)
		end.Style.Inline = false
		segs = append(segs, end)
		if note := p.Note(); note != "" {
			n := kit.Seg(note, text, kit.ColorMuted)
			n.Style.Inline = false
			segs = append(segs, n)
		}
	}
	return kit.Panel(kit.ColorNotice, kit.Rich(segs...))
}

// attachmentCard opens a picture full-screen or a CSV as a paged table.
// Other types cannot be shown here: the card says to scan the QR code.
func (k *Screens) attachmentCard(it *feed.Item, i int, a feed.Attachment, step int) fyne.CanvasObject {
	return attachmentCard(it, i, a, step, k.touch, func(s screen) { k.push(s) })
}

// attachmentCard is attachment i's card at text step step (kit.StepSize);
// a tap calls touch, then open with the screen that shows it (open nil:
// the tap does nothing more).
func attachmentCard(it *feed.Item, i int, a feed.Attachment, step int, touch func(), open func(screen)) fyne.CanvasObject {
	text := kit.StepSize(step, theme.SizeNameText)
	name := attachmentTitle(it, i)
	var kind screenKind
	var verb string
	switch {
	case strings.HasPrefix(a.Type, "image/"):
		kind, verb = screenImage, "查看图片"
	case a.Type == "text/csv" || strings.HasSuffix(strings.ToLower(a.Name), ".csv"):
		kind, verb = screenTable, "查看数据表"
	default:
		return kit.Rich(kit.Seg(fmt.Sprintf("附件《%s》无法在本屏显示，请扫码查看原文。", name), text, kit.ColorMuted))
	}
	id := it.ID
	c := tapCard(touch, container.NewBorder(nil, nil, widget.NewIcon(attachIcon(kind)), nil,
		kit.Rich(kit.Seg(verb+"：", text, theme.ColorNamePrimary), kit.Seg(name, text, theme.ColorNameForeground))),
		func() {
			if open != nil {
				open(screen{kind: kind, itemID: id, attach: i})
			}
		})
	c.Bg = theme.ColorNameButton
	return container.New(&padBottom{8}, c)
}

// attachmentTitle is what a villager is told attachment i is: its title
// (publish names an attachment by the title its author gave, with the
// file's extension), or, for a bare file name like land-2026-017-map.png
// that means nothing to a reader, what kind of attachment it is.
func attachmentTitle(it *feed.Item, i int) string {
	a := it.Attachments[i]
	base := path.Base(a.Name)
	if title := strings.TrimSuffix(base, path.Ext(base)); kit.HasCJK(title) {
		return title
	}
	kind := "附件"
	switch {
	case strings.HasPrefix(a.Type, "image/"):
		kind = "附图"
	case a.Type == "text/csv":
		kind = "数据表"
	}
	if len(it.Attachments) > 1 {
		kind += " " + kit.Itoa(i+1)
	}
	return kind
}

func attachIcon(kind screenKind) fyne.Resource {
	if kind == screenImage {
		return theme.FileImageIcon()
	}
	return theme.GridIcon()
}

// padBottom adds space under its child.
type padBottom struct{ h float32 }

func (p *padBottom) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return objs[0].MinSize().AddWidthHeight(0, p.h)
}

func (p *padBottom) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(s.Width, s.Height-p.h))
}

// readerLayout: in portrait the side panel goes under the page bar; in
// landscape it is a column on the right.
type readerLayout struct{}

func (l *readerLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(kit.TouchMin*4, kit.TouchMin*6)
}

func (l *readerLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	title, pg, bar, side := objs[0], objs[1], objs[2], objs[3]
	const gap float32 = 12
	th := kit.Height(title, s.Width)
	title.Move(fyne.NewPos(0, 0))
	top := th + gap
	bh := float32(0)
	if bar.Visible() {
		bh = bar.MinSize().Height
	}
	if s.Width > s.Height {
		sw := min(s.Width*0.3, 560)
		if !side.Visible() {
			sw = 0
		}
		side.Move(fyne.NewPos(s.Width-sw, top))
		side.Resize(fyne.NewSize(sw, s.Height-top))
		mw := s.Width - sw - gap*2
		pg.Move(fyne.NewPos(0, top))
		pg.Resize(fyne.NewSize(mw, s.Height-top-bh-gap))
		bar.Move(fyne.NewPos(0, s.Height-bh))
		bar.Resize(fyne.NewSize(mw, bh))
		return
	}
	sh := float32(0)
	if side.Visible() {
		sh = kit.Height(side, s.Width)
	}
	side.Move(fyne.NewPos(0, s.Height-sh))
	bar.Move(fyne.NewPos(0, s.Height-sh-bh-gap))
	bar.Resize(fyne.NewSize(s.Width, bh))
	pg.Move(fyne.NewPos(0, top))
	pg.Resize(fyne.NewSize(s.Width, s.Height-sh-bh-2*gap-top))
}

// sideLayout: QR code left of the contact and attachments when wide,
// above them when narrow (the landscape column).
type sideLayout struct{}

func (l *sideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	qr, info := objs[0], objs[1]
	return fyne.NewSize(qr.MinSize().Width+info.MinSize().Width, max(qr.MinSize().Height, info.MinSize().Height))
}

func (l *sideLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	qr, info := objs[0], objs[1]
	qw := float32(0)
	if qr.Visible() {
		qw = 280
	}
	if s.Width >= 700 { // beside
		qr.Move(fyne.NewPos(0, 0))
		qr.Resize(fyne.NewSize(qw, qr.MinSize().Height))
		info.Move(fyne.NewPos(qw+16, 0))
		info.Resize(fyne.NewSize(s.Width-qw-16, kit.Height(info, s.Width-qw-16)))
		return
	}
	ih := kit.Height(info, s.Width)
	info.Move(fyne.NewPos(0, 0))
	qr.Move(fyne.NewPos(0, ih+16))
	qr.Resize(fyne.NewSize(s.Width, qr.MinSize().Height))
}
