// Package uitest is the screens' test fixtures, as synctest is sync's:
// the demo feed published and applied to a fresh store the way a screen
// does it, urgent alerts signed with the demo key, a settable clock, and
// the helpers that read what a tree of widgets shows. Only tests import
// it; it does not import Fyne's test package (offscreen.go is the one
// place outside tests that may).
package uitest

import (
	"crypto/ed25519"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/publish"
	"gongkai/store"
	"gongkai/sync/synctest"
	"gongkai/ui/kit"
)

// DemoNow is the "today" the demo content is written for.
var DemoNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

const (
	Dongwan = "310118901201" // 东湾村, the screen under test
	Liutang = "310118901202" // 柳塘村, the other village
)

// The window sizes every screen is tried at.
var (
	Portrait  = fyne.NewSize(1080, 1920)
	Landscape = fyne.NewSize(1920, 1080)
)

// Orient names a window size's orientation.
func Orient(s fyne.Size) string {
	if s.Width > s.Height {
		return "landscape"
	}
	return "portrait"
}

// Repo is the path of a file in the repository (assets/demo), wherever
// the test runs.
func Repo(rel string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(rel))
}

// DemoStore publishes the demo feed and applies it to a fresh store the
// way a screen does: verify the signed manifest, check every object, put
// the attachments, apply.
func DemoStore(t testing.TB) *store.Store {
	st, _ := DemoFeed(t)
	return st
}

