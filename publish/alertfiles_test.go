package publish

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readAlertChange reads the clerk's file in the feed's zone, names a
// missing or oversized file in one line, and ResignAlerts leaves a feed
// without alerts alone.
func TestReadAlertChange(t *testing.T) {
	out := publishedFeed(t)
	dir := t.TempDir()
	good, big := filepath.Join(dir, "alert.md"), filepath.Join(dir, "big.md")
	os.WriteFile(good, []byte(alertFile), 0o600)
	os.WriteFile(big, bytes.Repeat([]byte("x"), maxAlertFile+1), 0o600)

	if a, err := ResignAlerts(out, Options{Key: testKey(1), Now: testNow}); a != nil || err != nil {
		t.Fatalf("ResignAlerts without alerts: %v %v", a, err)
	}
	ch, tz, err := readAlertChange(out, good, "", "old-one", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Add) != 1 || ch.Add[0].ID != "water-cut-1120" || len(ch.Cancel) != 1 || tz.String() != "Asia/Shanghai" {
		t.Fatalf("change %+v in %v", ch, tz)
	}
	var text bytes.Buffer
	ch.writeAdded(&text, tz)
	if !strings.Contains(text.String(), "alert water-cut-1120: 今晚停水通知, ") || !strings.Contains(text.String(), "2026-11-21 06:00") {
		t.Errorf("writeAdded: %q", text.String())
	}
	for _, c := range []struct{ file, want string }{
		{filepath.Join(dir, "missing.md"), "missing.md: not found"},
		{big, "big.md: file is over 1024 KiB"},
	} {
		if _, _, err := readAlertChange(out, c.file, "", "", testNow); err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want %q", c.file, err, c.want)
		}
	}
	if _, _, err := readAlertChange(t.TempDir(), good, "", "", testNow); err == nil {
		t.Error("alerts for a folder with no feed")
	}
}
