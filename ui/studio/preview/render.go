package preview

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
)

// The preview paints a screen at its real size, off-screen, and shows
// the picture scaled into the panel: the screen's layout (fixed paddings,
// finger-sized buttons, a QR code) is the one a villager meets, which a
// screen laid out small, or under a shrunken theme, is not.
//
// As the kiosk's Capture (ui/capture.go) does, on the UI goroutine:
// Fyne's software driver makes only a canvas, painted in software with
// the current app (the studio's window, or the test app in tests); the
// kiosk's screenshot (ui/offscreen.go) makes Fyne's test app, which
// would replace the studio's running one.

// offscreen is one screen's canvas, kept for the window's life: its theme
// override is made once (each new override scope parses the CJK font
// again, see kit.BigButton), and each preview only updates the screen's
// widgets and paints again.
type offscreen struct {
	c interface {
		fyne.Canvas
		Resize(fyne.Size)
	}
	size fyne.Size
}

// newOffscreen holds content under th at size.
func newOffscreen(content fyne.CanvasObject, size fyne.Size, th fyne.Theme) *offscreen {
	c := software.NewCanvas()
	c.SetPadded(false)
	c.SetContent(container.NewThemeOverride(content, th))
	c.Resize(size)
	return &offscreen{c: c, size: size}
}

// paint lays the screen out and paints it. It is laid out twice, at
// another size first: Fyne resolves sizes with the override's theme only
// while it lays the override out, and widgets made after the override (a
// new notice's blocks) were laid out, when they refreshed, with the
// studio's paddings.
func (o *offscreen) paint() image.Image {
	o.c.Content().Resize(o.size.AddWidthHeight(1, 1))
	o.c.Resize(o.size)
	o.c.Content().Resize(o.size)
	return o.c.Capture()
}
