package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// PriorityTag is the 紧急 / 置顶 badge, nil for ordinary notices.
func PriorityTag(priority string, size fyne.ThemeSizeName) fyne.CanvasObject {
	switch priority {
	case "urgent":
		return Badge(ColorUrgent, "紧急", size)
	case "pinned":
		return Badge(theme.ColorNamePrimary, "置顶", size)
	}
	return nil
}

// TightVBox stacks rows without padding: RichText already pads itself.
type TightVBox struct{}

func (TightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
	}
	return s
}

func (TightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := Height(o, size.Width)
		o.Move(fyne.NewPos(0, y))
		y += h
	}
}
