package studio

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// The preview is the display's own slide of the notice being edited,
// from a screen at a village it targets, and its A4 poster; a notice
// with a mistake is not previewed.
func TestPreview(t *testing.T) {
	s, _ := newStudio(t, copyDemo(t), fyne.NewSize(1920, 1080))
	s.Go("new")
	e := s.ed
	e.title.SetText("东湾村自来水管网改造施工公告")
	e.places.SetSelected([]string{"东湾村（310118901201）"})
	e.agency.SetText("青禾镇人民政府")
	e.body.SetText("## 施工时间\n\n- 12月1日至12月20日\n")
	p := e.preview
	p.flush()
	if p.disp == nil || p.disp.ShownID != "preview" || !strings.Contains(shownTitle(t, p), "东湾村自来水管网改造施工公告") {
		t.Fatalf("the display does not show the notice: %q", p.msg.Text)
	}
	if img := p.img.Image; img == nil || img.Bounds().Dx() != 1920 || img.Bounds().Dy() != 1080 {
		t.Errorf("preview picture %v", p.img.Image)
	}
	if !strings.Contains(p.msg.Text, "东湾村的屏幕") || !strings.HasPrefix(p.poster.Text, "A4 海报：1 页") {
		t.Errorf("preview says %q, %q", p.msg.Text, p.poster.Text)
	}
	p.mode.SetSelected(modePortrait)
	if img := p.img.Image; img == nil || img.Bounds().Dx() != 1080 || img.Bounds().Dy() != 1920 {
		t.Errorf("portrait preview picture %v", p.img.Image.Bounds())
	}
	if dir := os.Getenv("GONGKAI_STUDIO_SHOTS"); dir != "" {
		f, _ := os.Create(filepath.Join(dir, "studio-preview-portrait.png"))
		png.Encode(f, p.img.Image)
		f.Close()
	}
	p.mode.SetSelected(modeDisplay)
	if !p.step.Disabled() {
		t.Error("the 字号 can be chosen for the display")
	}
	e.title.SetText("东湾村自来水管网改造施工公告（修改）")
	p.flush()
	if !strings.Contains(shownTitle(t, p), "（修改）") {
		t.Error("the preview did not follow the edit")
	}
	e.places.SetSelected(nil)
	if p.pending != nil || !strings.Contains(p.msg.Text, "改正红色的问题") {
		t.Errorf("a notice with a mistake is previewed: %q", p.msg.Text)
	}
}

// shownTitle is the title of the notice the preview's screen holds.
func shownTitle(t *testing.T, p *preview) string {
	t.Helper()
	it, err := p.env.Item("preview")
	if err != nil {
		t.Fatal(err)
	}
	return it.Title
}
