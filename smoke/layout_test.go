package smoke

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/assets"
	"gongkai/config"
	"gongkai/demo"
	"gongkai/pin"
)

// Colours of the kiosk's palette (ui/theme.go) the pixel checks look for.
var (
	paper     = color.NRGBA{0xF7, 0xF5, 0xEF, 0xFF} // the background
	stroke    = color.NRGBA{0xB5, 0xB1, 0xA6, 0xFF} // a card's outline
	rule      = color.NRGBA{0xC9, 0xC6, 0xBD, 0xFF} // a separator
	alarm     = color.NRGBA{0x8B, 0x0A, 0x0A, 0xFF} // the stale banner
	noticeBox = color.NRGBA{0xFB, 0xEF, 0xD5, 0xFF} // the urgent ticker
)

func near(c color.Color, want color.NRGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v <= tol && v >= -tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// share of the pixels of row y between x0 and x1 near colour c.
func rowShare(img image.Image, y, x0, x1 int, c color.NRGBA, tol int) float64 {
	n := 0
	for x := x0; x < x1; x++ {
		if near(img.At(x, y), c, tol) {
			n++
		}
	}
	return float64(n) / float64(x1-x0)
}

// dirtyGaps lists rows of ink in the gaps between cards. It follows the
// column x = scan, just inside the cards' left edge: a card is a run of
// white there, a gap the rows between two such runs (at most 60 apart).
// In a gap, no row between x0 and x1 may carry ink: text that ran out of
// its card, or over onto the next, or that touches the card's edge.
func dirtyGaps(img image.Image, scan, x0, x1 int) []int {
	b := img.Bounds()
	white := func(y int) bool {
		r, g, bl, _ := img.At(scan, y).RGBA()
		return r>>8 >= 0xFC && g>>8 >= 0xFC && bl>>8 >= 0xFC
	}
	var bad []int
	lastCard := -1 // last row of the card above, -1 before the first
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if !white(y) {
			continue
		}
		if lastCard >= 0 && y-lastCard > 1 && y-lastCard <= 60 {
			for g := lastCard + 1; g < y; g++ {
				ink := 0
				for x := x0; x < x1; x++ {
					if luma(img, x, g) < 150 {
						ink++
					}
				}
				if ink > 2 {
					bad = append(bad, g)
				}
			}
		}
		lastCard = y
	}
	return bad
}

// TestTilesFitAtEveryTextSize taps 标准, 大 and 特大 on the real home
// screen, portrait and landscape, and checks in pixels that no tile's text
// crosses into the gaps between the cards (item 4: at 特大 the counts were
// cut off and overlapped by the next tile).
func TestTilesFitAtEveryTextSize(t *testing.T) {
	needWindowTools(t)
	for _, size := range [][2]int{{1080, 1920}, {1920, 1080}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			data := demoData(t, nil, nil)
			win := startWindow(t, size[0], size[1], "kiosk", "--data", data, "--fullscreen")
			// the 字号 buttons, right of the top bar: 特大, 大, 标准
			steps := map[string][2]int{"特大": {size[0] - 60, 52}, "大": {size[0] - 140, 52}, "标准": {size[0] - 230, 52}}
			for _, name := range []string{"标准", "大", "特大"} {
				p := steps[name]
				win.tap(p[0], p[1])
				time.Sleep(time.Second) // a theme change lays out everything
				img := win.shot("home-" + name)
				// the tiles' column on the left, just inside the cards
				if bad := dirtyGaps(img, 32, 40, 500); len(bad) > 0 {
					t.Errorf("at %s, text in the gaps between cards at rows %v…; shots in %s", name, bad[:min(len(bad), 8)], win.shots)
				}
			}
		})
	}
}

