package paper

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"

	"gongkai/assets"
	"gongkai/feed"
	"gongkai/proof"
	"gongkai/publish"
)

// demoFeed publishes the demo source with the demo key and reads the item
// objects back, as a screen would hold them; attachments resolve to the
// published objects.
func demoFeed(t *testing.T) (items map[string]*feed.Item, attachment func(string) (string, error)) {
	t.Helper()
	src, err := publish.ParseSource("../assets/demo")
	if err != nil {
		t.Fatal(err)
	}
	key, err := feed.ParsePrivateKey(assets.DemoPrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := publish.Publish(src, out, publish.Options{Key: key}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(out, feed.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := feed.ParseManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	items = map[string]*feed.Item{}
	for _, ref := range m.Items {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(feed.ObjectPath(ref.SHA256))))
		if err != nil {
			t.Fatal(err)
		}
		it, err := feed.DecodeItem(b, ref, m)
		if err != nil {
			t.Fatal(err)
		}
		items[it.ID] = it
	}
	return items, func(sum string) (string, error) {
		p := filepath.Join(out, filepath.FromSlash(feed.ObjectPath(sum)))
		_, err := os.Stat(p)
		return p, err
	}
}

// render turns the PDF into one PNG per page with pdftoppm, into dir.
func render(t *testing.T, pdf []byte, dir, name string) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if testing.Short() {
			t.Skip("pdftoppm not installed")
		}
		t.Fatal("pdftoppm not installed (poppler-utils); run with -short to skip")
	}
	in := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "100", "-png", in, filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, name+"-*.png"))
	sort.Strings(pages)
	if len(pages) == 0 {
		t.Fatal("pdftoppm wrote no page")
	}
	return pages
}

func loadPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// inked is the share of dark pixels: a page of real text has some, a page
// of missing glyphs or nothing has none.
func inked(img image.Image) float64 {
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0x8000 {
				dark++
			}
		}
	}
	return float64(dark) / float64(b.Dx()*b.Dy())
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code found on page 1: %v", err)
	}
	return res.GetText()
}

// shotDir keeps the renders for a person to look at when PAPER_SHOTS
// names a folder (e.g. /tmp/pdfshots).
func shotDir(t *testing.T) string {
	if d := os.Getenv("PAPER_SHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func TestPosterDemo(t *testing.T) {
	items, att := demoFeed(t)
	dir := shotDir(t)
	for _, id := range []string{"land-2026-017", "village-dw-2026q3-finance"} {
		t.Run(id, func(t *testing.T) {
			it := items[id]
			if it == nil {
				t.Fatalf("demo has no %s", id)
			}
			var buf bytes.Buffer
			if err := Poster(&buf, it, demoCalendar(t), "东湾村", att); err != nil {
				t.Fatal(err)
			}
			pdf := buf.Bytes()
			if !bytes.Contains(pdf, []byte("/FontFile2")) {
				t.Error("the PDF embeds no TrueType font")
			}
			pages := render(t, pdf, dir, id)
			first := loadPNG(t, pages[0])
			if b := first.Bounds(); b.Dx() != 827 || b.Dy() != 1170 {
				t.Errorf("page 1 is %dx%d px at 100 dpi, not A4 portrait", b.Dx(), b.Dy())
			}
			for _, p := range pages {
				if ink := inked(loadPNG(t, p)); ink < 0.005 {
					t.Errorf("%s is blank (%.4f dark)", filepath.Base(p), ink)
				}
			}
			if got := decodeQR(t, first); got != it.URL {
				t.Errorf("QR code says %q, want %q", got, it.URL)
			}
			if !bytes.Contains(pdf, []byte("/Image")) {
				t.Error("no image in the PDF")
			}
			if id == "land-2026-017" && bytes.Count(pdf, []byte("/Subtype /Image")) < 2 {
				t.Error("the map attachment is not placed (want QR code and map)")
			}
		})
	}
}

// The text of a rendered poster, read back by OCR, when tesseract is
// there: the Chinese is real glyphs, not boxes.
func TestPosterOCR(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract not installed")
	}
	items, att := demoFeed(t)
	var buf bytes.Buffer
	if err := Poster(&buf, items["village-dw-2026q3-finance"], nil, "东湾村", att); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pages := render(t, buf.Bytes(), dir, "ocr")
	out, err := exec.Command("tesseract", pages[0], "-", "-l", "chi_sim").Output()
	if err != nil {
		t.Skipf("tesseract chi_sim: %v", err)
	}
	text := strings.ReplaceAll(string(out), " ", "")
	for _, want := range []string{"财务收支", "收入合计", "589,114.56"} {
		if !strings.Contains(text, want) {
			t.Errorf("OCR of page 1 lacks %q:\n%s", want, text)
		}
	}
}

func hostile(body string) *feed.Item {
	return &feed.Item{ID: "x-1", Title: "测试", Agency: "测试机关", Published: "2026-11-10",
		Locations: []string{"all"}, URL: "https://example.gov.cn/x-1", Contact: "测试", Body: body}
}

