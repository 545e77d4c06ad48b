package kit

import "fyne.io/fyne/v2"

// Showing something in Fyne 2.7.1 does not by itself put it on the
// screen. The GL driver draws a window only when its canvas is marked
// dirty (glfw drawSingleFrame: CheckDirtyAndClear), and:
//
//   - Container.Show only clears Hidden; unlike Container.Hide it does not
//     call repaint, so nothing marks the canvas dirty;
//   - an object is tied to its canvas only while the canvas walks it as
//     visible (EnsureMinSize: cache.SetCanvasForObject), and the tie lapses
//     a minute after the last walk (cache.ValidDuration). So whatever was
//     never drawn, or not drawn for a minute — the admin overlay, the idle
//     prompt — has no canvas: its widgets' own Refresh calls reach
//     canvas.Refresh(obj), find CanvasForObject(obj) nil and do nothing.
//
// The overlay was then in the tree (taps reached it) but not on the glass
// until something else dirtied the canvas: a theme change (why the admin
// panel appeared at 字号 大 and in display mode, where opening it switches
// the theme), a resize, a sync. Stale textures of a hidden object changed
// meanwhile were drawn again for the same reason.
//
// show is therefore the one way the package changes visibility: when it
// shows an object it asks the window to draw that object afresh (redraw).

// show shows or hides o; a newly shown o is drawn at the next frame.
func Show(o fyne.CanvasObject, visible bool) {
	switch {
	case visible && !o.Visible():
		o.Show()
		redraw(o)
	case !visible && o.Visible():
		o.Hide()
	}
}

// redraw marks the canvas holding o dirty and drops o's cached textures,
// so the next frame draws o as it is now. An object without a canvas yet
// (see above) is refreshed on every window of the app: the kiosk has one.
func redraw(o fyne.CanvasObject) {
	a := fyne.CurrentApp()
	if a == nil || a.Driver() == nil {
		return
	}
	d := a.Driver()
	if c := d.CanvasForObject(o); c != nil {
		c.Refresh(o)
		return
	}
	for _, w := range d.AllWindows() {
		w.Canvas().Refresh(o)
	}
}