// DemoFeed is DemoStore that also returns a function publishing a later
// version of the feed from another source folder and applying it.
func DemoFeed(t testing.TB) (*store.Store, func(srcDir string)) {
	t.Helper()
	dir := t.TempDir()
	feedDir, dataDir := filepath.Join(dir, "feed"), filepath.Join(dir, "data")
	priv := demoKey(t)
	st, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	next := func(srcDir string) {
		t.Helper()
		src, err := publish.ParseSource(srcDir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := publish.Publish(src, feedDir, publish.Options{Key: priv, Now: DemoNow.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		ApplyFeed(t, st, feedDir, priv.Public().(ed25519.PublicKey))
	}
	next(Repo("assets/demo"))
	return st, next
}

// DemoWith is the demo feed with n more land notices (gen-000 on) for
// the village 东湾村, published on the days of November in turn, each with
// the title and priority notice(i) gives: a long topic, a feed that marks
// hundreds urgent.
func DemoWith(t testing.TB, n int, notice func(i int) (title, priority string)) *store.Store {
	t.Helper()
	st, next := DemoFeed(t)
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(Repo("assets/demo"))); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		title, priority := notice(i)
		body := fmt.Sprintf("---\nid: gen-%03d\ntitle: %s\ncategory: land\nagency: 青禾镇人民政府\npublished: 2026-11-%02d\nlocations: [\"310118901201\"]\nposting_days: %d\npriority: %s\n---\n正文。\n",
			i, title, 1+i%20, i%3*10, priority)
		if err := os.WriteFile(filepath.Join(src, "items/land", fmt.Sprintf("gen-%03d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	next(src)
	return st
}

func demoKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	priv, err := feed.ParsePrivateKey(ReadFile(t, Repo("assets/demokey/publisher.key")))
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

// ApplyFeed verifies the feed in feedDir against the store's state and
// applies it.
func ApplyFeed(t testing.TB, st *store.Store, feedDir string, pub ed25519.PublicKey) {
	t.Helper()
	state, err := st.State()
	if err != nil {
		t.Fatal(err)
	}
	raw := ReadFile(t, filepath.Join(feedDir, feed.ManifestFile))
	sig := ReadFile(t, filepath.Join(feedDir, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
	v, err := feed.Verify(raw, sig, feed.Trust{Key: pub, Now: DemoNow, FeedID: state.FeedID, Version: state.Version, Sum: state.ManifestSum})
	if err != nil {
		t.Fatal(err)
	}
	shards := make([][]byte, len(v.Shards))
	for i, o := range v.Shards {
		shards[i] = ReadFile(t, filepath.Join(feedDir, filepath.FromSlash(o.Path())))
	}
	if err := v.Expand(shards); err != nil {
		t.Fatal(err)
	}
	items := map[string][]byte{}
	for _, ref := range v.Items {
		data := ReadFile(t, filepath.Join(feedDir, filepath.FromSlash(ref.Path())))
		if err := feed.CheckObject(data, ref.Object); err != nil {
			t.Fatal(err)
		}
		items[ref.SHA256] = data
	}
	for _, a := range v.Attachments {
		f, err := os.Open(filepath.Join(feedDir, filepath.FromSlash(a.Path())))
		if err != nil {
			t.Fatal(err)
		}
		err = st.PutBlob(a.SHA256, feed.NewObjectReader(f, a))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	var cal []byte
	if v.Calendar != nil {
		cal = ReadFile(t, filepath.Join(feedDir, filepath.FromSlash(v.Calendar.Path())))
	}
	if _, err := st.Apply(store.Update{Manifest: v, Items: items, Calendar: cal, Source: feedDir, At: DemoNow}); err != nil {
		t.Fatal(err)
	}
}

// ApplyAlerts signs alerts with the demo key and stores them as a poll does.
func ApplyAlerts(t testing.TB, st *store.Store, version int64, list ...feed.Alert) {
	t.Helper()
	priv := demoKey(t)
	state, _ := st.State()
	issued := DemoNow.Add(-time.Duration(10-version) * time.Minute)
	raw, err := feed.EncodeAlerts(&feed.Alerts{FeedID: state.FeedID, Version: version, IssuedAt: issued, Expires: issued.Add(30 * 24 * time.Hour), Alerts: list})
	if err != nil {
		t.Fatal(err)
	}
	as, _ := st.AlertState()
	v, err := feed.VerifyAlerts(raw, feed.Sign(raw, priv), feed.Trust{Key: priv.Public().(ed25519.PublicKey), Now: DemoNow, FeedID: state.FeedID, Version: as.Version, Sum: as.Sum})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ApplyAlerts(v, raw, "test", DemoNow); err != nil {
		t.Fatal(err)
	}
}

// Typhoon is an urgent alert for 东湾村's town, in force from an hour
// before DemoNow for three hours.
func Typhoon() feed.Alert {
	return feed.Alert{ID: "typhoon-1125", Title: "台风“海燕”紧急转移通知", Agency: "金泽镇防汛防台指挥部", Priority: feed.AlertUrgent,
		Start: DemoNow.Add(-time.Hour), End: DemoNow.Add(2 * time.Hour), Locations: []string{"310118901"},
		Body:        "受第18号台风影响，今晚至明晨有大暴雨和10级以上大风。",
		Instruction: "低洼地区和危旧房屋居民请于今天18时前转移到村委会安置点；不要外出，远离河道。"}
}

// LongAlert has as much body and instruction as the format allows.
func LongAlert() feed.Alert {
	a := Typhoon()
	a.ID = "long-1"
	a.Instruction = cutRunes(strings.Repeat("请沿村道向北转移至镇中心小学安置点，携带身份证件和常用药品，听从村干部安排。", 60), feed.MaxAlertText)
	a.Body = cutRunes(strings.Repeat("受台风影响，预计今夜到明天我镇有大暴雨，局部特大暴雨，沿河低洼地带可能出现内涝。\n", 60), feed.MaxAlertText)
	return a
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}

// Config is the screen's configuration written in toml, as config.Parse
// reads it.
func Config(t testing.TB, toml string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Clock is a settable clock for the idle tests.
type Clock struct{ T time.Time }

func (c *Clock) Now() time.Time { return c.T }

// WritePNG writes img to path, failing the test if it cannot.
func WritePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TextOf collects the text shown by an object tree (labels, rich text,
// buttons, containers, cards, table rows).
func TextOf(o fyne.CanvasObject) string {
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

// Segments lists the text runs of every RichText in a tree.
func Segments(o fyne.CanvasObject) []*widget.TextSegment {
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
			out = append(out, Segments(c)...)
		}
	}
	return out
}

// PageContent is the text of the blocks on the pager's current page.
func PageContent(p *kit.Pager) string {
	if len(p.Layout) == 0 {
		return ""
	}
	var b strings.Builder
	for _, i := range p.Layout[p.Cur] {
		b.WriteString(TextOf(BlockObj(p, i)))
	}
	return b.String()
}

// BlockObj is block i's object: the one on show, or for a lazy block off
// the page a fresh one to look at.
func BlockObj(p *kit.Pager, i int) fyne.CanvasObject {
	if o := p.Object(i); o != nil {
		return o
	}
	return p.Blocks[i].Build()
}

// CardFor finds the card of a notice among a pager's blocks by title text.
func CardFor(t testing.TB, p *kit.Pager, title string) *kit.TapCard {
	t.Helper()
	for i := range p.Blocks {
		if c, ok := BlockObj(p, i).(*kit.TapCard); ok && strings.Contains(TextOf(c), title) {
			return c
		}
	}
	t.Fatalf("no card %q among %d blocks", title, len(p.Blocks))
	return nil
}

// HasCard says whether a pager holds the card of a notice.
func HasCard(p *kit.Pager, title string) bool {
	for i := range p.Blocks {
		if c, ok := BlockObj(p, i).(*kit.TapCard); ok && strings.Contains(TextOf(c), title) {
			return true
		}
	}
	return false
}

// Short is s cut to 16 characters, for a test's message.
func Short(s string) string {
	if r := []rune(s); len(r) > 16 {
		return string(r[:16]) + "…"
	}
	return s
}

// HostileStore holds the notices that froze screens (synctest.Hostile),
// signed as a feed made without publish's checks, and an ordinary one.
func HostileStore(t *testing.T) (*store.Store, []string) {
	t.Helper()
	priv, pubFile := synctest.NewKey(t)
	pub, err := feed.ParsePublicKey(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	items := append(synctest.Hostile(), synctest.RawItem("ordinary", "东湾村三组土地征收公告", nil))
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	dir := t.TempDir()
	synctest.PublishRaw(t, dir, priv, synctest.Raw{Items: items, IssuedAt: DemoNow.Add(-time.Hour)})
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ApplyFeed(t, st, dir, pub)
	return st, ids
}

// EmptyStore is a store that never synced.
func EmptyStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// DemoPeriods are the demo notices' posting periods at DemoNow, as the
// law counts them: 10 working days from 9-28 end on 10-15 (国庆 and 中秋
// not counted, Saturday 10-10 counted). Every screen says them so (the
// villager's reader and cards, the display's slide); cli's
// TestPeriodsAgree holds the report, the certificate and the poster to
// the same end dates.
var DemoPeriods = []struct{ ID, Location, Text string }{
	{"land-2026-016", Dongwan, "公示期 10 个工作日：9月28日至10月15日，公示期已满"},
	{"land-2026-021", Liutang, "公示期 10 个工作日：11月18日至12月1日，剩余 4 个工作日"},
	{"land-2026-017", Dongwan, "公示期 30 天：11月10日至12月9日，剩余 14 天"},
}

// NoCalendarText is what every screen says of land-2026-016 when the feed
// has no calendar for 2026: Monday–Friday, and that it counts so.
var NoCalendarText = []string{"9月28日至10月9日", "未载入2026年节假日安排，按周一至周五计算"}

// Shot draws w (everything on it is painted), and writes it as NAME.png
// into $GONGKAI_SHOTS when that names a folder, for a person to look at.
func Shot(t testing.TB, w fyne.Window, name string) {
	t.Helper()
	img := w.Canvas().Capture()
	if dir := os.Getenv("GONGKAI_SHOTS"); dir != "" {
		WritePNG(t, filepath.Join(dir, name+".png"), img)
	}
}
