package villager

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
)

// keypad is our own on-screen keyboard: the touch driver has none, and a
// full keyboard is too small for elderly fingers. Letters are lower case
// because pinyin is taught that way.
type keypad struct {
	box  fyne.CanvasObject
	keys map[string]*kit.BigButton // by label, for tests
}

var keyRows = []string{"1234567890", "abcdefghij", "klmnopqrst", "uvwxyz"}

func (k *Screens) newKeypad(typed func(string), del, clear func()) *keypad {
	p := &keypad{keys: map[string]*kit.BigButton{}}
	var objs []fyne.CanvasObject
	for _, row := range keyRows {
		for _, r := range row {
			s := string(r)
			b := k.btn(s, widget.MediumImportance, func() { typed(s) })
			b.Min = fyne.NewSquareSize(kit.KeyMin)
			p.keys[s] = b
			objs = append(objs, b)
		}
	}
	p.keys[kit.KeyDelete] = k.btn("⌫ "+kit.KeyDelete, widget.MediumImportance, del)
	p.keys[kit.KeyClear] = k.btn(kit.KeyClear, widget.DangerImportance, clear)
	objs = append(objs, p.keys[kit.KeyDelete], p.keys[kit.KeyClear])
	// the keys do not grow with the text step, so their labels need not
	for _, b := range p.keys {
		b.SizeName = kit.SizeKey
	}
	p.box = newKeyGrid(objs)
	return p
}

// keyGrid puts ten keys in a row; the last row holds the six remaining
// letters and two double-width keys, 删除 and 清空.
type keyGrid struct{}

func newKeyGrid(objs []fyne.CanvasObject) fyne.CanvasObject {
	return &fyne.Container{Layout: keyGrid{}, Objects: objs}
}

func (keyGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var key fyne.Size
	for _, o := range objs[:len(objs)-2] {
		key = key.Max(o.MinSize())
	}
	rows := float32(len(keyRows))
	return fyne.NewSize(10*key.Width+9*kit.KeyGap, rows*key.Height+(rows-1)*kit.KeyGap)
}

func (g keyGrid) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	rows := len(keyRows)
	w := (s.Width - 9*kit.KeyGap) / 10
	h := (s.Height - float32(rows-1)*kit.KeyGap) / float32(rows)
	i := 0
	for r, row := range keyRows {
		for c := range len(row) {
			objs[i].Move(fyne.NewPos(float32(c)*(w+kit.KeyGap), float32(r)*(h+kit.KeyGap)))
			objs[i].Resize(fyne.NewSize(w, h))
			i++
		}
	}
	// 删除 and 清空 share the rest of the last row, four gaps apart (half
	// a fingertip, not one gap): a finger aiming at 删除 must not wipe the
	// whole query
	last := len(keyRows[rows-1])
	x := float32(last) * (w + kit.KeyGap)
	apart := 4 * kit.KeyGap
	rest := (s.Width - x - apart) / 2
	y := float32(rows-1) * (h + kit.KeyGap)
	objs[i].Move(fyne.NewPos(x, y))
	objs[i].Resize(fyne.NewSize(rest, h))
	objs[i+1].Move(fyne.NewPos(x+rest+apart, y))
	objs[i+1].Resize(fyne.NewSize(rest, h))
}
