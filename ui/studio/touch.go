package studio

import "time"

// previewModes are the screens the preview draws: the display's slide,
// landscape and portrait.
//
// The lobby touch screen's reader (villager.NewReader) is not among
// them yet: it takes its text size from the window's theme, and builds
// its blocks anew for each notice, so under the studio's window it needs
// a theme override made again for each preview — and Fyne 2.7.1 parses
// the CJK font again for each override scope and keeps it (measured:
// 23 MB more heap per preview, never freed; the display's slide, built
// once, adds nothing). See the report of #17.
var previewModes = []string{modeDisplay, modePortrait}

// modeTouch would be the touch reader's preview.
const modeTouch = "触摸屏（竖屏）"

type touchPreview struct{}

func (p *preview) drawTouch(time.Time) {}
