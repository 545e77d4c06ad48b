package studio

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"gongkai/screen"
)

// Run opens the studio's window on opt.Src (or asks for a folder) at a
// laptop's size, and returns when the clerk closes it.
func Run(opt Options) error {
	if err := screen.HaveDisplay(); err != nil {
		return err
	}
	a := app.NewWithID("cn.gov.gongkai.studio")
	a.Settings().SetTheme(Theme())
	w := a.NewWindow("发布台 · 公开 Gongkai")
	s := New(w, opt)
	defer s.Close()
	w.SetContent(s.Content())
	w.Resize(fyne.NewSize(1366, 768))
	w.ShowAndRun()
	return nil
}
