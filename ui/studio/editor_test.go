package studio

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/feed"
	"gongkai/publish"
	"gongkai/ui/studio/keys"
)

// Every notice of the demo, opened in the form and saved unchanged, is
// the same notice to publish: the form loses no field and adds none.
func TestSaveRoundTrip(t *testing.T) {
	dir := copyDemo(t)
	before, err := publish.ParseSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newStudio(t, dir, fyne.NewSize(1366, 768))
	notices := slices.Clone(s.f.Notices)
	for _, n := range notices {
		s.ed.open(n)
		s.ed.save(false)
	}
	after, err := publish.ParseSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Items) != len(before.Items) {
		t.Fatalf("%d notices after saving, %d before", len(after.Items), len(before.Items))
	}
	for i, si := range before.Items {
		a, b := encode(t, si.Item), encode(t, after.Items[i].Item)
		if !bytes.Equal(a, b) {
			t.Errorf("%s changed by open and save:\n%s\n%s", si.Path, a, b)
		}
	}
}

// A notice filled in the form, every field set, is read by publish with
// those fields.
func TestFormFieldsReachPublish(t *testing.T) {
	dir := copyDemo(t)
	s, _ := newStudio(t, dir, fyne.NewSize(1366, 768))
	s.Go("new")
	e := s.ed
	e.id.SetText("form-001")
	test.Type(e.title, "柳塘村2026年第三季度村务财务公开")
	e.category.SetSelected("村务居务")
	e.places.SetSelected([]string{"东湾村（310118901201）", "柳塘村（310118901202）"})
	e.agency.SetText("柳塘村村民委员会")
	e.published.SetText("2026-11-20")
	e.validFrom.SetText("2026-11-21")
	e.validUntil.SetText("2026-12-31")
	e.kind.SetSelected(periodCustom)
	e.days.SetText("10")
	e.unit.SetSelected(unitWorkdays)
	e.priority.SetSelected("置顶")
	e.normative.SetChecked(true)
	e.docNo.SetText("柳村〔2026〕3号")
	e.contact.SetText("村委会 021-5555 0202")
	e.url.SetText("https://www.example.gov.cn/lt/2026-3")
	pic := filepath.Join(t.TempDir(), "收支表.png")
	os.WriteFile(pic, []byte("\x89PNG\r\n\x1a\n picture"), 0o644)
	pick(s, pic)
	test.Tap(findButton(t, e.box, "添加附件（图片、PDF）…"))
	e.attachments[0].title.SetText("收支明细")
	e.body.SetText("## 收入\n\n- 集体资产租金\n")
	e.save(false)
	src, err := publish.ParseSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(src.Items, func(si *publish.SourceItem) bool { return si.Item.ID == "form-001" })
	if i < 0 {
		t.Fatal("the saved notice is not in the source")
	}
	it := src.Items[i].Item
	want := feed.Item{ID: "form-001", Title: "柳塘村2026年第三季度村务财务公开", Category: "village", Agency: "柳塘村村民委员会",
		Published: "2026-11-20", Locations: []string{"310118901201", "310118901202"}, DocNo: "柳村〔2026〕3号",
		ValidFrom: "2026-11-21", ValidUntil: "2026-12-31", PostingWorkdays: 10, Priority: feed.PriorityPinned, Normative: true,
		URL: "https://www.example.gov.cn/lt/2026-3", Contact: "村委会 021-5555 0202", Body: "## 收入\n\n- 集体资产租金\n",
		Attachments: []feed.Attachment{{Name: "收支明细.png", Type: "image/png"}}}
	if a, b := encode(t, it), encode(t, want); !bytes.Equal(a, b) {
		t.Errorf("publish reads\n%s\nwant\n%s", a, b)
	}
	if !strings.HasPrefix(src.Items[i].Files[0], dir) {
		t.Errorf("attachment not copied into the folder: %s", src.Items[i].Files[0])
	}
}

