package publish

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// PublishAndSay refuses a bundle name it cannot write before it writes
// anything, then publishes, re-signs the alerts beside the feed and
// writes the bundle, a line each.
func TestPublishAndSay(t *testing.T) {
	srcDir, out := t.TempDir(), t.TempDir()
	writeSource(t, srcDir, landLines)
	src, err := ParseSource(srcDir)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Key: testKey(1), Now: testNow, Expiry: DefaultExpiry}
	var w bytes.Buffer
	if err := PublishAndSay(src, out, filepath.Join(t.TempDir(), "feed.rar"), opt, &w); err == nil || !strings.Contains(err.Error(), "must end in .zip or .tar") {
		t.Fatalf("bad bundle name: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 || w.Len() != 0 {
		t.Fatalf("a refused bundle name wrote %d files, said %q", len(entries), w.String())
	}
	if err := PublishAndSay(src, out, "", opt, &w); err != nil {
		t.Fatal(err)
	}
	alert := filepath.Join(t.TempDir(), "alert.md")
	os.WriteFile(alert, []byte(alertFile), 0o600)
	if err := PublishAlertsAndSay(out, alert, "", "", opt, &w); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "feed.zip")
	w.Reset()
	opt.Now = opt.Now.Add(1)
	if err := PublishAndSay(src, out, bundle, opt, &w); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "published ") || !strings.HasPrefix(lines[1], "alerts version 2 re-signed: ") ||
		!strings.HasPrefix(lines[2], "bundle "+bundle+": version 2, ") {
		t.Errorf("said:\n%s", w.String())
	}
	if _, err := os.Stat(bundle); err != nil {
		t.Error(err)
	}
}
