package ui

import (
	"context"
	"errors"
	"image"

	"fyne.io/fyne/v2"
)

// ErrInUse: Capture declined, someone is using the screen.
var ErrInUse = errors.New("ui: the screen is in use")

// Capture is what the window shows now, for the township's monitor
// (monitor/agent). The capture runs on the UI loop (fyne.Do); the caller
// waits, the loop does not. It declines while the admin panel is open (a
// PIN pad and settings are nobody's business) and, in touch mode, while a
// villager is using the screen: only the screen at rest is sent.
func (k *Kiosk) Capture(ctx context.Context) (image.Image, error) {
	type shot struct {
		img image.Image
		err error
	}
	ch := make(chan shot, 1)
	fyne.Do(func() {
		if k.admin.box.Visible() || (!k.display() && !k.atRest()) {
			ch <- shot{err: ErrInUse}
			return
		}
		ch <- shot{img: k.win.Canvas().Capture()}
	})
	select {
	case s := <-ch:
		return s.img, s.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
