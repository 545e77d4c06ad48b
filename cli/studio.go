package cli

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"gongkai/ui/studio"
)

func init() {
	register("studio", "the clerks' desktop window (发布台): write, check, preview, approve and publish notices: [--src DIR]", runStudio)
}

// runStudio opens the studio's window on a source folder (or asks for one).
func runStudio(env *Env, args []string) error {
	fs := newFlags(env, "studio")
	src := fs.String("src", "", "the source folder (feed.yaml and notices); an empty folder becomes a new one")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := haveDisplay(); err != nil {
		return err
	}
	a := app.NewWithID("cn.gov.gongkai.studio")
	a.Settings().SetTheme(studio.Theme())
	w := a.NewWindow("发布台 · 公开 Gongkai")
	s := studio.New(w, studio.Options{Src: *src})
	w.SetContent(s.Content())
	w.Resize(fyne.NewSize(1366, 768))
	w.ShowAndRun()
	s.Close()
	return nil
}
