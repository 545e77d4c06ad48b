package studio

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/publish"
)

// A village clerk (no key) writes two notices and sends them as a draft
// file; the township reviews them beside the published versions,
// approves one (it joins the folder, pending publication) and returns
// the other with a comment the village can read beside the file.
func TestDraftsApproveAndReturn(t *testing.T) {
	village := copyDemo(t)
	vs, _ := newStudio(t, village, fyne.NewSize(1366, 768))
	vs.f.Settings.Village, vs.f.Settings.Clerk = liutang, "柳塘村 李文书"
	// a change to a published notice, with its picture, and a new one
	i := slices.IndexFunc(vs.f.Notices, func(n *Notice) bool { return len(n.FM.Attachments) > 0 })
	changedID := vs.f.Notices[i].FM.ID
	vs.ed.open(vs.f.Notices[i])
	vs.ed.body.SetText(vs.ed.body.Text + "\n补充：村民可到村委会查阅原件。\n")
	vs.ed.save(true)
	vs.f.Settings.Village, vs.f.Settings.Clerk = liutang, "柳塘村 李文书"
	vs.Go("new")
	vs.ed.id.SetText("liutang-new-1")
	vs.ed.title.SetText("柳塘村道路硬化工程公示")
	vs.ed.places.SetSelected([]string{"柳塘村（310118901202）"})
	vs.ed.agency.SetText("柳塘村村民委员会")
	vs.ed.body.SetText("工程情况如下。")
	vs.ed.save(true)
	vs.f.Settings.Village, vs.f.Settings.Clerk = liutang, "柳塘村 李文书"

	vs.Go("drafts")
	var mine []string
	for _, o := range vs.drafts.mine.Options {
		if strings.Contains(o, "【草稿】") {
			mine = append(mine, o)
		}
	}
	if len(mine) != 2 {
		t.Fatalf("drafts offered: %v", vs.drafts.mine.Options)
	}
	vs.drafts.mine.SetSelected(mine)
	out := filepath.Join(t.TempDir(), "柳塘村草稿.zip")
	pick(vs, out)
	test.Tap(findButton(t, vs.drafts.box, "导出草稿包（.zip）…"))
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("no draft file: %v (%s)", err, vs.status.Text)
	}

	town := copyDemo(t)
	ts, _ := newStudio(t, town, fyne.NewSize(1366, 768))
	ts.Go("drafts")
	pick(ts, out)
	test.Tap(findButton(t, ts.drafts.box, "导入村里的草稿包…"))
	if len(ts.drafts.rows) != 2 || !hasLabel(ts.drafts.review, "柳塘村 · 柳塘村 李文书") {
		t.Fatalf("review shows %d drafts; status %q", len(ts.drafts.rows), ts.status.Text)
	}
	if !hasLabel(ts.drafts.review, "+ 补充：村民可到村委会查阅原件。") {
		t.Error("the change is not shown beside the published version")
	}
	var changed, added *draftRow
	for i := range ts.drafts.rows {
		if ts.drafts.rows[i].draft.ID == changedID {
			changed = &ts.drafts.rows[i]
		} else {
			added = &ts.drafts.rows[i]
		}
	}
	test.Tap(changed.approve)
	test.Type(added.comment, "请补充工程预算和施工单位。")
	test.Tap(added.giveBack)

	src, err := publish.ParseSource(town)
	if err != nil {
		t.Fatalf("the approved draft breaks the folder: %v", err)
	}
	j := slices.IndexFunc(src.Items, func(si *publish.SourceItem) bool { return si.Item.ID == changedID })
	if j < 0 || !strings.Contains(src.Items[j].Item.Body, "补充：村民可到村委会查阅原件。") {
		t.Fatal("the approved draft is not in the folder")
	}
	if slices.ContainsFunc(src.Items, func(si *publish.SourceItem) bool { return si.Item.ID == "liutang-new-1" }) {
		t.Error("the returned draft joined the folder")
	}
	n := ts.f.Notices[slices.IndexFunc(ts.f.Notices, func(n *Notice) bool { return n.FM.ID == changedID })]
	if n.State != StatePending {
		t.Errorf("approved notice is %s, want 待发布 until published", n.State)
	}
	note, err := os.ReadFile(ReturnNote(out))
	if err != nil || !strings.Contains(string(note), "请补充工程预算和施工单位。") || !strings.Contains(string(note), "柳塘村道路硬化工程公示") {
		t.Errorf("return note: %v %s", err, note)
	}
}

// Hostile and broken draft files: one clear line, nothing changed.
func TestHostileDraftFile(t *testing.T) {
	tmp := t.TempDir()
	zipOf := func(files map[string]string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for n, c := range files {
			w, _ := zw.Create(n)
			w.Write([]byte(c))
		}
		zw.Close()
		return b.Bytes()
	}
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("notices/a.md")
	w.Write(bytes.Repeat([]byte("a"), 64<<20))
	zw.Close()
	cases := map[string][]byte{
		"not-a-zip.zip": []byte("hello"),
		"bomb.zip":      bomb.Bytes(),
		"escape.zip":    zipOf(map[string]string{"draft.json": `{"format":"gongkai-drafts/1","village":"310118901202","from":"x","made":"2026-11-25T00:00:00Z"}`, "notices/../../evil.md": "---\n"}),
		"no-meta.zip":   zipOf(map[string]string{"notices/a.md": "---\nid: a\n---\n"}),
	}
	for name, data := range cases {
		path := filepath.Join(tmp, name)
		os.WriteFile(path, data, 0o644)
		dir := copyDemo(t)
		s, _ := newStudio(t, dir, fyne.NewSize(1366, 768))
		before := len(s.f.Notices)
		s.Go("drafts")
		pick(s, path)
		test.Tap(findButton(t, s.drafts.box, "导入村里的草稿包…"))
		if msg := s.status.Text; !strings.HasPrefix(msg, "无法读取草稿包 "+name+"：") || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q", name, msg)
		}
		if len(s.drafts.rows) != 0 || len(s.f.Notices) != before {
			t.Errorf("%s changed something", name)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "evil.md")); err == nil {
			t.Errorf("%s wrote outside the folder", name)
		}
	}
}

// A damaged studio.yaml (a folder copied from elsewhere) keeps the folder
// shut with one line naming the file and its line: the YAML library's own
// message drew the file's lines under it in the status bar.
func TestDamagedSettingsFile(t *testing.T) {
	dir := copyDemo(t)
	if err := os.WriteFile(filepath.Join(dir, SettingsFile), []byte("out: feed\r\nkey: [keys/publisher.key\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := newStudio(t, dir, fyne.NewSize(1366, 768))
	if msg := s.status.Text; !strings.HasPrefix(msg, "打不开这个文件夹：studio: studio.yaml:2: YAML: ") || strings.ContainsAny(msg, "\r\n") || s.f != nil {
		t.Errorf("status %q, folder open: %v", msg, s.f != nil)
	}
}
