package logs

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRingKeepsLastLines(t *testing.T) {
	r := NewRing(3)
	fmt.Fprint(r, "a\nb\n")
	fmt.Fprint(r, "c\nd")
	if got := strings.Join(r.Lines(), ","); got != "a,b,c" {
		t.Errorf("lines = %q", got)
	}
	fmt.Fprint(r, "\ne\n")
	if got := strings.Join(r.Lines(), ","); got != "c,d,e" {
		t.Errorf("lines = %q", got)
	}
}

func TestOpenWritesJSONFile(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	l.Info("sync done", "version", 7)
	l.Debug("not kept")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "logs", File))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"msg":"sync done","version":7`) || strings.Contains(string(data), "not kept") {
		t.Errorf("log file: %s", data)
	}
	if lines := l.Recent.Lines(); len(lines) != 1 || !strings.Contains(lines[0], "sync done") {
		t.Errorf("recent: %q", lines)
	}
}
