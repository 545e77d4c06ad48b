package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/markdown"
)

// pandocDocx has Debian's pandoc (scripts/deps.sh installs it) write a
// .docx from Markdown: a Word file made by a third party, not by us.
func pandocDocx(t testing.TB, md string) []byte {
	t.Helper()
	if _, err := exec.LookPath("pandoc"); err != nil {
		t.Fatal("pandoc is not installed: run scripts/deps.sh")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.md"), filepath.Join(dir, "out.docx")
	if err := os.WriteFile(in, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command("pandoc", "--from", "gfm", in, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("pandoc: %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A notice written in Markdown, made a Word file by pandoc, comes back
// as the same Markdown: headings, lists (nested, numbered, bullets),
// tables, bold and italic. And what comes back is a fixed point: made a
// Word file again, it imports the same.
func TestPandocRoundTrip(t *testing.T) {
	for _, c := range []struct{ name, md, want string }{
		{"headings and emphasis", "# 柳塘村2026年低保公示\n\n为做好**最低生活保障**工作，现将*有关事项*公示如下。\n\n## 一、公示对象\n\n### 联系方式\n\n电话 021-58881234。\n", ""},
		{"numbered list with a bullet list inside", "1. 张三户\n2. 李四户\n    - 子项甲\n    - 子项乙\n3. 王五户\n", ""},
		{"two lists in a row", "1. 第一\n2. 第二\n\n- 材料一\n- 材料二\n", "1. 第一\n2. 第二\n\n- 材料一\n- 材料二\n"},
		{"table", "| 户主 | 人数 | 金额 |\n| --- | --- | --- |\n| 张三 | 3 | 1,200元 |\n| **李四** | 2 | 800元 |\n", ""},
		{"table with an empty cell and a pipe", "| 材料 | 备注 |\n| --- | --- |\n| 户口簿 |  |\n| 证明 | 原件\\|复印件 |\n", ""},
		{"characters Markdown would read", "价格 5\\*3 元，文件名 a\\_b\\_c，\\[注\\]，\\<附件\\>。\n", ""},
		{"a paragraph that looks like a list", "2026\\. 年度总结\n\n\\- 不是列表\n", ""},
		{"bold then plain in one word", "**青禾镇**人民政府\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			if want == "" {
				want = c.md
			}
			d, err := Read(pandocDocx(t, c.md))
			if err != nil {
				t.Fatal(err)
			}
			if d.Markdown != want {
				t.Fatalf("imported:\n%s\nwant:\n%s", d.Markdown, want)
			}
			if p := markdown.Check(d.Markdown, 0); len(p) > 0 {
				t.Fatalf("the screens refuse it: %v", p)
			}
			again, err := Read(pandocDocx(t, d.Markdown))
			if err != nil || again.Markdown != d.Markdown {
				t.Fatalf("not a fixed point: %v\n%s", err, again.Markdown)
			}
		})
	}
}

// A picture in the Word file is counted, not imported, and its text
// around it stays.
func TestPandocPicture(t *testing.T) {
	dir := t.TempDir()
	png := filepath.Join(dir, "map.png")
	// a 1×1 PNG
	if err := os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Read(pandocDocx(t, "四至范围见图：\n\n!["+"示意图"+"]("+png+")\n\n以上。\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Pictures != 1 || !strings.Contains(d.Markdown, "四至范围见图：") || !strings.Contains(d.Markdown, "以上。") || strings.Contains(d.Markdown, "png") {
		t.Fatalf("pictures %d, markdown:\n%s", d.Pictures, d.Markdown)
	}
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// zipOf builds a .docx from its parts.
func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func document(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` + body + `<w:sectPr/></w:body></w:document>`
}

// What Word itself writes and pandoc does not: Chinese style names and
// numeric style ids, outline levels, bold switched off, tracked
// deletions, field codes, merged cells, hyperlinks, content controls.
func TestWordMarkup(t *testing.T) {
	styles := `<w:styles ` + wordNS + `>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="标题 2"/></w:style>
<w:style w:type="paragraph" w:styleId="x"><w:name w:val="公告小标题"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="a5"><w:name w:val="List Paragraph"/></w:style>
</w:styles>`
	numbering := `<w:numbering ` + wordNS + `>
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl><w:lvl w:ilvl="2"><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="7"><w:abstractNumId w:val="2"/></w:num><w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`
	p := func(style, runs string) string {
		return `<w:p><w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>` + runs + `</w:p>`
	}
	r := func(rpr, text string) string {
		return `<w:r><w:rPr>` + rpr + `<w:rFonts w:ascii="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">` + text + `</w:t></w:r>`
	}
	li := func(num, text string) string {
		return `<w:p><w:pPr><w:pStyle w:val="a5"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="` + num + `"/></w:numPr></w:pPr>` + r("", text) + `</w:p>`
	}
	lvl := func(ilvl, text string) string {
		return `<w:p><w:pPr><w:numPr><w:ilvl w:val="` + ilvl + `"/><w:numId w:val="7"/></w:numPr></w:pPr>` + r("", text) + `</w:p>`
	}
	for _, c := range []struct{ name, body, want string }{
		{"heading by numeric id", p("1", r("<w:b/>", "关于征收土地的公告")), "# 关于征收土地的公告\n"},
		{"heading by Chinese name", p("a3", r("", "一、征收范围")), "## 一、征收范围\n"},
		{"heading by outline level", p("x", r("", "（一）四至")), "### （一）四至\n"},
		{"bold off, bold on, split runs", p("", r(`<w:b w:val="0"/>`, "普通")+r("<w:b/>", "加")+r(`<w:b w:val="true"/>`, "粗")+r("", "。")), "普通**加粗**。\n"},
		{"italic and bold together", p("", r("<w:b/><w:i/>", "重要")), "***重要***\n"},
		{"punctuation outside the bold", p("", r("", "见")+r("<w:b/>", "（一）")+r("", "项")), "见（**一**）项\n"},
		{"tracked deletion and field code dropped", p("", r("", "保留")+`<w:del><w:r><w:delText>删掉</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r>`+`<w:ins><w:r><w:t>插入</w:t></w:r></w:ins>`), "保留插入\n"},
		{"hyperlink text kept", p("", `<w:hyperlink r:id="rId9" xmlns:r="r"><w:r><w:t>网上办理</w:t></w:r></w:hyperlink>`), "网上办理\n"},
		{"content control", `<w:sdt><w:sdtPr/><w:sdtContent>` + p("", r("", "控件内文字")) + `</w:sdtContent></w:sdt>`, "控件内文字\n"},
		{"Chinese numbering keeps its numerals, bullets a bullet list", li("5", "第一项") + li("5", "第二项") + li("6", "要点"), "一、第一项\n\n二、第二项\n\n- 要点\n"},
		{"Chinese numbering counts on across paragraphs, decimal below it is a list",
			lvl("0", "征收范围") + p("", r("", "说明文字。")) + lvl("1", "四至") + lvl("1", "面积") + lvl("2", "东至河") + lvl("2", "西至路") + lvl("0", "补偿标准") + lvl("1", "安置"),
			"一、征收范围\n\n说明文字。\n\n（一）四至\n\n（二）面积\n\n1. 东至河\n2. 西至路\n\n二、补偿标准\n\n（一）安置\n"},
		{"tab and line break are spaces", p("", `<w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r>`), "甲 乙 丙\n"},
		{"hand-typed number escaped", p("", r("", "1. 总则")), "1\\. 总则\n"},
		{"control characters become spaces", p("", r("", "甲\x01乙")), ""},
		{"merged cells keep the columns", `<w:tbl><w:tblPr/><w:tblGrid/>` +
			`<w:tr><w:tc><w:p><w:r><w:t>村</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>面积</w:t></w:r></w:p></w:tc></w:tr>` +
			`<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>柳塘</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1.2</w:t></w:r></w:p><w:p><w:r><w:t>亩</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>` +
			`<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>a|b</w:t></w:r></w:p></w:tc></w:tr>` +
			`</w:tbl>`, "| 村 | 面积 |  |\n| --- | --- | --- |\n| 柳塘 | 1.2 亩 |  |\n|  | a\\|b |  |\n"},
		{"pictures counted", p("", `<w:r><w:drawing><wp:inline xmlns:wp="wp"><a:blip xmlns:a="a"/></wp:inline></w:drawing></w:r>`) + p("", r("", "图下文字")), "图下文字\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.want == "" {
				c.body = strings.ReplaceAll(c.body, "\x01", "&#x9;")
				c.want = "甲 乙\n"
			}
			d, err := Read(zipOf(t, map[string]string{
				"word/document.xml": document(c.body), "word/styles.xml": styles, "word/numbering.xml": numbering,
			}))
			if err != nil {
				t.Fatal(err)
			}
			if d.Markdown != c.want {
				t.Fatalf("imported:\n%q\nwant:\n%q", d.Markdown, c.want)
			}
			if strings.Contains(c.name, "pictures") != (d.Pictures == 1) {
				t.Fatalf("pictures %d", d.Pictures)
			}
		})
	}
}

// Word's Chinese numerals, as official documents number their parts.
func TestChineseNumerals(t *testing.T) {
	for _, c := range []struct {
		format string
		n      int
		want   string
	}{
		{"chineseCounting", 1, "一"}, {"chineseCounting", 10, "十"}, {"chineseCounting", 11, "十一"},
		{"chineseCounting", 20, "二十"}, {"chineseCounting", 105, "一百零五"}, {"chineseCounting", 110, "一百一十"},
		{"chineseCounting", 1010, "一千零一十"}, {"chineseCounting", 9999, "九千九百九十九"}, {"chineseCounting", 10000, "10000"},
		{"chineseCounting", 0, "0"}, {"chineseLegalSimplified", 23, "贰拾叁"}, {"ideographTraditional", 3, "丙"},
		{"ideographTraditional", 11, "11"}, {"ideographDigital", 2026, "二〇二六"}, {"decimal", 7, "7"}, {"upperRoman", 4, "4"},
	} {
		if got := (level{format: c.format}).numeral(c.n); got != c.want {
			t.Errorf("%s %d = %q, want %q", c.format, c.n, got, c.want)
		}
	}
}

// The document part is found through the package's relationships.
func TestMainPartFromRelationships(t *testing.T) {
	d, err := Read(zipOf(t, map[string]string{
		"_rels/.rels":     `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/doc/main.xml"/></Relationships>`,
		"doc/main.xml":    document(`<w:p><w:r><w:t>正文</w:t></w:r></w:p>`),
		"doc/styles.xml":  `<w:styles ` + wordNS + `/>`,
		"word/readme.txt": "x",
	}))
	if err != nil || d.Markdown != "正文\n" {
		t.Fatalf("%v %+v", err, d)
	}
}

// Hostile and broken files: one line of error each, within bounded
// memory.
func TestHostile(t *testing.T) {
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte(`<w:document ` + wordNS + `><w:body><w:p><w:r><w:t>`))
	zeros := bytes.Repeat([]byte("公"), 1<<18)
	for range 200 { // 200 MiB of text, a few hundred KiB compressed
		w.Write(zeros)
	}
	zw.Close()

	deep := strings.Repeat("<w:tbl><w:tr><w:tc>", 100) + strings.Repeat("</w:tc></w:tr></w:tbl>", 100)
	many := strings.Repeat("<w:p/>", MaxElements+1)
	entries := map[string]string{"word/document.xml": document("")}
	for i := range MaxEntries {
		entries[filepath.Join("x", string(rune('a'+i%26)), strings.Repeat("f", 1+i/26))] = ""
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("这不是Word文件"), "not a Word .docx file"},
		{"empty", nil, "not a Word .docx file"},
		{"old .doc", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 600)...), "old Word .doc"},
		{"no document.xml", zipOf(t, map[string]string{"word/styles.xml": "<w:styles/>"}), "has no word/document.xml"},
		{"zip bomb", bomb.Bytes(), "over 16 MiB uncompressed"},
		{"deep nesting", zipOf(t, map[string]string{"word/document.xml": document(deep)}), "nested over 128 deep"},
		{"too many elements", zipOf(t, map[string]string{"word/document.xml": document(many)}), "over 1048576 XML elements"},
		{"not XML", zipOf(t, map[string]string{"word/document.xml": "<w:document><w:body>"}), "XML"},
		{"not a document", zipOf(t, map[string]string{"word/document.xml": `<html><body/></html>`}), "has no document body"},
		{"too many files", zipOf(t, entries), "over 5000"},
		{"a folder named document.xml", zipOf(t, map[string]string{"word/document.xml/": ""}), "has no word/document.xml"},
		{"styles are not XML", zipOf(t, map[string]string{"word/document.xml": document(""), "word/styles.xml": "<<<"}), "styles.xml"},
		{"over the file limit", make([]byte, MaxFile+1), "over 32 MiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			d, err := Read(c.data)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatalf("accepted: %q", d.Markdown)
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want one line saying %q", err, c.want)
			}
			if c.name != "over the file limit" && !errors.Is(err, ErrNotDocx) {
				t.Errorf("error %v is not ErrNotDocx", err)
			}
			// Allocation, not time: a bomb is read through a limit.
			if a := after.TotalAlloc - before.TotalAlloc; a > 400<<20 {
				t.Errorf("allocated %d MiB", a>>20)
			}
		})
	}
}

