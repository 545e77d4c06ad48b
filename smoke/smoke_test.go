// Package smoke starts the real kiosk binary in a real (virtual) X display:
// the one test that covers what the software-rendered UI tests cannot — the
// cgo GL window driver, the embedded font and the demo install at start-up.
package smoke

import (
	"bufio"
	"bytes"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestDemoUnderXvfb builds gongkai, runs `gongkai demo` under Xvfb at the
// portrait kiosk size, waits for its window, checks the process is still up
// a few seconds later, and screenshots the display. Needs Xvfb, xwininfo
// (x11-utils) and import (imagemagick): make deps installs them.
func TestDemoUnderXvfb(t *testing.T) {
	needTools(t, "Xvfb", "xwininfo", "import")
	dir := t.TempDir()
	bin := buildGongkai(t, dir)
	display := startXvfb(t)

	var out lockedBuffer
	kiosk := exec.Command(bin, "demo", "--data", filepath.Join(dir, "demo"))
	kiosk.Env = append(os.Environ(), "DISPLAY="+display, "LANG=zh_CN.UTF-8", "GONGKAI_FIRST_FRAME=1")
	kiosk.Stdout, kiosk.Stderr = &out, &out
	if err := kiosk.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- kiosk.Wait() }()
	defer func() {
		_ = kiosk.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = kiosk.Process.Kill()
			<-exited
		}
	}()
	stillUp := func(when string) {
		t.Helper()
		select {
		case err := <-exited:
			t.Fatalf("gongkai demo exited %s: %v\n%s", when, err, out.String())
		default:
		}
	}

	// The window, by its name (or class: both are 公开 · 政务公开).
	found := false
	for range 120 { // 60 s at most: the first run installs the demo feed
		stillUp("before its window appeared")
		tree, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").Output()
		if strings.Contains(string(tree), "公开") {
			found = true
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !found {
		t.Fatalf("no window named 公开 on %s\n%s", display, out.String())
	}
	time.Sleep(3 * time.Second)
	stillUp("within seconds of showing its window")

	shot := filepath.Join(dir, "screen.png")
	if msg, err := exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, msg)
	}
	checkNotBlank(t, shot)
	stillUp("after the screenshot")
	// the start-up instrumentation the screen benchmark relies on
	ff := firstFrameLine(out.String())
	if ff == "" {
		t.Errorf("no first-frame line with GONGKAI_FIRST_FRAME=1:\n%s", out.String())
	}
	t.Logf("window up; %s ms after exec", ff)
}

// lockedBuffer collects the kiosk's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func buildGongkai(t *testing.T, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "gongkai")
	build := exec.Command(goTool, "build", "-o", bin, "gongkai")
	build.Dir = ".."
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	return bin
}

// startXvfb starts Xvfb on a free display number (it picks one itself and
// reports it through -displayfd) and returns ":N".
func startXvfb(t *testing.T) string {
	t.Helper()
	return startXvfbScreen(t, "1080x1920x24")
}

// startXvfbScreen starts Xvfb with a screen of spec (WxHxDEPTH).
func startXvfbScreen(t *testing.T, spec string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", spec, "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = x.Process.Kill()
		_ = x.Wait()
	})
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		num <- strings.TrimSpace(line)
		r.Close()
	}()
	select {
	case n := <-num:
		if n == "" {
			t.Fatal("Xvfb did not report a display number")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return ""
}

// checkNotBlank fails unless the screenshot shows something: a fair share
// of pixels differ from the colour of its top-left corner.
func checkNotBlank(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != 1080 || b.Dy() != 1920 {
		t.Errorf("screenshot is %dx%d, want the 1080x1920 display", b.Dx(), b.Dy())
	}
	bg := img.At(b.Min.X, b.Min.Y)
	br, bgG, bb, _ := bg.RGBA()
	differ, colours := 0, map[[3]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != br || g != bgG || bl != bb {
				differ++
			}
			if len(colours) < 64 {
				colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if differ < total/100 || len(colours) < 8 {
		t.Errorf("screenshot looks blank: %d of %d sampled pixels differ from the corner, %d colours", differ, total, len(colours))
	}
}

// firstFrameLine is the MS of the kiosk's "first-frame MS" line, or "".
func firstFrameLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if ms, ok := strings.CutPrefix(strings.TrimSpace(l), "first-frame "); ok {
			return ms
		}
	}
	return ""
}
