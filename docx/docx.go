// Package docx turns a clerk's Word file (.docx) or plain text file
// (.txt) into the Markdown body of a notice: headings, numbered and
// bullet lists, tables (as the pipe tables the screens draw), bold and
// italic. Pictures are counted, not imported: they go in as attachments.
//
// A .docx is a zip of XML parts (ECMA-376, "Office Open XML"); this
// package reads the three it needs (document, styles, numbering) with
// archive/zip and encoding/xml. No Go library for reading .docx is both
// well kept and reachable here, and the part of the format a notice
// uses is small. Every read is bounded: the file, each part (however
// much its zip entry claims), the number of elements and their depth, so
// a zip bomb or a hostile file costs a bounded amount of memory and ends
// in one line of error.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	textunicode "golang.org/x/text/encoding/unicode"
)

// Limits of what is read. A long Word notice is a few hundred KiB; the
// limits leave room for that and stop a hostile file early.
const (
	MaxFile     = 32 << 20 // bytes of the .docx or .txt file
	MaxPart     = 16 << 20 // bytes of one XML part, uncompressed
	MaxEntries  = 5_000    // files inside the zip
	MaxElements = 1 << 20  // XML elements of one part
	MaxDepth    = 128      // XML elements inside each other
)

// ErrNotDocx is the error of a file that is not a Word .docx.
var ErrNotDocx = errors.New("not a Word .docx file")

// Doc is an imported document.
type Doc struct {
	Markdown string
	// Pictures is how many pictures the Word file holds: they are not
	// imported, and the clerk adds them as attachments.
	Pictures int
}

// File imports a .docx or .txt file, chosen by its extension.
func File(name string) (*Doc, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", filepath.Base(name), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", filepath.Base(name), err)
	}
	if len(data) > MaxFile {
		return nil, fmt.Errorf("import %s: the file is over %d MiB", filepath.Base(name), MaxFile>>20)
	}
	var d *Doc
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".docx":
		d, err = Read(data)
	case ".txt":
		var md string
		md, err = Text(data)
		d = &Doc{Markdown: md}
	default:
		err = fmt.Errorf("%q files cannot be imported: use a Word .docx or a .txt file", ext)
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", filepath.Base(name), err)
	}
	return d, nil
}

// Read imports the bytes of a .docx file.
func Read(data []byte) (*Doc, error) {
	if len(data) > MaxFile {
		return nil, fmt.Errorf("the file is over %d MiB", MaxFile>>20)
	}
	if bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")) {
		return nil, fmt.Errorf("%w: it is an old Word .doc; open it in Word or WPS and save it as .docx", ErrNotDocx)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotDocx, err)
	}
	if len(zr.File) > MaxEntries {
		return nil, fmt.Errorf("%w: it holds %d files, over %d", ErrNotDocx, len(zr.File), MaxEntries)
	}
	p := &pkg{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		p.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	main := p.mainPart()
	doc, err := p.part(main)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, fmt.Errorf("%w: it has no %s", ErrNotDocx, main)
	}
	c := &converter{styles: map[string]int{}, numbering: numbering{abstract: map[string]map[string]level{}, num: map[string]string{}}}
	dir := path.Dir(main)
	if st, err := p.part(path.Join(dir, "styles.xml")); err != nil {
		return nil, err
	} else if st != nil {
		c.readStyles(st)
	}
	if nb, err := p.part(path.Join(dir, "numbering.xml")); err != nil {
		return nil, err
	} else if nb != nil {
		c.numbering.read(nb)
	}
	body := doc.child("body")
	if doc.name != "document" || body == nil {
		return nil, fmt.Errorf("%w: %s has no document body", ErrNotDocx, main)
	}
	c.blocks(body)
	md := strings.TrimRight(c.out.String(), "\n")
	if md != "" {
		md += "\n"
	}
	return &Doc{Markdown: md, Pictures: p.pictures}, nil
}

// pkg is the zip of a .docx.
type pkg struct {
	files    map[string]*zip.File
	pictures int // in the parts read
}

