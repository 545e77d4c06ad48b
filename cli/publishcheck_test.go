package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// publish prints the checks' warnings one line each with file and line
// (an ID card number in a list, a notice posted with no contact) and
// still publishes; the whole number is not repeated on the terminal.
func TestPublishWarnsOfPersonalNumbers(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS("../assets/demo")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(src, "items", "land", "land-2026-016.md")
	orig, _ := os.ReadFile(file)
	text := strings.Replace(string(orig), "contact: 镇征收办 王老师 021-5xxx-xxxx（工作日 9:00-17:00）\n", "", 1)
	text = strings.Replace(text, "---\n为建设", "---\n户主张三，身份证号320102199001011232。\n为建设", 1)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "feed")
	stdout, errOut, code := run(t, "publish", "--key", "../assets/demokey/publisher.key", "--src", src, "--out", out)
	if code != 0 || !strings.Contains(stdout, "published") {
		t.Fatalf("exit %d %q %q", code, stdout, errOut)
	}
	want := []string{
		"warning: items/land/land-2026-016.md: no contact:",
		"warning: items/land/land-2026-016.md:15: an ID card number (身份证号 3201**********1232)",
	}
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr does not say %q:\n%s", w, errOut)
		}
	}
	if strings.Count(errOut, "\n") != len(want)+1 /* and the demo key is plain */ || strings.Contains(errOut, "320102199001011232") {
		t.Errorf("stderr:\n%s", errOut)
	}
}
