package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
)

// gbk is 村务公开 in GBK, as an old Windows editor would save it.
const gbk = "\xb4\xe5\xce\xf1\xb9\xab\xbf\xaa"

func TestParseSourceRefusals(t *testing.T) {
	type tc struct {
		name  string
		setup func(t *testing.T, src string) // changes the valid source
		file  string                         // file the error must name
		line  int                            // line it must name; -1: any
		msg   string                         // part of the message
	}
	lines := func(l []string) func(*testing.T, string) {
		return func(t *testing.T, src string) {
			writeFiles(t, src, map[string]string{landFile: strings.Join(l, "\n") + "\n"})
		}
	}
	files := func(m map[string]string) func(*testing.T, string) {
		return func(t *testing.T, src string) { writeFiles(t, src, m) }
	}
	tests := []tc{}
	// Each required field, missing: the error points at the front matter.
	for _, f := range []struct {
		key  string
		line int
	}{{"id", 2}, {"title", 3}, {"category", 4}, {"agency", 5}, {"published", 6}, {"locations", 7}} {
		tests = append(tests,
			tc{"missing " + f.key, lines(withoutLine(f.line)), landFile, 1, f.key},
			tc{"empty " + f.key, lines(withLine(f.line, f.key+": ")), landFile, f.line, f.key},
		)
	}
	tests = append(tests, []tc{
		{"unknown category", lines(withLine(4, "category: tax")), landFile, 4, `"tax"`},
		{"bad date 2026-13-01", lines(withLine(6, "published: 2026-13-01")), landFile, 6, "2026-13-01"},
		{"bad date 2026-02-30", lines(withLine(6, "published: 2026-02-30")), landFile, 6, "2026-02-30"},
		{"bad date tomorrow", lines(withLine(6, "published: tomorrow")), landFile, 6, "tomorrow"},
		{"bad valid_from", lines(withLine(9, "valid_from: 2026-11-31")), landFile, 9, "valid_from"},
		{"bad valid_until", lines(withLine(10, "valid_until: 12/01/2026")), landFile, 10, "valid_until"},
		{"date with time", lines(withLine(6, "published: 2026-11-18T09:00:00+08:00")), landFile, 6, "published"},
		{"duplicate id across files", files(map[string]string{
			"items/zz/copy.md": strings.Join(withLine(12, "priority: urgent"), "\n"),
		}), "items/zz/copy.md", 2, "items/land/land-001.md"},
		{"id upper case", lines(withLine(2, "id: Land-001")), landFile, 2, "Land-001"},
		{"id with space", lines(withLine(2, "id: land 001")), landFile, 2, "land 001"},
		{"id in Chinese", lines(withLine(2, "id: 土地-001")), landFile, 2, "土地-001"},
		{"id with slash", lines(withLine(2, "id: ../land")), landFile, 2, "../land"},
		{"attachment missing", lines(withLine(12, "attachments: [map.png, plan.pdf]")), landFile, 12, "plan.pdf"},
		{"attachment title empty", lines(withLine(12, "attachments: [{file: map.png, title: \"  \"}]")), landFile, 12, "title is empty"},
		{"attachment title too long", lines(withLine(12, "attachments: [{file: map.png, title: "+strings.Repeat("图", 41)+"}]")), landFile, 12, "over 40"},
		{"attachment title with a slash", lines(withLine(12, "attachments: [{file: map.png, title: ../etc}]")), landFile, 12, "slash"},
		{"attachment title with a control", lines(withLine(12, "attachments: [{file: map.png, title: \"图\\x1b[2J\"}]")), landFile, 12, "control"},
		{"attachment unknown key", lines(withLine(12, "attachments: [{file: map.png, name: 图}]")), landFile, 12, `"name"`},
		{"attachment title not text", lines(withLine(12, "attachments: [{file: map.png, title: [a, b]}]")), landFile, 12, "must be text"},
		{"attachment neither path nor map", lines(withLine(12, "attachments: [[map.png]]")), landFile, 12, "must be a path"},
		{"attachment outside via ../", func(t *testing.T, src string) {
			outside := filepath.Join(filepath.Dir(src), filepath.Base(src)+"-secret.txt")
			writeFiles(t, filepath.Dir(outside), map[string]string{filepath.Base(outside): "secret"})
			lines(withLine(12, fmt.Sprintf("attachments: [\"../../../%s\"]", filepath.Base(outside))))(t, src)
		}, landFile, 12, "outside"},
		{"attachment outside via symlink", func(t *testing.T, src string) {
			outside := filepath.Join(t.TempDir(), "secret.pdf")
			writeFiles(t, filepath.Dir(outside), map[string]string{"secret.pdf": "secret"})
			if err := os.Symlink(outside, filepath.Join(src, "items", "land", "link.pdf")); err != nil {
				t.Fatal(err)
			}
			lines(withLine(12, "attachments: [link.pdf]"))(t, src)
		}, landFile, 12, "outside"},
		{"attachment folder via symlink", func(t *testing.T, src string) {
			outside := t.TempDir()
			writeFiles(t, outside, map[string]string{"x.pdf": "secret"})
			if err := os.Symlink(outside, filepath.Join(src, "items", "land", "docs")); err != nil {
				t.Fatal(err)
			}
			lines(withLine(12, "attachments: [docs/x.pdf]"))(t, src)
		}, landFile, 12, "outside"},
		{"attachment is a folder", func(t *testing.T, src string) {
			if err := os.MkdirAll(filepath.Join(src, "items", "land", "dir"), 0o755); err != nil {
				t.Fatal(err)
			}
			lines(withLine(12, "attachments: [dir]"))(t, src)
		}, landFile, 12, "dir"},
		{"attachment over the size cap", func(t *testing.T, src string) {
			f, err := os.Create(filepath.Join(src, "items", "land", "video.mp4"))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(51 << 20); err != nil {
				t.Fatal(err)
			}
			f.Close()
			lines(withLine(12, "attachments: [video.mp4]"))(t, src)
		}, landFile, 12, "video.mp4"},
		{"empty attachment path", lines(withLine(12, `attachments: [""]`)), landFile, 12, "empty"},
		{"GBK in the body", lines(append(append([]string(nil), landLines...), gbk)), landFile, 17, "UTF-8"},
		{"GBK in the title", lines(withLine(3, "title: "+gbk)), landFile, 3, "UTF-8"},
		{"GBK in feed.yaml", files(map[string]string{"feed.yaml": feedYAML + "# " + gbk + "\n"}), "feed.yaml", -1, "UTF-8"},
		{"tab indentation", lines(withLine(5, "\tagency: 青禾镇人民政府")), landFile, 5, "YAML"},
		{"garbage front matter", lines([]string{"---", "}{ ][ :::", "---", "body"}), landFile, 2, "YAML"},
		{"front matter is a list", lines([]string{"---", "- id: x", "---", "body"}), landFile, 2, "YAML"},
		{"unclosed quote", lines(withLine(3, `title: "柳塘村`)), landFile, -1, "YAML"}, // a quoted string runs on over lines
		{"unclosed front matter", lines(withoutLine(13)), landFile, 1, "not closed"},
		{"no front matter", lines(landLines[13:]), landFile, 1, "---"},
		{"front matter not at the top", lines(append([]string{""}, landLines...)), landFile, 1, "---"},
		{"empty file", files(map[string]string{landFile: ""}), landFile, 1, "---"},
		{"unknown field titel", lines(withLine(3, "titel: 柳塘村四组拟征收土地预公告")), landFile, 3, "titel"},
		{"escaped control character in a key", lines(withLine(3, `"ti\rtel": x`)), landFile, 3, "unknown field"},
		{"lone carriage return", lines(withLine(4, "category: land\ragency: x")), landFile, 4, "carriage return"},
		{"bare tag on a list (YAML library panic)", lines(withLine(12, "attachments: !0")), landFile, 2, "YAML"},
		{"bare tag in feed.yaml", files(map[string]string{"feed.yaml": feedYAML[:strings.Index(feedYAML, "locations:")] + "locations: !0\n"}), "feed.yaml", -1, "YAML"},
		{"duplicate field", lines(withLine(8, "title: again")), landFile, 8, "title"},
		{"normative without valid_from", lines(withLine(9, "normative: true")), landFile, 9, "valid_from"},
		{"valid_until before valid_from", lines(withLine(10, "valid_until: 2026-11-17")), landFile, 10, "valid_until"},
		{"bad priority", lines(withExtra("priority: critical")), landFile, 13, "critical"},
		{"bad normative", lines(withExtra("normative: yes")), landFile, 13, "YAML"},
		{"bad posting_days", lines(withLine(11, "posting_days: -2")), landFile, 11, "posting_days"},
		{"posting_days not a number", lines(withLine(11, "posting_days: fourteen")), landFile, 11, "YAML"},
		{"bad location code", lines(withLine(7, `locations: ["3101189012021"]`)), landFile, 7, "3101189012021"},
		{"location code too short", lines(withLine(7, "locations: [3]")), landFile, 7, `"3"`},
		{"location name instead of code", lines(withLine(7, "locations: [柳塘村]")), landFile, 7, "柳塘村"},
		{"locations a single code", lines(withLine(7, "locations: 310118901202")), landFile, 7, "locations"},
		{"locations empty list", lines(withLine(7, "locations: []")), landFile, 7, "empty"},
		{"locations nested list", lines(withLine(7, "locations: [[31]]")), landFile, 7, "list"},
		{"bad url", lines(withExtra("url: example.gov.cn/x")), landFile, 13, "url"},
		{"feed.yaml missing", func(t *testing.T, src string) {
			if err := os.Remove(filepath.Join(src, "feed.yaml")); err != nil {
				t.Fatal(err)
			}
		}, "feed.yaml", -1, "not found"},
		{"feed.yaml unknown field", files(map[string]string{"feed.yaml": feedYAML + "colour: red\n"}), "feed.yaml", 10, "colour"},
		{"feed.yaml bad id", files(map[string]string{"feed.yaml": strings.Replace(feedYAML, "qinghe-town", "Qinghe Town", 1)}), "feed.yaml", 1, "id"},
		{"feed.yaml unknown timezone", files(map[string]string{"feed.yaml": strings.Replace(feedYAML, "Asia/Shanghai", "Asia/Qinghe", 1)}), "feed.yaml", 3, "Asia/Qinghe"},
		{"feed.yaml Local timezone", files(map[string]string{"feed.yaml": strings.Replace(feedYAML, "Asia/Shanghai", "Local", 1)}), "feed.yaml", 3, "Local"},
		{"feed.yaml duplicate category", files(map[string]string{"feed.yaml": strings.Replace(feedYAML, "{id: school,", "{id: land,", 1)}), "feed.yaml", 4, "land"},
		{"feed.yaml bad location", files(map[string]string{"feed.yaml": strings.Replace(feedYAML, `"310118901202"`, `"31x"`, 1)}), "feed.yaml", 7, "31x"},
		{"item file too large", files(map[string]string{landFile: strings.Join(landLines, "\n") + strings.Repeat("正文", MaxSourceFile)}), landFile, -1, "over"},
	}...)

	priv := testKey(1)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, previous := range []bool{false, true} {
				src, out := t.TempDir(), t.TempDir()
				writeSource(t, src, landLines)
				if previous {
					if _, err := build(src, out, Options{Key: priv, Now: testNow}); err != nil {
						t.Fatal(err)
					}
				}
				tc.setup(t, src)
				before := snapshot(t, out)
				_, err := build(src, out, Options{Key: priv, Now: testNow.Add(time.Hour)})
				sameSnapshot(t, before, snapshot(t, out))
				if err == nil {
					t.Fatalf("accepted")
				}
				var se *SourceError
				if !errors.As(err, &se) {
					t.Fatalf("error %q (%T) is not a *SourceError", err, err)
				}
				if se.File != filepath.FromSlash(tc.file) {
					t.Errorf("error names file %q, want %q: %v", se.File, tc.file, err)
				}
				if tc.line >= 0 && se.Line != tc.line {
					t.Errorf("error names line %d, want %d: %v", se.Line, tc.line, err)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, filepath.FromSlash(tc.file)+":") {
					t.Errorf("message %q does not start with the file name", msg)
				}
				if tc.line > 0 && !strings.HasPrefix(msg, fmt.Sprintf("%s:%d: ", filepath.FromSlash(tc.file), tc.line)) {
					t.Errorf("message %q does not start with file:line", msg)
				}
				if !strings.Contains(msg, tc.msg) && !strings.Contains(msg, filepath.FromSlash(tc.msg)) { // a path as the system spells it
					t.Errorf("message %q does not mention %q", msg, tc.msg)
				}
				if strings.Contains(msg, "\n") || len(msg) > 400 {
					t.Errorf("message is not one short line: %q", msg)
				}
			}
		})
	}
}