func encode(t *testing.T, it feed.Item) []byte {
	t.Helper()
	it.Attachments = slices.Clone(it.Attachments)
	for i := range it.Attachments {
		it.Attachments[i].Object = feed.Object{}
	}
	data, err := feed.EncodeItem(&it)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Each mistake shows beside its field, in Chinese, as the clerk makes
// it; stops block publication and warnings do not.
func TestFindingsBesideTheirFields(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(e *editor)
		field string
		want  string
		stop  bool
	}{
		{"title emptied", func(e *editor) { e.title.SetText("") }, "title", "必填", true},
		{"not a date", func(e *editor) { e.published.SetText("2026-13-01") }, "published", "不是日期", true},
		{"until before from", func(e *editor) { e.validFrom.SetText("2026-12-01"); e.validUntil.SetText("2026-11-01") }, "valid_from", "早于", true},
		{"period under the law", func(e *editor) { e.kind.SetSelected(kindLabel(publish.Kinds[1])); e.days.SetText("20") }, "period", "短于法定最短期限。依据：《中华人民共和国土地管理法实施条例》第二十八条", true},
		{"wrong url", func(e *editor) { e.url.SetText("ftp://x") }, "url", "https://", true},
		{"no places", func(e *editor) { e.places.SetSelected(nil) }, "locations", "请选择", true},
		{"bad id", func(e *editor) { e.id.SetText("Land 1") }, "id", "小写字母", true},
		{"title too long", func(e *editor) { e.title.SetText(strings.Repeat("长", 200)) }, "title", "标题 200 个字，屏幕最多显示", true},
		{"control character", func(e *editor) { e.agency.SetText("青禾镇\u0007人民政府") }, "agency", "控制字符", true},
		{"no contact", func(e *editor) { e.contact.SetText("") }, "contact", "联系方式", false},
		{"ID number in a list", func(e *editor) {
			e.body.SetText("名单\n\n| 户主 | 身份证 |\n| --- | --- |\n| 张三 | 11010519491231002X |\n")
		}, "body", "第 5 行有居民身份证号码：张贴公示的名单不能显示完整号码，请打码（如 110105********002X）", false},
		{"mobile number", func(e *editor) { e.body.SetText("联系 13812345678") }, "body", "手机号码", false},
	}
	dir := copyDemo(t)
	s, _ := newStudio(t, dir, fyne.NewSize(1366, 768))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.Go("new")
			e := s.ed
			fillFor(e, "东湾村公告")
			e.kind.SetSelected(periodCustom)
			e.days.SetText("7")
			e.contact.SetText("镇政府 021-5555 0100")
			e.body.SetText("正文")
			if len(e.findings) != 0 {
				t.Fatalf("a good notice has findings: %+v", e.findings)
			}
			c.edit(e)
			got := richText(e.notes[c.field])
			if !strings.Contains(got, c.want) || !e.notes[c.field].Visible() {
				t.Errorf("beside %s: %q, want %q (all: %+v)", c.field, got, c.want, e.findings)
			}
			if stop := e.stops() > 0; stop != c.stop {
				t.Errorf("stop %v, want %v", stop, c.stop)
			}
			if sum := richText(e.summary); c.stop != strings.Contains(sum, "必须改正") {
				t.Errorf("summary %q", sum)
			}
		})
	}
}

