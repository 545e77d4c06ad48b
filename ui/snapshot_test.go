package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/ui/kit"
)

// TestScreenSnapshots compares every screen, portrait and landscape, with
// the markup in testdata/. After an intended change, regenerate with
//
//	go test ./ui -run TestScreenSnapshots; cp ui/testdata/failed/*.xml ui/testdata/
//
// and look at the PNGs from TestWriteShots before committing.
func TestScreenSnapshots(t *testing.T) {
	for name, size := range map[string]struct{ w, h float32 }{"portrait": {1080, 1920}, "landscape": {1920, 1080}} {
		t.Run(name, func(t *testing.T) {
			k, w, c := newTestKiosk(t, portrait)
			w.Resize(fyne.NewSize(size.w, size.h))
			shot := func(file string) {
				t.Helper()
				assertMarkup(t, file+"_"+name+".xml", w.Canvas())
				if dir := os.Getenv("GONGKAI_SHOTS"); dir != "" {
					writePNG(t, filepath.Join(dir, "snap-"+file+"-"+name+".png"), w.Canvas().Capture())
				}
			}
			open := func(name string) {
				t.Helper()
				if err := k.v.Open(name); err != nil {
					t.Fatal(err)
				}
			}
			shot("home")
			open("list:land")
			shot("list_land")
			k.v.Home()
			open("list:policy")
			shot("list_policy")
			k.v.Home()
			open("item:land-2026-017")
			shot("reader_land")
			k.v.SetPage(1)
			shot("reader_land_page2")
			k.v.SetStep(2)
			shot("reader_land_xl")
			k.v.SetStep(0)
			open("attachment:land-2026-017:0")
			shot("image")
			k.v.Home()
			open("item:village-dw-2026q3-finance")
			shot("reader_tables")
			k.v.Home()
			open("attachment:env-2026-10-monthly:0")
			shot("csv")
			k.v.Home()
			open("search:tdzs")
			shot("search")
			c.t = c.t.Add(95 * time.Second)
			k.CheckIdle()
			shot("idle_prompt")
		})
	}
}

// assertMarkup is test.AssertRendersToMarkup without the line-break marks
// (breakable): Fyne drops carriage returns from the master it reads back,
// and the marks say nothing the positions and sizes of the rows do not.
func assertMarkup(t *testing.T, file string, c fyne.Canvas) {
	t.Helper()
	settle(c.Content()) // as the real window lays out before a frame
	got := kit.Unbreakable(test.RenderToMarkup(c))
	master, err := os.ReadFile(filepath.Join("testdata", file))
	if err == nil && string(master) == got {
		return
	}
	failed := filepath.Join("testdata", "failed", file)
	if err := os.MkdirAll(filepath.Dir(failed), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(failed, []byte(got), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Errorf("%s: markup differs from the master (%v); actual markup in %s", file, err, failed)
}
