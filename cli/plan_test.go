package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// publish --dry-run says, per village, what publishing would change for
// screens, needs no key, and writes nothing.
func TestPublishDryRun(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS("../assets/demo")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "feed")
	mustRun(t, "publish", "--key", "../assets/demokey/publisher.key", "--src", src, "--out", out)
	file := filepath.Join(src, "items", "land", "land-2026-016.md")
	orig, _ := os.ReadFile(file)
	os.WriteFile(file, []byte(strings.Replace(string(orig), "现将有关事项预先公告。", "现将有关事项预先公告（更正）。", 1)), 0o644)
	before := dirTree(t, out)
	stdout, stderr, code := run(t, "publish", "--dry-run", "--src", src, "--out", out)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d %q", code, stderr)
	}
	for _, want := range []string{
		"dry run: publishing qinghe-town over version 1 would change 1 notices (0 added, 1 changed, 0 withdrawn, 0 removed), 24 unchanged; nothing written\n",
		"310118901201 东湾村\n  changed   land-2026-016 东湾村五组拟征收土地预公告\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not say %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "310118901202") {
		t.Errorf("a village the notice does not reach is listed:\n%s", stdout)
	}
	if dirTree(t, out) != before {
		t.Error("a dry run changed the feed folder")
	}
	// a source publish refuses is refused by the dry run too
	os.WriteFile(file, []byte(strings.Replace(string(orig), "posting_workdays: 10", "posting_workdays: 7", 1)), 0o644)
	if _, stderr, code := run(t, "publish", "--dry-run", "--src", src, "--out", out); code != 1 || !strings.Contains(stderr, "at least 10 working days") {
		t.Errorf("bad source: exit %d %q", code, stderr)
	}
}
