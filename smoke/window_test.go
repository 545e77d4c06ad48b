package smoke

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/demo"
	"gongkai/pin"
)

// The real-window tests: the kiosk binary in Xvfb, tapped with xdotool,
// seen with ImageMagick's import. What the software-rendered UI tests
// cannot see is what the GL driver actually puts on the glass and when.

// window is a running kiosk in its own X display.
type window struct {
	t       *testing.T
	display string
	w, h    int
	proc    *exec.Cmd
	out     *lockedBuffer
	exited  chan error
	shots   string // where failing tests leave their screenshots
	data    string // its data directory, for its log
}

// needWindowTools is needTools for the tests that find, photograph and
// tap the window.
func needWindowTools(t *testing.T) {
	t.Helper()
	needTools(t, "Xvfb", "xwininfo", "import", "xdotool")
}

// needTools skips outside Linux and with -short (the tests that start real
// windows), and fails when one of tools, which deps.sh installs, is
// missing.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a real window (skipped with -short)")
	}
	if runtime.GOOS != "linux" {
		t.Skip("Xvfb tests run on Linux")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: run make deps (scripts/deps.sh)", tool)
		}
	}
}

var (
	builtOnce gosync.Once
	builtDir  string // the temporary directory gongkaiBinary built into
	builtBin  string
	builtErr  error
)

// TestMain removes the binary the tests built: 48 MB a run, which piled up
// in /tmp on a machine that runs the suite all day.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// gongkaiBinary builds the binary once for all tests of the package.
func gongkaiBinary(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		// GONGKAI_SMOKE_BIN runs the tests on another build, e.g. an older
		// commit's, to see a test fail where the fault still is
		if bin := os.Getenv("GONGKAI_SMOKE_BIN"); bin != "" {
			builtBin = bin
			return
		}
		dir, err := os.MkdirTemp("", "gongkai-smoke-")
		if err != nil {
			builtErr = err
			return
		}
		builtDir = dir
		builtBin = filepath.Join(dir, "gongkai")
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		build := exec.Command(goTool, "build", "-o", builtBin, "gongkai")
		build.Dir = ".."
		build.Env = append(os.Environ(), "CGO_ENABLED=1")
		if msg, err := build.CombinedOutput(); err != nil {
			builtErr = fmt.Errorf("go build: %v\n%s", err, msg)
		}
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	return builtBin
}

// demoData installs the demo feed into a fresh data directory with the
// demo PIN, and lets edit change its configuration.
func demoData(t *testing.T, clock func() time.Time, edit func(*config.Config)) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "screen")
	if _, err := demo.Install(context.Background(), data, clock); err != nil {
		t.Fatal(err)
	}
	if err := pin.Write(data, pin.Demo); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		cfg, err := config.Load(data)
		if err != nil {
			t.Fatal(err)
		}
		edit(cfg)
		if err := config.Save(data, cfg); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

