package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"gongkai/feed"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
)

// fitCheck lays the window out as a frame would and reports what the
// text-fit checker finds under root. With GONGKAI_SHOTS set it also writes
// the window there, for a person to look at.
type fitCheck struct {
	t    *testing.T
	w    fyne.Window
	size fyne.Size
	tag  string // orientation and text size, for the names
	seen map[string]bool
}

func (f *fitCheck) check(name string, root fyne.CanvasObject) {
	f.t.Helper()
	settle(f.w.Canvas().Content())
	probs := textFitProblems(root, f.size)
	for _, p := range probs {
		f.t.Errorf("%s %s: %s", f.tag, name, p)
	}
	if dir := os.Getenv("GONGKAI_SHOTS"); dir != "" && (len(probs) > 0 || os.Getenv("GONGKAI_FIT_ALL") != "") {
		file := strings.NewReplacer(":", "-", "/", "-", " ", "-").Replace(f.tag + "-" + name)
		writePNG(f.t, filepath.Join(dir, "fit-"+file+".png"), f.w.Canvas().Capture())
	}
}

// pages checks every page of the screen on show as name.
func (f *fitCheck) pages(k *Kiosk, name string, root fyne.CanvasObject) {
	f.t.Helper()
	f.check(name, root)
	for i := 1; i < k.v.Pages(); i++ {
		k.v.SetPage(i)
		f.check(fmt.Sprintf("%s p%d", name, i+1), root)
	}
}

// TestTextFitsOnEveryTouchScreen runs the checker over every screen of the
// touch kiosk on the demo feed — home, every topic list, every notice on
// every page, its attachments, search, the idle prompt — at every 字号 step,
// portrait and landscape.
func TestTextFitsOnEveryTouchScreen(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		for step := range kit.TextSteps {
			tag := orient(size) + "/" + kit.TextSteps[step].Name
			t.Run(tag, func(t *testing.T) {
				k, w, c := newTestKioskWith(t, size, Deps{TextStep: step}) // the idle reset returns to it
				f := &fitCheck{t: t, w: w, size: size, tag: tag}
				root := w.Content()
				open := func(name string) {
					t.Helper()
					if err := k.v.Open(name); err != nil {
						t.Fatal(err)
					}
				}
				f.pages(k, "home", root)
				for _, cat := range k.Feed.Categories {
					open("list:" + cat.ID)
					f.pages(k, "list:"+cat.ID, root)
					k.v.Home()
				}
				items, err := k.Store.Visible(dongwan, "", k.Now())
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range items {
					open("item:" + it.ID)
					f.pages(k, "item:"+it.ID, root)
					full, _ := k.Item(it.ID)
					for i, a := range full.Attachments {
						open(fmt.Sprintf("attachment:%s:%d", it.ID, i))
						if strings.HasPrefix(a.Type, "image/") {
							f.check("image:"+it.ID, root)
						} else {
							f.pages(k, "table:"+it.ID, root)
						}
						k.v.Back()
					}
					k.v.Home()
				}
				for _, q := range []string{"", "tdzs", "qzzzzzzzzzzzzzzz"} {
					open("search:" + q)
					f.pages(k, "search:"+q, root)
					k.v.Home()
				}
				open("list:land")
				c.t = c.t.Add(k.deps.IdleTimeout + time.Second)
				k.CheckIdle()
				if !k.prompt.box.Visible() {
					t.Fatal("no idle prompt")
				}
				f.check("idle-prompt", k.prompt.box)
			})
		}
	}
}

// TestTextFitsOnTheAdminPanel: every page of the panel, portrait and
// landscape (it keeps its own text size).
func TestTextFitsOnTheAdminPanel(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		t.Run(orient(size), func(t *testing.T) {
			cfg := mustParse(t, "location = \"310118901201\"\nsources = [\"https://example.gov.cn/qinghe/feed/\"]\n")
			k, w, _ := newAdminKiosk(t, Deps{Admin: admin.Deps{Config: cfg, Version: "0.1.0", Build: "7", Commit: "abc1234",
				LogLines: func() []string {
					return []string{`{"time":"2026-11-25T01:58:01Z","level":"INFO","msg":"sync","version":7}`,
						`{"time":"2026-11-25T01:59:11Z","level":"WARN","msg":"sync failed","err":"sync: reading the manifest: dial tcp 10.0.0.1:443: connect: connection refused","kind":"network"}`}
				}}})
			w.Resize(size)
			f := &fitCheck{t: t, w: w, size: size, tag: orient(size)}
			k.admin.Gate.Set("2468")
			k.admin.Open(admin.PurposeOpen)
			f.check("pin", k.admin.Box)
			typePIN(k, "2468")
			for i, name := range admin.PageNames {
				k.admin.ShowPage(i)
				f.check("admin:"+name, k.admin.Box)
			}
		})
	}
}

// TestTextFitsOnTheDisplay: every slide of the display, also with the
// stale banner and the urgent ticker both up, and the empty slide.
func TestTextFitsOnTheDisplay(t *testing.T) {
	for _, size := range []fyne.Size{landscape, portrait} {
		t.Run(orient(size), func(t *testing.T) {
			k, w, c := newTestDisplay(t, Deps{StaleAfter: 72 * time.Hour}, size)
			f := &fitCheck{t: t, w: w, size: size, tag: orient(size)}
			for _, stale := range []bool{false, true} {
				if stale {
					c.t = demoNow.Add(5 * 24 * time.Hour)
					k.Tick()
					if !k.disp.Stale.Visible() {
						t.Fatal("no stale banner")
					}
				}
				for _, s := range k.disp.Rot.Slides() {
					k.disp.Rot.Show(s.ID, k.disp.ClockNow())
					k.disp.ShowSlide(k.disp.ClockNow())
					name := "display:" + s.ID
					if stale {
						name += " stale"
					}
					f.check(name, k.disp.Box)
					if stale && s.Priority == feed.PriorityUrgent && !k.disp.Ticker.Visible() {
						t.Error("no urgent ticker")
					}
				}
			}
			e, we, _ := newTestDisplay(t, Deps{Store: emptyStore(t)}, size)
			(&fitCheck{t: t, w: we, size: size, tag: orient(size)}).check("display-empty", e.disp.Box)
		})
	}
}
