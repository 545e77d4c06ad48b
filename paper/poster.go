package paper

import (
	"bytes"
	"fmt"
	"gongkai/markdown"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // attachments may be GIF
	_ "image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"gongkai/feed"
	"gongkai/period"
)

// maxBody bounds the Markdown parsed for paper: about MaxPages pages of
// Chinese text. A longer body is cut (at a line end) with a note; the
// online copy holds the rest.
const maxBody = 256 << 10

// Image limits for attachments placed after the body: enough for a scanned
// map, small enough that decoding cannot exhaust a kiosk's memory.
const (
	maxImageFile   = 16 << 20
	maxImagePixels = 40_000_000
	maxImages      = 6
)

var mdParser = goldmark.New(goldmark.WithExtensions(extension.Table)).Parser()

// Poster writes an A4 portrait poster of one notice for a paper board:
// title, agency, document number, dates and posting period, the body
// (headings, paragraphs, lists, tables), image attachments, a QR code of
// the official online copy, the contact for questions and objections,
// and page numbers with the place name in every footer. attachments gives
// the file of an attachment by SHA-256 (nil: none are placed). cal counts a
// period in working days (nil: Monday–Friday, and the poster says so).
func Poster(w io.Writer, it *feed.Item, cal *feed.Calendar, placeName string, attachments func(sha string) (string, error)) error {
	if it == nil {
		return fmt.Errorf("paper: no notice")
	}
	footer := oneLineText(placeName, 30)
	if footer != "" {
		footer += " · "
	}
	footer += "公告编号 " + clip(it.ID, 40)
	d := newDoc(oneLineText(it.Title, 200), footer)

	// Title across the page.
	d.setSize(20)
	d.y += 2
	for _, line := range d.wrap([]run{{text: oneLineText(it.Title, 200), bold: true}}, contentW) {
		d.drawLine(marginX+(contentW-lineWidth(d, line))/2, d.y, line)
		d.y += d.lineH()
	}
	d.y += 2
	d.rule(0, 0.6)
	d.y += 3

	// Metadata on the left, the QR code of the online copy on the right.
	top := d.y
	qrW := 0.0
	if it.URL != "" {
		var err error
		if qrW, err = d.qr(it.URL, top); err != nil {
			return err
		}
	}
	d.setSize(11.5)
	metaW := contentW - qrW - 4
	if qrW == 0 {
		metaW = contentW
	}
	for _, m := range meta(it, cal) {
		d.paragraph([]run{{text: m[0] + "：", bold: true}, {text: m[1]}}, marginX, metaW, "")
	}
	d.y = max(d.y, top+qrBlockH(qrW)) + 3
	d.rule(120, 0.3)
	d.y += 4

	// Body.
	body := it.Body
	cut := false
	if len(body) > maxBody {
		i := strings.LastIndexByte(body[:maxBody], '\n')
		if i < maxBody/2 {
			i = maxBody
			for i > 0 && !utf8.RuneStart(body[i]) {
				i--
			}
		}
		body, cut = body[:i], true
	}
	d.setSize(12)
	ok := d.markdown(body)
	if ok && !cut {
		ok = d.images(it, attachments)
	}
	if !ok || cut {
		d.full = false // the reserve at the last page's foot is for this
		d.y += 2
		d.setSize(11)
		d.paragraph([]run{{text: "（正文较长，纸面未能全部印出，完整内容请扫码或访问原文查看。）", bold: true}}, marginX, contentW, "")
	}

	// Contact for questions and objections.
	if c := oneLineText(it.Contact, 400); c != "" {
		d.full = false
		d.setSize(12)
		d.y += 3
		if d.need(3 * d.lineH()) {
			d.rule(120, 0.3)
			d.y += 2
			d.paragraph([]run{{text: "咨询与异议：", bold: true}, {text: c}}, marginX, contentW, "")
		}
	}
	return d.finish(w)
}

