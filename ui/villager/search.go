package villager

import (
	"fmt"
	"image"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/store"
	"gongkai/ui/kit"
)

// maxQuery keeps the query on one line.
const maxQuery = 16

// searchWindow is how many hits a page asks the store for: more than fit
// on any screen, so the page is full; the next page starts after the last
// that fit.
const searchWindow = 6

// searchView: the query shown large, a hint, results paged, our keypad.
// The store pages through every hit (SearchPage) and counts them
// (SearchCount) in the background; a page shows as many of its hits as
// fit, and the next one starts after them.
type searchView struct {
	k     *Screens
	box   *fyne.Container
	query *widget.RichText
	count *widget.Label
	pager *kit.Pager
	bar   *kit.PageBar
	keys  *keypad
	input string // what the keypad typed, lower case

	jobs       kit.Latest
	gen        atomic.Uint64 // of the query on show: results of another are dropped
	q          string        // the query starts and fits belong to
	starts     []int         // offset of each page's first hit
	fits       map[int]int   // hits page p shows, once laid out
	total      int           // of all hits; -1 until counted
	countedFor string        // the manifest the total was counted on
	shown      int           // the page in the pager (-1: none yet)
	more       bool          // the window of the page on show was full
	echo       bool          // a key's query is not drawn yet: it waits for its hits
}

func (k *Screens) newSearchView() *searchView {
	v := &searchView{k: k, shown: -1, total: -1}
	v.query = widget.NewRichText()
	v.count = kit.Label("", theme.SizeNameText)
	v.count.Wrapping = fyne.TextWrapOff
	hint := kit.Rich(kit.Seg("输入拼音首字母，例如 tdzs = 土地征收", theme.SizeNameText, kit.ColorMuted))
	qbox := kit.Panel(theme.ColorNameInputBackground, container.NewBorder(nil, nil, nil, v.count, v.query))
	head := container.New(kit.TightVBox{}, qbox, hint)
	v.bar = k.newPageBar()
	v.pager = kit.NewPager(func(int, int) { v.laidOut() })
	v.keys = k.newKeypad(v.typed, v.del, v.clear)
	v.box = container.New(&searchLayout{}, head, v.pager, v.bar.Box, v.keys.box)
	return v
}

func (v *searchView) object() fyne.CanvasObject { return v.box }

func (v *searchView) typed(s string) {
	if os.Getenv("GONGKAI_SEARCH_PAINTED") == "1" {
		fmt.Fprintf(os.Stderr, "search-key %d %s\n", time.Now().UnixMilli(), s)
	}
	if len(v.input) < maxQuery {
		v.input += s
	}
	v.keyed()
}

func (v *searchView) del() {
	q := v.input
	if q != "" {
		v.input = q[:len(q)-1] // the keypad types ASCII only
	}
	v.keyed()
}

func (v *searchView) clear() {
	v.input = ""
	v.keyed()
}

// keyed shows the query as it now is, on this screen, without a render of
// the whole kiosk: the query and its first hits are drawn in one frame
// when the hits come within keyEcho, and the query alone otherwise. On a
// software-rendered screen each frame costs a good part of a second, so
// a frame for the query and another for its hits was most of the wait.
func (v *searchView) keyed() {
	s := v.k.st.cur()
	s.page = 0
	if s.kind != screenSearch {
		v.k.render()
		return
	}
	v.echo = true
	v.show(s)
	if v.k.Spawn != nil || v.q == "" {
		return
	}
	gen := v.gen.Load()
	time.AfterFunc(keyEcho, func() {
		fyne.Do(func() {
			if gen == v.gen.Load() && v.echo {
				v.showQuery()
			}
		})
	})
}

// keyEcho is how long a key press waits for its hits before the query is
// drawn alone.
const keyEcho = 150 * time.Millisecond

