package publish

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gongkai/feed"
)

// A notice written by ItemFile is read by ParseItemFile as the same
// notice, whatever its fields hold: the studio and a clerk's text editor
// work on the same files.
func TestItemFileRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		fm   FrontMatter
		body string
	}{
		{"all fields", FrontMatter{ID: "land-2026-017", Title: "东湾村三组：集体土地征收补偿安置方案公告", Category: "land",
			Agency: "青禾镇人民政府", Published: "2026-11-10", Locations: []string{"310118901201", "310118901202"},
			DocNo: "青禾府〔2026〕21号", ValidFrom: "2026-11-10", ValidUntil: "2026-12-31", PostingDays: 30,
			Kind: "land-compensation-plan", Priority: "urgent", URL: "https://www.example.gov.cn/a?b=1#c",
			Contact: "镇自然资源所 021-5555 0101", Attachments: []any{"map.png", map[string]any{"file": "表.pdf", "title": "补偿标准"}}},
			"## 一、征收范围\n\n- 三组\n- 四组\n\n| 户 | 面积 |\n| --- | --- |\n| 1 | 2.5 |\n"},
		{"town-wide, working days, quotes in text", FrontMatter{ID: "a.b_c-1", Title: `"引号" 'and' # not a comment: yes`, Category: "x",
			Agency: "- 不是列表", Published: "2026-01-02", Locations: "all", PostingWorkdays: 10, Kind: "land-pre-announcement",
			Contact: "true", Normative: true, ValidFrom: "2026-01-02", Withdrawn: "null"}, "正文\n---\n还是正文\n"},
		{"codes that look like numbers, empty body", FrontMatter{ID: "n", Title: "0123", Category: "x", Agency: "1e5",
			Published: "2026-01-02", Locations: []string{"31"}, DocNo: "010"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, err := ItemFile(c.fm, c.body)
			if err != nil {
				t.Fatal(err)
			}
			si, err := ParseItemFile("n.md", data)
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			it := si.Item
			want := c.fm
			if it.ID != want.ID || it.Title != want.Title || it.Category != want.Category || it.Agency != want.Agency ||
				string(it.Published) != want.Published || it.DocNo != want.DocNo || string(it.ValidFrom) != want.ValidFrom ||
				string(it.ValidUntil) != want.ValidUntil || it.PostingDays != want.PostingDays || it.PostingWorkdays != want.PostingWorkdays ||
				it.Normative != want.Normative || it.URL != want.URL || it.Contact != want.Contact || it.Withdrawn != want.Withdrawn || it.Body != c.body {
				t.Errorf("read back %+v\nfrom\n%s", it, data)
			}
			back, body, err := ReadItemFile("n.md", data)
			if err != nil || body != c.body {
				t.Fatalf("ReadItemFile: %v, body %q", err, body)
			}
			again, _ := ItemFile(back, body)
			if string(again) != string(data) {
				t.Errorf("written twice differs:\n%s\n%s", data, again)
			}
			if locs := it.Locations; c.fm.Locations == "all" && !reflect.DeepEqual(locs, []string{"all"}) ||
				c.fm.Locations != "all" && !reflect.DeepEqual(locs, c.fm.Locations) {
				t.Errorf("locations %v, want %v", locs, c.fm.Locations)
			}
		})
	}
}

