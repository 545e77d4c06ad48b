package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"gongkai/feed"
)

func searchStore(t testing.TB) *Store {
	s, _ := openTemp(t)
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{
		item("land-2026-017", func(it *feed.Item) {
			it.Title = "关于金泽镇土地征收补偿方案的公告"
			it.Category = "land"
			it.DocNo = "沪青金府〔2026〕17号"
			it.Published = "2026-02-10"
			it.Body = "根据《土地管理法》，现将征收范围公告如下。联系电话 021-59290000。"
		}),
		item("school", func(it *feed.Item) {
			it.Title = "2026年秋季义务教育入学登记"
			it.Category = "school"
			it.Published = "2026-02-25"
			it.Body = "适龄儿童家长请携带户口簿登记。涉及土地征收地块的学生另行安排。"
		}),
		item("village-finance", func(it *feed.Item) {
			it.Title = "东湾村村务公开：2月财务收支"
			it.Published = "2026-02-28"
			it.Body = "本月收支明细见附表。Village finance report, PDF version online."
		}),
		item("other-village", func(it *feed.Item) {
			it.Title = "西湾村土地征收听证"
			it.Locations = []string{otherVillage}
		}),
		item("expired", func(it *feed.Item) {
			it.Title = "土地征收预公告"
			it.ValidUntil = "2026-01-31"
		}),
		item("withdrawn", func(it *feed.Item) {
			it.Title = "土地征收公告（撤回）"
			it.Withdrawn = "内容有误"
		}),
		item("xian", func(it *feed.Item) {
			it.Title = "西安路段施工通知"
			it.Published = "2026-01-05"
		}),
	}))
	return s
}

func TestSearch(t *testing.T) {
	s := searchStore(t)
	now := at(2026, 3, 2, 10, 0)
	tests := []struct {
		query   string
		want    []string
		inTitle []bool
		match   [][]string // per hit, when given
	}{
		{"征", []string{"land-2026-017", "school"}, []bool{true, false}, [][]string{{"征"}, {"征"}}},
		{"征收", []string{"land-2026-017", "school"}, []bool{true, false}, [][]string{{"征收"}, {"征收"}}},
		{"土地征收", []string{"land-2026-017", "school"}, nil, [][]string{{"土地征收"}, {"土地征收"}}},
		{"地征", []string{"land-2026-017", "school"}, nil, [][]string{{"地征"}, {"地征"}}},
		{"补偿方案", []string{"land-2026-017"}, nil, [][]string{{"补偿方案"}}},
		{"征地", []string{}, nil, nil},                      // both characters present, never adjacent
		{"土地 登记", []string{"school"}, []bool{false}, nil}, // AND across fields
		{"tdzs", []string{"land-2026-017", "school"}, []bool{true, false}, [][]string{{"土地征收"}, {"土地征收"}}},
		{"TDZS", []string{"land-2026-017", "school"}, nil, nil},
		{"tudi", []string{"land-2026-017", "school"}, nil, [][]string{{"土地"}, {"土地"}}},
		{"tu di", []string{"land-2026-017", "school"}, nil, [][]string{{"土地"}, {"土地"}}},
		{"tudizhengshou", []string{"land-2026-017", "school"}, nil, nil},
		{"tudzs", []string{"land-2026-017", "school"}, nil, nil},                                    // syllables and initials mixed
		{"xian", []string{"xian", "land-2026-017"}, []bool{true, false}, [][]string{{"西安"}, {"现"}}}, // 西安 (xi an) and 现 (xian)
		{"caiwu", []string{"village-finance"}, nil, [][]string{{"财务"}}},
		{"2026", []string{"school", "land-2026-017"}, []bool{true, false}, [][]string{{"2026"}, {"2026"}}},
		{"17", []string{"land-2026-017"}, []bool{false}, [][]string{{"17"}}},
		{"〔2026〕17号", []string{"land-2026-017"}, nil, nil},
		{"vill", []string{"village-finance"}, []bool{false}, [][]string{{"Vill"}}},
		{"ＰＤＦ", []string{"village-finance"}, nil, [][]string{{"PDF"}}},
		{"illage", []string{}, nil, nil}, // not a token prefix
		{"金泽镇人民政府", []string{"village-finance", "school", "land-2026-017", "xian"}, nil, nil},
		{"听证", []string{}, nil, nil},  // other village only
		{"预公告", []string{}, nil, nil}, // expired
		{"撤回", []string{}, nil, nil},  // withdrawn
		{"", []string{}, nil, nil},
		{"，。！", []string{}, nil, nil},
		{"qqqqqq", []string{}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits, err := s.Search(tt.query, village, now, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := hitIDs(hits); !slices.Equal(got, tt.want) {
				t.Fatalf("ids = %v, want %v", got, tt.want)
			}
			for i, h := range hits {
				if tt.inTitle != nil && h.InTitle != tt.inTitle[i] {
					t.Errorf("%s: InTitle = %v", h.ID, h.InTitle)
				}
				if tt.match != nil && !slices.Equal(h.Match, tt.match[i]) {
					t.Errorf("%s: Match = %q, want %q", h.ID, h.Match, tt.match[i])
				}
			}
		})
	}
	if hits, _ := s.Search("土地征收", otherVillage, now, 0); !slices.Contains(hitIDs(hits), "other-village") {
		t.Errorf("other village's screen does not find its notice: %v", hitIDs(hits))
	}
	if hits, _ := s.Search("公告", village, now, 1); len(hits) != 1 || hits[0].ID != "land-2026-017" {
		t.Errorf("limit 1 = %v", hitIDs(hits))
	}
}