// mainPart finds the document part through the package's relationships
// (_rels/.rels); Word and pandoc name it word/document.xml.
func (p *pkg) mainPart() string {
	const fallback = "word/document.xml"
	rels, err := p.part("_rels/.rels")
	if err != nil || rels == nil {
		return fallback
	}
	for _, r := range rels.kids {
		if r.name == "Relationship" && strings.HasSuffix(r.attr["Type"], "/officeDocument") {
			if t := strings.TrimPrefix(path.Clean("/"+r.attr["Target"]), "/"); t != "" && p.files[t] != nil {
				return t
			}
		}
	}
	return fallback
}

// part reads and parses one XML part, nil if the package has none.
func (p *pkg) part(name string) (*node, error) {
	f := p.files[name]
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotDocx, name, err)
	}
	defer rc.Close()
	// The entry's own size is what the file claims; the limit is what
	// is read.
	n, pictures, err := parse(&limited{r: rc, n: MaxPart})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotDocx, name, err)
	}
	p.pictures += pictures
	return n, nil
}

// limited is io.LimitReader that fails, rather than ends, past its limit:
// a part cut short must not be read as if it were whole.
type limited struct {
	r io.Reader
	n int64
}

func (l *limited) Read(b []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("over %d MiB uncompressed", MaxPart>>20)
	}
	if int64(len(b)) > l.n {
		b = b[:l.n]
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	return n, err
}

// node is an XML element: its local name, the attributes this package
// reads (by local name), its children, and its text.
type node struct {
	name string
	attr map[string]string
	kids []*node
	text string
}

