package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// maxQuery keeps the query on one line.
const maxQuery = 16

// searchLimit bounds the results a villager can page through.
const searchLimit = 60

// searchView: the query shown large, a hint, results paged, our keypad.
type searchView struct {
	k     *Kiosk
	box   *fyne.Container
	query *widget.RichText
	count *widget.Label
	pager *pager
	bar   *pageBar
	keys  *keypad
}

func (k *Kiosk) newSearchView() *searchView {
	v := &searchView{k: k}
	v.query = widget.NewRichText()
	v.count = label("", theme.SizeNameText)
	v.count.Wrapping = fyne.TextWrapOff
	hint := rich(seg("输入拼音首字母，例如 tdzs = 土地征收", theme.SizeNameText, colorMuted))
	qbox := panel(theme.ColorNameInputBackground, container.NewBorder(nil, nil, nil, v.count, v.query))
	head := container.New(tightVBox{}, qbox, hint)
	v.bar = k.newPageBar()
	v.pager = k.pagedFor(screenSearch, v.bar)
	v.keys = k.newKeypad(v.typed, v.del, v.clear)
	v.box = container.New(&searchLayout{}, head, v.pager, v.bar.box, v.keys.box)
	return v
}

func (v *searchView) object() fyne.CanvasObject { return v.box }

func (v *searchView) typed(s string) {
	if len(v.k.st.query) < maxQuery {
		v.k.st.query += s
	}
	v.k.setPage(0)
}

func (v *searchView) del() {
	q := v.k.st.query
	if q != "" {
		v.k.st.query = q[:len(q)-1] // the keypad types ASCII only
	}
	v.k.setPage(0)
}

func (v *searchView) clear() {
	v.k.st.query = ""
	v.k.setPage(0)
}

func (v *searchView) show(s *screen) {
	k := v.k
	q := k.st.query
	if q == "" {
		setRich(v.query, seg("请按下方按键输入", sizeTitle, colorMuted))
		v.count.SetText("")
		v.pager.SetBlocks(messageBlocks("例如想找“土地征收”，就依次按 t、d、z、s。"))
		return
	}
	setRich(v.query, seg(q, sizeTitle, theme.ColorNameForeground), seg("▏", sizeTitle, theme.ColorNamePrimary))
	hits, err := k.deps.Store.Search(q, k.deps.Location, k.now(), searchLimit)
	if err != nil {
		v.count.SetText("")
		v.pager.SetBlocks(messageBlocks("暂时无法搜索，请联系管理员。"))
		return
	}
	v.count.SetText(fmt.Sprintf("找到 %d 条", len(hits)))
	var blocks []block
	for _, h := range hits {
		c := k.summaryCard(h.Summary, cardOpts{match: h.Match, withCategory: true})
		if !h.InTitle && len(h.Match) > 0 {
			addLine(c, rich(seg("正文含有：", sizeSmall, colorMuted), seg(strings.Join(h.Match, "、"), sizeSmall, theme.ColorNamePrimary)))
		}
		blocks = append(blocks, block{obj: c, gap: 12})
	}
	if len(blocks) == 0 {
		blocks = messageBlocks("没有找到相关公告。请检查拼音，或按“删除”少输一个字母。")
	}
	v.pager.page = s.page
	v.pager.SetBlocks(blocks)
}

// addLine appends a line to a summary card.
func addLine(c *tapCard, o fyne.CanvasObject) {
	if box, ok := c.content.(*fyne.Container); ok {
		box.Add(o)
	}
}

// searchLayout: portrait stacks query, results, page bar and keypad; in
// landscape the keypad is a column on the right, near the hand.
type searchLayout struct{}

func (l *searchLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(touchMin*4, touchMin*6)
}

func (l *searchLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	head, pg, bar, keys := objs[0], objs[1], objs[2], objs[3]
	const gap float32 = 16
	bh := float32(0)
	if bar.Visible() {
		bh = bar.MinSize().Height + gap
	}
	km := keys.MinSize()
	if s.Width > s.Height {
		kw := max(km.Width, s.Width*0.45)
		kh := min(s.Height, max(km.Height, s.Height*0.6))
		keys.Move(fyne.NewPos(s.Width-kw, s.Height-kh))
		keys.Resize(fyne.NewSize(kw, kh))
		lw := s.Width - kw - 2*gap
		hh := height(head, lw)
		head.Move(fyne.NewPos(0, 0))
		pg.Move(fyne.NewPos(0, hh+gap))
		pg.Resize(fyne.NewSize(lw, s.Height-hh-gap-bh))
		bar.Move(fyne.NewPos(0, s.Height-bh+gap))
		bar.Resize(fyne.NewSize(lw, bh-gap))
		return
	}
	hh := height(head, s.Width)
	head.Move(fyne.NewPos(0, 0))
	kh := max(km.Height, s.Height*0.3)
	keys.Move(fyne.NewPos(0, s.Height-kh))
	keys.Resize(fyne.NewSize(s.Width, kh))
	bar.Move(fyne.NewPos(0, s.Height-kh-bh))
	bar.Resize(fyne.NewSize(s.Width, bh-gap))
	pg.Move(fyne.NewPos(0, hh+gap))
	pg.Resize(fyne.NewSize(s.Width, s.Height-kh-bh-hh-2*gap))
}
