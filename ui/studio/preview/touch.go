package preview

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
	"gongkai/ui/studio/page"
	"gongkai/ui/villager"
)

// previewModes are the screens the preview draws: the display's slide,
// landscape and portrait, and the lobby touch screen's reader at the
// 字号 step the clerk picks.
var previewModes = []string{ModeDisplay, ModePortrait, ModeTouch}

// touchPreview is the lobby screen's own reader (villager.NewReader) of
// the notice, framed as the touch screen frames it: its margins and, in
// the top bar's place, the village's name. It is built once with one
// theme override (a new override per preview parsed the CJK font again,
// 23 MB each, kept: see kit.StepSize); the 字号 step is a setting of
// the reader and of that one override's theme.
type touchPreview struct {
	reader *villager.Reader
	theme  *kit.KioskTheme
	place  *widget.Label
	shot   *offscreen
	step   int // the step the reader is at, -1 before the first
}

// drawTouch draws the touch screen's reader of the preview's notice at
// the chosen 字号 step.
func (p *Preview) drawTouch() {
	t := &p.touch
	if t.reader == nil {
		t.reader = villager.NewReader(p.env)
		t.theme = kit.NewTheme(0)
		t.place = widget.NewLabel("")
		t.place.SizeName = kit.SizeChromeHead
		bar := canvas.NewRectangle(color.Transparent)
		bar.SetMinSize(fyne.NewSize(0, kit.TouchMin)) // the top bar's height: its buttons
		top := container.NewStack(bar, container.NewVBox(layout.NewSpacer(), t.place, layout.NewSpacer()))
		// the touch screen's margins (villager.New)
		frame := container.New(layout.NewCustomPaddedLayout(kit.BarPadding, kit.BarPadding, kit.BarPadding*2, kit.BarPadding*2),
			container.NewBorder(top, nil, nil, nil, t.reader.Object()))
		t.shot = newOffscreen(frame, touchSize, t.theme)
		t.step = -1
	}
	if step := p.stepIndex(); step != t.step {
		t.step = step
		t.theme.SetStep(step)
		t.reader.SetStep(step)
	}
	it, err := p.env.Item("preview")
	if err != nil {
		p.msg.SetText("预览不了：" + page.OneLine(err.Error()))
		return
	}
	t.place.SetText(p.env.Store.PlaceName(p.env.Location))
	t.reader.Show(it)
	p.paintPage(t.reader.TurnTo, t.shot.paint, t.reader.Page)
}

// stepIndex is the 字号 step chosen for the touch screen.
func (p *Preview) stepIndex() int {
	for i, s := range kit.TextSteps {
		if s.Name == p.step.Selected {
			return i
		}
	}
	return 0
}
