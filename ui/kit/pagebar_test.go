package kit

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The page bar's words never run under its buttons: in a narrow column
// (the home's important notices in landscape, 720 wide)
// at the biggest 字号 "第 1/1,062 页" becomes "1/1,062"; where there is
// room the words stay.
func TestPageBarFitsItsWords(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme(len(TextSteps) - 1))
	b := NewPageBar(func() {}, func(int) {})
	b.Update(0, 1062)
	for _, c := range []struct {
		width float32
		want  string
	}{{720, "1/1,062"}, {1080, "第 1/1,062 页"}} {
		b.Box.Resize(fyne.NewSize(c.width, b.Box.MinSize().Height))
		if b.Label.Text != c.want {
			t.Errorf("%v wide: %q, want %q", c.width, b.Label.Text, c.want)
		}
		if b.textWidth(b.Label.Text) > b.Label.Size().Width || b.Label.Position().X < b.Prev.Size().Width || b.Label.Position().X+b.Label.Size().Width > b.Next.Position().X {
			t.Errorf("%v wide: %q runs under the buttons", c.width, b.Label.Text)
		}
	}
	b.Update(2, 5) // new words, same width
	if b.Label.Text != "第 3/5 页" {
		t.Errorf("after an update: %q", b.Label.Text)
	}
}
