package kit

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// bigButton is a button that is never smaller than a fingertip, whatever
// the text size: elderly hands need ≥72 px targets. It is our own rather
// than widget.Button because Button draws its text in the theme's body
// size and in bold. Chrome whose text must not grow with the 字号 step
// (the top bar, the keypads) then needed a container.ThemeOverride, and in
// Fyne 2.7 every override scope, and every Refresh of one, parses the 4 MB
// CJK font again (17 MB each, never freed: the display leaked a parse per
// slide); bold is a second parse of a font that has no bold glyphs.
type BigButton struct {
	widget.DisableableWidget
	Text       string
	Icon       fyne.Resource // optional, left of the text
	Importance widget.Importance
	SizeName   fyne.ThemeSizeName // theme.SizeNameText when empty
	OnTapped   func()
	Min        fyne.Size
}

func NewBigButton(label string, imp widget.Importance, min fyne.Size, tapped func()) *BigButton {
	b := &BigButton{Text: label, Importance: imp, OnTapped: tapped, Min: min}
	b.ExtendBaseWidget(b)
	return b
}

func (b *BigButton) Tapped(*fyne.PointEvent) {
	if !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}

func (b *BigButton) CreateRenderer() fyne.WidgetRenderer {
	r := &buttonRenderer{b: b, bg: canvas.NewRectangle(nil), text: canvas.NewText("", nil), icon: canvas.NewImageFromResource(nil)}
	r.bg.CornerRadius = 10
	r.text.Alignment = fyne.TextAlignCenter
	r.icon.FillMode = canvas.ImageFillContain
	r.Refresh()
	return r
}

type buttonRenderer struct {
	b    *BigButton
	bg   *canvas.Rectangle
	text *canvas.Text
	icon *canvas.Image
}

// colors are the button's background and text for its importance. An
// inactive button has no fill of its own and an outline (Refresh): its
// label stays readable.
func (r *buttonRenderer) colors() (bg, fg fyne.ThemeColorName) {
	switch {
	case r.b.Disabled():
		return theme.ColorNameBackground, theme.ColorNameDisabled
	case r.b.Importance == widget.HighImportance:
		return theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
	case r.b.Importance == widget.DangerImportance:
		return theme.ColorNameError, theme.ColorNameForegroundOnError
	}
	return theme.ColorNameButton, theme.ColorNameForeground
}

func (r *buttonRenderer) Refresh() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	bg, fg := r.colors()
	r.bg.FillColor = th.Color(bg, v)
	r.bg.StrokeColor, r.bg.StrokeWidth = nil, 0
	if r.b.Disabled() {
		r.bg.StrokeColor, r.bg.StrokeWidth = th.Color(theme.ColorNameInputBorder, v), 2
	}
	r.text.Text = r.b.Text
	r.text.Color = th.Color(fg, v)
	size := r.b.SizeName
	if size == "" {
		size = theme.SizeNameText
	}
	r.text.TextSize = th.Size(size)
	r.icon.Resource = nil
	if r.b.Icon != nil {
		r.icon.Resource = theme.NewColoredResource(r.b.Icon, fg)
	}
	r.icon.Hidden = r.b.Icon == nil
	r.bg.Refresh()
	r.text.Refresh()
	r.icon.Refresh()
	r.Layout(r.b.Size())
}

func (r *buttonRenderer) iconSize() float32 {
	if r.b.Icon == nil {
		return 0
	}
	return r.text.TextSize * 1.1
}

func (r *buttonRenderer) MinSize() fyne.Size {
	pad := r.b.Theme().Size(theme.SizeNameInnerPadding)
	t := r.text.MinSize()
	w, h := t.Width, t.Height
	if is := r.iconSize(); is > 0 {
		w += is + pad/2
		h = max(h, is)
	}
	return fyne.NewSize(w+2*pad, h+2*pad).Max(r.b.Min)
}

func (r *buttonRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	t := r.text.MinSize()
	is := r.iconSize()
	gap := float32(0)
	if is > 0 {
		gap = r.b.Theme().Size(theme.SizeNameInnerPadding) / 2
	}
	// icon and text centred together
	x := (s.Width - (is + gap + t.Width)) / 2
	r.icon.Move(fyne.NewPos(x, (s.Height-is)/2))
	r.icon.Resize(fyne.NewSquareSize(is))
	r.text.Move(fyne.NewPos(x+is+gap, (s.Height-t.Height)/2))
	r.text.Resize(t)
}

func (r *buttonRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.icon, r.text}
}
func (r *buttonRenderer) Destroy() {}

// tapCard is a tappable rectangle holding any content: list rows, topic
// tiles, search hits. The whole card is the target, not a small link in it.
type TapCard struct {
	widget.BaseWidget
	Content  fyne.CanvasObject
	Bg       fyne.ThemeColorName
	border   fyne.ThemeColorName
	OnTapped func()
}

func NewTapCard(content fyne.CanvasObject, tapped func()) *TapCard {
	c := &TapCard{Content: content, Bg: ColorCard, border: ColorCardBorder, OnTapped: tapped}
	c.ExtendBaseWidget(c)
	return c
}

func (c *TapCard) Tapped(*fyne.PointEvent) {
	if c.OnTapped != nil {
		c.OnTapped()
	}
}

func (c *TapCard) CreateRenderer() fyne.WidgetRenderer {
	rect := canvas.NewRectangle(nil)
	rect.StrokeWidth = 2
	rect.CornerRadius = 12
	r := &cardRenderer{c: c, rect: rect}
	r.Refresh()
	return r
}

type cardRenderer struct {
	c    *TapCard
	rect *canvas.Rectangle
}

const CardPad float32 = 16

