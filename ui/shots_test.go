package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// TestWriteShots renders every screen into $GONGKAI_SHOTS for a person to
// look at. It is skipped unless that variable names a folder.
func TestWriteShots(t *testing.T) {
	out := os.Getenv("GONGKAI_SHOTS")
	if out == "" {
		t.Skip("set GONGKAI_SHOTS=DIR to write screenshots")
	}
	st := demoStore(t)
	deps := Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }, Demo: true}
	screens := []string{"home", "list:land", "list:policy", "item:land-2026-017", "item:village-dw-2026q3-finance", "search:tdzs", "item:env-2026-10-monthly", "item:policy-2026-gf1"}
	if s := os.Getenv("GONGKAI_SCREENS"); s != "" {
		screens = strings.Split(s, ",")
	}
	for _, size := range []fyne.Size{portrait, landscape} {
		for _, s := range screens {
			img, err := Screenshot(deps, s, size)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.NewReplacer(":", "-").Replace(s)
			writePNG(t, filepath.Join(out, name+"-"+orient(size)+".png"), img)
		}
	}
}
