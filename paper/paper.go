// Package paper prints what a screen shows onto A4: a notice as a poster
// for a paper bulletin board, and the proof of display as a certificate.
// Both embed the program's CJK font, so a PDF prints the same anywhere,
// including on a township office PC that has no Chinese fonts.
//
// Everything here takes input that came from a feed or a log, so every
// length is bounded: a hostile or mistaken notice yields a PDF of at most
// MaxPages pages with a note saying what was left out, never an endless
// document or a panic.
package paper

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"gongkai/assets"
	"gongkai/cjk"
)

// MaxPages bounds one PDF. A real notice fills a few pages; what is past
// this is left to the online copy (the QR code), with a note.
const MaxPages = 30

// Page geometry, in mm (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 18.0
	marginTop    = 16.0
	marginBottom = 20.0 // the footer sits in it
	contentW     = pageW - 2*marginX
	bodyBottom   = pageH - marginBottom
	ptToMM       = 25.4 / 72
)

// reserveLast is kept free at the bottom of the last allowed page, so the
// truncation note and the contact still fit after a cut.
const reserveLast = 40.0

// Fonts: Droid Sans Fallback has the Chinese but no Latin letters or
// digits, so those come from Noto Sans (the kiosk's own Latin face, kept
// in assets), which also has a real bold.
const (
	famCJK       = "cjk"
	famLatin     = "latin"
	famLatinBold = "latinb"
)

var (
	cjkOnce  sync.Once
	cjkFace  *sfnt.Font
	cjkCover sync.Map // rune → bool: Droid has a glyph for it
)

// inCJKFont reports whether the bundled CJK face has a glyph for r.
func inCJKFont(r rune) bool {
	if r < 0x2000 {
		return false // Droid has no Latin; Noto Sans has all of these
	}
	if v, ok := cjkCover.Load(r); ok {
		return v.(bool)
	}
	cjkOnce.Do(func() { cjkFace, _ = sfnt.Parse(assets.Font) })
	ok := false
	if cjkFace != nil {
		var b sfnt.Buffer
		i, err := cjkFace.GlyphIndex(&b, r)
		ok = err == nil && i != 0
	}
	cjkCover.Store(r, ok)
	return ok
}

func addFonts(f *fpdf.Fpdf) {
	f.AddUTF8FontFromBytes(famCJK, "", assets.Font)
	f.AddUTF8FontFromBytes(famLatin, "", assets.LatinFont)
	f.AddUTF8FontFromBytes(famLatinBold, "", assets.LatinBoldFont)
}

// segment is a piece of text in one font family.
type segment struct{ text, family string }

// segments splits s by the face that has its glyphs. Segments are slices
// of s: growing one rune at a time was quadratic in a long word.
func segments(s string, bold bool) []segment {
	var out []segment
	start, cur := 0, ""
	for i, r := range s {
		fam := famCJK
		if !inCJKFont(r) {
			fam = famLatin
			if bold {
				fam = famLatinBold
			}
		}
		if fam != cur && i > 0 {
			out = append(out, segment{s[start:i], cur})
			start = i
		}
		cur = fam
	}
	if start < len(s) {
		out = append(out, segment{s[start:], cur})
	}
	return out
}

// run is a piece of inline text with one style. The one bundled face has
// no bold, so bold is drawn as filled and stroked glyphs.
type run struct {
	text string
	bold bool
}

// doc is a PDF being written with manual page breaks, so that a page
// limit and repeated table headers are ours to control.
type doc struct {
	f         *fpdf.Fpdf
	m         *fpdf.Fpdf // measures only
	y         float64
	size      float64 // font size, pt
	full      bool    // MaxPages reached: further content is dropped
	footer    string  // right part of every footer
	onNewPage func()  // e.g. repeat a table header
}

