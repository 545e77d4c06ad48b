package ui

import (
	"cmp"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/store"
)

// homeView: where we are, what is urgent, the topics as big tiles, and
// the way to search.
type homeView struct {
	k       *Kiosk
	box     *fyne.Container
	place   *widget.Label
	sub     *widget.RichText
	impHead *widget.Label
	imp     *pager
	impBar  *pageBar
	tiles   *fyne.Container
	counts  map[string]*widget.RichText
	names   map[string]string
	cats    []feed.Category
	search  *bigButton
}

func (k *Kiosk) newHomeView() *homeView {
	v := &homeView{k: k, counts: map[string]*widget.RichText{}, names: map[string]string{}}
	v.place = label("", sizeTitle)
	v.sub = rich()
	v.impHead = label("重要通知", theme.SizeNameHeadingText)
	v.impBar = k.newPageBar()
	v.imp = k.pagedFor(screenHome, v.impBar)
	v.tiles = container.New(&tileGrid{})
	v.search = k.btn("搜索公告", widget.HighImportance, func() { k.push(screen{kind: screenSearch}) })
	v.search.Icon = theme.SearchIcon()
	v.search.min = fyne.NewSize(touchMin, 110)
	header := container.New(tightVBox{}, v.place, v.sub)
	important := container.NewBorder(v.impHead, v.impBar.box, nil, nil, v.imp)
	v.box = container.New(&homeLayout{}, header, important, v.tiles, v.search)
	return v
}

func (v *homeView) object() fyne.CanvasObject { return v.box }

func (v *homeView) show(s *screen) {
	k := v.k
	now := k.now()
	setText(v.place, k.deps.Store.PlaceName(k.deps.Location))
	setRich(v.sub,
		seg(k.feed.Title, theme.SizeNameSubHeadingText, theme.ColorNameForeground),
		seg("　"+updatedText(k.feed.LastSuccess, k.feedLoc), sizeSmall, colorMuted))

	if !slices.Equal(v.cats, k.feed.Categories) {
		v.buildTiles()
	}
	counts, err := k.deps.Store.Counts(k.deps.Location, now)
	for _, c := range v.cats {
		n := counts[c.ID]
		text := fmt.Sprintf("%d 条", n)
		switch {
		case err != nil:
			text = "—"
		case n == 0:
			text = "暂无"
		}
		name := seg(c.Name, theme.SizeNameHeadingText, theme.ColorNameForeground)
		name.Style.Inline, name.Style.Alignment = false, fyne.TextAlignCenter
		count := seg(text, theme.SizeNameSubHeadingText, theme.ColorNamePrimary)
		count.Style.Inline, count.Style.Alignment = false, fyne.TextAlignCenter
		setRich(v.counts[c.ID], name, count)
	}

	var blocks []block
	items, err := k.deps.Store.Visible(k.deps.Location, "", now)
	// an emergency (water cut tonight) comes before what is merely pinned
	slices.SortStableFunc(items, func(a, b store.Summary) int {
		return cmp.Compare(rank(a.Priority), rank(b.Priority))
	})
	for _, it := range items {
		if it.Priority == feed.PriorityUrgent || it.Priority == feed.PriorityPinned {
			blocks = append(blocks, block{obj: k.summaryCard(it, cardOpts{withCategory: true, compact: true}), gap: 12})
		}
	}
	switch {
	case err != nil:
		blocks = messageBlocks("暂时无法读取公告，请联系管理员。")
	case len(blocks) == 0:
		blocks = messageBlocks("目前没有紧急或置顶的通知。")
	}
	v.imp.page = s.page
	v.imp.SetBlocks(blocks)
}

func (v *homeView) invalidate() { v.cats = nil }

func rank(priority string) int {
	switch priority {
	case feed.PriorityUrgent:
		return 0
	case feed.PriorityPinned:
		return 1
	}
	return 2
}

