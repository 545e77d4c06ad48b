package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// import-docx prints a Word file pandoc wrote as Markdown on stdout; a
// file it cannot read is one line on stderr and exit 1.
func TestImportDocx(t *testing.T) {
	dir := t.TempDir()
	md, doc := filepath.Join(dir, "in.md"), filepath.Join(dir, "通知.docx")
	os.WriteFile(md, []byte("# 通知\n\n| 户主 | 人数 |\n| --- | --- |\n| 张三 | 3 |\n"), 0o644)
	if out, err := exec.Command("pandoc", md, "-o", doc).CombinedOutput(); err != nil {
		t.Fatalf("pandoc: %v %s", err, out)
	}
	stdout, stderr, code := run(t, "import-docx", doc)
	if code != 0 || stdout != "# 通知\n\n| 户主 | 人数 |\n| --- | --- |\n| 张三 | 3 |\n" || stderr != "" {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	os.WriteFile(filepath.Join(dir, "bad.docx"), []byte("not a zip"), 0o644)
	stdout, stderr, code = run(t, "import-docx", filepath.Join(dir, "bad.docx"))
	if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "import bad.docx: not a Word .docx file") {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
}