func (n *node) child(name string) *node {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// val is the w:val of the child named name, "" when it has none.
func (n *node) val(name string) string {
	if c := n.child(name); c != nil {
		return c.attr["val"]
	}
	return ""
}

// on says whether a toggle property (w:b, w:i) is set: present, and
// not switched off with val="0", "false" or "off".
func (n *node) on(name string) bool {
	c := n.child(name)
	if c == nil {
		return false
	}
	switch c.attr["val"] {
	case "0", "false", "off", "none":
		return false
	}
	return true
}

// skipped are elements whose content is never part of the notice's text:
// drawings (counted as pictures), deleted text of tracked changes, field
// codes, the fallback copy of alternate content, section and page setup.
var skipped = map[string]bool{
	"drawing": true, "pict": true, "object": true, "del": true, "delText": true,
	"instrText": true, "Fallback": true, "sectPr": true, "footnoteReference": true,
	"endnoteReference": true, "commentReference": true, "fldData": true, "rPrChange": true, "pPrChange": true,
}

// kept are the elements this package reads. Others are left out of the
// tree (a run's fonts, sizes, colours are most of a Word file's
// elements), except that the content of unknown wrappers under a
// paragraph, a cell or the body (hyperlinks, inserted text, smart tags,
// content controls) is kept.
var kept = map[string]bool{
	"document": true, "body": true, "p": true, "pPr": true, "pStyle": true, "numPr": true, "ilvl": true, "numId": true,
	"outlineLvl": true, "r": true, "rPr": true, "b": true, "i": true, "t": true, "tab": true,
	"br": true, "cr": true, "tbl": true, "tr": true, "tc": true, "tcPr": true, "gridSpan": true, "vMerge": true,
	"styles": true, "style": true, "name": true, "numbering": true, "abstractNum": true,
	"lvl": true, "numFmt": true, "lvlText": true, "start": true, "num": true, "abstractNumId": true, "Relationships": true, "Relationship": true,
}

// attrs are the attributes this package reads.
var attrs = map[string]bool{"val": true, "styleId": true, "type": true, "numId": true, "abstractNumId": true, "ilvl": true, "Type": true, "Target": true}

// wrapper says whether an unknown element under parent may hold content
// this package reads.
func wrapper(parent string) bool {
	return !kept[parent] || parent == "p" || parent == "body" || parent == "tc" || parent == "document"
}

// parse reads an XML part into a tree of the elements this package
// reads, within MaxElements and MaxDepth, and counts its pictures.
func parse(r io.Reader) (root *node, pictures int, err error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	var stack []*node // nil for an element read but left out of the tree
	elements, skip := 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			elements++
			if elements > MaxElements {
				return nil, 0, fmt.Errorf("over %d XML elements", MaxElements)
			}
			if len(stack)+skip >= MaxDepth {
				return nil, 0, fmt.Errorf("XML nested over %d deep", MaxDepth)
			}
			name := t.Name.Local
			if skip > 0 || skipped[name] {
				if skip == 0 && (name == "drawing" || name == "pict") {
					pictures++
				}
				skip++
				continue
			}
			var parent *node
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			if len(stack) > 0 && (parent == nil || !kept[name] && !wrapper(parent.name)) {
				stack = append(stack, nil)
				continue
			}
			n := &node{name: name}
			for _, a := range t.Attr {
				if attrs[a.Name.Local] {
					if n.attr == nil {
						n.attr = map[string]string{}
					}
					n.attr[a.Name.Local] = a.Value
				}
			}
			if parent == nil {
				if root != nil {
					return nil, 0, fmt.Errorf("more than one root element")
				}
				root = n
			} else {
				parent.kids = append(parent.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if len(stack) == 0 {
				return nil, 0, fmt.Errorf("an end tag without a start")
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if skip == 0 && len(stack) > 0 && stack[len(stack)-1] != nil && stack[len(stack)-1].name == "t" {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, 0, fmt.Errorf("the XML is incomplete")
	}
	return root, pictures, nil
}

// numbering is numbering.xml: how each level of each list is numbered.
type numbering struct {
	abstract map[string]map[string]level // abstractNumId → ilvl → its numbering
	num      map[string]string           // numId → abstractNumId
}

// level is one level of a list as Word numbers it.
type level struct {
	format string // numFmt: "bullet", "decimal", "chineseCounting", …
	text   string // lvlText: "%1、", "（%1）": where the numbers go
}

func (nb *numbering) read(root *node) {
	for _, k := range root.kids {
		switch k.name {
		case "abstractNum":
			lv := map[string]level{}
			for _, l := range k.kids {
				if l.name == "lvl" {
					lv[l.attr["ilvl"]] = level{format: l.val("numFmt"), text: l.val("lvlText")}
				}
			}
			nb.abstract[k.attr["abstractNumId"]] = lv
		case "num":
			nb.num[k.attr["numId"]] = k.val("abstractNumId")
		}
	}
}

// level is how level ilvl of list numID is numbered.
func (nb *numbering) level(numID, ilvl string) level {
	return nb.abstract[nb.num[numID]][ilvl]
}

// chinese says whether the level counts in Chinese numerals (一、二、,
// （一）, 甲、乙、, 壹、贰、): the way official documents number their
// parts. Markdown has no such list, and "1." would change the
// document's words, so such a paragraph is written with its number as
// text.
func (l level) chinese() bool {
	switch l.format {
	case "chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional",
		"ideographZodiac", "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting":
		return true
	}
	return false
}

// label is the number of a paragraph at this level as Word shows it:
// lvlText with %1…%9 replaced by the counters of those levels.
func (l level) label(counters []int, levels func(int) level) string {
	text := l.text
	if text == "" {
		text = "%" + strconv.Itoa(len(counters)) + "、"
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] == '%' && i+1 < len(text) && text[i+1] >= '1' && text[i+1] <= '9' {
			at := int(text[i+1] - '1')
			if at < len(counters) {
				b.WriteString(levels(at).numeral(counters[at]))
			}
			i++
			continue
		}
		b.WriteByte(text[i])
	}
	return b.String()
}

// numeral is n in this level's numerals; decimal for formats this
// package does not spell, and beyond what a format can count.
func (l level) numeral(n int) string {
	switch l.format {
	case "ideographTraditional":
		if n >= 1 && n <= 10 {
			return string([]rune("甲乙丙丁戊己庚辛壬癸")[n-1])
		}
	case "ideographZodiac":
		if n >= 1 && n <= 12 {
			return string([]rune("子丑寅卯辰巳午未申酉戌亥")[n-1])
		}
	case "chineseLegalSimplified":
		return chineseNumber(n, []rune("零壹贰叁肆伍陆柒捌玖"), []rune("拾佰仟"))
	case "ideographDigital":
		if n >= 0 && n < 100_000 {
			var b strings.Builder
			for _, d := range strconv.Itoa(n) {
				b.WriteRune([]rune("〇一二三四五六七八九")[d-'0'])
			}
			return b.String()
		}
	case "chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting":
		return chineseNumber(n, []rune("零一二三四五六七八九"), []rune("十百千"))
	case "bullet":
		return ""
	}
	return strconv.Itoa(n)
}

// chineseNumber spells 1 ≤ n ≤ 9,999 with digits and the units ten,
// hundred, thousand: 十, 十一, 二十, 一百零五, 一千零一十. Other n are
// decimal.
func chineseNumber(n int, digits, units []rune) string {
	if n < 1 || n > 9_999 {
		return strconv.Itoa(n)
	}
	var b []rune
	zero := false
	for i, p := 3, 1000; i >= 0; i, p = i-1, p/10 {
		d := n / p % 10
		switch {
		case d == 0:
			zero = len(b) > 0
		default:
			if zero {
				b = append(b, digits[0])
				zero = false
			}
			if !(d == 1 && i == 1 && len(b) == 0) { // 十一, not 一十一
				b = append(b, digits[d])
			}
			if i > 0 {
				b = append(b, units[i-1])
			}
		}
	}
	return string(b)
}

// readStyles finds the heading styles: named "heading N" (Word's own
// name, whatever the language of the user interface shows), "标题 N",
// or with an outline level.
func (c *converter) readStyles(root *node) {
	for _, s := range root.kids {
		if s.name != "style" || s.attr["type"] != "paragraph" {
			continue
		}
		id, name := s.attr["styleId"], strings.ToLower(strings.TrimSpace(s.val("name")))
		level := 0
		for _, prefix := range []string{"heading", "标题"} {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				if n, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil && n >= 1 && n <= 9 {
					level = n
				}
			}
		}
		if name == "title" || name == "标题" {
			level = 1
		}
		if level == 0 {
			if ppr := s.child("pPr"); ppr != nil {
				if n, err := strconv.Atoi(ppr.val("outlineLvl")); err == nil && n >= 0 && n <= 8 {
					level = n + 1
				}
			}
		}
		if level > 0 {
			c.styles[id] = level
		}
	}
}

// converter writes the Markdown of a document body.
type converter struct {
	styles    map[string]int // paragraph style id → heading level
	numbering numbering
	out       strings.Builder
	inList    bool
	// chinese are the counters of lists numbered 一、二、, by numId:
	// they count on across the paragraphs between their items, as Word's
	// do
	chinese  map[string]*[10]int
	listID   string  // numId of the top level of the list being written
	listBase int     // the level of its first item
	counters [10]int // numbers of the ordered list items, by level
}

// blocks converts the paragraphs and tables of body (or of a content
// control inside it).
func (c *converter) blocks(body *node) {
	for _, k := range body.kids {
		switch k.name {
		case "p":
			c.paragraph(k)
		case "tbl":
			c.endList()
			c.table(k)
		default:
			c.blocks(k) // sdt, customXml, inserted paragraphs: their content counts
		}
	}
	c.endList()
}

func (c *converter) endList() {
	if c.inList {
		c.out.WriteString("\n")
		c.inList = false
		c.counters = [10]int{}
	}
}

func (c *converter) paragraph(p *node) {
	text := c.inline(p, false)
	ppr := p.child("pPr")
	if strings.TrimSpace(text) == "" {
		return
	}
	if ppr != nil {
		if level, ok := c.styles[ppr.val("pStyle")]; ok {
			c.endList()
			fmt.Fprintf(&c.out, "%s %s\n\n", strings.Repeat("#", min(level, 6)), c.inline(p, true))
			return
		}
		if np := ppr.child("numPr"); np != nil && np.val("numId") != "" && np.val("numId") != "0" {
			level, _ := strconv.Atoi(np.val("ilvl"))
			// markdown.MaxDepth bounds how deep lists nest on a screen
			level = max(0, min(level, 6))
			lv := c.numbering.level(np.val("numId"), np.val("ilvl"))
			if lv.chinese() {
				c.endList()
				c.numberedParagraph(np.val("numId"), level, lv, text)
				return
			}
			if c.inList && level == 0 && np.val("numId") != c.listID {
				c.endList() // another list begins
			}
			if !c.inList {
				// a list that begins below its top level (under an
				// item numbered 一、, written as a paragraph) is
				// indented from there, not as a code block
				c.listID, c.listBase = np.val("numId"), level
			}
			c.inList = true
			marker := "-"
			if lv.format != "bullet" {
				c.counters[level]++
				for i := level + 1; i < len(c.counters); i++ {
					c.counters[i] = 0
				}
				marker = strconv.Itoa(c.counters[level]) + "."
			}
			fmt.Fprintf(&c.out, "%s%s %s\n", strings.Repeat("    ", max(0, level-c.listBase)), marker, escapeLineStart(strings.TrimSpace(text)))
			return
		}
	}
	c.endList()
	c.out.WriteString(escapeLineStart(strings.TrimSpace(text)))
	c.out.WriteString("\n\n")
}

// numberedParagraph writes an item of a list numbered in Chinese
// numerals as a paragraph that begins with its number: 一、 stays 一、.
func (c *converter) numberedParagraph(numID string, depth int, lv level, text string) {
	if c.chinese == nil {
		c.chinese = map[string]*[10]int{}
	}
	counters := c.chinese[numID]
	if counters == nil {
		counters = new([10]int)
		c.chinese[numID] = counters
	}
	counters[depth]++
	for i := depth + 1; i < len(counters); i++ {
		counters[i] = 0
	}
	levels := func(i int) level { return c.numbering.level(numID, strconv.Itoa(i)) }
	c.out.WriteString(escapeLineStart(lv.label(counters[:depth+1], levels) + strings.TrimSpace(text)))
	c.out.WriteString("\n\n")
}

// inline is the text of a paragraph's runs as Markdown, with bold and
// italic (plain when plain is set: a heading is bold already).
// Neighbouring runs of the same style are joined, so a word Word split
// into five runs is one **word**, not five.
func (c *converter) inline(p *node, plain bool) string {
	type run struct {
		text         string
		bold, italic bool
	}
	var runs []run
	var walk func(n *node)
	walk = func(n *node) {
		for _, k := range n.kids {
			switch k.name {
			case "r":
				rpr := k.child("rPr")
				var b, i bool
				if rpr != nil && !plain {
					b, i = rpr.on("b"), rpr.on("i")
				}
				var s strings.Builder
				for _, t := range k.kids {
					switch t.name {
					case "t":
						s.WriteString(t.text)
					case "tab":
						s.WriteString(" ")
					case "br", "cr":
						s.WriteString(" ")
					}
				}
				runs = append(runs, run{s.String(), b, i})
			case "pPr", "rPr":
			default:
				walk(k) // hyperlinks, inserted text, smart tags
			}
		}
	}
	walk(p)
	var out strings.Builder
	for i := 0; i < len(runs); {
		j, text := i, ""
		for ; j < len(runs) && runs[j].bold == runs[i].bold && runs[j].italic == runs[i].italic; j++ {
			text += runs[j].text
		}
		out.WriteString(emphasis(escape(text), runs[i].bold, runs[i].italic))
		i = j
	}
	return out.String()
}

// emphasis wraps text in ** and * with the spaces and punctuation at its
// ends left outside: "**（一）**" after a letter is not emphasis to a
// Markdown reader, "（**一**）" is.
func emphasis(text string, bold, italic bool) string {
	if !bold && !italic {
		return text
	}
	outside := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) }
	core := strings.TrimFunc(text, outside)
	if core == "" || strings.HasSuffix(core, "\\") {
		return text
	}
	start := strings.Index(text, core)
	mark := ""
	if bold {
		mark += "**"
	}
	if italic {
		mark += "*"
	}
	return text[:start] + mark + core + mark + text[start+len(core):]
}