// meta lists the labelled facts printed under the title.
func meta(it *feed.Item, cal *feed.Calendar) [][2]string {
	var out [][2]string
	add := func(k, v string) {
		if v = oneLineText(v, 200); v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	add("发布机关", it.Agency)
	add("文　　号", it.DocNo)
	add("发布日期", cnDate(it.Published))
	switch {
	case it.ValidFrom != "" && it.ValidUntil != "":
		add("有 效 期", cnDate(it.ValidFrom)+" 至 "+cnDate(it.ValidUntil))
	case it.ValidFrom != "":
		add("有 效 期", cnDate(it.ValidFrom)+" 起")
	case it.ValidUntil != "":
		add("有 效 期", "至 "+cnDate(it.ValidUntil))
	}
	// The same period, end date and note as every screen and the
	// compliance report: package period. Dates only, so the zone is moot.
	if p, ok := period.Of(period.StartOf(it.Published, it.ValidFrom), it.PostingDays, it.PostingWorkdays, cal, time.UTC); ok {
		add("公 示 期", p.Length()+"（"+p.Span(true)+"）")
		add("工作日说明", p.Note())
	}
	if it.Withdrawn != "" {
		add("已 撤 回", it.Withdrawn)
	}
	return out
}

// cnDate writes 2026-11-10 as 2026年11月10日.
func cnDate(d feed.Date) string {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		return string(d)
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

const qrSize = 36.0 // mm: at 100 dpi still ≥ 4 px a module for a typical URL

func qrBlockH(qrW float64) float64 {
	if qrW == 0 {
		return 0
	}
	return qrSize + 16
}

// qr draws the QR code of url at the top right, with its caption and the
// URL in small print (so it can be typed), and returns the width taken.
func (d *doc) qr(url string, top float64) (float64, error) {
	if len(url) > 1000 {
		return 0, fmt.Errorf("paper: url is %d bytes, too long for a QR code", len(url))
	}
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return 0, fmt.Errorf("paper: QR code: %v", err)
	}
	pngBytes, err := q.PNG(512)
	if err != nil {
		return 0, fmt.Errorf("paper: QR code: %v", err)
	}
	d.f.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(pngBytes))
	w := qrSize + 8
	x := pageW - marginX - w
	d.f.ImageOptions("qr", x+4, top, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	saved := d.size
	d.setSize(9)
	y := top + qrSize
	caption := "手机扫码查看原文"
	d.text(x+(w-d.width(caption, false))/2, y, caption, false)
	d.setSize(6.5)
	y += d.lineH()
	lines := d.wrap([]run{{text: url}}, w)
	for i, line := range lines {
		if i == 3 {
			break
		}
		d.drawLine(x+(w-lineWidth(d, line))/2, y, line)
		y += d.lineH()
	}
	d.setSize(saved)
	return w, nil
}

// markdown renders a body the way the kiosk parses it (ui/markdown.go):
// goldmark with GFM tables; raw HTML is not printed. False once the page
// limit cut it.
func (d *doc) markdown(body string) bool {
	src := []byte(body)
	r := &mdRender{d: d, src: src}
	for n := mdParser.Parse(text.NewReader(src)).FirstChild(); n != nil; n = n.NextSibling() {
		if !r.node(n, 0) {
			return false
		}
	}
	return true
}

type mdRender struct {
	d   *doc
	src []byte
}

const indentStep = 7.0 // mm per list or quote level

func (r *mdRender) node(n ast.Node, depth int) bool {
	d := r.d
	x := marginX + float64(min(depth, 6))*indentStep
	width := contentW - (x - marginX)
	switch n := n.(type) {
	case *ast.Heading:
		size := 15.0
		if n.Level >= 3 {
			size = 13
		}
		saved := d.size
		d.setSize(size)
		d.y += 2.5
		// keep a heading with at least two lines of what follows
		if !d.need(d.lineH() + 2*saved*ptToMM*1.5) {
			return false
		}
		ok := d.paragraph(bold(r.inlines(n)), x, width, "")
		d.setSize(saved)
		d.y += 1
		return ok
	case *ast.Paragraph, *ast.TextBlock:
		ok := d.paragraph(firstLineIndent(r.inlines(n), depth), x, width, "")
		d.y += 1.5
		return ok
	case *ast.List:
		i := n.Start
		for li := n.FirstChild(); li != nil; li = li.NextSibling() {
			marker := "•"
			if n.IsOrdered() {
				marker = fmt.Sprintf("%d.", i)
				i++
			}
			first := true
			for c := li.FirstChild(); c != nil; c = c.NextSibling() {
				var ok bool
				switch c.(type) {
				case *ast.Paragraph, *ast.TextBlock:
					m := ""
					if first {
						m = marker
					}
					lx := x + indentStep
					if m != "" {
						lx = x + indentStep - d.width(m, false) - 2
					}
					ok = d.paragraph(r.inlines(c), lx, contentW-(lx-marginX), m)
					d.y += 0.8
				default:
					ok = r.node(c, depth+1)
				}
				if !ok {
					return false
				}
				first = false
			}
		}
		d.y += 1
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if !r.node(c, depth+1) {
				return false
			}
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var b strings.Builder
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(r.src))
		}
		ok := d.paragraph([]run{{text: strings.TrimRight(b.String(), "\n")}}, x, width, "")
		d.y += 1.5
		return ok
	case *ast.ThematicBreak:
		if !d.need(4) {
			return false
		}
		d.y += 2
		d.rule(150, 0.3)
		d.y += 2
	case *extast.Table:
		d.y += 1
		ok := d.table(r.table(n), tableSize(n))
		d.y += 2
		return ok
	case *ast.HTMLBlock:
		// raw HTML is not printed: notices are Markdown
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if !r.node(c, depth) {
				return false
			}
		}
	}
	return true
}

