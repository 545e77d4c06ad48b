// Package kit is what every screen of the kiosk shares: the theme and its
// text sizes, the big-target widgets, the pager, Markdown rendering,
// tables, line breaking, date and period words, failure words, the idle
// clock and background jobs. It knows no screen: the villager's, the
// display's and the admin's packages build on it.
package kit

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"gongkai/assets"
	"gongkai/config"
)

// Text size steps of the 字号 control. Step 0 is the default and what an
// idle screen returns to, so the next villager starts from the same place.
var TextSteps = []struct {
	Name string
	Body float32 // body text in Fyne units (= px at scale 1)
}{
	{"标准", 30},
	{"大", 36},
	{"特大", 44},
}

// Sizes that do not follow the text step: a finger is the same size
// whatever the text.
const (
	TouchMin   float32 = 80 // every tappable thing is at least this tall and wide (brief: ≥72)
	KeyMin     float32 = 88 // keypad keys
	BarPadding float32 = 12
)

// Custom colour names, resolved by kioskTheme.Color, so RichText segments
// and widgets can ask for them by name.
const (
	ColorUrgent      fyne.ThemeColorName = "gk-urgent"       // dark red text on the background
	ColorMuted       fyne.ThemeColorName = "gk-muted"        // secondary text, still ≥7:1
	ColorCard        fyne.ThemeColorName = "gk-card"         // list rows and tiles
	ColorCardBorder  fyne.ThemeColorName = "gk-card-border"  // outline of cards and table cells
	colorTableHeader fyne.ThemeColorName = "gk-table-header" // header row of tables
	ColorNotice      fyne.ThemeColorName = "gk-notice"       // tinted box: posting period, messages
)

// The palette: calm, light, one accent (government blue) and one alarm
// colour (dark red). Every text/background pair is checked in
// theme_test.go against WCAG 7:1.
var palette = map[fyne.ThemeColorName]color.NRGBA{
	theme.ColorNameBackground:          rgb(0xF7, 0xF5, 0xEF), // off-white, warm
	theme.ColorNameForeground:          rgb(0x1B, 0x1B, 0x1B),
	theme.ColorNamePrimary:             rgb(0x0B, 0x3D, 0x91), // deep government blue
	theme.ColorNameForegroundOnPrimary: rgb(0xFF, 0xFF, 0xFF),
	theme.ColorNameError:               rgb(0x8B, 0x0A, 0x0A),
	theme.ColorNameForegroundOnError:   rgb(0xFF, 0xFF, 0xFF),
	theme.ColorNameButton:              rgb(0xDD, 0xE4, 0xEE),
	theme.ColorNameDisabledButton:      rgb(0xE9, 0xE7, 0xE1),
	theme.ColorNameDisabled:            rgb(0x62, 0x5F, 0x5A), // inactive controls: readable (≥4.5:1), told apart by their look
	theme.ColorNameHover:               rgb(0xCF, 0xD8, 0xE6),
	theme.ColorNamePressed:             rgb(0xB8, 0xC6, 0xDB),
	theme.ColorNameFocus:               rgb(0xB8, 0xC6, 0xDB),
	theme.ColorNameSelection:           rgb(0xB8, 0xC6, 0xDB),
	theme.ColorNameSeparator:           rgb(0xC9, 0xC6, 0xBD),
	theme.ColorNameShadow:              {0, 0, 0, 0x30},
	theme.ColorNameOverlayBackground:   rgb(0xFF, 0xFF, 0xFF),
	theme.ColorNameInputBackground:     rgb(0xFF, 0xFF, 0xFF),
	theme.ColorNameInputBorder:         rgb(0x9A, 0x97, 0x8F),
	theme.ColorNameMenuBackground:      rgb(0xFF, 0xFF, 0xFF),
	theme.ColorNameHeaderBackground:    rgb(0xEC, 0xEF, 0xF4),
	theme.ColorNameHyperlink:           rgb(0x0B, 0x3D, 0x91),
	theme.ColorNamePlaceHolder:         rgb(0x4A, 0x48, 0x44),
	theme.ColorNameScrollBar:           rgb(0x9A, 0x97, 0x8F),
	theme.ColorNameSuccess:             rgb(0x1E, 0x5E, 0x2E),
	theme.ColorNameForegroundOnSuccess: rgb(0xFF, 0xFF, 0xFF),
	theme.ColorNameWarning:             rgb(0x7A, 0x4A, 0x00),
	theme.ColorNameForegroundOnWarning: rgb(0xFF, 0xFF, 0xFF),
	ColorUrgent:                        rgb(0x8B, 0x0A, 0x0A),
	ColorMuted:                         rgb(0x3D, 0x3B, 0x37),
	ColorCard:                          rgb(0xFF, 0xFF, 0xFF),
	ColorCardBorder:                    rgb(0xB5, 0xB1, 0xA6),
	colorTableHeader:                   rgb(0xE3, 0xE9, 0xF2),
	ColorNotice:                        rgb(0xFB, 0xEF, 0xD5),
}