func TestParseSourceAccepts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		check func(t *testing.T, it feed.Item)
	}{
		{"CRLF line ends", nil, nil}, // built below
		{"BOM", nil, nil},
		{"numeric location codes", withLine(7, "locations: [310118901202, 310118901]"), func(t *testing.T, it feed.Item) {
			if strings.Join(it.Locations, ",") != "310118901202,310118901" {
				t.Errorf("locations = %v", it.Locations)
			}
		}},
		{"locations all", withLine(7, "locations: all"), func(t *testing.T, it feed.Item) {
			if strings.Join(it.Locations, ",") != "all" {
				t.Errorf("locations = %v", it.Locations)
			}
		}},
		{"quoted dates", withLine(6, `published: "2026-11-18"`), func(t *testing.T, it feed.Item) {
			if it.Published != "2026-11-18" {
				t.Errorf("published = %q", it.Published)
			}
		}},
		{"withdrawn", withExtra("withdrawn: 征收范围调整，本公告撤回"), func(t *testing.T, it feed.Item) {
			if it.Withdrawn != "征收范围调整，本公告撤回" {
				t.Errorf("withdrawn = %q", it.Withdrawn)
			}
		}},
		{"attachment with a title", withLine(12, "attachments: [{file: map.png, title: 征收范围示意图}]"), func(t *testing.T, it feed.Item) {
			// the screen's button says the title; the kind comes from the extension
			if len(it.Attachments) != 1 || it.Attachments[0].Name != "征收范围示意图.png" || it.Attachments[0].Type != "image/png" {
				t.Errorf("attachments = %+v", it.Attachments)
			}
		}},
		{"a '---' line in the body", append(append([]string(nil), landLines...), "---", "after a rule"), func(t *testing.T, it feed.Item) {
			if !strings.HasSuffix(it.Body, "---\nafter a rule\n") {
				t.Errorf("body = %q", it.Body)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := t.TempDir()
			writeSource(t, src, landLines)
			content := strings.Join(tc.lines, "\n") + "\n"
			switch tc.name {
			case "CRLF line ends":
				content = strings.Join(landLines, "\r\n") + "\r\n"
			case "BOM":
				content = "\uFEFF" + strings.Join(landLines, "\n") + "\n"
			}
			writeFiles(t, src, map[string]string{landFile: content})
			s, err := ParseSource(src)
			if err != nil {
				t.Fatal(err)
			}
			var land *SourceItem
			for _, si := range s.Items {
				if si.Item.ID == "land-001" {
					land = si
				}
			}
			if land == nil || land.Item.Title != "柳塘村四组拟征收土地预公告" || len(land.Files) != 1 {
				t.Fatalf("land item = %+v", land)
			}
			if land.Path != filepath.FromSlash(landFile) {
				t.Errorf("path = %q", land.Path)
			}
			if tc.check != nil {
				tc.check(t, land.Item)
			}
			if _, err := Publish(s, t.TempDir(), Options{Key: testKey(1), Now: testNow}); err != nil {
				t.Errorf("publish: %v", err)
			}
		})
	}
}