func newDoc(title, footer string) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, marginBottom)
	f.SetCellMargin(0) // text starts exactly where it is measured to
	addFonts(f)
	f.SetTitle(title, true)
	f.SetCreator("gongkai", true)
	// A second, pageless document measures text: setting fonts on the
	// real one to measure would write font switches into its pages.
	m := fpdf.New("P", "mm", "A4", "")
	addFonts(m)
	d := &doc{f: f, m: m, footer: footer}
	f.AddPage()
	d.y = marginTop
	d.setSize(12)
	return d
}

func (d *doc) setSize(pt float64) {
	d.size = pt
}

// width is the width of s at the current size, in mm.
func (d *doc) width(s string, bold bool) float64 {
	w := 0.0
	for _, sg := range segments(s, bold) {
		d.m.SetFont(sg.family, "", d.size)
		w += d.m.GetStringWidth(sg.text)
	}
	return w
}

// lineH is the line height at the current size: 1.5 lines reads well in
// Chinese on paper.
func (d *doc) lineH() float64 { return d.size * ptToMM * 1.5 }

// bottom is the lowest y content may reach on this page.
func (d *doc) bottom() float64 {
	if d.f.PageNo() >= MaxPages {
		return bodyBottom - reserveLast
	}
	return bodyBottom
}

// need makes room for h mm, starting a page when needed; false once the
// page limit is reached (the caller stops drawing).
func (d *doc) need(h float64) bool {
	if d.full {
		return false
	}
	if d.y+h <= d.bottom() {
		return true
	}
	if d.f.PageNo() >= MaxPages {
		d.full = true
		return false
	}
	size := d.size
	d.f.AddPage()
	d.y = marginTop
	d.setSize(size)
	if d.onNewPage != nil {
		d.onNewPage()
	}
	return true
}

// finish writes the footers, now that the page count is known, and the
// PDF to out.
func (d *doc) finish(out interface{ Write([]byte) (int, error) }) error {
	n := d.f.PageCount()
	for p := 1; p <= n; p++ {
		d.f.SetPage(p)
		d.setSize(9)
		d.f.SetDrawColor(160, 160, 160)
		d.f.SetLineWidth(0.2)
		d.f.Line(marginX, pageH-marginBottom+6, pageW-marginX, pageH-marginBottom+6)
		d.f.SetTextColor(90, 90, 90)
		y := pageH - marginBottom + 7
		d.text(marginX, y, fmt.Sprintf("第 %d 页 / 共 %d 页", p, n), false)
		right := clip(d.footer, 60)
		d.text(pageW-marginX-d.width(right, false), y, right, false)
		d.f.SetTextColor(0, 0, 0)
	}
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("paper: %v", err)
	}
	if err := d.f.Output(out); err != nil {
		return fmt.Errorf("paper: %v", err)
	}
	return nil
}

// text draws s at x on the current line top y, bold by fill and stroke.
func (d *doc) text(x, y float64, s string, bold bool) {
	if bold {
		d.f.SetLineWidth(d.size * 0.012)
		d.f.SetTextRenderingMode(2)
	}
	for _, sg := range segments(s, bold) {
		d.f.SetFont(sg.family, "", d.size)
		// real bold for Latin; fill and stroke only for the CJK face
		d.f.SetTextRenderingMode(map[bool]int{true: 2, false: 0}[bold && sg.family == famCJK])
		w := d.f.GetStringWidth(sg.text)
		d.f.SetXY(x, y)
		d.f.CellFormat(w, d.lineH(), sg.text, "", 0, "L", false, 0, "")
		x += w
	}
	if bold {
		d.f.SetTextRenderingMode(0)
	}
}

// drawLine draws one wrapped line of runs starting at x.
func (d *doc) drawLine(x, y float64, line []run) {
	for _, r := range line {
		d.text(x, y, r.text, r.bold)
		x += d.width(r.text, r.bold)
	}
}

func lineWidth(d *doc, line []run) float64 {
	w := 0.0
	for _, r := range line {
		w += d.width(r.text, r.bold)
	}
	return w
}