// textPairs are the (text, background) pairs the screens use. theme_test
// computes each contrast ratio; add a pair here when a screen adds one.
var TextPairs = [][2]fyne.ThemeColorName{
	{theme.ColorNameForeground, theme.ColorNameBackground},
	{theme.ColorNameForeground, theme.ColorNameButton},
	{theme.ColorNameForeground, theme.ColorNameHover},
	{theme.ColorNameForeground, ColorCard},
	{theme.ColorNameForeground, colorTableHeader},
	{theme.ColorNameForeground, ColorNotice},
	{theme.ColorNameForeground, theme.ColorNameHeaderBackground},
	{theme.ColorNamePrimary, theme.ColorNameBackground},
	{theme.ColorNamePrimary, ColorCard},
	{theme.ColorNamePrimary, ColorNotice},
	{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
	{theme.ColorNameForegroundOnError, theme.ColorNameError},
	{ColorUrgent, theme.ColorNameBackground},
	{ColorUrgent, ColorCard},
	{ColorUrgent, ColorNotice},
	{ColorMuted, theme.ColorNameBackground},
	{ColorMuted, ColorCard},
	{ColorMuted, ColorNotice},
}

// disabledPairs are text on an inactive control: WCAG AA (4.5:1), for a
// villager must still read what 上一页 says; a button is told to be
// inactive by its look (no fill, an outline), not by fading its label.
var DisabledPairs = [][2]fyne.ThemeColorName{
	{theme.ColorNameDisabled, theme.ColorNameBackground},
	{theme.ColorNameDisabled, ColorCard},
}

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{r, g, b, 0xFF} }

// kioskTheme is the whole look: one bundled CJK font for every style (Fyne
// cannot load .ttc collections and a kiosk must not depend on system fonts),
// the palette above, and sizes derived from the current text step.
type KioskTheme struct {
	step int
	Body float32 // overrides the step's body size when > 0 (display mode)
}

var FontResource = fyne.NewStaticResource("GongkaiFallback.ttf", assets.Font)

func NewTheme(step int) *KioskTheme {
	return &KioskTheme{step: ClampStep(step)}
}

func ClampStep(step int) int { return max(0, min(step, len(TextSteps)-1)) }