// feed.yaml written by FeedFile is what ParseSource reads, and CheckFeed
// finds its mistakes as ParseSource does.
func TestFeedFile(t *testing.T) {
	dir := sourceDir(t)
	src, err := ParseSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := FeedFile(src.Feed)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckFeed(data); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if err := os.WriteFile(filepath.Join(dir, "feed.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := ParseSource(dir)
	if err != nil || !reflect.DeepEqual(again.Feed, src.Feed) {
		t.Fatalf("%v: %+v, want %+v", err, again.Feed, src.Feed)
	}
	bad := src.Feed
	bad.Locations = append(bad.Locations, bad.Locations[0])
	bad.Locations[len(bad.Locations)-1].Code = "31011890120X"
	data, _ = FeedFile(bad)
	if err := CheckFeed(data); err == nil || !strings.Contains(err.Error(), "division code") {
		t.Errorf("a bad division code: %v", err)
	}
}

// The studio keeps unfinished notices in .drafts/: publish leaves every
// folder whose name starts with '.' alone.
func TestHiddenFoldersAreNotSource(t *testing.T) {
	dir := sourceDir(t)
	if err := os.MkdirAll(filepath.Join(dir, ".drafts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".drafts", "half.md"), []byte("not even front matter"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := ParseSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, si := range src.Items {
		if strings.HasPrefix(si.Path, ".") {
			t.Errorf("%s was read", si.Path)
		}
	}
}

// Progress counts up to the total, notices first, then objects.
func TestPublishProgress(t *testing.T) {
	src, err := ParseSource(sourceDir(t))
	if err != nil {
		t.Fatal(err)
	}
	var last [2][2]int
	calls := 0
	_, err = Publish(src, t.TempDir(), Options{Key: testKey(1), Now: testNow, Progress: func(written bool, done, total int) {
		calls++
		i := 0
		if written {
			i = 1
		} else if last[1][1] > 0 {
			t.Error("reading after writing")
		}
		if done < last[i][0] || done > total {
			t.Errorf("progress %d of %d after %d", done, total, last[i][0])
		}
		last[i] = [2]int{done, total}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if last[0] != [2]int{len(src.Items), len(src.Items)} || last[1][0] != last[1][1] || last[1][1] == 0 {
		t.Errorf("progress ended at %v", last)
	}
}

func sourceDir(t *testing.T) string {
	dir := t.TempDir()
	writeSource(t, dir, landLines)
	return dir
}

// Whatever a clerk types into the studio's fields, ItemFile writes a
// file that reads back as the same front matter and body, or refuses
// to write it: a field never turns into another field or a comment.
func FuzzItemFileRoundTrip(f *testing.F) {
	f.Add("东湾村：公告", "青禾镇 # 人民政府", "021-5555 0101", "正文\n---\n| a | b |\n", "2026-11-10", 30)
	f.Add(`"quoted" 'x'`, "- list", "key: value", "", "null", 0)
	f.Add("a\u2028b", "\t", "{x: 1}", "\r\n", "~", -1)
	f.Fuzz(func(t *testing.T, title, agency, contact, body, date string, days int) {
		fm := FrontMatter{ID: "n", Title: title, Category: "x", Agency: agency, Published: date,
			Locations: []string{"310118901201"}, Contact: contact, PostingDays: days, Attachments: []any{map[string]any{"file": agency, "title": title}}}
		data, err := ItemFile(fm, body)
		if err != nil {
			return
		}
		back, gotBody, err := ReadItemFile("n.md", data)
		if err != nil {
			t.Fatalf("written file does not read: %v\n%s", err, data)
		}
		wantBody := strings.ReplaceAll(body, "\r\n", "\n")
		if wantBody != "" && !strings.HasSuffix(wantBody, "\n") {
			wantBody += "\n"
		}
		if strings.TrimLeft(wantBody, "\r\n") != gotBody {
			t.Fatalf("body %q read back as %q", wantBody, gotBody)
		}
		if back.Title != title || back.Agency != agency || back.Contact != contact || back.Published != date || back.PostingDays != days {
			t.Fatalf("read back %+v\nfrom\n%s", back, data)
		}
	})
}

// Each mistake of feed.yaml comes back with its field, rule and detail,
// so the studio's settings form words it without reading the English.
func TestFeedFileRules(t *testing.T) {
	for _, c := range []struct {
		old, new            string
		field, rule, detail string
	}{
		{"id: qinghe-town", "id: Qinghe Town", "id", feed.RuleID, ""},
		{"title: 青禾镇政务公开", "title: ' '", "title", feed.RuleRequired, ""},
		{"timezone: Asia/Shanghai", "timezone: Mars/Olympus", "timezone", RuleTimezone, "Mars/Olympus"},
		{"{id: school, name: 义务入学}", "{id: school, name: ''}", "categories", RuleCategoryEntry, "school"},
		{"{id: school, name: 义务入学}", "{id: land, name: 义务入学}", "categories", RuleCategoryEntry, "land"},
		{`{code: "310118901202", name: 柳塘村}`, `{code: "3101x", name: 柳塘村}`, "locations", RuleLocationEntry, "3101x"},
		{`{code: "310118901202", name: 柳塘村}`, `{code: "310118901202", name: "柳塘\u0007村"}`, "locations", RuleControl, "310118901202"},
	} {
		data := strings.Replace(feedYAML, c.old, c.new, 1)
		err := CheckFeed([]byte(data))
		var se *SourceError
		if !errors.As(err, &se) || se.Field != c.field || se.Rule != c.rule || se.Detail != c.detail {
			t.Errorf("%s → %s: %#v, want field %q rule %q detail %q", c.old, c.new, err, c.field, c.rule, c.detail)
		}
	}
}
