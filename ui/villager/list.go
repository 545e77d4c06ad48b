package villager

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// newPageBar makes 上一页 · 第 n/m 页 · 下一页 for the current screen.
func (k *Screens) newPageBar() *kit.PageBar {
	return pageBar(k.touch, func(by int) { k.setPage(k.st.cur().page + by) })
}

var pageBar = kit.NewPageBar // the name reader_embed.go calls it by

// pagedFor wires a pager to a page bar and writes the clamped page back to
// the state, but only while kind is the screen on show.
func (k *Screens) pagedFor(kind screenKind, bar *kit.PageBar) *kit.Pager {
	return kit.NewPager(func(page, total int) { k.pagesShown(kind, bar, page, total) })
}

// pagesShown is what a pager's layout tells: the page bar, and the page
// written back to the state while kind is the screen on show.
func (k *Screens) pagesShown(kind screenKind, bar *kit.PageBar, page, total int) {
	if total < 0 {
		bar.UpdateOpen(page, true) // a long topic: paged as it is read
	} else {
		bar.Update(page, total)
	}
	if c := k.st.cur(); c.kind == kind {
		c.page = page
	}
}

// cardOpts says how much a summary card shows.
type cardOpts struct {
	match        []string // search matches to pick out in the title
	withCategory bool     // mixed lists (home, search) name the topic
	compact      bool     // home: no validity line
}

// cardView is one notice in a list, on the home screen and in search
// results: its tag, title (with the search match picked out), and one line
// of what matters most for its kind (days left, validity). Its content can
// be replaced, so a long list measures every notice with one cardView and
// builds cards only for the page on show.
type cardView struct {
	card           *kit.TapCard
	lines          *fyne.Container
	title          *widget.RichText
	tags           *fyne.Container // urgent, pinned: one shown at most
	meta, validity *widget.RichText
	id             string
}

func (k *Screens) newCardView() *cardView {
	c := &cardView{title: kit.Rich(), meta: kit.Rich(), validity: kit.Rich()}
	// the tag is a badge beside the title, not a run inside it: a run
	// would push a long title onto the next line
	c.tags = container.NewVBox(kit.PriorityTag(feed.PriorityUrgent, theme.SizeNameText), kit.PriorityTag(feed.PriorityPinned, theme.SizeNameText))
	title := container.NewBorder(nil, nil, c.tags, nil, c.title)
	c.lines = container.New(kit.TightVBox{}, title, c.meta, c.validity)
	c.card = k.card(c.lines, func() { k.push(screen{kind: screenReader, itemID: c.id}) })
	return c
}

// summaryCard is a card for one notice.
func (k *Screens) summaryCard(s store.Summary, o cardOpts) *kit.TapCard {
	c := k.newCardView()
	k.setCard(c, s, o)
	return c.card
}

// setCard shows notice s on c.
func (k *Screens) setCard(c *cardView, s store.Summary, o cardOpts) {
	c.id = s.ID
	kit.SetRich(c.title, highlight(kit.ShownTitle(s.Title), o.match, theme.SizeNameSubHeadingText)...)
	kit.Show(c.tags, s.Priority == feed.PriorityUrgent || s.Priority == feed.PriorityPinned)
	kit.Show(c.tags.Objects[0], s.Priority == feed.PriorityUrgent)
	kit.Show(c.tags.Objects[1], s.Priority == feed.PriorityPinned)

	var meta []string
	if o.withCategory {
		meta = append(meta, k.CategoryName(s.Category))
	}
	if !o.compact {
		meta = append(meta, string(s.Published)+" 发布", s.Agency)
	}
	status := fyne.ThemeColorName(kit.ColorMuted)
	if p, ok := k.PostingOf(s.Published, s.ValidFrom, s.PostingDays, s.PostingWorkdays); ok {
		now := k.Now()
		meta = append(meta, p.Text(now))
		if note := p.Note(); note != "" {
			meta = append(meta, note)
		}
		if words.EndingSoon(p, now) {
			status = kit.ColorUrgent
		}
	}
	kit.SetRich(c.meta, kit.Seg(strings.Join(meta, " · "), kit.SizeSmall, status))
	kit.Show(c.meta, len(meta) > 0)
	kit.SetRich(c.validity, kit.Seg(words.ValidityText(s.Published, s.ValidFrom, s.ValidUntil), theme.SizeNameText, theme.ColorNamePrimary))
	kit.Show(c.validity, !o.compact && (s.Category == "policy" || s.Normative))
	// the whole tree lays itself out again: a tag shown or hidden changes
	// the width the title wraps in
	c.lines.Refresh()
}

// cardBlocks are the lazy blocks of a long list of notices: one cardView
// measures them all, and a card is built only for a notice on show.
func (k *Screens) cardBlocks(items []store.Summary, o cardOpts) []kit.Block {
	probe := k.newCardView()
	blocks := make([]kit.Block, len(items))
	for i, it := range items {
		blocks[i] = kit.LazyBlock(
			func() fyne.CanvasObject { return k.summaryCard(it, o) },
			func(w float32) float32 {
				k.setCard(probe, it, o)
				return kit.Height(probe.card, w)
			}, 12)
	}
	return blocks
}

// highlight splits a title into runs, the matched words bold and in the
// accent colour.
func highlight(text string, match []string, size fyne.ThemeSizeName) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	for text != "" {
		at, n := -1, 0
		for _, m := range match {
			if m == "" {
				continue
			}
			if i := strings.Index(text, m); i >= 0 && (at < 0 || i < at || (i == at && len(m) > n)) {
				at, n = i, len(m)
			}
		}
		if at < 0 {
			out = append(out, kit.Seg(text, size, theme.ColorNameForeground))
			break
		}
		if at > 0 {
			out = append(out, kit.Seg(text[:at], size, theme.ColorNameForeground))
		}
		out = append(out, kit.Seg(text[at:at+n], size, theme.ColorNamePrimary))
		text = text[at+n:]
	}
	return out
}

