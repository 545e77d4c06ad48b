package preview

import (
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"gongkai/publish"
	"gongkai/ui/kit"
)

// now is the studio's "today" in the tests.
var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// demo is the demo's source folder: the feed the notice is previewed in.
const demo = "../../../assets/demo"

// newNotice is a preview of a new notice for 东湾村 of body in the
// demo's feed, built, and the input it was built from.
func newNotice(t testing.TB, body string) (*Preview, Input) {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(kit.NewTheme(0))
	src, err := publish.ParseSource(demo)
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Feed: src.Feed, Dir: demo, Targets: []string{"310118901201"}, Body: body, Now: now,
		FM: publish.FrontMatter{Title: "东湾村自来水管网改造施工公告", Category: src.Feed.Categories[0].ID, Agency: "青禾镇人民政府",
			Locations: []any{"310118901201"}}}
	p := New(Options{Spawn: kit.Inline, Faults: kit.NewFaults(slog.New(slog.DiscardHandler)), Say: func(string) {}})
	t.Cleanup(p.Close)
	p.Show(in, nil)
	p.Flush()
	return p, in
}

// The preview is the display's own slide of the notice being edited,
// from a screen at a village it targets, and its A4 poster; a notice
// with a mistake is not previewed.
func TestPreview(t *testing.T) {
	p, in := newNotice(t, "## 施工时间\n\n- 12月1日至12月20日\n")
	if p.disp == nil || p.disp.ShownID != "preview" || !strings.Contains(shownTitle(t, p), "东湾村自来水管网改造施工公告") {
		t.Fatalf("the display does not show the notice: %q", p.msg.Text)
	}
	if img := p.img.Image; img == nil || img.Bounds().Dx() != 1920 || img.Bounds().Dy() != 1080 {
		t.Errorf("preview picture %v", p.img.Image)
	}
	if !strings.Contains(p.Status(), "东湾村的屏幕") || !strings.HasPrefix(p.poster.Text, "A4 海报：1 页") {
		t.Errorf("preview says %q, %q", p.Status(), p.poster.Text)
	}
	p.Select(ModePortrait, 0)
	if img := p.img.Image; img == nil || img.Bounds().Dx() != 1080 || img.Bounds().Dy() != 1920 {
		t.Errorf("portrait preview picture %v", p.img.Image.Bounds())
	}
	if dir := os.Getenv("GONGKAI_STUDIO_SHOTS"); dir != "" {
		f, _ := os.Create(filepath.Join(dir, "studio-preview-portrait.png"))
		png.Encode(f, p.img.Image)
		f.Close()
	}
	p.Select(ModeDisplay, 0)
	if !p.step.Disabled() {
		t.Error("the 字号 can be chosen for the display")
	}
	in.FM.Title += "（修改）"
	p.Show(in, nil)
	p.Flush()
	if !strings.Contains(shownTitle(t, p), "（修改）") {
		t.Error("the preview did not follow the edit")
	}
	p.Show(in, []publish.Finding{{Field: "locations", Stop: true}})
	if p.pending != nil || !strings.Contains(p.Status(), "改正红色的问题") {
		t.Errorf("a notice with a mistake is previewed: %q", p.Status())
	}
}

// The touch screen's preview is the lobby screen's own reader of the
// notice, portrait, at the 字号 step the clerk picks: at 特大 the body is
// in bigger text, on more pages, than at 标准, and an edit is followed.
func TestTouchPreview(t *testing.T) {
	p, in := newNotice(t, "## 施工时间\n\n"+strings.Repeat("- 12月1日至12月20日，东湾村一组至三组停水施工，请提前储水。\n", 12))
	p.Select(ModeTouch, 0)
	if p.step.Disabled() {
		t.Fatal("the 字号 cannot be chosen for the touch screen")
	}
	if img := p.img.Image; img == nil || img.Bounds().Dx() != 1080 || img.Bounds().Dy() != 1920 {
		t.Fatalf("touch preview picture %v", p.img.Image)
	}
	sizes := map[string]float32{}
	pages := map[string]int{}
	for i, st := range kit.TextSteps {
		p.Select(ModeTouch, i)
		shown := shownTexts(p.touch.reader.Object())
		if shown["东湾村自来水管网改造施工公告"] == 0 {
			t.Fatalf("%s: the reader does not show the title: %v", st.Name, shown)
		}
		sizes[st.Name] = shown["施工时间"]
		pages[st.Name] = 1 // the page bar shows only for more
		for text := range shown {
			if strings.HasPrefix(text, "第 1/") {
				pages[st.Name], _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(text, "第 1/"), " 页"))
			}
		}
		if dir := os.Getenv("GONGKAI_STUDIO_SHOTS"); dir != "" {
			f, _ := os.Create(filepath.Join(dir, "studio-preview-touch-"+st.Name+".png"))
			png.Encode(f, p.img.Image)
			f.Close()
		}
	}
	small, big := kit.TextSteps[0].Name, kit.TextSteps[2].Name
	if sizes[big] <= sizes[small] || sizes[small] == 0 {
		t.Errorf("the heading's text size at %s %v, at %s %v", small, sizes[small], big, sizes[big])
	}
	if pages[big] <= pages[small] {
		t.Errorf("pages at %s %d, at %s %d", small, pages[small], big, pages[big])
	}
	in.Body = "## 施工时间（已改期）\n\n- 12月5日至12月25日\n"
	p.Show(in, nil)
	p.Flush()
	if shown := shownTexts(p.touch.reader.Object()); shown["施工时间（已改期）"] == 0 {
		t.Errorf("the touch preview did not follow the edit: %v", shown)
	}
}

