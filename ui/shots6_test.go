package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/config"
	"gongkai/paper"
	"gongkai/proof"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// TestWriteDisplayAdminShots renders the display and admin screens into
// $GONGKAI_SHOTS for a person to look at; skipped otherwise.
func TestWriteDisplayAdminShots(t *testing.T) {
	out := os.Getenv("GONGKAI_SHOTS")
	if out == "" {
		t.Skip("set GONGKAI_SHOTS=DIR to write screenshots")
	}
	st := demoStore(t)
	at := func(d time.Duration) func() time.Time { return func() time.Time { return demoNow.Add(d) } }
	cfg, err := config.Parse([]byte("location = \"" + dongwan + "\"\nsources = [\"https://example.gov.cn/qinghe/feed/\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := Deps{Store: st, Location: dongwan, Clock: at(0), Demo: true,
		Admin: admin.Deps{Version: "0.1.0", Build: "test", Commit: "abc1234", PublisherKey: "3f2a 91c0 77de 0b12", Config: cfg,
			LogLines: func() []string {
				return []string{`{"time":"2026-11-25T09:58:01+08:00","level":"INFO","msg":"scheduled sync updated the screen","version":7}`,
					`{"time":"2026-11-25T09:59:11+08:00","level":"WARN","msg":"scheduled sync failed","err":"dial tcp: no route","kind":"network"}`,
					`{"time":"2026-11-25T10:00:02+08:00","level":"INFO","msg":"admin panel unlocked"}`}
			}}}
	for _, size := range []fyne.Size{portrait, landscape} {
		o := orient(size)
		shot := func(name string, d Deps, screenName string) {
			t.Helper()
			img, err := Screenshot(d, screenName, size)
			if err != nil {
				t.Fatal(err)
			}
			writePNG(t, filepath.Join(out, name+"-"+o+".png"), img)
		}
		shot("display", base, "display")
		empty := base
		empty.Store = uitest.EmptyStore(t) // a new screen before its first sync
		shot("display-empty", empty, "display")
		stale := base
		stale.Clock = at(5 * 24 * time.Hour)
		shot("display-stale", stale, "display")
		off := base
		off.Hours = kit.Hours{On: 7 * 60, Off: 21 * 60}
		off.Clock = at(13 * time.Hour) // 23:00
		shot("display-off", off, "display")
		for _, p := range []string{"pin", "status", "settings", "log", "sync"} {
			shot("admin-"+p, base, "admin:"+p)
		}

		// the USB preview needs fake media and a fake diff
		a := test.NewTempApp(t)
		w := test.NewWindow(nil)
		w.SetPadded(false)
		d := base
		d.Ticks = make(chan time.Time)
		d.Admin.Unlocked = true
		d.Runtime = &fakeRuntime{OnPreview: func(context.Context, string) (admin.ImportDiff, error) {
			return admin.ImportDiff{Version: 8, Added: []string{"关于东湾村2026年冬季道路维修的通知"}, Changed: []string{"东湾村2026年第三季度村务财务公开"}, Withdrawn: []string{"关于临时停水的紧急通知"}}, nil
		}}
		// the 公示期 page on a log with gaps, and sticks that come later
		log, build := landLog(t)
		stick := filepath.Join(t.TempDir(), "KINGSTON")
		os.Mkdir(stick, 0o755)
		var sticks []string
		d.Admin.Compliance = func() (proof.Report, error) {
			r, err := log.Records()
			if err != nil {
				return proof.Report{}, err
			}
			return build(r)
		}
		d.Admin.ExportReport = func() ([]byte, []byte, error) { return paper.ExportAndCertificate(log, build) }
		d.Admin.Poster = func(string) ([]byte, error) { return []byte("%PDF-1.4"), nil }
		d.Admin.Sticks = func() []string { return sticks }
		d.Spawn = kit.Inline
		k := New(a, w, d)
		w.Resize(size)
		k.admin.Async = func(_ string, fn func()) { fn() }
		k.admin.Open(admin.PurposeOpen)
		k.admin.ShowPage(admin.PageUSB)
		k.admin.VolumesChanged([]string{"/media/usb0/gongkai-feed"})
		writePNG(t, filepath.Join(out, "admin-usblist-"+o+".png"), w.Canvas().Capture())
		k.admin.Pages[admin.PageUSB].(*admin.UsbPage).Preview("/media/usb0/gongkai-feed")
		writePNG(t, filepath.Join(out, "admin-usb-"+o+".png"), w.Canvas().Capture())
		k.admin.ShowPage(admin.PageSettings)
		s := k.admin.Pages[admin.PageSettings].(*admin.SettingsPage)
		s.Edit(s.Settings()[0])
		s.Value = "31011890"
		s.UpdateEditor()
		writePNG(t, filepath.Join(out, "admin-edit-"+o+".png"), w.Canvas().Capture())

		k.admin.ShowPage(admin.PageCompliance)
		c := k.admin.Pages[admin.PageCompliance].(*admin.CompliancePage)
		writePNG(t, filepath.Join(out, "admin-compliance-"+o+".png"), w.Canvas().Capture())
		test.Tap(c.Paged.P.Object(0).(*kit.TapCard))
		writePNG(t, filepath.Join(out, "admin-compliance-gaps-"+o+".png"), w.Canvas().Capture())
		test.Tap(c.Back)
		test.Tap(c.Export)
		writePNG(t, filepath.Join(out, "admin-compliance-nostick-"+o+".png"), w.Canvas().Capture())
		sticks = []string{stick}
		k.admin.VolumesChanged(nil)
		writePNG(t, filepath.Join(out, "admin-compliance-sticks-"+o+".png"), w.Canvas().Capture())
		test.Tap(c.Sticks.List.Objects[0].(*kit.TapCard))
		writePNG(t, filepath.Join(out, "admin-compliance-written-"+o+".png"), w.Canvas().Capture())
		k.admin.ShowPage(admin.PagePoster)
		writePNG(t, filepath.Join(out, "admin-poster-"+o+".png"), w.Canvas().Capture())
		test.Tap(k.admin.Pages[admin.PagePoster].(*admin.PosterPage).Paged.P.Object(0).(*kit.TapCard))
		writePNG(t, filepath.Join(out, "admin-poster-sticks-"+o+".png"), w.Canvas().Capture())
		k.Close()
		w.Close()
	}
}
