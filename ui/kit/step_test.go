package kit

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// A size named at a step is that step's size under every kiosk theme,
// whatever its own step or the display's body; at ThemeStep it is the
// theme's own.
func TestStepSize(t *testing.T) {
	for _, th := range []*KioskTheme{NewTheme(0), NewTheme(2), {Body: 42}} {
		for step := range TextSteps {
			at := NewTheme(step)
			for _, n := range []fyne.ThemeSizeName{theme.SizeNameText, SizeSmall, theme.SizeNameCaptionText,
				theme.SizeNameSubHeadingText, theme.SizeNameHeadingText, SizeTitle} {
				if got, want := th.Size(StepSize(step, n)), at.Size(n); got != want {
					t.Errorf("%s at step %d: %v under a theme at %d, want %v", n, step, got, th.step, want)
				}
				if StepSize(ThemeStep, n) != n {
					t.Errorf("%s at the theme's step is %s", n, StepSize(ThemeStep, n))
				}
			}
		}
		if StepSize(1, theme.SizeNamePadding) != theme.SizeNamePadding {
			t.Error("a size that does not follow the step got a step's name")
		}
	}
}
