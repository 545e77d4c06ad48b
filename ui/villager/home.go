package villager

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// homeView: where we are, what is urgent, the topics as big tiles, and
// the way to search.
type homeView struct {
	k       *Screens
	box     *fyne.Container
	place   *widget.Label
	sub     *widget.RichText
	impHead *widget.Label
	imp     *kit.Pager
	impBar  *kit.PageBar
	tiles   *fyne.Container
	faces   map[string]*tileText
	names   map[string]string
	cats    []feed.Category
	search  *kit.BigButton
	jobs    kit.Latest
	gen     int // of the last show: older reads are dropped
}

func (k *Screens) newHomeView() *homeView {
	v := &homeView{k: k, faces: map[string]*tileText{}, names: map[string]string{}}
	v.place = kit.Label("", kit.SizeTitle)
	v.sub = kit.Rich()
	v.impHead = kit.Label("重要通知", theme.SizeNameHeadingText)
	v.impBar = k.newPageBar()
	v.imp = k.pagedFor(screenHome, v.impBar)
	v.tiles = container.New(&tileGrid{})
	v.search = k.btn("搜索公告", widget.HighImportance, func() { k.push(screen{kind: screenSearch}) })
	v.search.Icon = theme.SearchIcon()
	v.search.Min = fyne.NewSize(kit.TouchMin, 110)
	header := container.New(kit.TightVBox{}, v.place, v.sub)
	important := container.NewBorder(v.impHead, v.impBar.Box, nil, nil, v.imp)
	v.box = container.New(&homeLayout{imp: v.imp}, header, important, v.tiles, v.search)
	return v
}

func (v *homeView) object() fyne.CanvasObject { return v.box }

func (v *homeView) show(s *screen) {
	k := v.k
	now := k.Now()
	kit.SetText(v.place, k.Store.PlaceName(k.Location))
	kit.SetRich(v.sub,
		kit.Seg(k.Feed.Title, theme.SizeNameSubHeadingText, theme.ColorNameForeground),
		kit.Seg("　"+words.UpdatedText(k.Feed.LastSuccess, k.Loc), kit.SizeSmall, kit.ColorMuted))

	if !slices.Equal(v.cats, k.Feed.Categories) {
		v.buildTiles()
	}
	// the counts and the urgent and pinned notices are read in the
	// background: they come from the index's sets, but the home is where
	// every villager starts and must never wait on the disk. What is on
	// show stays until they arrive.
	v.gen++
	gen := v.gen
	st, loc := k.Store, k.Location
	v.jobs.Run(k.Spawn, k.Faults, "home", func() {
		var r homeRead
		r.counts, r.countsErr = st.Counts(loc, now)
		r.items, r.important, r.itemsErr = st.Important(loc, now, homeImportant)
		fyne.Do(func() {
			if c := k.st.cur(); gen == v.gen && c.kind == screenHome {
				v.showRead(c, r)
			}
		})
	})
}

// homeImportant is how many urgent and pinned notices the home shows
// (ten pages in portrait). A feed that marks thousands urgent would
// otherwise put thousands of cards on the home, each measured on the UI
// goroutine at every layout: seconds at a million notices. The rest are
// in their topics' lists.
const homeImportant = 30

// homeRead is what the home shows from the store.
type homeRead struct {
	counts              map[string]int
	items               []store.Summary // the first urgent and pinned ones
	important           int             // how many there are in all
	countsErr, itemsErr error
}

func (v *homeView) showRead(s *screen, r homeRead) {
	k := v.k
	for _, c := range v.cats {
		n := r.counts[c.ID]
		text := kit.Thousands(n) + " 条"
		switch {
		case r.countsErr != nil:
			text = "—"
		case n == 0:
			text = "暂无"
		}
		v.faces[c.ID].set(c.Name, text)
	}

	var blocks []kit.Block
	items := r.items // urgent first, then pinned (store.Important)
	// at the largest 字号 a card's topic line is the line the home cannot
	// spare under an alert banner; the tiles name the topics and the
	// reader names the notice's
	opts := cardOpts{withCategory: k.st.step < len(kit.TextSteps)-1, compact: true}
	for _, it := range items {
		blocks = append(blocks, kit.Block{Obj: k.summaryCard(it, opts), Gap: 12})
	}
	if more := r.important - len(items); more > 0 {
		blocks = append(blocks, kit.MessageBlocks(fmt.Sprintf("还有 %s 条紧急或置顶的通知，请到各栏目中查看。", kit.Thousands(more)))...)
	}
	switch {
	case r.itemsErr != nil:
		blocks = kit.MessageBlocks("暂时无法读取公告，请联系管理员。")
	case len(blocks) == 0:
		blocks = kit.MessageBlocks("目前没有紧急或置顶的通知。")
	}
	v.imp.Cur = s.page
	v.imp.SetBlocks(blocks)
	v.box.Refresh() // the layout makes room for the tallest card
}