// table writes a pipe table: the first row is its head (a pipe table has
// one). Merged cells keep the columns in line: a cell spanning columns is
// followed by empty ones, the continuation of a vertical merge is empty.
func (c *converter) table(t *node) {
	var rows [][]string
	cols := 0
	for _, tr := range t.kids {
		if tr.name != "tr" {
			continue
		}
		var row []string
		for _, tc := range tr.kids {
			if tc.name != "tc" {
				continue
			}
			span := 1
			var merged bool
			if pr := tc.child("tcPr"); pr != nil {
				if n, err := strconv.Atoi(pr.val("gridSpan")); err == nil && n > 1 && n <= 64 {
					span = n
				}
				if vm := pr.child("vMerge"); vm != nil && vm.attr["val"] != "restart" {
					merged = true
				}
			}
			text := ""
			if !merged {
				text = c.cell(tc)
			}
			row = append(row, text)
			for range span - 1 {
				row = append(row, "")
			}
		}
		cols = max(cols, len(row))
		rows = append(rows, row)
	}
	if len(rows) == 0 || cols == 0 {
		return
	}
	line := func(cells []string) {
		c.out.WriteString("|")
		for i := range cols {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			c.out.WriteString(" " + cell + " |")
		}
		c.out.WriteString("\n")
	}
	line(rows[0])
	sep := make([]string, cols)
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range rows[1:] {
		line(r)
	}
	c.out.WriteString("\n")
}

