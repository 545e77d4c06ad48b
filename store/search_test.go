package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

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

// A phrase of three or more characters, or of initials, in the title is
// counted from the title's positional pairs without reading any text, and
// one of three in the body from its triples; a phrase past the positions
// those lists cover is still found, by checking.
func TestSearchPhraseInTitleCountsWithoutChecking(t *testing.T) {
	long := strings.Repeat("村", titlePositions-1) // a phrase after it starts at the last position with a list
	tests := []struct {
		title, body string
		query       string
		checks      bool // some candidate is read
	}{
		{"关于土地征收补偿方案的公告", "", "土地征收", false},
		{"关于土地征收补偿方案的公告", "", "地征收", false},
		{"关于土地征收补偿方案的公告", "", "tdzs", false},
		{"关于土地征收补偿方案的公告", "", "gytd", false},
		{long[:len(long)-2*len("村")] + "土地征收", "", "土地征收", false}, // its last pair at the last position
		{long + "土地征收", "", "土地征", true},
		{long + "土地征收", "", "tdzs", true},
		{"通知", "请到村委会办公室领取。", "村委会", false},
		{"通知", "请到村委会办公室领取。", "cwh", false},
		{"通知", "请到村委会办公室领取。", "村委会办公", true}, // triples give candidates
		{"关于土地征收补偿方案的公告", "", "tudizheng", false},
		{"通知", "请到村委会办公室领取。", "cunweihui", false},
	}
	for _, tt := range tests {
		t.Run(tt.query+"/"+fmt.Sprint(utf8.RuneCountInString(tt.title)), func(t *testing.T) {
			s, _ := openTemp(t)
			p := newPublisher(t)
			var items []feed.Item
			for i := range 30 {
				items = append(items, item(fmt.Sprintf("n-%03d", i), func(it *feed.Item) {
					it.Title, it.Body = tt.title, tt.body
					if i%3 == 0 {
						it.Title, it.Body = "土地补偿征收公示", "委会办，村委" // the pairs, not the phrase
					}
				}))
			}
			mustApply(t, s, p.next(t, items))
			checked := 0
			onCheck = func(ordinal) { checked++ }
			defer func() { onCheck = nil }()
			n, err := s.SearchCount(tt.query, village, at(2026, 3, 2, 10, 0))
			if err != nil || n != 20 {
				t.Fatalf("count %d (%v), want 20", n, err)
			}
			if (checked > 0) != tt.checks {
				t.Errorf("%d candidates checked, want some: %v", checked, tt.checks)
			}
		})
	}
}

// asOlderSchema makes the closed store in dir look like one of an older
// schema: it drops the posting lists that schema did not have (those whose
// key newer says is new) and records the schema's name.
func asOlderSchema(t *testing.T, dir, schema string, newer func(key []byte) bool) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketPostings).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if newer(k) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(schema))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
}