func (v *homeView) invalidate() { v.cats = nil }

func (v *homeView) buildTiles() {
	k := v.k
	v.cats = slices.Clone(k.Feed.Categories)
	v.tiles.Objects = nil
	for _, c := range v.cats {
		t := newTileText()
		t.set(c.Name, "") // its count comes with the home's read
		v.faces[c.ID] = t
		v.names[c.ID] = c.Name
		id := c.ID
		v.tiles.Objects = append(v.tiles.Objects, k.card(t.box, func() {
			k.push(screen{kind: screenList, category: id})
		}))
	}
	v.tiles.Refresh()
}

// tileText is a topic tile's words: the name above its count when the
// tile is tall enough, else the two side by side, the name wrapping if it
// must and the count kept whole. A landscape screen or the largest 字号
// leaves a tile about one line's kit.Height; two lines there pushed the count
// out of the tile.
type tileText struct {
	box         *fyne.Container
	name, count *widget.RichText
	nameText    string
}

func newTileText() *tileText {
	t := &tileText{name: kit.Rich(), count: widget.NewRichText()}
	t.box = container.New(&tileTextLayout{t: t}, t.name, t.count)
	return t
}

func (t *tileText) set(name, count string) {
	t.nameText = name
	n := kit.Seg(name, theme.SizeNameHeadingText, theme.ColorNameForeground)
	n.Style.Inline, n.Style.Alignment = false, fyne.TextAlignCenter
	c := kit.Seg(count, theme.SizeNameSubHeadingText, theme.ColorNamePrimary)
	c.Style.Inline, c.Style.Alignment = false, fyne.TextAlignCenter
	kit.SetRich(t.name, n)
	kit.SetRich(t.count, c)
}

// stacked is the kit.Height of the two-line face at width w.
func (t *tileText) stacked(w float32) float32 {
	return kit.Measure(t.name, w) + kit.Measure(t.count, w)
}

// beside is the kit.Height of the one-line face at width w, and the width
// the name gets in it.
func (t *tileText) beside(w float32) (h, nameW float32) {
	cw := t.count.MinSize().Width
	th := t.name.Theme()
	natural := fyne.MeasureText(kit.Unbreakable(t.nameText), th.Size(theme.SizeNameHeadingText), fyne.TextStyle{}).Width +
		2*th.Size(theme.SizeNameInnerPadding)
	nameW = max(kit.TouchMin, min(natural, w-cw))
	return max(kit.Measure(t.name, nameW), t.count.MinSize().Height), nameW
}

// tileTextLayout shows the face that fits, centred.
type tileTextLayout struct{ t *tileText }

func (l *tileTextLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	h, _ := l.t.beside(max(l.t.box.Size().Width, kit.TouchMin))
	return fyne.NewSize(kit.TouchMin, h)
}

func (l *tileTextLayout) Layout(_ []fyne.CanvasObject, s fyne.Size) {
	t := l.t
	cm := t.count.MinSize()
	if sh := t.stacked(s.Width); sh <= s.Height {
		nh := kit.Height(t.name, s.Width)
		y := (s.Height - sh) / 2
		t.name.Move(fyne.NewPos(0, y))
		t.count.Move(fyne.NewPos(0, y+nh))
		t.count.Resize(fyne.NewSize(s.Width, cm.Height))
		return
	}
	_, nw := t.beside(s.Width)
	nh := kit.Height(t.name, nw)
	x := max(0, (s.Width-nw-cm.Width)/2)
	t.name.Move(fyne.NewPos(x, (s.Height-nh)/2))
	t.count.Resize(cm)
	t.count.Move(fyne.NewPos(x+nw, (s.Height-cm.Height)/2))
}