// startWindow runs gongkai args in a new Xvfb display of w×h and waits for
// its window and its first frames.
func startWindow(t *testing.T, w, h int, args ...string) *window {
	t.Helper()
	bin := gongkaiBinary(t)
	win := &window{t: t, w: w, h: h, out: &lockedBuffer{}, exited: make(chan error, 1), shots: shotDir(t)}
	for i, a := range args {
		if a == "--data" && i+1 < len(args) {
			win.data = args[i+1]
		}
	}
	win.display = startXvfbSized(t, w, h)
	win.proc = exec.Command(bin, args...)
	win.proc.Env = append(os.Environ(), "DISPLAY="+win.display, "LANG=zh_CN.UTF-8")
	win.proc.Stdout, win.proc.Stderr = win.out, win.out
	if err := win.proc.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { win.exited <- win.proc.Wait() }()
	t.Cleanup(win.stop)
	for range 120 {
		win.stillUp("before its window appeared")
		if win.windowID() != "" {
			win.settled()
			win.stillUp("after its window appeared")
			return win
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("no window on %s\n%s", win.display, win.out.String())
	return nil
}

// stop ends the kiosk; it may be called again (a test that stops a
// window early, then its cleanup): the exit stays in win.exited.
func (win *window) stop() {
	var err error
	select {
	case err = <-win.exited:
	default:
		_ = win.proc.Process.Signal(syscall.SIGTERM)
		select {
		case err = <-win.exited:
		case <-time.After(5 * time.Second):
			_ = win.proc.Process.Kill()
			err = <-win.exited
		}
	}
	win.exited <- err
}

func (win *window) stillUp(when string) {
	win.t.Helper()
	select {
	case err := <-win.exited:
		win.exited <- err
		win.t.Fatalf("gongkai exited %s: %v\n%s", when, err, win.out.String())
	default:
	}
}

// settled waits until the window shows something and the same thing
// twice in a row, half a second apart: the first frames and the theme are
// in, even on a busy machine.
func (win *window) settled() {
	win.t.Helper()
	var last image.Image
	for range 120 {
		img := win.shot("settling")
		if last != nil && colours(img) >= 8 && differ(last, img) == 0 {
			return
		}
		last = img
		time.Sleep(500 * time.Millisecond)
	}
	win.t.Fatalf("the window did not settle within a minute\n%s", win.out.String())
}

// colours counts the colours of a sample of img, up to 64.
func colours(img image.Image) int {
	b := img.Bounds()
	seen := map[color.Color]bool{}
	for y := b.Min.Y; y < b.Max.Y && len(seen) < 64; y += 37 {
		for x := b.Min.X; x < b.Max.X && len(seen) < 64; x += 23 {
			seen[img.At(x, y)] = true
		}
	}
	return len(seen)
}

// xdo runs xdotool on the window's display.
func (win *window) xdo(args ...string) {
	win.t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+win.display)
	if msg, err := cmd.CombinedOutput(); err != nil {
		win.t.Fatalf("xdotool %v: %v %s", args, err, msg)
	}
}

func (win *window) windowID() string {
	cmd := exec.Command("xdotool", "search", "--name", "公开")
	cmd.Env = append(os.Environ(), "DISPLAY="+win.display)
	out, _ := cmd.Output()
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return id
}

// tap touches (x, y) briefly, as a finger does.
func (win *window) tap(x, y int) {
	win.t.Helper()
	win.xdo("mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1")
}

// hold presses (x, y) for d.
func (win *window) hold(x, y int, d time.Duration) {
	win.t.Helper()
	win.xdo("mousemove", strconv.Itoa(x), strconv.Itoa(y), "mousedown", "1")
	time.Sleep(d)
	win.xdo("mouseup", "1")
}

// gesture is the hidden way into the admin panel (DEPLOY.md): hold the
// top-left corner for three seconds, then tap it five times. It returns
// once the kiosk's log says the PIN pad opened: what is on the glass is
// then judged from that moment, not from when xdotool was done, as a
// machine busy with other tests can take seconds to take the taps in.
func (win *window) gesture() {
	win.t.Helper()
	before := win.logCount("admin PIN pad shown")
	win.hold(40, 40, 4*time.Second) // 3 s asked
	for range 5 {
		time.Sleep(250 * time.Millisecond)
		win.tap(40, 40)
	}
	for range 100 {
		if win.logCount("admin PIN pad shown") > before {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	win.t.Fatalf("the gesture did not open the PIN pad (not in the kiosk's log); shots in %s", win.shots)
}

// logCount counts the lines of the kiosk's log that hold s.
func (win *window) logCount(s string) int {
	b, _ := os.ReadFile(filepath.Join(win.data, "logs", "gongkai.log"))
	return strings.Count(string(b), s)
}

// shot is what the display shows now.
func (win *window) shot(name string) image.Image {
	win.t.Helper()
	path := filepath.Join(win.shots, name+".png")
	if msg, err := exec.Command("import", "-display", win.display, "-window", "root", path).CombinedOutput(); err != nil {
		win.t.Fatalf("import: %v %s", err, msg)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		win.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		win.t.Fatalf("%s: %v", path, err)
	}
	return img
}

// redrawn is the screen after a full redraw forced from outside: the
// window shrunk by a pixel and given its size back, which makes Fyne lay
// out and paint everything. What a correct kiosk showed before must be
// what it shows after.
func (win *window) redrawn(name string) image.Image {
	win.t.Helper()
	id := win.windowID()
	win.xdo("windowsize", id, strconv.Itoa(win.w), strconv.Itoa(win.h-1))
	win.waitHeight(id, win.h-1)
	win.xdo("windowsize", id, strconv.Itoa(win.w), strconv.Itoa(win.h))
	win.waitHeight(id, win.h)
	time.Sleep(600 * time.Millisecond) // frames at the size again
	return win.shot(name)
}

// waitHeight waits until the window is h pixels high: on a busy machine
// the resize takes its time.
func (win *window) waitHeight(id string, h int) {
	win.t.Helper()
	want := fmt.Sprintf("x%d", h)
	for range 100 {
		cmd := exec.Command("xdotool", "getwindowgeometry", id)
		cmd.Env = append(os.Environ(), "DISPLAY="+win.display)
		out, _ := cmd.Output()
		if strings.Contains(string(out), want+"\n") {
			time.Sleep(200 * time.Millisecond)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	win.t.Fatalf("the window did not become %d pixels high", h)
}

// settle is how long a tap's frame may take to reach the glass: many
// frames at 60 per second, and no more, or an overlay drawn only by a
// later event would pass.
const settle = 400 * time.Millisecond

// drawWithin is how long a frame may take to reach the glass on a busy
// machine (load 20 on 2 cores) before the test says it was not drawn.
const drawWithin = 3 * time.Second

// differ is the share of pixels of a and b that differ.
func differ(a, b image.Image) float64 {
	r := a.Bounds().Intersect(b.Bounds())
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !sameColor(a.At(x, y), b.At(x, y)) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

func sameColor(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	near := func(x, y uint32) bool { return x>>8 <= y>>8+2 && y>>8 <= x>>8+2 }
	return near(ar, br) && near(ag, bg) && near(ab, bb)
}

// luma of the pixel at (x, y), 0–255.
func luma(img image.Image, x, y int) int {
	r, g, b, _ := img.At(x, y).RGBA()
	return int((299*r + 587*g + 114*b) / 1000 >> 8)
}

func encodePNG(w *os.File, img image.Image) error { return png.Encode(w, img) }

// shotDir is where a test leaves its screenshots: $GONGKAI_SHOTS/TEST when
// that is set (kept for a person to look at), else a temporary folder.
func shotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GONGKAI_SHOTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "-"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startXvfbSized is startXvfb at another size.
func startXvfbSized(t *testing.T, w, h int) string {
	t.Helper()
	return startXvfbScreen(t, fmt.Sprintf("%dx%dx24", w, h))
}
