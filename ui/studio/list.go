package studio

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/ui/kit"
	"gongkai/ui/studio/page"
)

const (
	allCategories = "全部类别"
	allPlaces     = "全部村"
	allStates     = "全部状态"
)

// listView is the notice list: filters by category, village, state and
// title, each row with its posting period and the days left.
type listView struct {
	s        *Studio
	box      fyne.CanvasObject
	category *widget.Select
	place    *widget.Select
	state    *widget.Select
	search   *widget.Entry
	count    *widget.Label
	list     *widget.List
	shown    []*Notice
}

func newListView(s *Studio) *listView {
	v := &listView{s: s}
	v.category = widget.NewSelect(nil, func(string) { v.filter() })
	v.place = widget.NewSelect(nil, func(string) { v.filter() })
	v.state = widget.NewSelect(append([]string{allStates}, stateNames()...), func(string) { v.filter() })
	v.state.SetSelected(allStates)
	v.search = widget.NewEntry()
	v.search.SetPlaceHolder("搜索标题")
	v.search.OnChanged = func(string) { v.filter() }
	v.count = widget.NewLabel("")
	v.list = widget.NewList(func() int { return len(v.shown) }, v.row, v.update)
	v.list.OnSelected = func(i widget.ListItemID) {
		v.list.UnselectAll()
		if i < len(v.shown) {
			s.ed.open(v.shown[i])
			s.show("editor")
		}
	}
	filters := container.NewGridWithColumns(4, v.category, v.place, v.state, v.search)
	head := container.NewVBox(container.NewBorder(nil, nil, page.Heading("公告"), v.count), filters)
	v.box = container.NewBorder(container.NewPadded(head), nil, nil, nil, v.list)
	return v
}

func stateNames() []string {
	out := make([]string, len(States))
	for i, st := range States {
		out[i] = string(st)
	}
	return out
}

// refresh takes the folder's notices and its categories and places.
func (v *listView) refresh() {
	f := v.s.f
	cats := []string{allCategories}
	for _, c := range f.Feed.Categories {
		cats = append(cats, c.Name)
	}
	places := []string{allPlaces}
	for _, p := range f.Feed.Locations {
		places = append(places, p.Name)
	}
	v.category.Options, v.place.Options = cats, places
	if !slices.Contains(cats, v.category.Selected) {
		v.category.Selected = allCategories
	}
	if !slices.Contains(places, v.place.Selected) {
		v.place.Selected = allPlaces
	}
	v.category.Refresh()
	v.place.Refresh()
	v.filter()
}

// filter shows the notices the filters let through.
func (v *listView) filter() {
	f := v.s.f
	if f == nil {
		return
	}
	cat, place := "", ""
	for _, c := range f.Feed.Categories {
		if c.Name == v.category.Selected {
			cat = c.ID
		}
	}
	for _, p := range f.Feed.Locations {
		if p.Name == v.place.Selected {
			place = p.Code
		}
	}
	q := strings.TrimSpace(v.search.Text)
	v.shown = v.shown[:0]
	for _, n := range f.Notices {
		switch {
		case cat != "" && n.FM.Category != cat,
			place != "" && !feed.Targets(n.Locations(), place),
			v.state.Selected != allStates && string(n.State) != v.state.Selected,
			q != "" && !strings.Contains(n.FM.Title, q) && !strings.Contains(n.FM.ID, q):
			continue
		}
		v.shown = append(v.shown, n)
	}
	v.count.SetText(fmt.Sprintf("共 %s 条，显示 %s 条", kit.Thousands(len(f.Notices)), kit.Thousands(len(v.shown))))
	v.list.Refresh()
}

func (v *listView) row() fyne.CanvasObject {
	title := widget.NewLabel("")
	title.Truncation = fyne.TextTruncateEllipsis
	title.SizeName = theme.SizeNameSubHeadingText
	info := widget.NewLabel("")
	info.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(title, info)
}

func (v *listView) update(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(v.shown) {
		return
	}
	n := v.shown[i]
	box := o.(*fyne.Container)
	title := box.Objects[0].(*widget.Label)
	info := box.Objects[1].(*widget.Label)
	t := n.FM.Title
	if t == "" {
		t = "（无标题）" + n.Path
	}
	title.SetText(t)
	info.SetText("【" + string(n.State) + "】 " + v.s.f.summary(n, v.s.opt.Now()))
}
