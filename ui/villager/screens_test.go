package villager

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/kit"
)

func TestTopicTileListsItsNotices(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		k := newTestScreens(t, size)
		land := k.tile(t, "土地征收")
		if !strings.Contains(textOf(land), "3 条") {
			t.Errorf("land tile says %q, want 3 条", textOf(land))
		}
		test.Tap(land)
		if got := k.st.cur(); got.kind != screenList || got.category != "land" {
			t.Fatalf("after tapping the tile the screen is %+v", got)
		}
		list := k.views[screenList].(*listView)
		if !hasCard(list.pager, landTitle) || !hasCard(list.pager, "东湾村二组征地补偿费用发放情况公示") {
			t.Errorf("land list lacks 东湾村's notices:\n%s", pageContent(list.pager))
		}
		if hasCard(list.pager, otherTitle) {
			t.Errorf("land list shows 柳塘村's notice")
		}
		// pinned first
		if first := textOf(blockObj(list.pager, 0)); !strings.Contains(first, landTitle) {
			t.Errorf("first card is %q, want the pinned notice", first)
		}
	}
}

func TestTappingNoticeOpensReader(t *testing.T) {
	k := newTestScreens(t, portrait)
	test.Tap(k.tile(t, "土地征收"))
	test.Tap(cardFor(t, k.views[screenList].(*listView).pager, landTitle))
	r := k.views[screenReader].(*readerView)
	if got := k.st.cur(); got.kind != screenReader || got.itemID != "land-2026-017" {
		t.Fatalf("screen is %+v", got)
	}
	page := pageContent(r.pager)
	for _, want := range []string{"青禾镇人民政府", "青禾府〔2026〕17号", "2026-11-10", "公示期 30 天：11月10日至12月9日，剩余 14 天"} {
		if !strings.Contains(page, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, page)
		}
	}
	if !strings.Contains(kit.Unbreakable(r.title.String()), landTitle) {
		t.Errorf("title is %q", kit.Unbreakable(r.title.String()))
	}
	side := textOf(r.side)
	for _, want := range []string{"手机扫码查看原文", "咨询与异议", "镇征收办 王老师", "查看图片：征收范围示意图"} {
		if !strings.Contains(side, want) {
			t.Errorf("side panel lacks %q:\n%s", want, side)
		}
	}
	// 返回 goes back to the list, 首页 home
	test.Tap(k.bar.back)
	if k.st.cur().kind != screenList {
		t.Errorf("返回 went to %v", k.st.cur().kind)
	}
	test.Tap(k.bar.home)
	if k.st.cur().kind != screenHome || len(k.st.stack) != 1 {
		t.Errorf("首页 left the stack at %+v", k.st.stack)
	}
}

func TestReaderPagesThroughLongBody(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		k := newTestScreens(t, size)
		k.push(screen{kind: screenReader, itemID: "land-2026-017"})
		r := k.views[screenReader].(*readerView)
		if r.pager.Pages() < 2 {
			t.Fatalf("%v: the long land notice fits on %d page(s)", size, r.pager.Pages())
		}
		first := pageContent(r.pager)
		if kit.Unbreakable(r.bar.Label.Text) != kit.PageText(0, r.pager.Pages()) || !r.bar.Prev.Disabled() {
			t.Errorf("page bar says %q, prev disabled %v", kit.Unbreakable(r.bar.Label.Text), r.bar.Prev.Disabled())
		}
		test.Tap(r.bar.Next)
		second := pageContent(r.pager)
		if k.st.cur().page != 1 || second == first || second == "" {
			t.Fatalf("下一页 did not move: page %d\n%s", k.st.cur().page, second)
		}
		if kit.Unbreakable(r.bar.Label.Text) != kit.PageText(1, r.pager.Pages()) {
			t.Errorf("page bar says %q", kit.Unbreakable(r.bar.Label.Text))
		}
		// the last page has the end of the body; 下一页 stops there
		for range 20 {
			test.Tap(r.bar.Next)
		}
		if last := pageContent(r.pager); !strings.Contains(last, "附件：征收范围示意图") {
			t.Errorf("last page lacks the end of the body:\n%s", last)
		}
		if !r.bar.Next.Disabled() {
			t.Errorf("下一页 still enabled on the last page")
		}
		test.Tap(r.bar.Prev)
		if k.st.cur().page != r.pager.Pages()-2 {
			t.Errorf("上一页 went to page %d", k.st.cur().page)
		}
	}
}