// .txt: UTF-8 with or without BOM, GB18030 as Notepad saves it, Windows
// line ends; each line a paragraph, Markdown characters escaped.
func TestText(t *testing.T) {
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String("关于开展秋季义务教育入学登记的通知\r\n\r\n一、登记时间\r\n")
	for _, c := range []struct {
		name, in, want, err string
	}{
		{"utf-8", "通知\n\n  正文第一段\n正文第二段\n", "通知\n\n正文第一段\n\n正文第二段\n\n", ""},
		{"bom and crlf", "\uFEFF通知\r\n正文\r\n", "通知\n\n正文\n\n", ""},
		{"gb18030", gbk, "关于开展秋季义务教育入学登记的通知\n\n一、登记时间\n\n", ""},
		{"markdown characters", "# 不是标题\n1. 不是列表\n*不是强调* a|b\n", "\\# 不是标题\n\n1\\. 不是列表\n\n\\*不是强调\\* a\\|b\n\n", ""},
		{"utf-16 as Notepad's Unicode", "\xff\xfe\x1a\x90\xe5\x77\n\x00", "通知\n\n", ""},
		{"utf-16 without its mark", "\x1a\x90\xe5\x77\n\x00", "", "zero bytes"},
		{"binary", "\x00\x01\x02", "", "not a text file"},
	} {
		got, err := Text([]byte(c.in))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %v %q, want %q", c.name, err, got, c.want)
		}
	}
}

