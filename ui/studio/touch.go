package studio

import "time"

// drawTouch draws the lobby touch screen's reader of the notice. It
// waits for the villager screens' own package (ui/villager).
func (p *preview) drawTouch(now time.Time) {
	p.setImage(nil)
	p.msg.SetText("触摸屏预览：等待 ui/villager")
}
