package ui

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
)

// idlePrompt covers the screen after the idle timeout. Any tap on it, not
// only on 继续阅读, keeps the page: the villager is clearly still there.
type idlePrompt struct {
	box       *fyne.Container
	countdown *widget.Label
	cont      *kit.BigButton
}

func (k *Kiosk) newIdlePrompt() *idlePrompt {
	p := &idlePrompt{}
	shade := kit.NewCover(color.NRGBA{0, 0, 0, 0x99}, k.touch)
	title := kit.Label("还在阅读吗？", kit.SizeTitle)
	title.Alignment = fyne.TextAlignCenter
	p.countdown = kit.Label("", theme.SizeNameSubHeadingText)
	p.countdown.Alignment = fyne.TextAlignCenter
	p.cont = kit.NewBigButton("继续阅读", widget.HighImportance, fyne.NewSize(420, 110), k.touch)
	card := kit.Panel(kit.ColorCard, container.NewVBox(
		title, p.countdown, container.NewCenter(p.cont)))
	p.box = container.NewStack(shade, container.NewCenter(
		container.New(kit.FixedWidth{W: 720}, card)))
	p.box.Hide()
	return p
}

func (p *idlePrompt) update(left time.Duration) {
	secs := int(math.Ceil(left.Seconds()))
	kit.SetText(p.countdown, fmt.Sprintf("%d 秒后回到首页，请点“继续阅读”", secs))
}