// File picks the reader by extension and names the file in its error.
func TestFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("正文\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.docx"), []byte("not a zip"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.pdf"), []byte("%PDF"), 0o644)
	if d, err := File(filepath.Join(dir, "a.txt")); err != nil || d.Markdown != "正文\n\n" {
		t.Errorf("a.txt: %v %v", d, err)
	}
	for name, want := range map[string]string{"b.docx": "import b.docx: not a Word .docx file", "c.pdf": `import c.pdf: ".pdf" files cannot be imported`, "none.docx": "import none.docx: open"} {
		if _, err := File(filepath.Join(dir, name)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
}

func FuzzDocx(f *testing.F) {
	f.Add(zipOf(f, map[string]string{"word/document.xml": document(`<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>甲</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`)}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Read(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		if !strings.HasSuffix(d.Markdown, "\n") && d.Markdown != "" {
			t.Fatalf("markdown %q", d.Markdown)
		}
	})
}

// FuzzDocxPart feeds the XML reader directly: the zip layer's checksums
// keep most random bytes from ever reaching it through FuzzDocx.
func FuzzDocxPart(f *testing.F) {
	f.Add(document(`<w:p><w:pPr><w:numPr><w:ilvl w:val="9"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>x</w:t></w:r></w:p>`))
	f.Add(document(`<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="99999"/></w:tcPr></w:tc></w:tr></w:tbl>`))
	f.Fuzz(func(t *testing.T, xml string) {
		d, err := Read(zipOf(t, map[string]string{"word/document.xml": xml, "word/styles.xml": xml, "word/numbering.xml": xml}))
		if err == nil && strings.Contains(d.Markdown, "\x00") {
			t.Fatalf("markdown %q", d.Markdown)
		}
	})
}
