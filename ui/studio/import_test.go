package studio

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A Word file written by a third-party tool (Debian's pandoc) becomes
// the body, headings, lists and tables kept.
func TestImportWord(t *testing.T) {
	if _, err := exec.LookPath("pandoc"); err != nil {
		t.Fatal("pandoc is not installed: run scripts/deps.sh")
	}
	tmp := t.TempDir()
	md, doc := filepath.Join(tmp, "in.md"), filepath.Join(tmp, "通知.docx")
	os.WriteFile(md, []byte("# 补偿标准\n\n- 耕地\n- 宅基地\n\n| 地类 | 元/亩 |\n| --- | --- |\n| 耕地 | 52000 |\n"), 0o644)
	if out, err := exec.Command("pandoc", "--from", "gfm", md, "-o", doc).CombinedOutput(); err != nil {
		t.Fatalf("pandoc: %v %s", err, out)
	}
	s, _ := newStudio(t, copyDemo(t), fyne.NewSize(1366, 768))
	s.Go("new")
	pick(s, doc)
	test.Tap(findButton(t, s.ed.box, "从 Word 导入…"))
	body := s.ed.body.Text
	for _, want := range []string{"补偿标准", "- 耕地", "| 耕地 | 52000 |"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if !strings.Contains(s.status.Text, "已从 通知.docx 导入") {
		t.Errorf("status: %q", s.status.Text)
	}
}

// A hostile Word file gives one clear line and leaves the body as it was.
func TestImportHostileWord(t *testing.T) {
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	f, _ := zw.Create("word/document.xml")
	f.Write(bytes.Repeat([]byte("<"), 64<<20))
	zw.Close()
	tmp := t.TempDir()
	for name, data := range map[string][]byte{
		"炸弹.docx": bomb.Bytes(), "乱码.docx": []byte("PK\x03\x04 not really a zip"), "空.docx": nil,
	} {
		path := filepath.Join(tmp, name)
		os.WriteFile(path, data, 0o644)
		s, _ := newStudio(t, copyDemo(t), fyne.NewSize(1366, 768))
		s.Go("new")
		s.ed.body.SetText("原来的正文")
		pick(s, path)
		test.Tap(findButton(t, s.ed.box, "从 Word 导入…"))
		if s.ed.body.Text != "原来的正文" {
			t.Errorf("%s changed the body to %q", name, s.ed.body.Text)
		}
		if msg := s.status.Text; !strings.HasPrefix(msg, "无法导入 "+name+"：") || strings.Contains(msg, "\n") {
			t.Errorf("%s: status %q", name, msg)
		}
	}
}