// Topic names, agencies and document numbers are searchable, and a pinyin
// query ranks whole words (征收, a word of titles and topics) before chance
// neighbours (镇社 in 金泽镇社区…, 者食 in 老年者食堂), newest first within
// each: what a villager typing "zs" or "ylfw" on the keypad expects.
func TestSearchTopicsAndWholeWords(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{
		item("elderly", func(it *feed.Item) {
			it.Title = "老年人助餐点开放通知"
			it.Category = "elderly"
			it.Published = "2026-02-01"
			it.Body = "六十岁以上老年者食堂就餐享受优惠。"
		}),
		item("agency", func(it *feed.Item) {
			it.Title = "入学登记办法"
			it.Category = "school"
			it.Agency = "金泽镇社区事务受理服务中心"
			it.Published = "2026-02-27"
		}),
		item("land-title", func(it *feed.Item) {
			it.Title = "集体土地征收补偿方案公告"
			it.Category = "land"
			it.Published = "2026-01-10"
		}),
		item("land-body", func(it *feed.Item) {
			it.Title = "村民小组会议纪要"
			it.Published = "2026-01-20"
			it.Body = "会议讨论了征收范围。"
			it.DocNo = "沪青金府〔2026〕21号"
		}),
	}))
	now := at(2026, 3, 2, 10, 0)
	tests := []struct {
		query string
		want  []string
	}{
		{"zs", []string{"land-title", "land-body", "agency", "elderly"}},
		{"ylfw", []string{"elderly"}},
		{"养老", []string{"elderly"}},
		{"养老服务", []string{"elderly"}},
		{"yanglao", []string{"elderly"}},
		{"受理", []string{"agency"}},
		{"沪青金府", []string{"land-body"}},
		{"21号", []string{"land-body"}},
	}
	for _, tt := range tests {
		hits, err := s.Search(tt.query, village, now, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := hitIDs(hits); !slices.Equal(got, tt.want) {
			t.Errorf("%q = %v, want %v", tt.query, got, tt.want)
		}
		if n, err := s.SearchCount(tt.query, village, now); err != nil || n != len(tt.want) {
			t.Errorf("%q: count %d (%v), want %d", tt.query, n, err, len(tt.want))
		}
	}
}

// A single character or a single pinyin initial finds every notice that
// has it, with the true count, and the pages go through all of them.
func TestSearchSingleKeyCountsAll(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	var items []feed.Item
	for i := range 150 {
		items = append(items, item(fmt.Sprintf("n-%03d", i), func(it *feed.Item) {
			it.Title = "土地征收公告"
			it.Published = feed.Date(fmt.Sprintf("2026-02-%02d", 1+i%28))
		}))
	}
	mustApply(t, s, p.next(t, items))
	now := at(2026, 3, 2, 10, 0)
	for _, q := range []string{"t", "土", "d", "tdzs", "土地征收", "z s"} {
		n, err := s.SearchCount(q, village, now)
		if err != nil || n != 150 {
			t.Errorf("%q: count %d (%v), want 150", q, n, err)
		}
		seen := map[string]bool{}
		for off := 0; off < 150; off += 20 {
			page, err := s.SearchPage(q, village, now, off, 20)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range page {
				seen[h.ID] = true
			}
		}
		if len(seen) != 150 {
			t.Errorf("%q: pages reach %d notices, want 150", q, len(seen))
		}
	}
}

func TestSearchFollowsApply(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{item("a", func(it *feed.Item) { it.Title = "养老服务补贴" })}))
	now := s.Now(time.Time{})
	if hits, _ := s.Search("养老", village, now, 0); len(hits) != 1 {
		t.Fatalf("before: %v", hitIDs(hits))
	}
	mustApply(t, s, p.next(t, []feed.Item{item("b", func(it *feed.Item) { it.Title = "就诊就医指南" })}))
	now = s.Now(time.Time{})
	if hits, _ := s.Search("养老", village, now, 0); len(hits) != 0 {
		t.Errorf("removed item still found: %v", hitIDs(hits))
	}
	if hits, _ := s.Search("jzjy", village, now, 0); len(hits) != 1 || hits[0].ID != "b" {
		t.Errorf("new item not found: %v", hitIDs(hits))
	}
}

func TestSegment(t *testing.T) {
	loadPinyin()
	tests := []struct {
		w     string
		mixed bool
		some  bool
	}{
		{"tudi", false, true},
		{"tdzs", false, false},
		{"tdzs", true, true},
		{"uuuu", true, false},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaau", true, false},
		{"2026", true, false},
	}
	for _, tt := range tests {
		if got := segment(tt.w, tt.mixed, maxSegments); (len(got) > 0) != tt.some {
			t.Errorf("segment(%q, %v) = %v", tt.w, tt.mixed, got)
		}
	}
}
