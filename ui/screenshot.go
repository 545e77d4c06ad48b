package ui

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"gongkai/config"
	"gongkai/ui/kit"
)

// shotMu serialises screenshots: the off-screen app is process-global
// (offscreen.go).
var shotMu sync.Mutex

// Screenshot renders one screen off-screen with Fyne's software renderer
// (no display server, no cgo): home, list:CATEGORY, item:ID or
// search:QUERY, attachment:ID:N (the picture or table view of a notice's
// attachment N, from 0), display[:ID[:PAGE]] (the bulletin slide at the
// given clock, or that notice's slide, or its page), alert:ID (an urgent
// alert in force, as the touch banner opens it), or
// admin[:pin|status|sync|usb|compliance|poster|settings|log|leave] (the panel as if
// unlocked, status by default), at size in Fyne units (= pixels at scale 1).
func Screenshot(deps Deps, screenName string, size fyne.Size) (image.Image, error) {
	kind, arg, _ := strings.Cut(screenName, ":")
	switch kind {
	case "home", "list", "item", "attachment", "search", "display", "admin", "alert":
	default:
		return nil, fmt.Errorf("ui: unknown screen %q (want home, list:CATEGORY, item:ID, attachment:ID:N, search:QUERY, display or admin[:PAGE])", screenName)
	}
	if size.Width < 320 || size.Height < 320 {
		return nil, fmt.Errorf("ui: size %gx%g is too small", size.Width, size.Height)
	}
	shotMu.Lock()
	defer shotMu.Unlock()
	// Fyne treats the main goroutine as its UI thread and would hand our
	// calls to another goroutine; rendering on one of our own keeps it
	// synchronous when called from a command's main.
	type result struct {
		img image.Image
		err error
	}
	done := make(chan result)
	go func() {
		img, err := render(deps, kind, arg, size)
		done <- result{img, err}
	}()
	r := <-done
	return r.img, r.err
}

func render(deps Deps, kind, arg string, size fyne.Size) (image.Image, error) {
	a, w := newOffscreen()
	defer a.Quit()
	defer w.Close()
	w.SetPadded(false)
	if deps.Ticks == nil {
		deps.Ticks = make(chan time.Time) // no idle prompt in a still picture
	}
	switch kind {
	case "display":
		deps.Mode = config.ModeDisplay
	case "admin":
		deps.Admin.Unlocked = true // also for "pin": the real PIN file stays untouched
	}
	deps.Spawn = kit.Inline // a still picture shows what the store answers
	k := New(a, w, deps)
	defer k.Close()
	k.admin.Async = func(_ string, fn func()) { fn() }
	w.Resize(size)

	switch kind {
	case "list", "item", "attachment", "search":
		if err := k.v.Open(kind + ":" + arg); err != nil {
			return nil, err
		}
	case "alert":
		if err := k.alerts.Open(arg); err != nil {
			return nil, err
		}
	case "display":
		k.Tick()
		if arg != "" {
			id, pageArg, paged := strings.Cut(arg, ":")
			if !k.disp.Rot.Show(id, k.disp.ClockNow()) {
				return nil, fmt.Errorf("ui: item %q is not shown on this screen (%s)", id, deps.Location)
			}
			k.disp.ShowSlide(k.disp.ClockNow())
			if paged {
				page, err := strconv.Atoi(pageArg)
				if err != nil || page < 1 {
					return nil, fmt.Errorf("ui: display:%s: want display:ID:PAGE with a page from 1", arg)
				}
				settle(w.Canvas().Content())
				if page > k.disp.Body.Pages() {
					return nil, fmt.Errorf("ui: %s has %d pages on the display at this size", id, k.disp.Body.Pages())
				}
				// as the rotation does when the page's time comes
				r := &k.disp.Rot
				pages := k.disp.Body.Pages()
				r.Show(id, k.disp.ClockNow().Add(-time.Duration(page-1)*r.DwellOf(r.Slides()[r.Index()])))
				r.SetPages(pages)
				k.disp.ShowPage(k.disp.ClockNow())
			}
		}
	case "admin":
		if err := k.admin.OpenForShot(arg); err != nil {
			return nil, err
		}
	}
	settle(w.Canvas().Content())
	return w.Canvas().Capture(), nil
}

// settle lays out again what a frame would (kit.Settle), with the
// renderers as the off-screen canvas keeps them.
func settle(o fyne.CanvasObject) { kit.Settle(o, widgetRenderer) }