func TestParseSourceIgnores(t *testing.T) {
	src := t.TempDir()
	writeSource(t, src, landLines)
	// A symlinked item file is not followed; READMEs and other files are not items.
	outside := filepath.Join(t.TempDir(), "evil.md")
	writeFiles(t, filepath.Dir(outside), map[string]string{"evil.md": schoolItem})
	if err := os.Symlink(outside, filepath.Join(src, "items", "evil.md")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, src, map[string]string{"items/readme.md": "no front matter", "notes.txt": "x"})
	s, err := ParseSource(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Items) != 2 {
		t.Errorf("%d items, want 2", len(s.Items))
	}
	// Items come in file name order, whatever the directory order.
	if s.Items[0].Item.ID != "land-001" || s.Items[1].Item.ID != "school-2027-001" {
		t.Errorf("order: %s, %s", s.Items[0].Item.ID, s.Items[1].Item.ID)
	}
}

func TestParseSourceEmpty(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{"feed.yaml": feedYAML})
	_, err := ParseSource(src)
	var se *SourceError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "no item") {
		t.Errorf("empty source: %v", err)
	}
	if _, err := ParseSource(filepath.Join(src, "nope")); err == nil {
		t.Errorf("missing source folder accepted")
	}
}

// An aliased YAML list must not be printed whole into an error message: it
// can expand to far more than the file's size.
func TestLocationsAliasBomb(t *testing.T) {
	parts := []string{"&a0 [x, x, x, x, x, x, x, x, x, x]"}
	for i := 1; i < 6; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		parts = append(parts, fmt.Sprintf("&a%d [%s]", i, strings.Repeat(p+", ", 9)+p))
	}
	file := strings.Join(withLine(7, "locations: ["+strings.Join(parts, ", ")+"]"), "\n")
	_, err := ParseItemFile("a.md", []byte(file))
	if err == nil {
		t.Fatal("accepted")
	}
	if len(err.Error()) > 300 {
		t.Errorf("error message is %d bytes long", len(err.Error()))
	}
}