// showQuery draws the query (and, until counted, that it is being
// looked for).
func (v *searchView) showQuery() {
	v.echo = false
	kit.SetRich(v.query, kit.Seg(v.q, kit.SizeTitle, theme.ColorNameForeground), kit.Seg("▏", kit.SizeTitle, theme.ColorNamePrimary))
	if v.total < 0 {
		v.count.SetText("正在查找…")
	}
}

func (v *searchView) show(s *screen) {
	k := v.k
	q := v.input
	if q != v.q {
		v.q, v.starts, v.fits, v.total, v.shown = q, []int{0}, map[int]int{}, -1, -1
		v.gen.Add(1)
	}
	if q == "" {
		v.echo = false
		kit.SetRich(v.query, kit.Seg("请按下方按键输入", kit.SizeTitle, kit.ColorMuted))
		v.count.SetText("")
		v.setBlocks(-1, kit.MessageBlocks("例如想找“土地征收”，就依次按 t、d、z、s。"), false)
		return
	}
	if !v.echo || v.k.Spawn != nil {
		v.showQuery()
	}
	// a page is reached from the one before it, whose fit gives its start
	if last := len(v.starts) - 1; s.page > last {
		if fit, ok := v.fits[last]; ok && fit > 0 {
			v.starts = append(v.starts, v.starts[last]+fit)
		}
	}
	s.page = max(0, min(s.page, len(v.starts)-1))
	page, offset, gen := s.page, v.starts[s.page], v.gen.Load()
	st, loc, now := k.Store, k.Location, k.Now()
	// counted once per query and content: a page turn does not count again
	count := v.total < 0 || v.countedFor != k.Feed.ManifestSum
	v.countedFor = k.Feed.ManifestSum
	v.jobs.Run(k.Spawn, k.Faults, "search", func() {
		hits, err := st.SearchPage(q, loc, now, offset, searchWindow)
		fyne.Do(func() { v.showHits(gen, page, hits, err) })
		if err != nil || !count || v.gen.Load() != gen {
			return
		}
		n, err := st.SearchCount(q, loc, now)
		fyne.Do(func() { v.showCount(gen, n, err) })
	})
}

// showHits puts a page of hits on the screen, unless the query changed
// meanwhile.
func (v *searchView) showHits(gen uint64, page int, hits []store.Hit, err error) {
	k := v.k
	if os.Getenv("GONGKAI_SEARCH_PAINTED") == "1" {
		fmt.Fprintf(os.Stderr, "search-hits %d %s\n", time.Now().UnixMilli(), v.q)
	}
	if gen != v.gen.Load() || k.st.cur().kind != screenSearch || k.st.cur().page != page {
		return
	}
	if v.echo {
		v.showQuery() // in the same frame as the hits
	}
	if err != nil {
		v.count.SetText("")
		v.setBlocks(page, kit.MessageBlocks("暂时无法搜索，请联系管理员。"), false)
		return
	}
	var blocks []kit.Block
	for _, h := range hits {
		c := k.summaryCard(h.Summary, cardOpts{match: h.Match, withCategory: true})
		// what matched in the body; a match in the topic's name is already
		// on the card
		var inBody []string
		for _, m := range h.Match {
			if !strings.Contains(k.CategoryName(h.Category), m) {
				inBody = append(inBody, m)
			}
		}
		if !h.InTitle && len(inBody) > 0 {
			addLine(c, kit.Rich(kit.Seg("正文含有：", kit.SizeSmall, kit.ColorMuted), kit.Seg(strings.Join(inBody, "、"), kit.SizeSmall, theme.ColorNamePrimary)))
		}
		blocks = append(blocks, kit.Block{Obj: c, Gap: 12})
	}
	if len(blocks) == 0 {
		blocks = kit.MessageBlocks("没有找到相关公告。请检查拼音，或按“删除”少输一个字母。")
		if page > 0 {
			blocks = kit.MessageBlocks("没有更多了。")
		}
	}
	v.setBlocks(page, blocks, len(hits) == searchWindow)
	v.reportPainted()
}

