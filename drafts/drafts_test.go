package drafts

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/publish"
)

const notice = `---
id: liutang-2026-005
title: 柳塘村2026年第三季度村务公开
category: village
agency: 柳塘村村民委员会
published: 2026-10-08
locations: ["310118901202"]
posting_days: 15
contact: 村委会 021-58881234
attachments: [ledger.pdf]
---
本季度村集体收入12.6万元。
`

var meta = Meta{Village: "310118901202", From: "柳塘村 李会计", Made: time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC)}

func export(t testing.TB, notices, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Export(&b, meta, notices, files); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// What a village exports the township reads back: the notices with the
// checks publish runs on them, the attachments, who sent them.
func TestExportRead(t *testing.T) {
	bad := strings.Replace(notice, "liutang-2026-005", "liutang-2026-006", 1)
	bad = strings.Replace(bad, "contact: 村委会 021-58881234\n", "", 1) + "\n| 户主 | 身份证号 |\n|---|---|\n| 张三 | 320102199001011232 |\n"
	data := export(t, map[string][]byte{"村务公开.md": []byte(notice), "低保.md": []byte(bad), "broken.md": []byte("no front matter")},
		map[string][]byte{"ledger.pdf": []byte("%PDF-1.4 ledger")})
	d, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if d.Meta.Village != meta.Village || d.Meta.From != meta.From || !d.Meta.Made.Equal(meta.Made) || d.Meta.Format != Format {
		t.Errorf("meta %+v", d.Meta)
	}
	if string(d.Files["ledger.pdf"]) != "%PDF-1.4 ledger" || len(d.Files) != 1 {
		t.Errorf("files %v", d.Files)
	}
	var got []string
	for _, dr := range d.Drafts {
		var rules []string
		for _, f := range dr.Findings {
			rules = append(rules, f.Rule+map[bool]string{true: "stop"}[f.Stop])
		}
		got = append(got, dr.Name+" "+dr.ID+" "+strings.Join(rules, ","))
	}
	want := []string{"broken.md  stop", "低保.md liutang-2026-006 no-contact,id-number", "村务公开.md liutang-2026-005 "}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("drafts %q, want %q", got, want)
	}
}

// Export refuses what Read would refuse: no notices, a bad village, a
// name with a folder in it, a kind of file drafts do not carry.
func TestExportRefuses(t *testing.T) {
	n := map[string][]byte{"a.md": []byte(notice)}
	for _, c := range []struct {
		name           string
		meta           Meta
		notices, files map[string][]byte
		want           string
	}{
		{"no notices", meta, nil, nil, "no notices"},
		{"bad village", Meta{Village: "柳塘"}, n, nil, "not a division code"},
		{"folder", meta, map[string][]byte{"../a.md": []byte(notice)}, nil, "not a plain file name"},
		{"not markdown", meta, map[string][]byte{"a.txt": nil}, nil, "a notice is a .md file"},
		{"program", meta, n, map[string][]byte{"setup.exe": nil}, "pictures, PDF, CSV or recordings only"},
	} {
		if err := Export(&bytes.Buffer{}, c.meta, c.notices, c.files); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// rawZip writes entries as given, with no checks: what a hostile or
// broken tool might make.
func rawZip(t testing.TB, entries ...func(*zip.Writer)) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		e(zw)
	}
	zw.Close()
	return b.Bytes()
}

func file(name, content string) func(*zip.Writer) {
	return func(zw *zip.Writer) {
		w, _ := zw.Create(name)
		w.Write([]byte(content))
	}
}

func withHeader(h *zip.FileHeader, content []byte) func(*zip.Writer) {
	return func(zw *zip.Writer) {
		w, err := zw.CreateHeader(h)
		if err != nil {
			panic(err)
		}
		w.Write(content)
	}
}

// Hostile and broken draft files: one line of error each, nothing read
// past a limit.
func TestReadHostile(t *testing.T) {
	metaJSON := `{"format":"gongkai-drafts/1","village":"310118901202","from":"x","made":"2026-10-08T09:00:00Z"}`
	good := file("draft.json", metaJSON)
	link := &zip.FileHeader{Name: "notices/a.md", Method: zip.Deflate}
	link.SetMode(os.ModeSymlink | 0o777)
	many := []func(*zip.Writer){good}
	for i := range MaxEntries {
		many = append(many, file("notices/"+strings.Repeat("a", i%150+1)+string(rune('a'+i/150))+".md", notice))
	}
	var bomb bytes.Buffer
	bomb.WriteString(notice)
	bomb.Write(bytes.Repeat([]byte("公"), 700_000)) // 2 MiB of one character: over the ratio
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("hello"), "not a readable zip file"},
		{"no draft.json", rawZip(t, file("notices/a.md", notice)), "no draft.json"},
		{"no notice", rawZip(t, good), "holds no notice"},
		{"path out", rawZip(t, good, file("notices/../../etc/passwd.md", notice)), "not a plain file name"},
		{"absolute", rawZip(t, good, file("/etc/a.md", notice)), "not part of a draft file"},
		{"backslash", rawZip(t, good, file(`notices/..\..\a.md`, notice)), "not a plain file name"},
		{"outside notices", rawZip(t, good, file("items/a.md", notice)), "not part of a draft file"},
		{"a program", rawZip(t, good, file("notices/a.md", notice), file("notices/run.exe", "MZ")), "recordings only"},
		{"symlink", rawZip(t, good, withHeader(link, []byte("/etc/passwd"))), "not a regular file"},
		{"folder", rawZip(t, good, file("notices/sub/", "")), "not a regular file"},
		{"twice by case", rawZip(t, good, file("notices/A.md", notice), file("notices/a.md", notice)), "appears twice"},
		{"same id twice", rawZip(t, good, file("notices/a.md", notice), file("notices/b.md", notice)), `both notice "liutang-2026-005"`},
		{"too many", rawZip(t, many...), "more than 500 entries"},
		{"over the ratio", rawZip(t, good, file("notices/a.md", bomb.String())), "expands over 200:1"},
		{"notice too large", rawZip(t, good, withHeader(&zip.FileHeader{Name: "notices/a.md", Method: zip.Store}, bomb.Bytes())), "over 2097152"},
		{"meta unknown field", rawZip(t, file("draft.json", `{"format":"gongkai-drafts/1","x":1}`), file("notices/a.md", notice)), "unknown field"},
		{"meta other format", rawZip(t, file("draft.json", `{"format":"gongkai-drafts/9","village":"310118901202"}`), file("notices/a.md", notice)), "this program reads gongkai-drafts/1"},
		{"meta bad village", rawZip(t, file("draft.json", `{"format":"gongkai-drafts/1","village":"x"}`), file("notices/a.md", notice)), "not a division code"},
		{"meta control character", rawZip(t, file("draft.json", `{"format":"gongkai-drafts/1","village":"310118901202","from":"\u001b[2J"}`), file("notices/a.md", notice)), "control character"},
		{"over the file limit", make([]byte, MaxFile+1), "over 256 MiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Read(c.data)
			if err == nil {
				t.Fatalf("accepted: %+v", d.Meta)
			}
			if !errors.Is(err, ErrDrafts) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want one line of ErrDrafts saying %q", err, c.want)
			}
		})
	}
}

