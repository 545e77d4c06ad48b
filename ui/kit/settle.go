package kit

import "fyne.io/fyne/v2"

// Settle lays out again, children before parents, everything visible under
// o: what Fyne's GL driver does at the start of each frame for whatever
// changed size (common.Canvas.EnsureMinSize), and its test canvas never
// does. Without it a text that grew a line after its container was laid
// out is cut off in a screenshot though the real window shows it whole.
//
// rendererOf is a widget's renderer as the canvas keeps it (Fyne's
// renderer cache, which only its test package exposes: test.WidgetRenderer).
func Settle(o fyne.CanvasObject, rendererOf func(fyne.Widget) fyne.WidgetRenderer) {
	if !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			Settle(c, rendererOf)
		}
		if x.Layout != nil {
			x.Layout.Layout(x.Objects, x.Size())
		}
	case fyne.Widget:
		r := rendererOf(x)
		for _, c := range r.Objects() {
			Settle(c, rendererOf)
		}
		r.Layout(x.Size())
	}
}