// TextStepOf reads a 字号 step as people name it: 标准, 大, 特大 (the
// buttons), normal, large, xlarge (config.toml's text_size), or 0, 1, 2.
func TextStepOf(name string) (int, error) {
	for i, s := range TextSteps {
		if name == s.Name || name == config.TextSizes[i] || name == strconv.Itoa(i) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("text size %q: want 标准, 大 or 特大 (or normal, large, xlarge; or 0, 1, 2)", name)
}

func (t *KioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := palette[n]; ok {
		return c
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

func (t *KioskTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return FontResource
}

func (t *KioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

// Custom size names, for text that must stand out more than a heading.
const (
	SizeTitle fyne.ThemeSizeName = "gk-title" // screen titles, the search query
	SizeSmall fyne.ThemeSizeName = "gk-small" // secondary lines; never below 28
)

// Sizes of chrome that keeps its size whatever the 字号 step: a bar or a
// keypad that grew with the text would push the content off the screen.
// They are names the theme resolves, not a theme override per area (see
// bigButton for why).
const (
	SizeChrome     fyne.ThemeSizeName = "gk-chrome"      // top bar: buttons, 字号
	SizeChromeHead fyne.ThemeSizeName = "gk-chrome-head" // top bar: the place
	SizeKey        fyne.ThemeSizeName = "gk-key"         // search keypad
	SizePINKey     fyne.ThemeSizeName = "gk-pin-key"     // admin PIN pad
	SizeEditKey    fyne.ThemeSizeName = "gk-edit-key"    // settings editor keys
)

// Sizes a table steps down through when its columns do not fit at the
// text size on show (tableModel.columnWidths): 大's and 标准's body, then
// the smallest text the kiosk shows at all.
var tableSizes = []fyne.ThemeSizeName{"gk-table-36", "gk-table-30", "gk-table-28"}

var fixedSizes = map[fyne.ThemeSizeName]float32{
	SizeChrome:     TextSteps[0].Body,
	SizeChromeHead: round(TextSteps[0].Body * 1.15),
	SizeKey:        40,
	SizePINKey:     48,
	SizeEditKey:    36,
	tableSizes[0]:  36,
	tableSizes[1]:  30,
	tableSizes[2]:  28,
}

func (t *KioskTheme) Size(n fyne.ThemeSizeName) float32 {
	body := TextSteps[t.step].Body
	if t.Body > 0 {
		body = t.Body
	}
	if f, ok := fixedSizes[n]; ok {
		return f
	}
	if s, ok := stepOf[n]; ok {
		n, body = s.base, TextSteps[s.step].Body
	}
	switch n {
	case theme.SizeNameText:
		return body
	case SizeSmall, theme.SizeNameCaptionText:
		return max(28, body-2)
	case theme.SizeNameSubHeadingText:
		return round(body * 1.15)
	case theme.SizeNameHeadingText:
		return round(body * 1.3)
	case SizeTitle:
		return round(body * 1.5)
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInnerPadding:
		return 16
	case theme.SizeNameLineSpacing:
		return round(body * 0.25)
	case theme.SizeNameInlineIcon:
		return round(body * 1.1)
	case theme.SizeNameSeparatorThickness:
		return 2
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 10
	case theme.SizeNameScrollBar:
		return 16
	case theme.SizeNameScrollBarSmall:
		return 8
	}
	return theme.DefaultTheme().Size(n)
}

// SetStep changes the text step the theme draws at: for a theme that
// stays (the studio's one override over its preview of the touch reader,
// see StepSize), where a new theme would need a new override.
func (t *KioskTheme) SetStep(step int) { t.step = ClampStep(step) }

// ThemeStep is the window theme's text step: StepSize(ThemeStep, n) is n.
const ThemeStep = -1

// StepSize names text size n (body, small, caption, subheading, heading,
// title) at text step step, a name every KioskTheme resolves the same
// whatever its own step. A view drawn at a step of its own under a
// window at another — the studio's preview of the touch reader at each
// 字号 — names its sizes so: Fyne resolves a widget's size names with the
// window's theme whenever the widget refreshes, and a theme override
// reaches only the widgets there when it was made (new ones need a new
// override, and each parses the CJK font again in Fyne 2.7.1: 23 MB,
// kept). A step below zero gives n, which follows the window's theme.
func StepSize(step int, n fyne.ThemeSizeName) fyne.ThemeSizeName {
	if names, ok := stepNames[n]; ok && step >= 0 {
		return names[ClampStep(step)]
	}
	return n
}

// stepNames are StepSize's names by size and step; stepOf reads them.
var stepNames, stepOf = func() (map[fyne.ThemeSizeName][]fyne.ThemeSizeName, map[fyne.ThemeSizeName]stepped) {
	names, of := map[fyne.ThemeSizeName][]fyne.ThemeSizeName{}, map[fyne.ThemeSizeName]stepped{}
	for _, n := range []fyne.ThemeSizeName{theme.SizeNameText, SizeSmall, theme.SizeNameCaptionText,
		theme.SizeNameSubHeadingText, theme.SizeNameHeadingText, SizeTitle} {
		for step := range TextSteps {
			name := fyne.ThemeSizeName(fmt.Sprintf("gk-step%d-%s", step, n))
			names[n] = append(names[n], name)
			of[name] = stepped{step, n}
		}
	}
	return names, of
}()

type stepped struct {
	step int
	base fyne.ThemeSizeName
}

func round(f float32) float32 { return float32(math.Round(float64(f))) }

// contrast is the WCAG 2 contrast ratio of two opaque colours.
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xFFFF
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
