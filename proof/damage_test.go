package proof

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets a test run Open in a process of its own
// (GONGKAI_PROOF_OPEN=DIR): a fault in bbolt's own goroutine kills the
// whole process, and must fail a test rather than end the test binary.
func TestMain(m *testing.M) {
	if dir := os.Getenv("GONGKAI_PROOF_OPEN"); dir != "" {
		l, err := Open(dir, seedKey(1), nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "open:", err)
			os.Exit(3)
		}
		if err := l.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "close:", err)
			os.Exit(4)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// bigLog writes a display log of many pages: a year of a hundred notices
// coming and going, so damage lands inside its trees.
func bigLog(t *testing.T, dir string) string {
	t.Helper()
	c := newClock("2026-01-01T08:00:00Z")
	l := openLog(t, dir, seedKey(1), c)
	l.retention, l.summaryDays = 3650, 3650
	mustDo(t, l.ProgramUp())
	mustDo(t, l.ScreenOn(true))
	for day := range 120 {
		ids := make([]string, 0, 100)
		for i := range 100 {
			ids = append(ids, fmt.Sprintf("notice-%03d-%03d", i, day/7))
		}
		mustDo(t, l.Showing("touch", ids))
		for range 4 {
			c.add(6 * time.Hour)
			mustDo(t, l.Tick())
		}
		mustDo(t, l.Checkpoint())
	}
	mustDo(t, l.Close())
	return filepath.Join(dir, dbFile)
}

// TestDamagedPageDoesNotKill: display.db with damaged pages (cut short,
// scrambled past its meta pages) is moved aside with a clear error, and a
// new chain starts — in a real process, which a fault in bbolt's own
// freelist walk would kill.
func TestDamagedPageDoesNotKill(t *testing.T) {
	damages := map[string]func(b []byte) []byte{
		"cut short": func(b []byte) []byte { return b[:len(b)/3] },
		"pages scrambled": func(b []byte) []byte {
			for i := 16 << 10; i < len(b); i += 97 {
				b[i] ^= 0x5a
			}
			return b
		},
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := bigLog(t, dir)
			b, err := os.ReadFile(path)
			mustDo(t, err)
			mustDo(t, os.WriteFile(path, damage(b), 0o600))
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "GONGKAI_PROOF_OPEN="+dir)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("Open of a display.db %s: %v\n%.800s", name, err, stderr.String())
			}
			if strings.Contains(stderr.String(), "goroutine") {
				t.Errorf("a panic was printed:\n%.800s", stderr.String())
			}
			if aside, _ := filepath.Glob(path + ".damaged-*"); len(aside) != 1 {
				t.Errorf("damaged file not kept aside: %v", aside)
			}
		})
	}
}
