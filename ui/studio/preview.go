package studio

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"gongkai/publish"
)

// preview shows the notice being edited as the screens will.
type preview struct {
	s   *Studio
	box fyne.CanvasObject
}

func newPreview(s *Studio) *preview {
	p := &preview{s: s}
	p.box = container.NewPadded(widget.NewLabel("预览"))
	return p
}

func (p *preview) show(fm publish.FrontMatter, body string, found []publish.Finding) {}