func (v *homeView) buildTiles() {
	k := v.k
	v.cats = slices.Clone(k.feed.Categories)
	v.tiles.Objects = nil
	for _, c := range v.cats {
		// one RichText for name and count: one set of padding, so the
		// tile stays compact at the largest text size
		t := rich()
		v.counts[c.ID] = t
		v.names[c.ID] = c.Name
		id := c.ID
		v.tiles.Objects = append(v.tiles.Objects, k.card(container.New(vcenter{}, t), func() {
			k.push(screen{kind: screenList, category: id})
		}))
	}
	v.tiles.Refresh()
}

// tileGrid lays topic tiles in 2 columns on a narrow (portrait) area and
// 4 on a wide one; rows share the height.
type tileGrid struct{}

func tileCols(w float32) int {
	if w >= 1100 {
		return 4
	}
	return 2
}

const (
	tileGap  float32 = 16
	tileMinH float32 = 150
)

func children(o fyne.CanvasObject) []fyne.CanvasObject { return o.(*fyne.Container).Objects }

// vcenter stacks its children at full width and centres the stack
// vertically: tile text wraps instead of shrinking to one character a line.
type vcenter struct{}

func (vcenter) MinSize(objs []fyne.CanvasObject) fyne.Size { return tightVBox{}.MinSize(objs) }

func (vcenter) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	var h float32
	for _, o := range objs {
		h += height(o, s.Width)
	}
	y := max(0, (s.Height-h)/2)
	for _, o := range objs {
		o.Move(fyne.NewPos(0, y))
		y += o.Size().Height
	}
}

func (g *tileGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var cell fyne.Size
	for _, o := range objs {
		cell = cell.Max(o.MinSize())
	}
	cell.Height = max(cell.Height, 120)
	rows := (len(objs) + 1) / 2
	return fyne.NewSize(2*cell.Width+tileGap, float32(rows)*cell.Height+float32(max(rows-1, 0))*tileGap)
}

func (g *tileGrid) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	if len(objs) == 0 {
		return
	}
	cols := tileCols(s.Width)
	rows := (len(objs) + cols - 1) / cols
	w := (s.Width - float32(cols-1)*tileGap) / float32(cols)
	h := (s.Height - float32(rows-1)*tileGap) / float32(rows)
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i%cols)*(w+tileGap), float32(i/cols)*(h+tileGap)))
		o.Resize(fyne.NewSize(w, h))
	}
}

// homeLayout: header on top and 搜索 at the bottom; between them, in
// portrait, the important notices above the tiles; in landscape, tiles on
// the left and notices on the right.
type homeLayout struct{}

func (l *homeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(touchMin*4, touchMin*6)
}

func (l *homeLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	header, important, tiles, search := objs[0], objs[1], objs[2], objs[3]
	const gap float32 = 20
	hh := height(header, s.Width)
	header.Move(fyne.NewPos(0, 0))
	sh := search.MinSize().Height
	search.Move(fyne.NewPos(0, s.Height-sh))
	search.Resize(fyne.NewSize(s.Width, sh))
	top, bottom := hh+gap, s.Height-sh-gap
	mid := bottom - top
	if s.Width > s.Height { // landscape
		tw := s.Width * 0.56
		tiles.Move(fyne.NewPos(0, top))
		tiles.Resize(fyne.NewSize(tw, mid))
		important.Move(fyne.NewPos(tw+gap*1.5, top))
		important.Resize(fyne.NewSize(s.Width-tw-gap*1.5, mid))
		return
	}
	// the tiles get what they need (rows of at least tileMinH); the urgent
	// notices the rest, paged if they do not fit
	rows := float32((len(children(tiles)) + 1) / 2)
	th := max(rows*tileMinH+(rows-1)*tileGap, mid*0.4)
	important.Move(fyne.NewPos(0, top))
	important.Resize(fyne.NewSize(s.Width, mid-th-gap))
	tiles.Move(fyne.NewPos(0, bottom-th))
	tiles.Resize(fyne.NewSize(s.Width, th))
}