// cell is a table cell's text on one line: its paragraphs joined with a
// space, a table inside it flattened, pipes escaped.
func (c *converter) cell(tc *node) string {
	var parts []string
	var walk func(n *node)
	walk = func(n *node) {
		for _, k := range n.kids {
			switch k.name {
			case "p":
				if s := strings.TrimSpace(c.inline(k, false)); s != "" {
					parts = append(parts, s)
				}
			case "tcPr":
			default:
				walk(k)
			}
		}
	}
	walk(tc)
	return strings.Join(parts, " ") // escape has escaped its pipes
}

// escape makes text literal in Markdown: the characters that start
// emphasis, code, links or HTML are escaped with a backslash.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			r = ' ' // control characters: a field or a tab in Word
		}
		if strings.ContainsRune("\\`*_[]<>|#~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeLineStart keeps an ordinary paragraph from starting a list, a
// quote or a heading: "1. 总则" typed by hand, "- 注", "+86".
func escapeLineStart(s string) string {
	switch {
	case s == "":
		return s
	case strings.ContainsRune("-+>=", rune(s[0])):
		return "\\" + s
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + "\\" + s[i:]
	}
	return s
}

// Text imports a plain text file: UTF-8 (with or without a byte order
// mark), or GB18030/GBK as Windows Notepad in Chinese saved it for
// years. Each line is a paragraph, as Chinese text files are written.
func Text(data []byte) (string, error) {
	if len(data) > MaxFile {
		return "", fmt.Errorf("the file is over %d MiB", MaxFile>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) {
		// "Unicode" in Notepad's save dialog: UTF-16 with a byte order mark
		dec, err := textunicode.UTF16(textunicode.LittleEndian, textunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("not a text file in UTF-16: %v", err)
		}
		data = dec
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", fmt.Errorf("not a text file (it holds zero bytes: a UTF-16 or binary file)")
	}
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(dec) {
			return "", fmt.Errorf("not a text file in UTF-8 or GB18030")
		}
		data = dec
	}
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(strings.ReplaceAll(l, "\u3000", " "))
		if l == "" {
			continue
		}
		b.WriteString(escapeLineStart(escape(l)))
		b.WriteString("\n\n")
	}
	return b.String(), nil
}