// listView is a topic's notices, paged, pinned and newest first. The
// store reads them a chunk at a time (store.ListPage), the first when the
// topic opens and the next as the villager pages towards its end: a
// topic of 140,000 notices read whole took 4 s and 60 MB, for the few
// pages anyone turns.
type listView struct {
	k     *Screens
	box   fyne.CanvasObject
	title *widget.Label
	count *widget.Label
	pager *kit.Pager
	bar   *kit.PageBar
	jobs  kit.Latest
	gen   int // of the last read: older ones are dropped

	key     string          // the topic, feed and day items belong to ("" for none)
	items   []store.Summary // the topic's first notices, in order
	total   int             // how many it has in all
	reading bool            // the next chunk is being read
}

// listChunk is how many notices a read brings: pages of them at any text
// size. listPerPage is more cards than any page holds, to read as far as
// a page to go back to.
const (
	listChunk   = 60
	listPerPage = 16
)

func (k *Screens) newListView() *listView {
	v := &listView{k: k}
	v.title = kit.Label("", kit.SizeTitle)
	v.count = kit.Label("", theme.SizeNameSubHeadingText)
	v.count.Wrapping = fyne.TextWrapOff
	v.bar = k.newPageBar()
	v.pager = kit.NewPager(func(page, total int) {
		k.pagesShown(screenList, v.bar, page, total)
		v.laidOut(page)
	})
	head := container.NewBorder(nil, nil, nil, v.count, v.title)
	v.box = container.NewBorder(head, v.bar.Box, nil, nil, v.pager)
	return v
}

func (v *listView) object() fyne.CanvasObject { return v.box }

// show turns to the page asked for when the topic's notices are read for
// this feed and day; otherwise it reads them in the background, as far as
// that page, and the list on show stays until they arrive.
func (v *listView) show(s *screen) {
	k := v.k
	kit.SetText(v.title, k.CategoryName(s.category))
	key := s.category + "\x00" + k.Feed.ManifestSum + "\x00" + k.Now().In(k.Loc).Format(time.DateOnly)
	if key == v.key {
		v.pager.SetPage(s.page)
		return
	}
	v.read(key, s.category, 0, max(listChunk, (s.page+2)*listPerPage))
}

// read reads limit of the topic's notices from offset on, for key.
func (v *listView) read(key, cat string, offset, limit int) {
	k := v.k
	v.gen++
	gen := v.gen
	v.reading = true
	st, loc, now := k.Store, k.Location, k.Now()
	v.jobs.Run(k.Spawn, k.Faults, "list", func() {
		items, total, err := st.ListPage(loc, cat, now, cat == policyTopic, offset, limit)
		fyne.Do(func() {
			if gen != v.gen {
				return
			}
			v.reading = false
			if c := k.st.cur(); c.kind == screenList && c.category == cat {
				v.showItems(c, key, offset, items, total, err)
			}
		})
	})
}

// laidOut reads the next chunk when the page after the one on show
// reaches the last notice read.
func (v *listView) laidOut(page int) {
	if v.reading || v.key == "" || len(v.items) >= v.total {
		return
	}
	if last := v.pager.PageOf(len(v.pager.Blocks) - 1); last >= 0 && last <= page+1 {
		v.read(v.key, v.k.st.cur().category, len(v.items), listChunk)
	}
}

// policyTopic lists its normative documents apart (policyBlocks).
const policyTopic = "policy"

func (v *listView) showItems(s *screen, key string, offset int, items []store.Summary, total int, err error) {
	k := v.k
	if err != nil {
		v.key, v.items = "", nil
		kit.SetText(v.count, "")
		v.pager.More = false
		v.pager.SetBlocks(kit.MessageBlocks("暂时无法读取公告，请联系管理员。"))
		return
	}
	if offset == 0 {
		v.items = items
	} else if key == v.key && offset == len(v.items) {
		v.items = append(v.items, items...)
	} else {
		return // read for a list no longer on show
	}
	v.key, v.total = key, total
	kit.SetText(v.count, fmt.Sprintf("共 %s 条", kit.Thousands(total)))
	var blocks []kit.Block
	if len(v.items) == 0 {
		blocks = kit.MessageBlocks("本栏目暂无公告。")
	} else if s.category == policyTopic {
		blocks = k.policyBlocks(v.items)
	} else {
		blocks = k.cardBlocks(v.items, cardOpts{})
	}
	v.pager.More = len(v.items) < total
	v.pager.Cur = s.page
	v.pager.Reported = [2]int{-1, -1} // report the layout: it may need the next chunk
	v.pager.SetBlocks(blocks)
}

// policyBlocks separates normative documents (行政规范性文件), whose
// validity decides what applies, from other documents.
func (k *Screens) policyBlocks(items []store.Summary) []kit.Block {
	var norm, other []store.Summary
	for _, it := range items {
		if it.Normative {
			norm = append(norm, it)
		} else {
			other = append(other, it)
		}
	}
	var blocks []kit.Block
	for _, g := range []struct {
		name  string
		items []store.Summary
	}{{"行政规范性文件", norm}, {"其他文件", other}} {
		if len(g.items) == 0 {
			continue
		}
		blocks = append(blocks, kit.Block{Obj: kit.Label(g.name, theme.SizeNameHeadingText), Gap: 20, KeepWithNext: true})
		blocks = append(blocks, k.cardBlocks(g.items, cardOpts{})...)
	}
	return blocks
}