func TestParseItemFileKeepsInput(t *testing.T) {
	data := make([]byte, 0, 4096)
	data = append(data, "---"...) // no newline: the first line is the whole file
	spare := data[:cap(data)]
	for i := len(data); i < len(spare); i++ {
		spare[i] = 'z'
	}
	if _, err := ParseItemFile("a.md", data); err == nil {
		t.Fatal("accepted")
	}
	if spare[len(data)] != 'z' {
		t.Errorf("ParseItemFile wrote into the caller's buffer")
	}
}

// A file saved with Windows line ends gives the same lines in its errors
// as with Unix ones, also where a quoted value runs on over lines: there
// the YAML reader counted CR and LF as a line each (the fuzzer's line 15
// of a 14-line file).
func TestWindowsLineEndsKeepLineNumbers(t *testing.T) {
	for _, file := range [][]string{
		withLine(3, `title: "柳塘村`),
		withLine(7, `locations: ["310118901202`),
		withLine(7, `locations: ["310118901202`+"\n"+`[x: y`),
	} {
		lf := strings.Join(file, "\n")
		var lines []int
		for _, data := range []string{lf, strings.ReplaceAll(lf, "\n", "\r\n")} {
			_, err := ParseItemFile("x.md", []byte(data))
			var se *SourceError
			if !errors.As(err, &se) || se.Line < 1 || se.Line > strings.Count(lf, "\n")+1 {
				t.Fatalf("%q: %v", data, err)
			}
			lines = append(lines, se.Line)
		}
		if lines[0] != lines[1] {
			t.Errorf("%q: line %d with LF, %d with CRLF", lf, lines[0], lines[1])
		}
	}
}

// ReadYAML, the studio's reader of studio.yaml: a bad file is one line
// naming it and the line (the library's own message had the file's lines
// under it, drawn with a caret); keys it does not know are left alone.
func TestReadYAML(t *testing.T) {
	var v struct {
		Out  string `yaml:"out"`
		List []any  `yaml:"list"`
	}
	if err := ReadYAML("studio.yaml", []byte("colour: red\r\nout: feed\r\n"), &v); err != nil || v.Out != "feed" {
		t.Fatalf("unknown key: %v, out %q", err, v.Out)
	}
	for data, line := range map[string]int{
		"out: [a":                       1,
		"out: x\r\nlist: [\"a\r\nb\r\n": 2,
		"out: x\nlist: *a":              2,
		"{{{":                           1,
	} {
		err := ReadYAML("studio.yaml", []byte(data), &v)
		var se *SourceError
		if !errors.As(err, &se) || se.File != "studio.yaml" || se.Line < 1 || se.Line > line || strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("%q: %v", data, err)
		}
	}
}