// The touch preview makes its theme override once: fifty previews, edits
// at every 字号 step, do not each keep a parse of the CJK font (23 MB
// each when a preview made an override of its own).
func TestTouchPreviewHeap(t *testing.T) {
	p, in := newNotice(t, "")
	preview := func(i int) {
		in.Body = fmt.Sprintf("## 施工时间\n\n第 %d 次修改：12月1日至12月20日。\n", i)
		p.Show(in, nil)
		p.Flush()
		p.Select(ModeTouch, i%len(kit.TextSteps))
	}
	for i := range 5 { // the one override, and Fyne's caches, made
		preview(i)
	}
	before := heapInUse()
	for i := range 50 {
		preview(i)
	}
	after := heapInUse()
	t.Logf("heap in use: %d MB before, %d MB after 50 previews", before>>20, after>>20)
	if after > before+20<<20 {
		t.Errorf("heap grew from %d MB to %d MB over 50 previews", before>>20, after>>20)
	}
}

// shownTitle is the title of the notice the preview's screen holds.
func shownTitle(t *testing.T, p *Preview) string {
	t.Helper()
	it, err := p.env.Item("preview")
	if err != nil {
		t.Fatal(err)
	}
	return it.Title
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// shownTexts is the text on show under o, each with its size: what a
// villager would see of it (hidden blocks of other pages left out).
func shownTexts(o fyne.CanvasObject) map[string]float32 {
	out := map[string]float32{}
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *canvas.Text:
			out[kit.Unbreakable(o.Text)] = o.TextSize
		case *fyne.Container:
			for _, c := range o.Objects {
				visit(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				visit(c)
			}
		}
	}
	visit(o)
	return out
}

// The clerk turns the preview's pages: each mode shows the page asked
// for (what the screen shows on it, the display's counter included), the
// buttons stop at the ends, an edit keeps the page, and another notice,
// another mode or 字号 starts at page 1.
func TestPreviewTurnsPages(t *testing.T) {
	rows := ""
	for i := range 40 {
		rows += fmt.Sprintf("| 第 %d 户 | 东湾村一组 | %d 平方米 |\n", i+1, 100+i)
	}
	body := "## 补偿明细\n\n| 户 | 村组 | 面积 |\n| --- | --- | --- |\n" + rows + "\n## 末页说明\n\n请于十二月底前到村委会签字确认。\n"
	p, in := newNotice(t, body)
	for _, mode := range []string{ModeDisplay, ModePortrait, ModeTouch} {
		t.Run(mode, func(t *testing.T) {
			p.Select(mode, 0)
			if p.page != 0 || p.prev.Disabled() == false {
				t.Fatalf("a new mode starts at page %d (上一页 enabled: %v)", p.page+1, !p.prev.Disabled())
			}
			pages := pagesOf(t, p.pageText.Text)
			if pages < 3 {
				t.Fatalf("%d pages: the table should need more than two", pages)
			}
			// what the painted screen shows
			shown := func() string {
				if mode == ModeTouch {
					return fmt.Sprint(shownTexts(p.touch.reader.Object()))
				}
				return fmt.Sprint(shownTexts(p.disp.Box))
			}
			for n := 1; n < pages; n++ {
				was := shown()
				p.next.OnTapped()
				if p.page != n || p.pageText.Text != kit.PageText(n, pages) {
					t.Fatalf("after %d turns: page %d, %q", n, p.page+1, p.pageText.Text)
				}
				if shown() == was {
					t.Fatalf("page %d shows what page %d did", n+1, n)
				}
			}
			if !p.next.Disabled() || p.prev.Disabled() {
				t.Error("on the last page 下一页 can be tapped, or 上一页 cannot")
			}
			if !strings.Contains(shown(), "末页说明") {
				t.Errorf("the last page does not show the notice's end: %s", shown())
			}
			if mode != ModeTouch && !strings.Contains(shown(), kit.PageText(pages-1, pages)) {
				t.Errorf("the display's counter does not say the last page: %s", shown())
			}
			// an edit of the same notice stays on the page
			in.FM.Title += "（改）"
			p.Show(in, nil)
			p.Flush()
			if p.page != pages-1 {
				t.Errorf("an edit went to page %d of %d", p.page+1, pages)
			}
			p.prev.OnTapped()
			if p.page != pages-2 {
				t.Errorf("上一页 went to page %d", p.page+1)
			}
		})
	}
	// another notice starts at page 1
	in.FM.ID = "another"
	p.Show(in, nil)
	p.Flush()
	if p.page != 0 || !strings.HasPrefix(p.pageText.Text, "第 1/") {
		t.Errorf("another notice opens at page %d (%q)", p.page+1, p.pageText.Text)
	}
}

// pagesOf reads the page count of "第 n/m 页".
func pagesOf(t *testing.T, text string) int {
	t.Helper()
	_, m, ok := strings.Cut(strings.TrimSuffix(text, " 页"), "/")
	n, err := strconv.Atoi(m)
	if !ok || err != nil {
		t.Fatalf("page text %q", text)
	}
	return n
}