// A header that understates its entry's size is refused, not read past.
func TestReadLyingHeader(t *testing.T) {
	data := rawZip(t, file("draft.json", `{"format":"gongkai-drafts/1","village":"310118901202"}`), file("notices/a.md", notice+strings.Repeat("x", 5000)))
	// the central directory's uncompressed size of notices/a.md, made smaller
	i := bytes.LastIndex(data, []byte("notices/a.md"))
	cd := i - 46 // central directory header: size fields at offset 24
	size := uint32(len(notice) + 5000)
	if got := uint32(data[cd+24]) | uint32(data[cd+25])<<8 | uint32(data[cd+26])<<16 | uint32(data[cd+27])<<24; got != size {
		t.Fatalf("central directory not where expected: size %d, want %d", got, size)
	}
	data[cd+24], data[cd+25] = 10, 0
	data[cd+26], data[cd+27] = 0, 0
	if _, err := Read(data); err == nil || !errors.Is(err, ErrDrafts) {
		t.Fatalf("lying header: %v", err)
	}
}

// A draft beside its published version: the changed lines, front matter
// and body alike; a new notice is all added.
func TestDiff(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "items"), 0o755)
	os.WriteFile(filepath.Join(src, "feed.yaml"), []byte("id: qinghe\ntitle: 青禾镇\ncategories:\n  - {id: village, name: 村务}\n"), 0o644)
	os.WriteFile(filepath.Join(src, "items", "liutang.md"), []byte(notice), 0o644)
	os.WriteFile(filepath.Join(src, "items", "ledger.pdf"), []byte("%PDF"), 0o644)
	s, err := publish.ParseSource(src)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := Published(s, "liutang-2026-005")
	if err != nil || string(pub) != notice {
		t.Fatalf("published: %v %q", err, pub)
	}
	draft := strings.Replace(strings.Replace(notice, "posting_days: 15", "posting_days: 30", 1), "12.6万元。", "12.6万元，支出8.1万元。", 1)
	var got []string
	for _, l := range Diff(pub, []byte(draft)) {
		if l.Op != ' ' {
			got = append(got, string(l.Op)+l.Text)
		}
	}
	want := []string{"-posting_days: 15", "+posting_days: 30", "-本季度村集体收入12.6万元。", "+本季度村集体收入12.6万元，支出8.1万元。"}
	if !slices.Equal(got, want) {
		t.Fatalf("diff %q, want %q", got, want)
	}
	if len(Diff(pub, []byte(draft))) != strings.Count(notice, "\n")+2 {
		t.Errorf("diff has %d lines", len(Diff(pub, []byte(draft))))
	}
	if none, _ := Published(s, "liutang-2026-099"); none != nil {
		t.Error("a new notice has a published version")
	}
	for _, l := range Diff(nil, []byte(draft)) {
		if l.Op != '+' {
			t.Fatalf("new notice: %+v", l)
		}
	}
	// past the table's bound: all removed, then all added
	big := strings.Repeat("甲\n", 3000)
	d := Diff([]byte(big+"x\n"), []byte("y\n"+big))
	if len(d) != 6002 || d[0].Op != '-' || d[3001].Op != '+' {
		t.Fatalf("big diff: %d lines", len(d))
	}
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	Export(&b, meta, map[string][]byte{"a.md": []byte(notice)}, map[string][]byte{"ledger.pdf": []byte("%PDF")})
	f.Add(b.Bytes())
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Read(data)
		if err != nil {
			if !errors.Is(err, ErrDrafts) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q", err)
			}
			return
		}
		if len(d.Drafts) == 0 || d.Meta.Format != Format {
			t.Fatalf("accepted %+v", d.Meta)
		}
	})
}

func FuzzDiff(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nc\nd\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		d := Diff(a, b)
		var left, right []string
		for _, l := range d {
			if l.Op != '+' {
				left = append(left, l.Text)
			}
			if l.Op != '-' {
				right = append(right, l.Text)
			}
		}
		if !slices.Equal(left, lines(a)) || !slices.Equal(right, lines(b)) {
			t.Fatalf("diff of %q and %q does not give them back", a, b)
		}
	})
}