// tileGrid lays topic tiles in 2 columns on a narrow (portrait) area and
// 4 on a wide one; rows share the kit.Height.
type tileGrid struct{}

func tileCols(w float32) int {
	if w >= 1500 {
		return 4
	}
	return 2
}

const (
	tileGap  float32 = 16
	tileMinH float32 = 150
)

func children(o fyne.CanvasObject) []fyne.CanvasObject { return o.(*fyne.Container).Objects }

// kit.Height is what rows of tiles need at width w: each row as tall as its
// tallest tile, with two-line faces (stacked) or one-line ones.
func (g *tileGrid) height(objs []fyne.CanvasObject, w float32, stacked bool) float32 {
	if len(objs) == 0 {
		return 0
	}
	cols := tileCols(w)
	cw := (w - float32(cols-1)*tileGap) / float32(cols)
	inner := cw - 2*kit.CardPad
	var cell float32
	minH := tileMinH
	if !stacked {
		minH = kit.TouchMin
	}
	for _, o := range objs {
		t := o.(*kit.TapCard).Content.(*fyne.Container).Layout.(*tileTextLayout).t
		h, _ := t.beside(inner)
		if stacked {
			h = t.stacked(inner)
		}
		cell = max(cell, h+2*kit.CardPad, minH)
	}
	rows := float32((len(objs) + cols - 1) / cols)
	return rows*cell + (rows-1)*tileGap
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
// the left and notices on the right. Either way the notices get room for
// their tallest card: at the largest 字号, under an alert banner, a card
// cut by its page bar hid the line that says what the notice is about.
type homeLayout struct{ imp *kit.Pager }

// importantNeeds is the kit.Height the important notices need at width w:
// their heading and page bar, and their tallest card whole.
func (l *homeLayout) importantNeeds(important fyne.CanvasObject, w float32) float32 {
	return important.MinSize().Height - l.imp.MinSize().Height + l.imp.Tallest(w)
}

func (l *homeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(kit.TouchMin*4, kit.TouchMin*6)
}

func (l *homeLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	header, important, tiles, search := objs[0], objs[1], objs[2], objs[3]
	const gap float32 = 20
	hh := kit.Height(header, s.Width)
	header.Move(fyne.NewPos(0, 0))
	sh := search.MinSize().Height
	search.Move(fyne.NewPos(0, s.Height-sh))
	search.Resize(fyne.NewSize(s.Width, sh))
	top, bottom := hh+gap, s.Height-sh-gap
	mid := bottom - top
	if s.Width > s.Height { // landscape
		// tiles take 60% of the width, down to half when the notices'
		// tallest card needs a wider column to fit the kit.Height
		tw := s.Width * 0.6
		g := tiles.(*fyne.Container).Layout.(*tileGrid)
		for tw > s.Width*0.5 && l.importantNeeds(important, s.Width-tw-gap*1.5) > mid &&
			g.height(children(tiles), tw-s.Width*0.05, false) <= mid {
			tw -= s.Width * 0.05
		}
		tiles.Move(fyne.NewPos(0, top))
		tiles.Resize(fyne.NewSize(tw, mid))
		important.Move(fyne.NewPos(tw+gap*1.5, top))
		important.Resize(fyne.NewSize(s.Width-tw-gap*1.5, mid))
		return
	}
	// the tiles get what their two-line faces need (or, when that would
	// leave the important notices too little, their one-line faces); the
	// notices the rest, paged if they do not fit
	g := tiles.(*fyne.Container).Layout.(*tileGrid)
	th := g.height(children(tiles), s.Width, true)
	if th > mid*0.6 {
		th = g.height(children(tiles), s.Width, false)
	}
	// and the notices keep room for a card and their page bar
	th = min(max(th, mid*0.4), mid*0.62)
	// unless their tallest card needs more, and the tiles can give it
	if need := l.importantNeeds(important, s.Width); mid-th-gap < need {
		th = min(th, max(mid-gap-need, g.height(children(tiles), s.Width, false)))
	}
	important.Move(fyne.NewPos(0, top))
	important.Resize(fyne.NewSize(s.Width, mid-th-gap))
	tiles.Move(fyne.NewPos(0, bottom-th))
	tiles.Resize(fyne.NewSize(s.Width, th))
}