func TestReaderRendersTables(t *testing.T) {
	k := newTestScreens(t, portrait)
	k.push(screen{kind: screenReader, itemID: "village-dw-2026q3-finance"})
	r := k.views[screenReader].(*readerView)
	var headers, rows int
	var all strings.Builder
	for _, b := range r.pager.Blocks {
		if tr, ok := b.Obj.(*kit.TableRow); ok {
			if tr.Header {
				headers++
			} else {
				rows++
				if b.Header == nil {
					t.Errorf("row %q does not know its header", textOf(tr))
				}
			}
			all.WriteString(textOf(tr))
		}
	}
	if headers != 3 || rows != 5+1+8+1+5 {
		t.Errorf("got %d tables and %d rows", headers, rows)
	}
	for _, want := range []string{"序号 | 收入项目 | 金额（元） |", "收入合计 | 589,114.56 |", "期末余额（2026 年 9 月 30 日） | 1,299,788.06 |"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("tables lack %q:\n%s", want, all.String())
		}
	}
	// every page that starts inside a table shows the header row
	for p := range r.pager.Pages() {
		k.setPage(p)
		idx := r.pager.Layout[r.pager.Cur]
		first := r.pager.Blocks[idx[0]]
		if first.Header != nil && !first.Header.Visible() {
			t.Errorf("page %d starts inside a table without its header", p+1)
		}
	}
}

func TestKeypadSearchFindsLandNotice(t *testing.T) {
	k := newTestScreens(t, portrait)
	test.Tap(k.home.search)
	s := k.views[screenSearch].(*searchView)
	for _, key := range []string{"t", "d", "z", "x", kit.KeyDelete, "s"} {
		test.Tap(s.keys.keys[key])
	}
	if k.search.input != "tdzs" {
		t.Fatalf("query is %q", k.search.input)
	}
	if !strings.Contains(s.query.String(), "tdzs") {
		t.Errorf("query shows %q", s.query.String())
	}
	c := cardFor(t, s.pager, landTitle)
	// the match is highlighted: bold, in the accent colour
	var found bool
	for _, ts := range segments(c.Content) {
		if kit.Unbreakable(ts.Text) == "土地征收" && ts.Style.ColorName == "primary" {
			found = true
		}
	}
	if !found {
		t.Errorf("土地征收 is not highlighted in %q", textOf(c))
	}
	test.Tap(c)
	if got := k.st.cur(); got.kind != screenReader || got.itemID != "land-2026-017" {
		t.Fatalf("tapping the hit opened %+v", got)
	}
	test.Tap(k.bar.back)
	if k.search.input != "tdzs" || k.st.cur().kind != screenSearch {
		t.Errorf("返回 from a hit lost the search: %q %+v", k.search.input, k.st.cur())
	}
	test.Tap(s.keys.keys[kit.KeyClear])
	if k.search.input != "" {
		t.Errorf("清空 left %q", k.search.input)
	}
}

func TestOtherVillageIsNeverReachable(t *testing.T) {
	k := newTestScreens(t, portrait)
	// not listed: not in its topic, not on the home screen
	k.push(screen{kind: screenList, category: "land"})
	if hasCard(k.views[screenList].(*listView).pager, otherTitle) {
		t.Error("listed in 土地征收")
	}
	k.goHome()
	if hasCard(k.home.imp, otherTitle) {
		t.Error("on the home screen")
	}
	// not found by search, by title words or pinyin
	for _, q := range []string{"ltc", "liutang", "ysz", "2026021"} {
		hits, err := k.Store.Search(q, k.Location, k.Now(), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.ID == otherID {
				t.Errorf("search %q finds %s", q, otherID)
			}
		}
	}
	k.push(screen{kind: screenSearch})
	k.search.input = "ltc"
	k.render()
	if hasCard(k.views[screenSearch].(*searchView).pager, otherTitle) {
		t.Error("search screen shows it")
	}
	// Item refuses, and a reader pointed at it shows nothing of it
	if _, err := k.Item(otherID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Item(%s) = %v, want ErrNotFound", otherID, err)
	}
	k.push(screen{kind: screenReader, itemID: otherID})
	r := k.views[screenReader].(*readerView)
	if strings.Contains(pageContent(r.pager)+kit.Unbreakable(r.title.String()), "柳塘村四组") || r.side.Visible() {
		t.Error("the reader shows the other village's notice")
	}
	if err := k.Open("item:" + otherID); err == nil {
		t.Error("Open (and so Screenshot) goes to the other village's notice")
	}
	// while 柳塘村's own screen does show it
	if _, err := k.Store.Item(otherID, liutang, k.Now()); err != nil {
		t.Errorf("柳塘村 cannot see its own notice: %v", err)
	}
}

func TestTextSizeStepsGrowText(t *testing.T) {
	k := newTestScreens(t, portrait)
	k.push(screen{kind: screenReader, itemID: "land-2026-017"})
	r := k.views[screenReader].(*readerView)
	pages := r.pager.Pages()
	test.Tap(k.bar.steps[2])
	if got := fyne.CurrentApp().Settings().Theme().Size("text"); got != kit.TextSteps[2].Body {
		t.Fatalf("特大 gives text size %g", got)
	}
	if r.pager.Pages() <= pages {
		t.Errorf("特大 text still fits on %d pages (标准: %d)", r.pager.Pages(), pages)
	}
}