// A store of the layout before the title's positional pairs (schema 3) is
// refused read-only with a way out, and opened for writing is rebuilt
// from its items: the screen keeps its notices and gets the new lists.
func TestSchema3StoreIsRebuiltWithPositionalPairs(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{item("a", func(it *feed.Item) { it.Title = "关于土地征收补偿方案的公告" })}))
	s.Close()
	asOlderSchema(t, dir, "gongkai-store/3", func(k []byte) bool {
		return k[0] == fieldTitle && (k[1] == kindBigramAt || k[1] == kindPairAt)
	})
	if _, err := Open(dir, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "open it for writing") {
		t.Fatalf("read-only open of schema 3: %v", err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checked := 0
	onCheck = func(ordinal) { checked++ }
	defer func() { onCheck = nil }()
	if n, err := s.SearchCount("土地征收", village, at(2026, 3, 2, 10, 0)); err != nil || n != 1 || checked != 0 {
		t.Fatalf("after the rebuild: count %d (%v), %d checked; want 1, none checked", n, err, checked)
	}
	if problems, err := s.Check(); err != nil || len(problems) > 0 {
		t.Fatalf("check after the rebuild: %v %v", problems, err)
	}
}

// A store of the layout before the priority sets (schema 4), opened for
// writing, is rebuilt from its items: the home finds its urgent notice.
func TestSchema4StoreIsRebuiltWithPrioritySets(t *testing.T) {
	s := rebuiltFromOlder(t, []feed.Item{
		item("a", func(it *feed.Item) { it.Title = "停水通知"; it.Priority = feed.PriorityUrgent }),
		item("b", func(it *feed.Item) { it.Title = "村务公开" }),
	}, "gongkai-store/4", func(k []byte) bool { return k[0] == fieldSet && k[1] == setPriority })
	if got, _, err := s.Important(village, at(2026, 3, 2, 10, 0), 0); err != nil || !slices.Equal(summaryIDs(got), []string{"a"}) {
		t.Fatalf("after the rebuild: important %v (%v), want [a]", summaryIDs(got), err)
	}
}

// A store of the layout before the normative set (schema 5), opened for
// writing, is rebuilt from its items: the policy topic lists its
// normative document first.
func TestSchema5StoreIsRebuiltWithNormativeSet(t *testing.T) {
	s := rebuiltFromOlder(t, []feed.Item{
		item("a", func(it *feed.Item) { it.Title = "村务公开"; it.Published = "2026-03-02" }),
		item("b", func(it *feed.Item) { it.Title = "管理办法"; it.Normative = true; it.Published = "2026-03-01" }),
	}, "gongkai-store/5", func(k []byte) bool { return k[0] == fieldSet && k[1] == setNormative })
	got, n, err := s.ListPage(village, "", at(2026, 3, 2, 10, 0), true, 0, 0)
	if err != nil || n != 2 || !slices.Equal(summaryIDs(got), []string{"b", "a"}) {
		t.Fatalf("after the rebuild: list %v of %d (%v), want [b a]", summaryIDs(got), n, err)
	}
}

// A store of schema 6, with the by_category and by_until indexes nothing
// read, opened for writing, loses them and keeps its notices.
func TestSchema6StoreDropsUnreadIndexes(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, newPublisher(t).next(t, []feed.Item{item("a", func(it *feed.Item) { it.Title = "村务公开" })}))
	s.Close()
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	former := [][]byte{[]byte("by_category"), []byte("by_until")}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range former {
			b, err := tx.CreateBucket(name)
			if err != nil {
				return err
			}
			if err := b.Put(indexKey("x", "a"), nil); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte("gongkai-store/6"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.view(func(tx *bolt.Tx) error {
		for _, name := range former {
			if tx.Bucket(name) != nil {
				t.Errorf("bucket %s kept", name)
			}
		}
		if v := tx.Bucket(bucketMeta).Get(keySchema); string(v) != schemaVersion {
			t.Errorf("schema %q, want %q", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.SearchCount("村务", village, at(2026, 3, 2, 10, 0)); err != nil || n != 1 {
		t.Fatalf("after the rebuild: count %d (%v), want 1", n, err)
	}
	if problems, err := s.Check(); err != nil || len(problems) > 0 {
		t.Fatalf("check after the rebuild: %v %v", problems, err)
	}
}

// rebuiltFromOlder applies items to a new store, makes it look like one
// of an older schema without the keys drop picks, and opens it for
// writing again, which rebuilds it.
func rebuiltFromOlder(t *testing.T, items []feed.Item, schema string, drop func(k []byte) bool) *Store {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, newPublisher(t).next(t, items))
	s.Close()
	asOlderSchema(t, dir, schema, drop)
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A phrase of three (城中村; zhengshou, which can also read zhen g shou)
// is answered from the lists alone, text unread, where only short titles
// have its pairs: the positional pairs are exact there. A title longer
// than they reach is a candidate, checked against its text.
func TestPhrasesInShortTitlesNeedNoCheck(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	now := at(2026, 3, 2, 10, 0)
	checked := 0
	onCheck = func(ordinal) { checked++ }
	defer func() { onCheck = nil }()

	short := []feed.Item{
		item("a", func(it *feed.Item) { it.Title = "关于土地征收补偿方案的公告" }),
		item("b", func(it *feed.Item) { it.Title = "城中村改造方案"; it.Body = "村中的城市" }),
	}
	mustApply(t, s, p.next(t, short))
	for q, want := range map[string][]string{"zhengshou": {"a"}, "城中村": {"b"}} {
		hits, err := s.SearchPage(q, village, now, 0, 20)
		n, cerr := s.SearchCount(q, village, now)
		if err != nil || cerr != nil || !slices.Equal(hitIDs(hits), want) || n != len(want) || checked != 0 {
			t.Fatalf("%s: %v, %d hits (%v %v), %d checked; want %v, none checked", q, hitIDs(hits), n, err, cerr, checked, want)
		}
	}
	long := item("c", func(it *feed.Item) { it.Title = strings.Repeat("村务公开", 20) + "城中村改造" })
	mustApply(t, s, p.next(t, append(short, long)))
	if n, err := s.SearchCount("城中村", village, now); err != nil || n != 2 || checked == 0 {
		t.Fatalf("城中村 beside a long title: %d hits (%v), %d checked; want 2, the long title checked", n, err, checked)
	}
}

// A candidate the exact lists settle, in the title or surely out of it,
// is ranked without reading its text: for "tdzs" the bench's every hit
// was read, 15,000 documents for one search.
func TestSettledCandidatesNeedNoCheck(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	now := at(2026, 3, 2, 10, 0)
	checked := map[ordinal]bool{}
	onCheck = func(o ordinal) { checked[o] = true }
	defer func() { onCheck = nil }()

	mustApply(t, s, p.next(t, []feed.Item{
		item("a", func(it *feed.Item) { it.Title = "关于土地征收补偿方案的公告"; it.Published = "2026-02-01" }),
		// in the topic 土地征收: a sure match, and not in the title
		item("b", func(it *feed.Item) { it.Title = "村务公开"; it.Category = "land"; it.Published = "2026-02-20" }),
		item("c", func(it *feed.Item) {
			it.Title = "养老服务"
			it.Body = "土地和征收"
			it.Published = "2026-02-25"
		}),
		// a title longer than the positional lists, with every pair of
		// the phrase: the one candidate whose text must be read
		item("d", func(it *feed.Item) { it.Title = strings.Repeat("村务公开", 20) + "土地、地征、征收" }),
	}))
	for _, q := range []string{"tdzs", "土地征收"} {
		found, err := s.Find(q, village, now)
		hits, perr := s.SearchPage(q, village, now, 0, 20)
		n, cerr := s.SearchCount(q, village, now)
		want := []string{"a", "b"}
		if err != nil || perr != nil || cerr != nil || !slices.Equal(summaryIDs(found), want) || !slices.Equal(hitIDs(hits), want) || n != 2 {
			t.Fatalf("%s: Find %v, page %v, count %d (%v %v %v); want %v", q, summaryIDs(found), hitIDs(hits), n, err, perr, cerr, want)
		}
		if len(checked) != 1 {
			t.Fatalf("%s: %d candidates checked against their text; want one, the long title", q, len(checked))
		}
	}
}
