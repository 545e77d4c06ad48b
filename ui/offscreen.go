package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The one place production code uses Fyne's test package, and why: an
// off-screen picture (gongkai screenshot, the admin agent's Capture in
// tests) needs an app and a window whose canvas paints in software, and
// Fyne 2.7.1 has no such driver outside test. driver/software is a thin
// wrapper over it (software.NewCanvas returns test.NewCanvasWithPainter,
// and RenderCanvas wants fyne.CurrentApp(), which only test.NewApp or the
// GL driver, with cgo and a display, provide); app.NewWithID under the
// `ci` build tag is test.NewDriverWithPainter too. So the screenshot uses
// the test app and window directly, and nothing else here does.

// newOffscreen is an app and a window that paint in memory, in software.
func newOffscreen() (fyne.App, fyne.Window) {
	a := test.NewApp()
	return a, test.NewWindow(nil)
}

// widgetRenderer is w's renderer as the canvas keeps it (Fyne's renderer
// cache, which only the test package exposes), for settle.
func widgetRenderer(w fyne.Widget) fyne.WidgetRenderer { return test.WidgetRenderer(w) }
