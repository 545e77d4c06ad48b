package studio

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"gongkai/publish"
	"gongkai/ui/studio/keys"
)

// A clerk with an empty folder and no terminal: feed settings, a key, a
// notice, publish with a USB copy; a screen at the village syncs the
// feed (and another the USB bundle), verifies it against the key the
// studio made, and shows the notice; the other village's does not.
func TestEmptyFolderToScreen(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "qinghe")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, _ := newStudio(t, dir, fyne.NewSize(1366, 768))
	if s.Page() != "settings" {
		t.Fatalf("a new folder opens on %q, want the settings", s.Page())
	}

	// 1. feed settings, in the form
	form := s.settings.Object()
	empty := func(placeholder string) func(*widget.Entry) bool {
		return func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, placeholder) && e.Text == "" }
	}
	test.Type(findEntry(t, form, "名称", empty("如：青禾镇政务公开")), "青禾镇政务公开")
	findEntry(t, form, "数据源编号", func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, "如：qinghe-town") }).SetText("qinghe-town")
	test.Tap(findButton(t, form, "添加常用类别"))
	for _, p := range [][2]string{{town, "青禾镇"}, {dongwan, "东湾村"}, {liutang, "柳塘村"}} {
		test.Tap(findButton(t, form, "添加地点"))
		test.Type(findEntry(t, form, "区划代码", empty("区划代码")), p[0])
		test.Type(findEntry(t, form, "地点名称", empty("名称，如 东湾村")), p[1])
	}
	test.Tap(findButton(t, form, "保存设置"))
	src, err := publish.CheckFeed(mustRead(t, filepath.Join(dir, "feed.yaml"))), error(nil)
	if src != nil || err != nil {
		t.Fatalf("feed.yaml: %v", src)
	}
	if !s.f.HasFeed || s.f.Feed.Title != "青禾镇政务公开" || len(s.f.Feed.Locations) != 3 {
		t.Fatalf("settings not read back: %+v", s.f.Feed)
	}

	// 2. the key, encrypted
	s.Go("keys")
	keyPage := s.keys.Object()
	test.Type(findEntry(t, keyPage, "口令", empty("口令")), passWord)
	test.Type(findEntry(t, keyPage, "再输一遍口令", empty("再输一遍口令")), passWord)
	test.Tap(findButton(t, keyPage, "生成发布密钥"))
	if st, pub := keys.ReadState(s.f.KeyFile()); st != keys.Encrypted || pub == nil {
		t.Fatalf("key state %v", st)
	}
	findEntry(t, keyPage, "with the public key", func(e *widget.Entry) bool { return strings.Contains(e.Text, "指纹") })

	// 3. a notice
	s.Go("new")
	e := s.ed
	test.Type(e.title, "东湾村三组集体土地征收补偿安置方案公告")
	e.category.SetSelected("土地征收")
	e.places.SetSelected([]string{"东湾村（" + dongwan + "）"})
	e.agency.SetText("青禾镇人民政府")
	e.kind.SetSelected(kindLabel(publish.Kinds[1]))
	if e.days.Text != "30" || e.unit.Selected != unitDays {
		t.Errorf("the legal preset set %s %s, want 30 天", e.days.Text, e.unit.Selected)
	}
	test.Type(e.contact, "镇自然资源所 021-5555 0101")
	test.Type(e.body, "征收范围：东湾村三组。")
	e.id.SetText("land-2026-017")
	if n := e.stops(); n != 0 {
		t.Fatalf("findings on a good notice: %+v", e.findings)
	}
	test.Tap(findButton(t, e.box, "保存（待发布）"))
	if _, err := os.Stat(filepath.Join(dir, "land-2026-017.md")); err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(s.f.Notices, func(n *Notice) bool { return n.FM.ID == "land-2026-017" }); i < 0 || s.f.Notices[i].State != StatePending {
		t.Fatalf("saved notice not pending: %+v", s.f.Notices)
	}

	// 4. publish, with a copy for a USB stick
	usb := filepath.Join(root, "usb")
	os.Mkdir(usb, 0o755)
	s.Go("publish")
	p := s.pub
	if p.stops != 0 || p.plan == nil || p.plan.Count(publish.Added) != 1 {
		t.Fatalf("plan: stops %d, %+v", p.stops, p.plan)
	}
	if !strings.Contains(richText(p.summary), "新增 1 条") || !hasLabel(p.detail, "东湾村") || hasLabel(p.detail, "柳塘村（") {
		t.Errorf("confirmation says %q", richText(p.summary))
	}
	test.Type(p.pass, passWord)
	pick(s, usb)
	test.Tap(findButton(t, p.box, "选择…"))
	test.Tap(p.confirm)
	if r := richText(p.result); !strings.Contains(r, "已发布第 1 版") {
		t.Fatalf("result: %s", r)
	}

	// 5. screens
	pubFile := keys.PubFile(s.f.KeyFile())
	if got := screenShows(t, pubFile, s.f.OutDir(), dongwan); !slices.Equal(got, []string{"land-2026-017"}) {
		t.Errorf("东湾村's screen shows %v", got)
	}
	if got := screenShows(t, pubFile, s.f.OutDir(), liutang); len(got) != 0 {
		t.Errorf("柳塘村's screen shows %v", got)
	}
	bundle := filepath.Join(usb, "qinghe-town-v1.zip")
	if got := screenShows(t, pubFile, bundle, dongwan); !slices.Equal(got, []string{"land-2026-017"}) {
		t.Errorf("the USB bundle gives %v", got)
	}
	if i := slices.IndexFunc(s.f.Notices, func(n *Notice) bool { return n.FM.ID == "land-2026-017" }); s.f.Notices[i].State != StatePublished {
		t.Errorf("after publishing the notice is %s", s.f.Notices[i].State)
	}
}
