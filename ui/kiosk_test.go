package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/store"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
)

// textOf collects the text shown by an object tree (labels, rich text,
// buttons, containers, cards, table rows).
func textOf(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			b.WriteString(kit.Unbreakable(o.Text) + "\n")
		case *widget.RichText:
			b.WriteString(kit.Unbreakable(o.String()) + "\n")
		case *kit.BigButton:
			b.WriteString(o.Text + "\n")
		case *kit.TapCard:
			walk(o.Content)
		case *kit.TableRow:
			for _, c := range o.Cells {
				b.WriteString(kit.Unbreakable(c.String()) + " | ")
			}
			b.WriteString("\n")
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.ThemeOverride:
			walk(o.Content)
		}
	}
	walk(o)
	return b.String()
}

// segments lists the text runs of every RichText in a tree.
func segments(o fyne.CanvasObject) []*widget.TextSegment {
	var out []*widget.TextSegment
	switch o := o.(type) {
	case *widget.RichText:
		for _, s := range o.Segments {
			if ts, ok := s.(*widget.TextSegment); ok {
				out = append(out, ts)
			}
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			out = append(out, segments(c)...)
		}
	}
	return out
}

// pageContent is the text of the blocks on the pager's current page.
func pageContent(p *kit.Pager) string {
	if len(p.Layout) == 0 {
		return ""
	}
	var b strings.Builder
	for _, i := range p.Layout[p.Cur] {
		b.WriteString(textOf(blockObj(p, i)))
	}
	return b.String()
}

// blockObj is block i's object: the one on show, or for a lazy block off
// the page a fresh one to look at.
func blockObj(p *kit.Pager, i int) fyne.CanvasObject {
	if o := p.Object(i); o != nil {
		return o
	}
	return p.Blocks[i].Build()
}

// cardFor finds the card of a notice among a pager's blocks by title text.
func cardFor(t *testing.T, p *kit.Pager, title string) *kit.TapCard {
	t.Helper()
	for i := range p.Blocks {
		if c, ok := blockObj(p, i).(*kit.TapCard); ok && strings.Contains(textOf(c), title) {
			return c
		}
	}
	t.Fatalf("no card %q among %d blocks", title, len(p.Blocks))
	return nil
}

func hasCard(p *kit.Pager, title string) bool {
	for i := range p.Blocks {
		if c, ok := blockObj(p, i).(*kit.TapCard); ok && strings.Contains(textOf(c), title) {
			return true
		}
	}
	return false
}

func (k *Kiosk) tile(t *testing.T, name string) *kit.TapCard {
	t.Helper()
	for _, o := range k.home.tiles.Objects {
		if c := o.(*kit.TapCard); strings.Contains(textOf(c), name) {
			return c
		}
	}
	t.Fatalf("no tile %q", name)
	return nil
}

const (
	landTitle  = "东湾村三组集体土地征收补偿安置方案公告" // land-2026-017, 东湾村
	otherTitle = "柳塘村四组拟征收土地预公告"       // land-2026-021, 柳塘村 only
	otherID    = "land-2026-021"
)