// The search screen reads the store only in the background: a key press
// hands the query to a job and returns; the results and the true count
// come back through fyne.Do; a later key supersedes an earlier query,
// whose results are dropped even when they arrive last; and the pages go
// through every hit, not a capped first few.
func TestSearchRunsInTheBackgroundAndPagesThroughAll(t *testing.T) {
	k := newTestScreens(t, portrait)
	var jobs []func()
	k.Spawn = func(job func()) { jobs = append(jobs, job) }
	test.Tap(k.home.search)
	s := k.views[screenSearch].(*searchView)
	test.Tap(s.keys.keys["z"])
	before := pageContent(s.pager)
	test.Tap(s.keys.keys["s"])
	if len(jobs) != 2 {
		t.Fatalf("%d background jobs after two keys, want 2", len(jobs))
	}
	if got := pageContent(s.pager); got != before || s.count.Text != "正在查找…" {
		t.Fatalf("the key press changed the results itself: %q, count %q", got, s.count.Text)
	}
	jobs[1]() // "zs" answers first
	jobs[0]() // then the stale "z"
	if got := s.count.Text; got != "找到 17 条" {
		t.Errorf("count shows %q, want 找到 17 条 (the stale query's answer must be dropped)", got)
	}
	if !strings.Contains(pageContent(s.pager), "土地征收") {
		t.Errorf("first page of zs: %q", pageContent(s.pager))
	}
	k.Spawn = kit.Inline
	seen := map[string]bool{}
	for page := 1; ; page++ {
		for _, i := range s.pager.Layout[s.pager.Cur] {
			id := textOf(blockObj(s.pager, i))
			if seen[id] {
				t.Fatalf("page %d repeats %q", page, id)
			}
			seen[id] = true
		}
		if s.bar.Next.Disabled() {
			break
		}
		if page > 20 {
			t.Fatal("下一页 never ends")
		}
		test.Tap(s.bar.Next)
		if want := "第 " + kit.Thousands(page+1) + " 页"; s.bar.Label.Text != want {
			t.Errorf("page bar says %q, want %q", s.bar.Label.Text, want)
		}
	}
	if len(seen) != 17 {
		t.Errorf("the pages show %d hits, want all 17", len(seen))
	}
}

// A topic's list reads the store in the background too: opening it hands
// the reading to a job (the admin status page: ui's
// TestStatusReadsInTheBackground).
func TestListReadsInTheBackground(t *testing.T) {
	k := newTestScreens(t, portrait)
	var jobs []func()
	k.Spawn = func(job func()) { jobs = append(jobs, job) }
	k.push(screen{kind: screenList, category: "land"})
	v := k.views[screenList].(*listView)
	if len(jobs) != 1 || hasCard(v.pager, landTitle) {
		t.Fatalf("opening the list: %d jobs, cards already there: %v", len(jobs), hasCard(v.pager, landTitle))
	}
	jobs[0]()
	if !hasCard(v.pager, landTitle) || v.count.Text == "" {
		t.Errorf("after the job the list shows no %s (count %q)", landTitle, v.count.Text)
	}
}

// TestAttachmentTitles: the attachment's button says its title, or for a
// bare file name what kind of attachment it is — never the file name.
func TestAttachmentTitles(t *testing.T) {
	it := &feed.Item{Attachments: []feed.Attachment{
		{Name: "征收范围示意图.png", Type: "image/png"},
		{Name: "land-2026-017-map.png", Type: "image/png"},
		{Name: "readings.csv", Type: "text/csv"},
		{Name: "plan.pdf", Type: "application/pdf"},
	}}
	for i, want := range []string{"征收范围示意图", "附图 2", "数据表 3", "附件 4"} {
		if got := attachmentTitle(it, i); got != want {
			t.Errorf("attachment %d (%s): %q, want %q", i, it.Attachments[i].Name, got, want)
		}
	}
	one := &feed.Item{Attachments: it.Attachments[1:2]}
	if got := attachmentTitle(one, 0); got != "附图" {
		t.Errorf("a lone bare image: %q", got)
	}
}

