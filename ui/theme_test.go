package ui

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"gongkai/ui/kit"
)

// Every text colour on every background it is used on reaches WCAG AAA
// (7:1), for readers with poor eyesight in a bright lobby.
func TestTextContrast(t *testing.T) {
	th := kit.NewTheme(0)
	for _, p := range kit.TextPairs {
		fg, bg := th.Color(p[0], theme.VariantLight), th.Color(p[1], theme.VariantLight)
		if r := kit.Contrast(fg, bg); r < 7 {
			t.Errorf("%s on %s: contrast %.2f:1, want ≥ 7:1", p[0], p[1], r)
		}
	}
	for _, p := range kit.DisabledPairs {
		fg, bg := th.Color(p[0], theme.VariantLight), th.Color(p[1], theme.VariantLight)
		if r := kit.Contrast(fg, bg); r < 4.5 {
			t.Errorf("disabled: %s on %s: contrast %.2f:1, want ≥ 4.5:1", p[0], p[1], r)
		}
	}
	// the formula itself: black on white is 21:1
	if r := kit.Contrast(color.Black, color.White); r < 20.99 || r > 21.01 {
		t.Errorf("black on white: %.3f", r)
	}
}

func TestTextSizes(t *testing.T) {
	for step := range kit.TextSteps {
		th := kit.NewTheme(step)
		body := th.Size(theme.SizeNameText)
		if body < 28 {
			t.Errorf("step %d: body text %g px, want ≥ 28", step, body)
		}
		if th.Size(kit.SizeSmall) < 28 {
			t.Errorf("step %d: small text %g px, want ≥ 28", step, th.Size(kit.SizeSmall))
		}
		if !(th.Size(theme.SizeNameSubHeadingText) > body && th.Size(theme.SizeNameHeadingText) > th.Size(theme.SizeNameSubHeadingText)) {
			t.Errorf("step %d: headings are not larger than body text", step)
		}
		if step > 0 && body <= kit.NewTheme(step-1).Size(theme.SizeNameText) {
			t.Errorf("step %d does not enlarge text", step)
		}
	}
	if th := kit.NewTheme(0); th.Font(fyne.TextStyle{}) != kit.FontResource || th.Font(fyne.TextStyle{Bold: true}) != kit.FontResource {
		t.Error("text styles do not use the bundled font")
	}
}

// Every control on every screen, in both orientations and at every text
// step, is at least 72 px each way.
func TestTouchTargets(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		k, w, _ := newTestKiosk(t, size)
		for step := range kit.TextSteps {
			k.v.SetStep(step)
			for _, s := range []string{"home", "list:policy", "item:land-2026-017", "search:",
				"attachment:land-2026-017:0", "attachment:env-2026-10-monthly:0"} {
				k.v.Home()
				if s != "home" {
					if err := k.v.Open(s); err != nil {
						t.Fatal(err)
					}
				}
				// a walk that finds no control proves nothing (a new
				// container type it does not enter, a screen not shown)
				if n := checkTargets(t, w.Content(), s, step); n == 0 {
					t.Errorf("screen %s step %d: no tap target visited", s, step)
				}
			}
		}
	}
}

// checkTargets reports every visible tap target under o smaller than a
// finger and returns how many targets it visited.
func checkTargets(t *testing.T, o fyne.CanvasObject, kind string, step int) int {
	t.Helper()
	if !o.Visible() {
		return 0
	}
	n := 0
	switch o := o.(type) {
	case *kit.BigButton, *kit.TapCard:
		if s := o.Size(); s.Width < 72 || s.Height < 72 {
			if c, ok := o.(*kit.TapCard); ok && c.Bg == "" {
				return 0 // the idle prompt's full-screen backdrop
			}
			t.Errorf("screen %s step %d: %q is %gx%g", kind, step, textOf(o), s.Width, s.Height)
		}
		n++
	case *fyne.Container:
		for _, c := range o.Objects {
			n += checkTargets(t, c, kind, step)
		}
	case *container.ThemeOverride:
		n += checkTargets(t, o.Content, kind, step)
	case *kit.Pager:
		for i := range o.Blocks {
			if obj := o.Object(i); obj != nil { // lazy blocks off the page are not built
				n += checkTargets(t, obj, kind, step)
			}
		}
	}
	return n
}