func (r *cardRenderer) Layout(s fyne.Size) {
	r.rect.Resize(s)
	r.c.Content.Move(fyne.NewPos(CardPad, CardPad))
	r.c.Content.Resize(s.Subtract(fyne.NewSize(2*CardPad, 2*CardPad)))
}

func (r *cardRenderer) MinSize() fyne.Size {
	m := r.c.Content.MinSize().Add(fyne.NewSize(2*CardPad, 2*CardPad))
	return m.Max(fyne.NewSize(TouchMin, TouchMin))
}

func (r *cardRenderer) Refresh() {
	th := r.c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.rect.FillColor, r.rect.StrokeColor = color.Transparent, color.Transparent
	if r.c.Bg != "" {
		r.rect.FillColor = th.Color(r.c.Bg, v)
	}
	if r.c.border != "" {
		r.rect.StrokeColor = th.Color(r.c.border, v)
	}
	r.rect.Refresh()
	r.c.Content.Refresh()
}

func (r *cardRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.rect, r.c.Content} }
func (r *cardRenderer) Destroy()                     {}

// cover is the bottom layer of an overlay (the admin panel, the idle
// prompt): it draws the overlay's background and takes every tap that no
// control of the overlay takes. Without it a tap on empty panel space went
// through to the screen beneath (Fyne gives a tap to the topmost tappable
// object under it, and a rectangle is not one): a notice opened behind the
// PIN pad.
type cover struct {
	widget.BaseWidget
	fill     color.Color
	OnTapped func() // may be nil: the tap is taken all the same
}

func NewCover(fill color.Color, tapped func()) *cover {
	c := &cover{fill: fill, OnTapped: tapped}
	c.ExtendBaseWidget(c)
	return c
}

func (c *cover) Tapped(*fyne.PointEvent) {
	if c.OnTapped != nil {
		c.OnTapped()
	}
}

func (c *cover) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(c.fill))
}

// badge is a label that marks something (紧急, 置顶, 演示数据): its text
// and a thin outline in one colour on no fill, with square-ish corners. A
// filled, rounded badge looked like a button, and villagers tapped it.
func Badge(fg fyne.ThemeColorName, text string, size fyne.ThemeSizeName) fyne.CanvasObject {
	rect := canvas.NewRectangle(color.Transparent)
	rect.StrokeColor = ThemeColor(fg)
	rect.StrokeWidth = 3
	rect.CornerRadius = 3
	t := widget.NewRichText(Seg(text, size, fg))
	return container.NewStack(rect, container.New(layout.NewCustomPaddedLayout(0, 0, 4, 4), t))
}

// panel is a non-tappable box with a theme-coloured background: badges,
// the posting-period box, the idle prompt.
func Panel(bg fyne.ThemeColorName, content fyne.CanvasObject) *fyne.Container {
	rect := canvas.NewRectangle(ThemeColor(bg))
	rect.CornerRadius = 10
	return container.NewStack(rect, container.New(layout.NewCustomPaddedLayout(8, 8, 16, 16), content))
}

// themeColor is a palette colour for canvas primitives that do not follow
// theme changes themselves (the palette never changes, only sizes do).
func ThemeColor(n fyne.ThemeColorName) color.Color { return palette[n] }

// Text is never bold or italic: the bundled CJK font has neither face, so
// Chinese looks the same either way, while Latin digits beside it would
// come out bold from Fyne's fallback font — and each style makes Fyne parse
// the 4 MB font once more (17 MB). Emphasis is size and colour.

// label makes a wrapping label in a theme size, breaking as Chinese does
// (breakable).
func Label(text string, size fyne.ThemeSizeName) *widget.Label {
	l := widget.NewLabel(breakable(text))
	l.SizeName = size
	l.Wrapping = fyne.TextWrapWord
	return l
}

// setText changes a label's text, marked as label marks it when it wraps.
func SetText(l *widget.Label, text string) {
	if oneLine(l.Wrapping, l.Truncation) {
		l.SetText(text)
		return
	}
	l.SetText(breakable(text))
}

// oneLine: text that does not wrap gets no line-break marks. Fyne cuts a
// truncated line with go-text's line wrapper, which shapes a carriage
// return as a glyph with width and would cut it short.
func oneLine(w fyne.TextWrap, t fyne.TextTruncation) bool {
	return w == fyne.TextWrapOff || t != fyne.TextTruncateOff
}

// seg is an inline run of rich text, marked to break as Chinese does
// (breakable).
func Seg(text string, size fyne.ThemeSizeName, color fyne.ThemeColorName) *widget.TextSegment {
	return &widget.TextSegment{Text: breakable(text), Style: widget.RichTextStyle{
		Inline: true, SizeName: size, ColorName: color,
	}}
}

// rich makes a word-wrapped rich text from runs.
func Rich(segs ...widget.RichTextSegment) *widget.RichText {
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// setRich replaces the runs of a rich text in place (without the
// line-break marks seg put in, when it does not wrap: oneLine).
func SetRich(rt *widget.RichText, segs ...widget.RichTextSegment) {
	if oneLine(rt.Wrapping, rt.Truncation) {
		for _, s := range segs {
			if ts, ok := s.(*widget.TextSegment); ok {
				ts.Text = Unbreakable(ts.Text)
			}
		}
	}
	rt.Segments = segs
	rt.Refresh()
}

// fixedWidth gives its single child a fixed width in a horizontal row.
type FixedWidth struct{ W float32 }

func (f FixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		// measured at the width it will get: wrapping text asked before
		// it has a width answers one line, and the next line was cut off
		h = max(h, Measure(o, f.W))
	}
	return fyne.NewSize(f.W, h)
}

func (f FixedWidth) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(s)
	}
}

// separator is a horizontal rule in the separator colour.
func Separator() fyne.CanvasObject { return widget.NewSeparator() }
