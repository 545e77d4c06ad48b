package villager

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/ui/kit"
)

// Attachments are read from the store by hash, and only through an item
// that Store.Item returned for this screen.
func (k *Screens) attachment(s *screen) (*feed.Item, *feed.Attachment, error) {
	it, err := k.Item(s.itemID)
	if err != nil {
		return nil, nil, err
	}
	if s.attach < 0 || s.attach >= len(it.Attachments) {
		return nil, nil, fmt.Errorf("ui: item %s has no attachment %d", it.ID, s.attach)
	}
	return it, &it.Attachments[s.attach], nil
}

func (k *Screens) readBlob(a *feed.Attachment) ([]byte, error) {
	rc, err := k.Store.OpenBlob(a.SHA256)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, feed.MaxAttachmentSize))
}

// maxZoom is 8×: enough to read a street name on a small map.
const maxZoom = 3

// imageView shows a picture full-screen. Zoom and pan are buttons, since
// the touch driver has no pinch or drag: 放大 shows half the width, the
// arrows move by half a view.
type imageView struct {
	k      *Screens
	box    *fyne.Container
	title  *widget.Label
	img    *canvas.Image
	zoomIn *kit.BigButton
	zoomOu *kit.BigButton
	arrows []*kit.BigButton
	sum    string
	pic    image.Image
}

func (k *Screens) newImageView() *imageView {
	v := &imageView{k: k}
	v.title = kit.Label("", theme.SizeNameHeadingText)
	v.img = canvas.NewImageFromImage(nil)
	v.img.FillMode = canvas.ImageFillContain
	v.img.ScaleMode = canvas.ImageScaleSmooth
	zoom := func(d int) func() {
		return func() {
			s := k.st.cur()
			s.zoom = max(0, min(maxZoom, s.zoom+d))
			k.render()
		}
	}
	pan := func(dx, dy float64) func() {
		return func() {
			s := k.st.cur()
			f := 1 / float64(int(1)<<s.zoom)
			s.panX += dx * f / 2
			s.panY += dy * f / 2
			k.render()
		}
	}
	v.zoomIn = k.btn("放大", widget.HighImportance, zoom(1))
	v.zoomIn.Icon = theme.ZoomInIcon()
	v.zoomOu = k.btn("缩小", widget.HighImportance, zoom(-1))
	v.zoomOu.Icon = theme.ZoomOutIcon()
	v.arrows = []*kit.BigButton{
		k.btn("← 左移", widget.MediumImportance, pan(-1, 0)),
		k.btn("↑ 上移", widget.MediumImportance, pan(0, -1)),
		k.btn("↓ 下移", widget.MediumImportance, pan(0, 1)),
		k.btn("右移 →", widget.MediumImportance, pan(1, 0)),
	}
	controls := container.NewGridWithColumns(2, v.zoomIn, v.zoomOu)
	moves := container.NewGridWithColumns(4)
	for _, a := range v.arrows {
		moves.Add(a)
	}
	frame := canvas.NewRectangle(kit.ThemeColor(kit.ColorCard))
	frame.StrokeColor = kit.ThemeColor(kit.ColorCardBorder)
	frame.StrokeWidth = 2
	v.box = container.NewBorder(v.title, container.NewVBox(controls, moves), nil, nil,
		container.NewStack(frame, container.NewPadded(v.img)))
	return v
}

func (v *imageView) object() fyne.CanvasObject { return v.box }

func (v *imageView) show(s *screen) {
	it, a, err := v.k.attachment(s)
	if err == nil && a.SHA256 != v.sum {
		var data []byte
		if data, err = v.k.readBlob(a); err == nil {
			// The size a picture declares is read before its pixels: a
			// 3.5 MB PNG of 60000×60000 pixels decodes to 14 GB, and the
			// kiosk died of "out of memory" (issue 22).
			if _, err = feed.CheckImage(bytes.NewReader(data)); err == nil {
				v.pic, _, err = image.Decode(bytes.NewReader(data))
			}
		}
		if err == nil {
			v.sum = a.SHA256
		}
	}
	if err != nil {
		v.sum, v.pic = "", nil
		msg := "无法显示这张图片，请扫码查看原文。"
		if errors.Is(err, feed.ErrImageTooLarge) {
			msg = "这张图片太大，屏幕无法显示，请扫码查看原文。"
			slog.Default().Warn("a picture is too large to show", "attachment", a.Name, "error", err.Error())
		}
		kit.SetText(v.title, msg)
		v.img.Image = nil
		v.img.Refresh()
		v.controls(false, false) // nothing to zoom into or move over
		return
	}
	kit.SetText(v.title, attachmentTitle(it, s.attach))
	f := 1 / float64(int(1)<<s.zoom)
	s.panX = clampPan(s.panX, f)
	s.panY = clampPan(s.panY, f)
	v.img.Image = crop(v.pic, s.panX, s.panY, f)
	v.img.Refresh()
	v.controls(s.zoom < maxZoom, s.zoom > 0)
}