// shapedFeed is the demo feed with its urgent notice (the water outage)
// valid around now and the village finance notice, which runs to several
// pages of tables on the display; the screen synced it at syncedAt and has
// no source to sync from since, so the feed goes stale.
func shapedFeed(t *testing.T, syncedAt time.Time) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "src")
	if err := os.CopyFS(src, assets.Demo()); err != nil {
		t.Fatal(err)
	}
	// only these two notices, so the rotation comes round quickly
	keep := []string{"village-2026-water-outage.md", "village-dw-2026q3-finance.md"}
	err := filepath.WalkDir(filepath.Join(src, "items"), func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".md") && !slices.Contains(keep, filepath.Base(path)) {
			return os.Remove(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	outage := filepath.Join(src, "items", "village", "village-2026-water-outage.md")
	b, err := os.ReadFile(outage)
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) string { return syncedAt.AddDate(0, 0, d).Format(time.DateOnly) }
	text := strings.NewReplacer("published: 2026-11-25", "published: "+day(0),
		"valid_from: 2026-11-25", "valid_from: "+day(0), "valid_until: 2026-11-27", "valid_until: "+day(30)).Replace(string(b))
	if err := os.WriteFile(outage, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "screen")
	if _, err := demo.InstallFrom(context.Background(), data, os.DirFS(src), func() time.Time { return syncedAt }); err != nil {
		t.Fatal(err)
	}
	if err := pin.Write(data, pin.Demo); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sources = nil
	cfg.Dwell = config.Duration{Duration: 3 * time.Second}
	if err := config.Save(data, cfg); err != nil {
		t.Fatal(err)
	}
	return data
}

// footerRule is the row of the separator above the display's footer,
// found from the bottom; -1 if there is none.
func footerRule(img image.Image) int {
	b := img.Bounds()
	for y := b.Max.Y - 20; y > b.Max.Y-200; y-- {
		if rowShare(img, y, 40, b.Max.X-40, rule, 6) > 0.95 {
			return y
		}
	}
	return -1
}

// TestDisplayKeepsTheFooterClear runs the display with the stale banner
// and the urgent ticker both up, portrait and landscape, and checks over a
// whole rotation that the slide never runs into the footer: a clean rule
// above it and a clean band above the rule (item 5).
func TestDisplayKeepsTheFooterClear(t *testing.T) {
	needWindowTools(t)
	for _, size := range [][2]int{{1920, 1080}, {1080, 1920}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			data := shapedFeed(t, time.Now().Add(-5*24*time.Hour))
			win := startWindow(t, size[0], size[1], "kiosk", "--data", data, "--mode", "display", "--fullscreen")
			end := time.Now().Add(40 * time.Second)
			sawStale, sawTicker := false, false
			for i := 0; time.Now().Before(end); i++ {
				img := win.shot(fmt.Sprintf("display-%02d", i))
				for y := 100; y < size[1]/2; y += 2 {
					sawStale = sawStale || rowShare(img, y, 60, size[0]-60, alarm, 8) > 0.7
					sawTicker = sawTicker || rowShare(img, y, 60, size[0]-60, noticeBox, 8) > 0.5
				}
				r := footerRule(img)
				if r < 0 {
					t.Fatalf("shot %d: no clean rule above the footer: the slide ran over it; shots in %s", i, win.shots)
				}
				for y := r - 12; y < r-2; y++ {
					if s := rowShare(img, y, 40, size[0]-40, paper, 4); s < 0.995 {
						t.Fatalf("shot %d: row %d above the footer's rule carries ink (%.1f%% background): the slide runs into the footer; shots in %s", i, y, 100*s, win.shots)
					}
				}
				time.Sleep(1500 * time.Millisecond)
			}
			if !sawStale || !sawTicker {
				t.Fatalf("stale banner seen %v, urgent ticker seen %v: the test wants both; shots in %s", sawStale, sawTicker, win.shots)
			}
		})
	}
}

var markRE = regexp.MustCompile(`第\s*(\d+)\s*/\s*(\d+)\s*条\s*(?:第\s*(\d+)\s*/\s*(\d+)\s*页)?`)