// tableSize shrinks the print of wide tables a little, so more columns
// keep their words on one line.
func tableSize(t *extast.Table) float64 {
	switch n := len(t.Alignments); {
	case n > 8:
		return 9
	case n > 5:
		return 10
	}
	return 11
}

func (r *mdRender) table(t *extast.Table) table {
	out := table{}
	for _, a := range t.Alignments {
		switch a {
		case extast.AlignRight:
			out.align = append(out.align, alignRight)
		case extast.AlignCenter:
			out.align = append(out.align, alignCenter)
		default:
			out.align = append(out.align, alignLeft)
		}
	}
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var cells [][]run
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			if len(cells) <= maxColumns { // one more marks "there were more"
				cells = append(cells, r.inlines(c))
			}
		}
		if _, ok := row.(*extast.TableHeader); ok && len(out.rows) == 0 {
			out.header = true
		}
		out.rows = append(out.rows, cells)
	}
	out.total = len(t.Alignments) // cells past maxColumns were not kept
	return out
}

func bold(rs []run) []run {
	for i := range rs {
		rs[i].bold = true
	}
	return rs
}

// firstLineIndent indents a top-level Chinese paragraph by two characters,
// as printed notices are set.
func firstLineIndent(rs []run, depth int) []run {
	if depth > 0 || len(rs) == 0 {
		return rs
	}
	c, _ := utf8.DecodeRuneInString(rs[0].text)
	if !unicode.Is(unicode.Han, c) {
		return rs
	}
	return append([]run{{text: "　　"}}, rs...)
}

func (r *mdRender) inlines(n ast.Node) []run {
	var out []run
	for _, m := range markdown.Inlines(n, r.src) {
		// paper sets code in the body face: a code span is just text
		if k := len(out); k > 0 && out[k-1].bold == m.Bold {
			out[k-1].text += m.Text
			continue
		}
		out = append(out, run{text: m.Text, bold: m.Bold})
	}
	return out
}

// images places the image attachments after the body, each scaled to the
// page; other attachments are listed by name. An image that cannot be
// read is named with the reason rather than failing the whole poster.
func (d *doc) images(it *feed.Item, file func(string) (string, error)) bool {
	if len(it.Attachments) == 0 {
		return true
	}
	d.y += 3
	placed := 0
	for i, a := range it.Attachments {
		name := oneLineText(a.Name, 80)
		if file == nil || placed >= maxImages || !strings.HasPrefix(a.Type, "image/") {
			if !d.paragraph([]run{{text: "附件：", bold: true}, {text: name + "（请扫码查看原文）"}}, marginX, contentW, "") {
				return false
			}
			continue
		}
		path, err := file(a.SHA256)
		var img []byte
		if err == nil {
			img, err = loadImage(path)
		}
		if err != nil {
			if !d.paragraph([]run{{text: "附件：", bold: true}, {text: name + "（无法印出：" + oneLineText(err.Error(), 80) + "）"}}, marginX, contentW, "") {
				return false
			}
			continue
		}
		key := fmt.Sprintf("att%d", i)
		info := d.f.RegisterImageOptionsReader(key, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(img))
		if info == nil || d.f.Err() {
			return true // finish reports the error
		}
		iw, ih := info.Width(), info.Height()
		w := contentW
		h := w * ih / iw
		maxH := bodyBottom - marginTop - reserveLast - 10
		if h > maxH {
			h, w = maxH, maxH*iw/ih
		}
		lh := d.lineH()
		if !d.need(lh + h + 2) {
			return false
		}
		d.paragraph([]run{{text: "附件：", bold: true}, {text: name}}, marginX, contentW, "")
		d.f.ImageOptions(key, marginX+(contentW-w)/2, d.y+1, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		d.y += h + 4
		placed++
	}
	return true
}

// loadImage reads an image attachment and re-encodes it as an opaque
// 8-bit PNG on white: fpdf reads only some PNG forms, and a transparent
// map would print with black where it is clear.
func loadImage(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open")
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxImageFile+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxImageFile {
		return nil, fmt.Errorf("over %d MiB", maxImageFile>>20)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("not a readable image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, fmt.Errorf("image %dx%d is too large", cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("not a readable image")
	}
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
