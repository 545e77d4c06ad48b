package smoke

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/demo"
)

// alertTitle is the alert these tests publish; alertWords is a part of it
// tesseract reads reliably at the banner's size.
const (
	alertTitle = "今晚八时起全镇停水"
	alertWords = "停水"
)

// alertBack is the alert view's ‹ 返回, at the foot of the portrait
// screen where a hand reaches it.
var alertBack = [2]int{200, 1840}

// withAlert publishes an urgent alert for the demo village beside the demo
// feed, as a clerk does with `gongkai publish --alert`, and syncs the
// screen: the kiosk starts with it in force.
func withAlert(t *testing.T, data string) {
	t.Helper()
	bin := gongkaiBinary(t)
	end := time.Now().Add(3 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")
	file := filepath.Join(t.TempDir(), "water.md")
	body := "---\nid: water-cut\ntitle: " + alertTitle + "\nagency: 自来水厂\nend: " + end +
		"\nlocations: [\"" + demo.Location + "\"]\n---\n请提前储水。恢复供水时间另行通知。\n"
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	key, err := filepath.Abs("../assets/demokey/publisher.key")
	if err != nil {
		t.Fatal(err)
	}
	gongkai(t, bin, "publish", "--key", key, "--out", filepath.Join(data, "demo-feed"), "--alert", file)
	if out := gongkai(t, bin, "sync", "--data", data); !strings.Contains(string(out), "alerts version 1") {
		t.Fatalf("sync did not take the alert: %s", out)
	}
}

// bannerRows are the rows of img whose middle is the banner's red: the
// alert banner on a touch screen's home, found by colour so the test
// follows the layout.
func bannerRows(img image.Image) (top, bottom int) {
	b := img.Bounds()
	top, bottom = -1, -1
	for y := b.Min.Y; y < b.Max.Y/3; y++ {
		r, g, bl, _ := img.At(b.Dx()/2, y).RGBA()
		if r>>8 > 110 && g>>8 < 50 && bl>>8 < 50 {
			if top < 0 {
				top = y
			}
			bottom = y
		}
	}
	return top, bottom
}

// TestAlertInARealWindow starts a touch kiosk with an alert in force and
// checks, on the glass: the banner is on the home and says the alert's
// title; a tap on it shows the alert at once; 返回 gives the same home
// back. Then a display screen shows the alert in place of its rotation.
func TestAlertInARealWindow(t *testing.T) {
	needWindowTools(t)
	data := demoData(t, nil, nil)
	withAlert(t, data)

	win := startWindow(t, 1080, 1920, "kiosk", "--data", data)
	home := win.shot("home")
	top, bottom := bannerRows(home)
	if top < 0 || bottom-top < 40 {
		t.Fatalf("no red alert banner across the top third of the home (rows %d–%d); shots in %s", top, bottom, win.shots)
	}
	if text := ocr(t, home, image.Rect(0, top, 1080, bottom+1), win.shots, "banner-text", "7"); !strings.Contains(strings.ReplaceAll(text, " ", ""), alertWords) {
		t.Fatalf("the banner reads %q, not the alert's title %q; shots in %s", text, alertTitle, win.shots)
	}

	win.tap(540, (top+bottom)/2)
	view := drawnNow(t, win, home, "alert-view")
	if text := ocr(t, view, image.Rect(0, 0, 1080, 960), win.shots, "alert-view-text", "6"); !strings.Contains(strings.ReplaceAll(text, " ", ""), alertWords) {
		t.Fatalf("after a tap on the banner the screen reads %q, not the alert; shots in %s", text, win.shots)
	}

	win.tapAt(alertBack)
	time.Sleep(settle)
	if d := differ(home, win.redrawn("home-again")); d > 0.03 {
		t.Fatalf("返回 from the alert did not give the home back (%.2f%% differ); shots in %s", 100*d, win.shots)
	}
	win.stillUp("at the end of the touch screen")
	win.stop()

	disp := startWindow(t, 1920, 1080, "kiosk", "--data", data, "--mode", "display", "--fullscreen")
	shot := disp.shot("display")
	if text := ocr(t, shot, image.Rect(0, 0, 1920, 540), disp.shots, "display-text", "6"); !strings.Contains(strings.ReplaceAll(text, " ", ""), alertWords) {
		t.Fatalf("the display does not show the alert at its top (read %q); shots in %s", text, disp.shots)
	}
	disp.stillUp("at the end of the display")
}

// TestIdlePromptOverAnAlert: with an alert open and nobody touching the
// screen, the idle prompt is painted over the alert (it was once stacked
// under it: the villager was sent home unasked), and 继续阅读 answers it
// with the alert still there.
func TestIdlePromptOverAnAlert(t *testing.T) {
	needWindowTools(t)
	const idle = 10 * time.Second // the shortest config allows
	data := demoData(t, nil, func(c *config.Config) { c.IdleTimeout = config.Duration{Duration: idle} })
	withAlert(t, data)
	win := startWindow(t, 1080, 1920, "kiosk", "--data", data)
	home := win.shot("home")
	top, bottom := bannerRows(home)
	if top < 0 {
		t.Fatalf("no alert banner; shots in %s", win.shots)
	}
	win.tap(540, (top+bottom)/2)
	tapped := time.Now()
	// not drawnNow: its forced-redraw check can outlast the idle timer on
	// a loaded machine (TestAlertInARealWindow makes it for the alert)
	view := changedNow(t, win, home, "alert-view")
	if time.Since(tapped) > idle-time.Second {
		t.Fatalf("the alert took %s to be drawn, too close to the idle timeout %s to tell the prompt from it; shots in %s", time.Since(tapped).Round(time.Millisecond), idle, win.shots)
	}

	time.Sleep(time.Until(tapped.Add(idle + 1500*time.Millisecond)))
	prompt := win.shot("prompt")
	if m, l := meanLuma(prompt), meanLuma(view); m > 0.75*l {
		t.Fatalf("no idle prompt over the alert: mean brightness %.0f, the alert's %.0f; shots in %s", m, l, win.shots)
	}
	if text := ocr(t, prompt, image.Rect(140, 560, 940, 1360), win.shots, "prompt-text", "6"); !strings.Contains(strings.ReplaceAll(text, " ", ""), "还在阅读") {
		t.Fatalf("the prompt over the alert reads %q; shots in %s", text, win.shots)
	}
	// 继续阅读 is the blue button in the middle column of the prompt's card
	first, last := -1, -1
	for y := 560; y < 1360; y++ {
		r, g, b, _ := prompt.At(540, y).RGBA()
		if b>>8 > r>>8+60 && b>>8 > g>>8+30 {
			if first < 0 {
				first = y
			}
			last = y
		}
	}
	if first < 0 {
		t.Fatalf("no 继续阅读 button on the prompt; shots in %s", win.shots)
	}
	win.tap(540, (first+last)/2)
	time.Sleep(settle)
	if d := differ(view, win.redrawn("alert-again")); d > 0.03 {
		t.Fatalf("继续阅读 did not give the alert back (%.2f%% differ); shots in %s", 100*d, win.shots)
	}
	win.stillUp("at the end")
}
