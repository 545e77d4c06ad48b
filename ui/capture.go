package ui

import (
	"context"
	"errors"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
)

// ErrInUse: Capture declined, someone is using the screen.
var ErrInUse = errors.New("ui: the screen is in use")

// Capture is what the window shows now, for the township's monitor
// (monitor/agent). It declines while the admin panel is open (a PIN pad
// and settings are nobody's business) and, in touch mode, while a
// villager is using the screen: only the screen at rest is sent.
//
// The window's widgets are painted again in software, on the UI loop
// (fyne.Do; the caller waits, the loop does not wait for it): reading the
// GL front buffer back (Canvas.Capture) gives black under Xvfb's Mesa and
// is not reliable under compositors either.
func (k *Kiosk) Capture(ctx context.Context) (image.Image, error) {
	type shot struct {
		img image.Image
		err error
	}
	ch := make(chan shot, 1)
	fyne.Do(func() {
		if k.admin.Box.Visible() || (!k.display() && !k.atRest()) {
			ch <- shot{err: ErrInUse}
			return
		}
		c := software.NewCanvas()
		c.SetPadded(false)
		c.Resize(k.win.Canvas().Size()) // first: the window's content keeps its size
		c.SetContent(k.win.Content())
		img := c.Capture()
		c.SetContent(nil)
		ch <- shot{img: img}
	})
	select {
	case s := <-ch:
		return s.img, s.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