func TestTopicTileListsItsNotices(t *testing.T) {
	for _, size := range []fyne.Size{portrait, landscape} {
		k, _, _ := newTestKiosk(t, size)
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
	k, _, _ := newTestKiosk(t, portrait)
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
		k, _, _ := newTestKiosk(t, size)
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
	k, _, _ := newTestKiosk(t, portrait)
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
	k, _, _ := newTestKiosk(t, portrait)
	test.Tap(k.home.search)
	s := k.views[screenSearch].(*searchView)
	for _, key := range []string{"t", "d", "z", "x", kit.KeyDelete, "s"} {
		test.Tap(s.keys.keys[key])
	}
	if k.st.query != "tdzs" {
		t.Fatalf("query is %q", k.st.query)
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
	if k.st.query != "tdzs" || k.st.cur().kind != screenSearch {
		t.Errorf("返回 from a hit lost the search: %q %+v", k.st.query, k.st.cur())
	}
	test.Tap(s.keys.keys[kit.KeyClear])
	if k.st.query != "" {
		t.Errorf("清空 left %q", k.st.query)
	}
}

func TestOtherVillageIsNeverReachable(t *testing.T) {
	k, _, _ := newTestKiosk(t, portrait)
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
	k.st.query = "ltc"
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
	if _, err := Screenshot(k.deps, "item:"+otherID, portrait); err == nil {
		t.Error("Screenshot renders the other village's notice")
	}
	// while 柳塘村's own screen does show it
	if _, err := k.Store.Item(otherID, liutang, k.Now()); err != nil {
		t.Errorf("柳塘村 cannot see its own notice: %v", err)
	}
}

func TestIdleReturnsHome(t *testing.T) {
	k, _, c := newTestKiosk(t, portrait)
	test.Tap(k.tile(t, "土地征收"))
	test.Tap(cardFor(t, k.views[screenList].(*listView).pager, landTitle))
	test.Tap(k.bar.steps[2])
	if k.st.step != 2 {
		t.Fatalf("text step %d", k.st.step)
	}
	r := k.views[screenReader].(*readerView)
	test.Tap(r.bar.Next)

	c.t = c.t.Add(89 * time.Second)
	k.CheckIdle()
	if k.prompt.box.Visible() {
		t.Fatal("prompt before the timeout")
	}
	c.t = c.t.Add(2 * time.Second)
	k.CheckIdle()
	if !k.prompt.box.Visible() || !strings.Contains(kit.Unbreakable(k.prompt.countdown.Text), "14 秒") {
		t.Fatalf("no prompt after 91 s: %v %q", k.prompt.box.Visible(), kit.Unbreakable(k.prompt.countdown.Text))
	}
	// 继续阅读 keeps the page
	test.Tap(k.prompt.cont)
	k.CheckIdle()
	if k.prompt.box.Visible() || k.st.cur().kind != screenReader || k.st.cur().page != 1 || k.st.step != 2 {
		t.Fatalf("继续阅读 lost the page: %+v step %d", k.st.cur(), k.st.step)
	}
	// nobody answers: home, text size reset
	c.t = c.t.Add(95 * time.Second)
	k.CheckIdle()
	if !k.prompt.box.Visible() {
		t.Fatal("no prompt the second time")
	}
	c.t = c.t.Add(15 * time.Second)
	k.CheckIdle()
	if k.prompt.box.Visible() || len(k.st.stack) != 1 || k.st.cur().kind != screenHome || k.st.step != 0 {
		t.Fatalf("after the countdown: prompt %v stack %+v step %d", k.prompt.box.Visible(), k.st.stack, k.st.step)
	}
	if size := fyne.CurrentApp().Settings().Theme().Size("text"); size != kit.TextSteps[0].Body {
		t.Errorf("text size %g after reset", size)
	}
	// at rest, no prompt nags the empty lobby
	c.t = c.t.Add(100 * time.Second)
	k.CheckIdle()
	if k.prompt.box.Visible() {
		t.Error("prompt on an untouched home screen")
	}
}

func TestIdle(t *testing.T) {
	t0 := demoNow
	i := kit.Idle{Timeout: 90 * time.Second, Countdown: 15 * time.Second}
	i.Touch(t0)
	for _, c := range []struct {
		after time.Duration
		phase kit.IdlePhase
		left  time.Duration
	}{
		{0, kit.IdleActive, 0},
		{89 * time.Second, kit.IdleActive, 0},
		{90 * time.Second, kit.IdleAsking, 15 * time.Second},
		{100 * time.Second, kit.IdleAsking, 5 * time.Second},
		{105 * time.Second, kit.IdleExpired, 0},
		{-time.Hour, kit.IdleActive, 0}, // clock set back: never a false alarm
	} {
		p, left := i.At(t0.Add(c.after))
		if p != c.phase || left != c.left {
			t.Errorf("after %v: %v %v, want %v %v", c.after, p, left, c.phase, c.left)
		}
	}
}

func TestTextSizeStepsGrowText(t *testing.T) {
	k, _, _ := newTestKiosk(t, portrait)
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

func TestPostingAndValidityText(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	k := &Kiosk{Env: &kit.Env{Loc: loc}}
	p, ok := k.PostingOf("2026-11-10", "2026-11-10", 30, 0)
	if !ok || p.Text(demoNow) != "公示期 30 天：11月10日至12月9日，剩余 14 天" {
		t.Errorf("got %q", p.Text(demoNow))
	}
	// days left follow the feed's day, not UTC's: 23:30 in Shanghai is already the 10th
	late := time.Date(2026, 12, 8, 16, 30, 0, 0, time.UTC)
	if p, _ := k.PostingOf("2026-11-10", "", 30, 0); p.Status(late) != "今天是最后一天" {
		t.Errorf("at %v: %q", late.In(loc), p.Status(late))
	}
	if p, _ := k.PostingOf("2026-11-10", "", 30, 0); p.Status(late.Add(24*time.Hour)) != "公示期已满" {
		t.Errorf("after the end: %q", p.Status(late.Add(24*time.Hour)))
	}
	// Without a calendar, working days are Monday–Friday, and it says so.
	if p, _ := k.PostingOf("2026-12-24", "", 0, 10); p.End.Format(time.DateOnly) != "2027-01-06" || p.Note() == "" {
		t.Errorf("working days without a calendar: %s %q", p.End, p.Note())
	}
	if got := kit.ValidityText("2026-10-20", "2026-11-01", "2028-10-31"); got != "有效期 2026-11-01 至 2028-10-31" {
		t.Errorf("got %q", got)
	}
	if got := kit.ValidityText("2026-10-20", "", ""); got != "现行有效" {
		t.Errorf("got %q", got)
	}
	if got := kit.UpdatedText(time.Date(2026, 11, 25, 6, 30, 0, 0, time.UTC), loc); got != "更新于 11月25日 14:30" {
		t.Errorf("got %q", got)
	}
}

func TestScreenshotNames(t *testing.T) {
	st := demoStore(t)
	deps := Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }}
	for _, s := range []string{"display", "admin", "admin:pin", "admin:usb"} {
		if _, err := Screenshot(deps, s, portrait); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := Screenshot(deps, "admin:bogus", portrait); err == nil {
		t.Error("bogus admin page accepted")
	}
	if _, err := Screenshot(deps, "bogus", portrait); err == nil {
		t.Error("bogus screen accepted")
	}
	img, err := Screenshot(deps, "home", landscape)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1920 || b.Dy() != 1080 {
		t.Errorf("image is %v", b)
	}
}

// The search screen reads the store only in the background: a key press
// hands the query to a job and returns; the results and the true count
// come back through fyne.Do; a later key supersedes an earlier query,
// whose results are dropped even when they arrive last; and the pages go
// through every hit, not a capped first few.
func TestSearchRunsInTheBackgroundAndPagesThroughAll(t *testing.T) {
	k, _, _ := newTestKiosk(t, portrait)
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
		if want := fmt.Sprintf("第 %d 页", page+1); s.bar.Label.Text != want {
			t.Errorf("page bar says %q, want %q", s.bar.Label.Text, want)
		}
	}
	if len(seen) != 17 {
		t.Errorf("the pages show %d hits, want all 17", len(seen))
	}
}

// A topic's list and the admin status page read the store in the
// background too: opening them hands the reading to a job.
func TestListAndStatusReadInTheBackground(t *testing.T) {
	k, _, _ := newTestKiosk(t, portrait)
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
	var status []func()
	k.admin.Async = func(_ string, fn func()) { status = append(status, fn) }
	p := k.admin.Pages[admin.PageStatus].(*admin.StatusPage)
	p.Show()
	if len(status) != 1 {
		t.Fatalf("the status page started %d jobs, want 1", len(status))
	}
	status[0]()
	if !strings.Contains(pageContent(p.Paged.P), "本屏显示") {
		t.Errorf("status after its job: %q", pageContent(p.Paged.P))
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
	k, w, _ := newTestKiosk(t, portrait)
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
		k, w, _ := newTestKiosk(t, size)
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