// ocr reads text from a part of img with tesseract (chi_sim), psm "7"
// for one line, "6" for a block.
func ocr(t *testing.T, img image.Image, r image.Rectangle, dir, name, psm string) string {
	t.Helper()
	sub := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			sub.Set(x, y, img.At(r.Min.X+x, r.Min.Y+y))
		}
	}
	path := filepath.Join(dir, name+".png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := encodePNG(f, sub); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command("tesseract", path, "-", "-l", "chi_sim", "--psm", psm).Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestDisplayPagesThroughANotice watches the landscape display for a
// rotation and reads its "第 n/m 条 第 p/q 页" mark: the village finance
// notice, tables and all, comes up page by page, every page in turn, each
// for its own dwell, and a page that starts inside a table shows the
// table's header again (item 6: before, only the notice's first sentence
// was ever shown).
func TestDisplayPagesThroughANotice(t *testing.T) {
	needWindowTools(t)
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Fatal("tesseract not found: run make deps (scripts/deps.sh)")
	}
	data := shapedFeed(t, time.Now().Add(-time.Hour))
	// a page stays 6 s: on a loaded machine (load 15 on 2 cores) one
	// screenshot took over 3 s, and pages went by unseen
	setDwell(t, data, 6*time.Second)
	win := startWindow(t, 1920, 1080, "kiosk", "--data", data, "--mode", "display", "--fullscreen")
	// shots as fast as they come, read afterwards; a rotation (the
	// urgent outage, then the finance notice's 10 pages) and the finance
	// notice once more
	var shots []image.Image
	for end := time.Now().Add(150 * time.Second); time.Now().Before(end); {
		shots = append(shots, win.shot(fmt.Sprintf("display-%03d", len(shots))))
		time.Sleep(300 * time.Millisecond)
	}
	type mark struct{ page, pages int }
	var seen []mark // the finance notice's pages, in the order they came
	header := false
	var lastFoot image.Image
	for i, img := range shots {
		foot := footerRule(img)
		if foot < 0 {
			t.Fatalf("shot %d: no footer; shots in %s", i, win.shots)
		}
		r := image.Rect(1100, foot+4, 1900, 1080-4)
		crop := img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(r)
		if lastFoot != nil && differ(crop, lastFoot) == 0 {
			continue // the same mark: read each once
		}
		lastFoot = crop
		text := ocr(t, img, r, win.shots, fmt.Sprintf("mark-%03d", i), "7")
		m := markRE.FindStringSubmatch(strings.ReplaceAll(text, " ", ""))
		if m == nil {
			t.Fatalf("shot %d: no 第 n/m 条 mark in the footer (read %q); shots in %s", i, text, win.shots)
		}
		if m[3] == "" {
			continue // a notice of one page
		}
		p, _ := strconv.Atoi(m[3])
		q, _ := strconv.Atoi(m[4])
		if n := len(seen); n == 0 || seen[n-1] != (mark{p, q}) {
			seen = append(seen, mark{p, q})
		}
		if p > 1 && !header {
			// the top of a later page: a table's header row with no
			// heading above it is the header repeated
			top := ocr(t, img, image.Rect(30, 140, 1890, 560), win.shots, fmt.Sprintf("top-%03d", i), "6")
			flat := strings.ReplaceAll(top, " ", "")
			header = strings.Contains(flat, "金额") && !strings.Contains(flat, "情况")
		}
	}
	t.Logf("%d shots; the finance notice's pages seen: %v", len(shots), seen)
	pages := 0
	for _, s := range seen {
		if s.pages > 1 {
			pages = max(pages, s.pages)
		}
	}
	if pages < 3 {
		t.Fatalf("a notice of %d pages at most: the finance notice's tables are not shown; shots in %s", pages, win.shots)
	}
	// every page of it in turn, from the first
	run := 0
	for _, s := range seen {
		switch {
		case s.pages != pages:
			run = 0
		case s.page == run+1:
			run++
		default:
			run = 0
		}
		if run == pages {
			break
		}
	}
	if run != pages {
		t.Errorf("the %d pages did not come one after the other: %v; shots in %s", pages, seen, win.shots)
	}
	if !header {
		t.Errorf("no page that starts inside a table showed the table's header (金额) again; shots in %s", win.shots)
	}
}
