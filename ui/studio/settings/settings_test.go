package settings

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"gongkai/feed"
	"gongkai/publish"
)

// host is the window, for the page: what it says, its work done in place.
type host struct{ said string }

func (h *host) Say(msg string)   { h.said = msg }
func (h *host) Spawn(job func()) { job() }

// The form is held to publish's rules for feed.yaml, says what is wrong
// in Chinese and saves nothing then; a form that passes is handed to the
// window to write, with the studio's own settings.
func TestSettingsForm(t *testing.T) {
	test.NewTempApp(t)
	h := &host{}
	var saved []Values
	v := NewView(h, Options{
		PickFolder: func(string, func(string)) { t.Error("unexpected folder dialog") },
		Save:       func(dir string, val Values) error { saved = append(saved, val); return nil },
		Saved:      func() {},
	})
	v.Load("/srv/Qinghe-Town", Values{}, nil)
	if v.id.Text != "qinghe-town" {
		t.Errorf("feed id suggested from the folder: %q", v.id.Text)
	}
	v.save()
	if len(saved) != 0 || !strings.Contains(h.said, "请填写名称") {
		t.Fatalf("an empty form was saved (%d), or said %q", len(saved), h.said)
	}
	v.title.SetText("青禾镇政务公开")
	v.tz.SetText("Asia/Shanghai")
	v.addCat(feed.Category{ID: "land", Name: "土地征收"})
	v.addPlace(feed.Place{Code: "310118901201", Name: "东湾村"})
	v.village.SetText("3101189012x1")
	v.save()
	if len(saved) != 0 || !strings.Contains(h.said, "本村代码不是区划代码") {
		t.Fatalf("a bad village code was saved, or said %q", h.said)
	}
	v.village.SetText("310118901201")
	v.clerk.SetText("李文书")
	v.save()
	want := Values{Feed: publish.FeedConfig{ID: "qinghe-town", Title: "青禾镇政务公开", Timezone: "Asia/Shanghai",
		Categories: []feed.Category{{ID: "land", Name: "土地征收"}}, Locations: []feed.Place{{Code: "310118901201", Name: "东湾村"}}},
		Village: "310118901201", Clerk: "李文书"}
	if len(saved) != 1 || saved[0].Feed.Title != want.Feed.Title || len(saved[0].Feed.Locations) != 1 ||
		saved[0].Village != want.Village || saved[0].Clerk != want.Clerk || saved[0].Feed.ID != want.Feed.ID {
		t.Errorf("saved %+v, want %+v", saved, want)
	}
}

// Each mistake of feed.yaml is said in Chinese, by the rule publish
// names, with what it concerns.
func TestFeedWords(t *testing.T) {
	good := "id: qinghe\ntitle: 青禾镇\ntimezone: Asia/Shanghai\ncategories:\n  - {id: land, name: 土地征收}\nlocations:\n  - {code: \"310118901201\", name: 东湾村}\n"
	for _, c := range []struct{ old, new, want string }{
		{"id: qinghe", "id: Qing He", "数据源编号只能用"},
		{"title: 青禾镇", "title: ''", "请填写名称"},
		{"  - {id: land, name: 土地征收}", "", "至少要有一个类别"},
		{"name: 土地征收", "name: ''", "每个类别要有不重复的编号（小写字母、数字）和名称：land"},
		{`code: "310118901201"`, `code: "3101x"`, "每个地点要有区划代码（2 到 12 位数字）和名称：3101x"},
		{"timezone: Asia/Shanghai", "timezone: Mars/Olympus", "时区不认识"},
		{"name: 东湾村", "name: \"东湾\\u0007村\"", "请删去后重新输入：310118901201"},
	} {
		err := publish.CheckFeed([]byte(strings.Replace(good, c.old, c.new, 1)))
		if err == nil {
			t.Errorf("%s → %s: no error", c.old, c.new)
			continue
		}
		if got := feedWords(err); !strings.Contains(got, c.want) {
			t.Errorf("%s → %s: %q, want %q", c.old, c.new, got, c.want)
		}
	}
}