// controls enables zooming in, and zooming out with the arrows.
func (v *imageView) controls(in, out bool) {
	kit.Enable(v.zoomIn, in)
	kit.Enable(v.zoomOu, out)
	for _, b := range v.arrows {
		kit.Enable(b, out)
	}
}

// clampPan keeps a view of fraction f inside the picture; 0 centres it.
func clampPan(c, f float64) float64 {
	if c == 0 {
		c = 0.5
	}
	return max(f/2, min(1-f/2, c))
}

// crop is the part of pic of fraction f around centre (cx, cy).
func crop(pic image.Image, cx, cy, f float64) image.Image {
	b := pic.Bounds()
	w, h := float64(b.Dx())*f, float64(b.Dy())*f
	x0 := b.Min.X + int(float64(b.Dx())*cx-w/2)
	y0 := b.Min.Y + int(float64(b.Dy())*cy-h/2)
	r := image.Rect(x0, y0, x0+max(1, int(w)), y0+max(1, int(h))).Intersect(b)
	if f >= 1 {
		return pic
	}
	out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), pic, r.Min, draw.Src)
	return out
}

// maxCSVRows bounds what a table attachment may put on screen.
const maxCSVRows = 5000

// tableView shows a CSV attachment as a paged table, the header row
// repeated on every page.
type tableView struct {
	k     *Screens
	box   *fyne.Container
	title *widget.Label
	pager *kit.Pager
	bar   *kit.PageBar
	sum   string
}

func (k *Screens) newTableView() *tableView {
	v := &tableView{k: k}
	v.title = kit.Label("", theme.SizeNameHeadingText)
	v.bar = k.newPageBar()
	v.pager = k.pagedFor(screenTable, v.bar)
	v.box = container.NewBorder(v.title, v.bar.Box, nil, nil, v.pager)
	return v
}

func (v *tableView) object() fyne.CanvasObject { return v.box }

func (v *tableView) show(s *screen) {
	v.pager.Cur = s.page
	it, a, err := v.k.attachment(s)
	if err == nil && a.SHA256 == v.sum {
		v.pager.SetPage(s.page)
		return
	}
	var rows [][]string
	if err == nil {
		var data []byte
		if data, err = v.k.readBlob(a); err == nil {
			rows, err = parseCSV(data)
		}
	}
	if err != nil || len(rows) == 0 {
		v.sum = ""
		kit.SetText(v.title, "无法显示这个表格，请扫码查看原文。")
		v.pager.SetBlocks(nil)
		return
	}
	v.sum = a.SHA256
	kit.SetText(v.title, attachmentTitle(it, s.attach))
	v.pager.SetBlocks(csvBlocks(rows))
}

func parseCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // spreadsheet programs write a BOM
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows [][]string
	for len(rows) <= maxCSVRows {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

func csvBlocks(rows [][]string) []kit.Block {
	m := &kit.TableModel{Size: kit.SizeSmall}
	var header *kit.TableRow
	var blocks []kit.Block
	for i, rec := range rows {
		cells := make([][]kit.Run, len(rec))
		for j, c := range rec {
			cells[j] = []kit.Run{{Text: c}}
		}
		tr := m.AddRow(cells, i == 0)
		if i == 0 {
			header = tr
			blocks = append(blocks, kit.Block{Obj: tr, KeepWithNext: true})
			continue
		}
		blocks = append(blocks, kit.Block{Obj: tr, Header: header})
	}
	return blocks
}
