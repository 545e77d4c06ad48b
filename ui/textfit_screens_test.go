package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/ui/admin"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
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
	uitest.CheckFit(f.t, f.w, f.size, f.tag, name, root, test.WidgetRenderer)
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
			k, w, _ := newAdminKiosk(t, Deps{DataDir: withPIN(t, "2468"), Admin: admin.Deps{Config: cfg, Version: "0.1.0", Build: "7", Commit: "abc1234",
				LogLines: func() []string {
					return []string{`{"time":"2026-11-25T01:58:01Z","level":"INFO","msg":"sync","version":7}`,
						`{"time":"2026-11-25T01:59:11Z","level":"WARN","msg":"sync failed","err":"sync: reading the manifest: dial tcp 10.0.0.1:443: connect: connection refused","kind":"network"}`}
				}}})
			w.Resize(size)
			f := &fitCheck{t: t, w: w, size: size, tag: orient(size)}
			k.admin.Open(admin.PurposeOpen)
			f.check("pin", k.admin.Box)
			typePIN(t, k, "2468")
			for i, name := range admin.PageNames {
				k.admin.ShowPage(i)
				f.check("admin:"+name, k.admin.Box)
			}
		})
	}
}
