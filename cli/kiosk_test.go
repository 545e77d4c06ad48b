package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScreenshotNeedsOut(t *testing.T) {
	var out, errs bytes.Buffer
	if code := Main([]string{"screenshot", "--data", t.TempDir()}, &Env{Stdout: &out, Stderr: &errs}); code == 0 || !strings.Contains(errs.String(), "--out is required") {
		t.Errorf("exit %d, stderr %q", code, errs.String())
	}
}

func TestKioskScreenshotDisplayAndAdmin(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	for _, c := range []struct{ screen, size string }{
		{"display", "1920x1080"}, {"admin", "1080x1920"}, {"admin:settings", "1920x1080"},
		{"admin:compliance", "1080x1920"}, {"admin:poster", "1920x1080"},
	} {
		out := filepath.Join(t.TempDir(), "shot.png")
		stdout := mustRun(t, "screenshot", "--data", data, "--out", out, "--screen", c.screen, "--size", c.size)
		if !strings.Contains(stdout, "wrote") {
			t.Errorf("%s: %q", c.screen, stdout)
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() < 10000 {
			t.Errorf("%s: %v %v", c.screen, fi, err)
		}
	}
	// a screenshot of the admin panel never creates the PIN file
	if _, err := os.Stat(filepath.Join(data, "admin.pin")); !os.IsNotExist(err) {
		t.Errorf("admin.pin after a screenshot: %v", err)
	}
	if _, _, code := run(t, "screenshot", "--data", data, "--out", filepath.Join(t.TempDir(), "x.png"), "--screen", "admin:nope"); code == 0 {
		t.Error("unknown admin page accepted")
	}
}

func TestKioskRefusesUnknownMode(t *testing.T) {
	data, _ := demoScreen(t)
	if _, errOut, code := run(t, "kiosk", "--data", data, "--mode", "banner"); code == 0 || !strings.Contains(errOut, "want touch or display") {
		t.Errorf("exit %d: %q", code, errOut)
	}
}

// TestScreenshotTextSize: --text-size renders the touch screen at a 字号
// step, named as the buttons, config.toml or a number name it.
func TestScreenshotTextSize(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	shot := func(args ...string) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "shot.png")
		mustRun(t, append([]string{"screenshot", "--data", data, "--out", out, "--screen", "item:land-2026-017"}, args...)...)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	normal, xl := shot(), shot("--text-size", "特大")
	if bytes.Equal(normal, xl) {
		t.Fatal("--text-size 特大 rendered the same as the default")
	}
	for _, same := range []string{"xlarge", "2"} {
		if !bytes.Equal(xl, shot("--text-size", same)) {
			t.Errorf("--text-size %s differs from 特大", same)
		}
	}
	if !bytes.Equal(normal, shot("--text-size", "标准")) {
		t.Error("--text-size 标准 differs from the default")
	}
	if _, errOut, code := run(t, "screenshot", "--data", data, "--out", filepath.Join(t.TempDir(), "x.png"), "--text-size", "huge"); code == 0 || !strings.Contains(errOut, "标准, 大 or 特大") {
		t.Errorf("--text-size huge: exit %d %q", code, errOut)
	}
}

// Without a display the kiosk says so in one line, instead of GLFW's panic.
func TestKioskWithoutADisplay(t *testing.T) {
	data, _ := demoScreen(t)
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	_, errOut, code := run(t, "kiosk", "--data", data)
	if code == 0 || !strings.Contains(errOut, "no display") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("exit %d: %q", code, errOut)
	}
}
