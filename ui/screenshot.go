package ui

import (
	"errors"
	"fmt"
	"image"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
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
	k := New(a, w, deps)
	defer k.Close()
	// a still picture shows what the store answers
	k.Spawn = kit.Inline
	k.admin.Async = func(_ string, fn func()) { fn() }
	w.Resize(size)

	switch kind {
	case "list":
		k.push(screen{kind: screenList, category: arg})
	case "item":
		if _, err := k.Item(arg); errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("ui: item %q is not shown on this screen (%s)", arg, deps.Location)
		} else if err != nil {
			return nil, err
		}
		k.push(screen{kind: screenReader, itemID: arg})
	case "attachment":
		// The picture or table view of attachment N of a notice, as
		// 查看图片 / 查看数据表 opens it.
		id, n, _ := strings.Cut(arg, ":")
		it, err := k.Item(id)
		if err != nil {
			return nil, fmt.Errorf("ui: item %q: %w", id, err)
		}
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= len(it.Attachments) {
			return nil, fmt.Errorf("ui: item %q has no attachment %q", id, n)
		}
		kind := screenImage
		if !strings.HasPrefix(it.Attachments[i].Type, "image/") {
			kind = screenTable
		}
		k.push(screen{kind: kind, itemID: id, attach: i})
	case "search":
		k.push(screen{kind: screenSearch})
		k.st.query = strings.ToLower(arg)
		k.render()
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
	case "alert":
		// the alert as the touch banner opens it
		if !slices.ContainsFunc(k.alerts.list, func(a feed.Alert) bool { return a.ID == arg }) {
			return nil, fmt.Errorf("ui: no alert %q in force on this screen (%s)", arg, deps.Location)
		}
		k.alerts.open(arg)
	}
	settle(w.Canvas().Content())
	return w.Canvas().Capture(), nil
}

// settle lays out again, children before parents, everything visible under
// o: what Fyne's GL driver does at the start of each frame for whatever
// changed size (common.Canvas.EnsureMinSize), and its test canvas never
// does. Without it a text that grew a line after its container was laid
// out is cut off in a screenshot though the real window shows it whole.
func settle(o fyne.CanvasObject) {
	if !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			settle(c)
		}
		if x.Layout != nil {
			x.Layout.Layout(x.Objects, x.Size())
		}
	case fyne.Widget:
		r := widgetRenderer(x)
		for _, c := range r.Objects() {
			settle(c)
		}
		r.Layout(x.Size())
	}
}
