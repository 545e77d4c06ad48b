package studio

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

type draftsView struct {
	s   *Studio
	box fyne.CanvasObject
}

func newDraftsView(s *Studio) *draftsView {
	return &draftsView{s: s, box: container.NewPadded(widget.NewLabel("草稿"))}
}

func (v *draftsView) refresh() {}