// TestTextSizeKeepsTheParagraph: at 特大 the land notice has more pages;
// the reader on its last page at 标准 stays at the same paragraph, not at
// the same page number (item 11: page 3/3 at §六 became 3/6 at §二).
func TestTextSizeKeepsTheParagraph(t *testing.T) {
	k := newTestScreens(t, portrait)
	w := k.w
	k.push(screen{kind: screenReader, itemID: "land-2026-017"})
	p := k.views[screenReader].(*readerView).pager
	settle(w.Canvas().Content())
	last := p.Pages() - 1
	k.setPage(last)
	settle(w.Canvas().Content())
	top := textOf(p.Object(p.Layout[p.Page()][0]))
	for _, step := range []int{2, 1, 0} {
		k.setStep(step)
		settle(w.Canvas().Content())
		var on []string
		for _, i := range p.Layout[p.Page()] {
			on = append(on, textOf(p.Object(i)))
		}
		if !slices.Contains(on, top) {
			t.Errorf("at %s, page %d/%d no longer shows %q", kit.TextSteps[step].Name, p.Page()+1, p.Pages(), short(top))
		}
		if k.st.cur().page != p.Page() {
			t.Errorf("the screen state says page %d, the pager shows %d", k.st.cur().page, p.Page())
		}
	}
}

// TestSmallThingsOfItem11: 清空 is well apart from 删除; the badges are
// outlines, not filled like buttons; the panel opens on 状态 again.
func TestSmallThingsOfItem11(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		k := newTestScreens(t, size)
		w := k.w
		k.push(screen{kind: screenSearch})
		settle(w.Canvas().Content())
		keys := k.views[screenSearch].(*searchView).keys.keys
		del, clr := keys[kit.KeyDelete], keys[kit.KeyClear]
		if gap := clr.Position().X - (del.Position().X + del.Size().Width); gap < 40 {
			t.Errorf("%s: 清空 is %.0f px from 删除, want ≥ 40", orient(size), gap)
		}
	}
	for _, p := range []string{"urgent", "pinned"} {
		tag := kit.PriorityTag(p, "").(*fyne.Container)
		r := tag.Objects[0].(*canvas.Rectangle)
		if _, _, _, a := r.FillColor.RGBA(); a != 0 || r.StrokeWidth < 2 {
			t.Errorf("%s badge: fill alpha %d, outline %.0f: it looks like a button", p, a, r.StrokeWidth)
		}
	}
}

// The home reads the store in the background too (at 100,000 notices its
// counts and its urgent and pinned notices were seconds of work on the UI
// goroutine, before the first key of a search could be taken): showing it
// hands the reading to a job, and the tiles' counts and the important
// notices come with the job's answer.
func TestHomeReadsInTheBackground(t *testing.T) {
	k := newTestScreens(t, portrait)
	var jobs []func()
	k.Spawn = func(job func()) { jobs = append(jobs, job) }
	k.home.invalidate() // the tiles are made again, without counts
	k.push(screen{kind: screenList, category: "land"})
	k.Home()
	if len(jobs) != 2 {
		t.Fatalf("%d background jobs for a list and the home, want 2", len(jobs))
	}
	if got := textOf(k.tile(t, "土地征收")); strings.Contains(got, "条") {
		t.Fatalf("the home counted on the UI goroutine: tile says %q", got)
	}
	k.home.imp.SetBlocks(nil)
	jobs[1]()
	if got := textOf(k.tile(t, "土地征收")); !strings.Contains(got, "3 条") {
		t.Errorf("after the job the tile says %q, want 3 条", got)
	}
	if !hasCard(k.home.imp, "参保缴费") {
		t.Errorf("after the job the important notices are not on the home")
	}
}

// A feed that marks hundreds of notices urgent does not put hundreds of
// cards on the home: it reads and shows the first homeImportant and says
// how many more there are, and where.
func TestHomeShowsAtMostSomeImportantNotices(t *testing.T) {
	st := demoWith(t, 500, func(i int) (string, string) { return fmt.Sprintf("紧急通知第%d号", i), feed.PriorityUrgent })
	k := newScreens(t, st, portrait, Options{}, nil)
	tally, err := st.Tally(dongwan, demoNow)
	if err != nil || tally.Urgent+tally.Pinned < 500 {
		t.Fatalf("tally %+v (%v)", tally, err)
	}
	k.Home()
	blocks := k.home.imp.Blocks
	if len(blocks) != homeImportant+1 {
		t.Fatalf("%d blocks on the home, want %d cards and a note", len(blocks), homeImportant)
	}
	// urgent first, newest first: gen-019 and every twentieth after it
	// were published on 2026-11-20, gen-000 on 2026-11-01
	var cards []string
	for _, b := range blocks[:homeImportant] {
		cards = append(cards, strings.SplitN(textOf(b.Obj), "\n", 2)[0])
	}
	if !slices.Contains(cards, "紧急通知第19号") || slices.Contains(cards, "紧急通知第0号") {
		t.Errorf("the home shows %q, want the newest", cards)
	}
	want := fmt.Sprintf("还有 %d 条", tally.Urgent+tally.Pinned-homeImportant)
	if got := textOf(blocks[homeImportant].Obj); !strings.Contains(got, want) || !strings.Contains(got, "各栏目") {
		t.Errorf("the note says %q, want %q", got, want)
	}
}
