package studio

import "time"

// The lobby touch screen's reader is the villager screens' (package
// ui/villager, coming to main with its NewReader for one notice); until
// then the preview offers the display's slide, landscape and portrait.
// previewModes are the screens the preview draws.
var previewModes = []string{modeDisplay, modePortrait}

// modeTouch is the touch reader's preview, once ui/villager is here.
const modeTouch = "触摸屏（竖屏）"

type touchPreview struct{}

func (p *preview) drawTouch(time.Time) {}