// reportPainted, when GONGKAI_SEARCH_PAINTED=1, prints "search-painted
// UNIX-MS QUERY" to stderr once the hits just set are on the glass: how
// the screen benchmark (scripts/bench-search-screen.sh) times a key press
// to its results. As for the first frame (kiosk/firstframe.go), a 1x1
// transparent raster over the window is painted with the frame and
// removes itself.
func (v *searchView) reportPainted() {
	c := v.k.host.Canvas()
	if os.Getenv("GONGKAI_SEARCH_PAINTED") != "1" || c == nil {
		return
	}
	q := v.q
	overlays := c.Overlays()
	var probe *canvas.Raster
	done := false
	probe = canvas.NewRaster(func(int, int) image.Image {
		if !done {
			done = true
			fmt.Fprintf(os.Stderr, "search-painted %d %s\n", time.Now().UnixMilli(), q)
			go fyne.Do(func() { overlays.Remove(probe) })
		}
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	probe.Resize(fyne.NewSize(1, 1))
	overlays.Add(probe)
}

func (v *searchView) showCount(gen uint64, n int, err error) {
	if gen != v.gen.Load() {
		return
	}
	if err != nil {
		v.count.SetText("")
		return
	}
	v.total = n
	v.count.SetText(fmt.Sprintf("找到 %s 条", kit.Thousands(n)))
	v.updateBar()
}

func (v *searchView) setBlocks(page int, blocks []kit.Block, more bool) {
	v.shown, v.more = page, more
	v.pager.Cur = 0
	v.pager.Reported = [2]int{-1, -1} // report the next layout: it gives the fit
	v.pager.SetBlocks(blocks)
	v.updateBar()
}

// laidOut notes how many hits of the window fit on the page on show.
func (v *searchView) laidOut() {
	if v.shown >= 0 && len(v.pager.Layout) > 0 {
		fit := len(v.pager.Layout[0])
		if old, ok := v.fits[v.shown]; ok && old != fit {
			// another text size: the pages after this one start elsewhere
			v.starts = v.starts[:min(len(v.starts), v.shown+1)]
		}
		v.fits[v.shown] = fit
	}
	v.updateBar()
}

// updateBar: 下一页 while hits follow the ones on show.
func (v *searchView) updateBar() {
	p := max(0, v.shown)
	fit, ok := v.fits[v.shown]
	next := false
	switch {
	case v.shown < 0 || !ok:
	case v.total >= 0:
		next = v.starts[p]+fit < v.total
	default:
		next = v.more || fit < len(v.pager.Blocks)
	}
	v.bar.UpdateOpen(p, next)
}

// addLine appends a line to a summary card.
func addLine(c *kit.TapCard, o fyne.CanvasObject) {
	if box, ok := c.Content.(*fyne.Container); ok {
		box.Add(o)
	}
}

// searchLayout: portrait stacks query, results, page bar and keypad; in
// landscape the keypad is a column on the right, near the hand.
type searchLayout struct{}

func (l *searchLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(kit.TouchMin*4, kit.TouchMin*6)
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
		hh := kit.Height(head, lw)
		head.Move(fyne.NewPos(0, 0))
		pg.Move(fyne.NewPos(0, hh+gap))
		pg.Resize(fyne.NewSize(lw, s.Height-hh-gap-bh))
		bar.Move(fyne.NewPos(0, s.Height-bh+gap))
		bar.Resize(fyne.NewSize(lw, bh-gap))
		return
	}
	hh := kit.Height(head, s.Width)
	head.Move(fyne.NewPos(0, 0))
	kh := max(km.Height, s.Height*0.3)
	keys.Move(fyne.NewPos(0, s.Height-kh))
	keys.Resize(fyne.NewSize(s.Width, kh))
	bar.Move(fyne.NewPos(0, s.Height-kh-bh))
	bar.Resize(fyne.NewSize(s.Width, bh-gap))
	pg.Move(fyne.NewPos(0, hh+gap))
	pg.Resize(fyne.NewSize(s.Width, s.Height-kh-bh-hh-2*gap))
}
