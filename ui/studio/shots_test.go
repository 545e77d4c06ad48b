package studio

import (
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"gongkai/publish"
	"gongkai/ui/kit"
	"gongkai/ui/studio/keys"
	"gongkai/ui/studio/preview"
)

// copyDemo copies the demo's source folder into a fresh folder.
func copyDemo(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "qinghe")
	err := filepath.WalkDir("../../assets/demo", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../../assets/demo", path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestShots renders every page (the editor with its preview) at the two
// laptop sizes into $GONGKAI_STUDIO_SHOTS, to be looked at; without it,
// at the smaller size only, into a temporary folder (a render that
// panics fails here).
func TestShots(t *testing.T) {
	out := os.Getenv("GONGKAI_STUDIO_SHOTS")
	sizes := []fyne.Size{{Width: 1920, Height: 1080}, {Width: 1366, Height: 768}}
	if out == "" {
		out, sizes = t.TempDir(), sizes[1:]
	}
	for _, size := range sizes {
		dir := copyDemo(t)
		s, w := newStudio(t, dir, size)
		if _, err := keys.Create(s.f.KeyFile(), []byte(passWord)); err != nil {
			t.Fatal(err)
		}
		name := func(page string) string {
			return filepath.Join(out, "studio-"+page+"-"+itoa(int(size.Width))+"x"+itoa(int(size.Height))+".png")
		}
		shot := func(page string) {
			t.Helper()
			f, err := os.Create(name(page))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := png.Encode(f, w.Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
		}
		s.Go("list")
		shot("list")
		i := slices.IndexFunc(s.f.Notices, func(n *Notice) bool { return n.FM.Kind != "" })
		if i < 0 {
			i = 0
		}
		s.ed.open(s.f.Notices[i])
		s.show("editor")
		s.ed.preview.Flush()
		shot("editor")
		// the touch screen's reader beside the form, at each 字号 step
		for i := range kit.TextSteps {
			s.ed.preview.Select(preview.ModeTouch, i)
			shot("editor-touch-" + itoa(i))
		}
		s.ed.preview.Select(preview.ModeDisplay, 0)
		s.Go("publish")
		shot("publish")
		s.Go("settings")
		shot("settings")
		s.Go("keys")
		shot("keys")
		// a village's draft of a notice, beside the published one
		n := s.f.Notices[i]
		changed := strings.Replace(n.Body, "。", "。（村里补充的说明）", 1)
		data, _ := publish.ItemFile(n.FM, changed)
		draftDir := t.TempDir()
		os.MkdirAll(filepath.Join(draftDir, DraftsDir), 0o755)
		os.WriteFile(filepath.Join(draftDir, DraftsDir, n.FM.ID+".md"), data, 0o644)
		zip := filepath.Join(t.TempDir(), "柳塘村草稿.zip")
		df := &Folder{Dir: draftDir, Settings: Settings{Village: liutang, Clerk: "李文书"}}
		n.FM.Attachments = nil
		data, _ = publish.ItemFile(n.FM, changed)
		os.WriteFile(filepath.Join(draftDir, DraftsDir, n.FM.ID+".md"), data, 0o644)
		if err := ExportDrafts(df, []string{DraftsDir + "/" + n.FM.ID + ".md"}, zip, now); err != nil {
			t.Fatal(err)
		}
		s.Go("drafts")
		pick(s, zip)
		s.drafts.load(zip)
		shot("drafts")
	}
}

func itoa(i int) string { return fmtInt(i) }