// paragraph wraps runs to width and draws them from x, marker hanging
// in front of the first line; false when the page limit cut it.
func (d *doc) paragraph(runs []run, x, width float64, marker string) bool {
	lh := d.lineH()
	markW := 0.0
	if marker != "" {
		markW = d.width(marker, false) + 2
	}
	for i, line := range d.wrap(runs, width-markW) {
		if !d.need(lh) {
			return false
		}
		if i == 0 && marker != "" {
			d.text(x, d.y, marker, false)
		}
		d.drawLine(x+markW, d.y, line)
		d.y += lh
	}
	return true
}

// token is a unit of line breaking: a Latin word, a space, or one CJK
// character (Chinese breaks between any two characters).
type token struct {
	text string
	bold bool
	w    float64
}

func (d *doc) tokens(runs []run) []token {
	var out []token
	for _, r := range runs {
		s := r.text
		for s != "" {
			c, n := utf8.DecodeRuneInString(s)
			end := n
			if c != '\n' && c != ' ' && !wide(c) {
				for end < len(s) {
					c2, n2 := utf8.DecodeRuneInString(s[end:])
					if c2 == '\n' || c2 == ' ' || wide(c2) {
						break
					}
					end += n2
				}
			}
			t := s[:end]
			out = append(out, token{text: t, bold: r.bold, w: d.width(t, r.bold)})
			s = s[end:]
		}
	}
	return out
}

func wide(r rune) bool { return r >= 0x2E80 || unicode.Is(unicode.Han, r) }

// wrap breaks runs into lines no wider than width. Words longer than a
// line (a URL) are cut by character; a closing punctuation mark takes the
// character before it to the next line rather than starting one alone.
func (d *doc) wrap(runs []run, width float64) [][]run {
	var lines [][]token
	var cur []token
	w := 0.0
	flush := func() {
		for len(cur) > 0 && cur[len(cur)-1].text == " " {
			cur = cur[:len(cur)-1]
		}
		lines = append(lines, cur)
		cur, w = nil, 0
	}
	var toks []token
	for _, t := range d.tokens(runs) {
		if t.w <= width || utf8.RuneCountInString(t.text) == 1 {
			toks = append(toks, t)
			continue
		}
		// an over-long word (a URL) is cut by character
		for _, c := range t.text {
			s := string(c)
			toks = append(toks, token{text: s, bold: t.bold, w: d.width(s, t.bold)})
		}
	}
	for _, t := range toks {
		switch {
		case t.text == "\n":
			flush()
			continue
		case t.text == " " && len(cur) == 0:
			continue
		}
		if w+t.w > width && len(cur) > 0 {
			c, _ := utf8.DecodeRuneInString(t.text)
			if cjk.NoLineStart(c) && len(cur) > 1 && cur[len(cur)-1].text != " " {
				last := cur[len(cur)-1]
				cur = cur[:len(cur)-1]
				flush()
				cur, w = []token{last}, last.w
			} else {
				flush()
				if t.text == " " {
					continue
				}
			}
		}
		cur = append(cur, t)
		w += t.w
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	out := make([][]run, len(lines))
	for i, l := range lines {
		for _, t := range l {
			if n := len(out[i]); n > 0 && out[i][n-1].bold == t.bold {
				out[i][n-1].text += t.text
			} else {
				out[i] = append(out[i], run{text: t.text, bold: t.bold})
			}
		}
	}
	return out
}

// rule draws a horizontal line across the content width.
func (d *doc) rule(gray int, width float64) {
	d.f.SetDrawColor(gray, gray, gray)
	d.f.SetLineWidth(width)
	d.f.Line(marginX, d.y, pageW-marginX, d.y)
	d.f.SetDrawColor(0, 0, 0)
}

// clip cuts s to n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// oneLineText folds line breaks of a metadata field into spaces.
func oneLineText(s string, n int) string {
	return clip(strings.Join(strings.Fields(s), " "), n)
}