// A notice saved with a mistake is kept, and publish refuses the folder
// with the mistake named; the confirmation cannot be pressed.
func TestStopBlocksPublish(t *testing.T) {
	dir := copyDemo(t)
	s, _ := newStudio(t, dir, fyne.NewSize(1366, 768))
	if _, err := keys.Create(s.f.KeyFile(), []byte(passWord)); err != nil {
		t.Fatal(err)
	}
	s.Go("new")
	e := s.ed
	e.id.SetText("broken")
	e.title.SetText("没有范围的公告")
	e.agency.SetText("青禾镇人民政府")
	e.save(false)
	if _, err := os.Stat(filepath.Join(dir, "broken.md")); err != nil {
		t.Fatal("a notice with a mistake was not saved")
	}
	s.Go("publish")
	if !s.pub.confirm.Disabled() || s.pub.stops == 0 || !hasLabel(s.pub.detail, "broken.md（发布范围）") {
		t.Errorf("publish not blocked: stops %d, %s", s.pub.stops, richText(s.pub.summary))
	}
	// a draft does not block
	s.ed.open(s.f.Notices[slices.IndexFunc(s.f.Notices, func(n *Notice) bool { return n.FM.ID == "broken" })])
	s.ed.save(true)
	s.Go("publish")
	if s.pub.confirm.Disabled() {
		t.Errorf("a draft blocks publishing: %s", richText(s.pub.summary))
	}
}

// A notice on the screens reworked as a draft stays on the screens until
// the draft is saved for publishing, which then replaces it in place.
func TestDraftOfPublishedNotice(t *testing.T) {
	dir := copyDemo(t)
	s, _ := newStudio(t, dir, fyne.NewSize(1366, 768))
	if _, err := keys.Create(s.f.KeyFile(), []byte(passWord)); err != nil {
		t.Fatal(err)
	}
	priv, err := OpenKey(s.f.KeyFile(), passWord)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PublishFolder(dir, s.f.OutDir(), priv, "", nil); err != nil {
		t.Fatal(err)
	}
	s.reload(nil)
	i := slices.IndexFunc(s.f.Notices, func(n *Notice) bool { return strings.Contains(n.Path, "/") && n.State == StatePublished })
	n := s.f.Notices[i]
	s.ed.open(n)
	s.ed.body.SetText(s.ed.body.Text + "\n更正：\n")
	s.ed.save(true)
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(n.Path))); err != nil {
		t.Fatal("drafting removed the published notice")
	}
	s.Go("publish")
	if len(s.pub.plan.Changes) != 0 {
		t.Errorf("a draft changes the screens: %+v", s.pub.plan.Changes)
	}
	d := s.f.Notices[slices.IndexFunc(s.f.Notices, func(x *Notice) bool { return x.Draft() && x.FM.ID == n.FM.ID })]
	s.ed.open(d)
	s.ed.save(false)
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(d.Path))); err == nil {
		t.Error("the draft stayed after it was saved for publishing")
	}
	s.Go("publish")
	if p := s.pub.plan; p == nil || len(p.Changes) != 1 || p.Changes[0].What != publish.Changed || p.Changes[0].ID != n.FM.ID {
		t.Errorf("plan after saving the draft: %+v (%s)", p, richText(s.pub.summary))
	}
}

// The form's notice is what the preview shows: the notice the clerk
// types, at a village it targets; none while a field has a mistake.
func TestEditorPreview(t *testing.T) {
	s, _ := newStudio(t, copyDemo(t), fyne.NewSize(1920, 1080))
	s.Go("new")
	e := s.ed
	fillFor(e, "东湾村自来水管网改造施工公告")
	e.body.SetText("## 施工时间\n\n- 12月1日至12月20日\n")
	e.preview.Flush()
	if !strings.Contains(e.preview.Status(), "东湾村的屏幕") {
		t.Fatalf("the preview says %q", e.preview.Status())
	}
	e.places.SetSelected(nil)
	e.preview.Flush()
	if !strings.Contains(e.preview.Status(), "改正红色的问题") {
		t.Errorf("a notice with a mistake is previewed: %q", e.preview.Status())
	}
}

// The body's toolbar (package bodyedit) writes into the form's body.
func TestBodyToolbar(t *testing.T) {
	s, _ := newStudio(t, copyDemo(t), fyne.NewSize(1366, 768))
	s.Go("new")
	e := s.ed
	e.body.SetText("施工时间")
	test.Tap(findButton(t, e.box, "大标题"))
	if e.body.Text != "## 施工时间" {
		t.Errorf("body %q after 大标题", e.body.Text)
	}
}