// hostileBodies are notice bodies built to make the poster slow or huge.
func hostileBodies() map[string]string {
	row := func(cols int, cell string) string {
		return "|" + strings.Repeat(" "+cell+" |", cols) + "\n"
	}
	wide := row(200, "列") + "|" + strings.Repeat(" --- |", 200) + "\n" + row(200, "一二三四五六七八九十")
	long := row(3, "序号") + "| --- | --- | --- |\n"
	for i := 0; i < 2000; i++ {
		long += fmt.Sprintf("| %d | 第 %d 行 | 1,000.00 |\n", i, i)
	}
	huge := strings.Repeat("这是一段很长的正文，用来测试超长的公告内容是否会被截断。", 4<<20/84)
	oneWord := strings.Repeat("a", 200000)
	bigCell := "| a | b |\n| --- | --- |\n| " + strings.Repeat("很长的单元格", 20000) + " | x |\n"
	return map[string]string{"4MB body": huge, "200 columns": wide, "2000 rows": long, "one long word": oneWord, "huge cell": bigCell}
}

// Hostile bodies give a bounded poster. How long they take is
// BenchmarkPosterHostile's business: a wall-clock limit here failed under
// -race on a loaded 2-core machine (make fresh-check, 32 s for one word).
func TestPosterHostile(t *testing.T) {
	for name, body := range hostileBodies() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Poster(&buf, hostile(body), nil, "东湾村", nil); err != nil {
				t.Fatalf("error: %v", err)
			}
			if n := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); n > MaxPages {
				t.Errorf("%d pages, over %d", n, MaxPages)
			}
			if buf.Len() > 8<<20 {
				t.Errorf("PDF is %d bytes", buf.Len())
			}
		})
	}
}

func BenchmarkPosterHostile(b *testing.B) {
	for name, body := range hostileBodies() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := Poster(io.Discard, hostile(body), nil, "东湾村", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func sampleReport() proof.Report {
	s, e := "2026-11-10", "2026-12-09"
	return proof.Report{Device: "SHA256:abcd1234efgh5678", Generated: "2026-11-26T09:30:00+08:00", Timezone: "Asia/Shanghai", OnHours: "07:00-21:00",
		Notices: []proof.NoticeReport{
			{ID: "land-2026-017", Title: "东湾村三组集体土地征收补偿安置方案公告", DisplayedSeconds: 16 * 86400, PostingDays: 30,
				PeriodStart: &s, PeriodEnd: &e, DaysElapsed: 16, DaysCovered: 15, DaysWithGaps: 1, Coverage: "15/30", Status: "failed",
				Gaps: []proof.GapJSON{
					{Start: "2026-11-20T10:00:00+08:00", End: "2026-11-20T11:00:00+08:00", Seconds: 3600, Cause: "program down", Counted: true},
					{Start: "2026-11-20T21:00:00+08:00", End: "2026-11-21T07:00:00+08:00", Seconds: 36000, Cause: "off-hours"},
				}},
			{ID: "village-dw-2026q3-finance", Title: "东湾村2026年第三季度村级财务收支公开", DisplayedSeconds: 7200},
			{ID: "elderly-2026-009", Title: "高龄津贴发放公示", DisplayedSeconds: 30 * 86400, PostingDays: 7,
				PeriodStart: &s, PeriodEnd: &s, DaysElapsed: 7, DaysCovered: 7, Coverage: "7/7", Status: "met"},
		}}
}

func TestCertificate(t *testing.T) {
	rep := sampleReport()
	var buf bytes.Buffer
	if err := Certificate(&buf, rep, rep.Device); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("/FontFile2")) {
		t.Error("the PDF embeds no TrueType font")
	}
	pages := render(t, buf.Bytes(), shotDir(t), "certificate")
	if ink := inked(loadPNG(t, pages[0])); ink < 0.005 {
		t.Errorf("certificate page 1 is blank (%.4f dark)", ink)
	}
	if err := Certificate(&bytes.Buffer{}, rep, "SHA256:other"); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("another device's fingerprint: %v", err)
	}
	// A report of many notices is cut to a bounded PDF.
	many := rep
	for i := 0; i < 2000; i++ {
		many.Notices = append(many.Notices, rep.Notices[0])
	}
	buf.Reset()
	if err := Certificate(&buf, many, ""); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); n > MaxPages {
		t.Errorf("%d pages", n)
	}
}

func TestSegments(t *testing.T) {
	for _, tc := range []struct {
		in   string
		bold bool
		want []segment
	}{
		{"", false, nil},
		{"公告", false, []segment{{"公告", famCJK}}},
		{"公告 No.7 号", false, []segment{{"公告", famCJK}, {" No.7 ", famLatin}, {"号", famCJK}}},
		{"ab公", true, []segment{{"ab", famLatinBold}, {"公", famCJK}}},
	} {
		if got := segments(tc.in, tc.bold); !slices.Equal(got, tc.want) {
			t.Errorf("segments(%q, %v) = %q, want %q", tc.in, tc.bold, got, tc.want)
		}
	}
}

// demoCalendar is the demo feed's calendar.yaml as a screen holds it.
func demoCalendar(t testing.TB) *feed.Calendar {
	t.Helper()
	data, err := os.ReadFile("../assets/demo/" + publish.CalendarFile)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := publish.ParseCalendar(data)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}
