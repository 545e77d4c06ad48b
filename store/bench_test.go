package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// A generated corpus of township notices, the same on every run (fixed
// seed), so numbers compare between runs.

var (
	benchVillages = []string{"东湾", "西湾", "南塘", "北庄", "杨家", "李家桥", "新民", "红旗", "光明", "团结", "和平", "建设", "前进", "胜利", "友谊"}
	benchTopics   = []string{"土地征收", "城中村改造", "义务入学", "就诊就医", "养老服务", "村务公开", "区域环境", "宅基地审批", "低保救助", "医疗保险", "农村道路", "饮用水安全", "垃圾分类", "防汛防台", "集体资产", "征兵报名", "殡葬改革", "危房改造", "农业补贴", "残疾人补贴"}
	benchKinds    = []string{"公告", "通知", "公示", "方案", "结果公示", "听证会通知", "补偿标准", "实施细则", "办事指南", "意见征集"}
	benchAgencies = []string{"金泽镇人民政府", "金泽镇社区事务受理服务中心", "青浦区规划和自然资源局", "青浦区教育局", "金泽镇卫生服务中心", "金泽镇民政办", "村民委员会"}
	benchSentence = []string{
		"根据有关法律法规和上级文件精神，结合本镇实际，现将有关事项公告如下。",
		"请广大村民相互转告，按时到村委会办理相关手续。",
		"涉及%s的村民小组，请于规定期限内提出意见和建议。",
		"本次%s工作坚持公开、公平、公正的原则，接受群众监督。",
		"咨询电话：021-5929%04d，办公时间为工作日上午九点至下午五点。",
		"补偿安置标准按照区政府批准的方案执行，具体金额见附表。",
		"适龄儿童家长请携带户口簿、房产证明和儿童预防接种证到学校登记。",
		"老年人可凭身份证到社区卫生服务中心免费体检。",
		"本月空气质量优良天数为%d天，地表水水质达到三类标准。",
		"对公示内容有异议的，请在公示期内以书面形式向镇政府反映。",
		"%s村民委员会将于下周召开村民代表会议，讨论集体经济收益分配。",
		"各村应当加强宣传，确保政策落实到户到人。",
	}
)

const benchTown = "310118901"

func benchVillageCode(i int) string { return fmt.Sprintf("%s%03d", benchTown, 201+i) }

func genItems(n int, seed uint64) []feed.Item {
	r := rand.New(rand.NewPCG(seed, 1))
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	date := func(days int) feed.Date { return feed.Date(base.AddDate(0, 0, days).Format(time.DateOnly)) }
	items := make([]feed.Item, n)
	for i := range items {
		vi := r.IntN(len(benchVillages))
		village, topic := benchVillages[vi]+"村", pick(benchTopics)
		it := feed.Item{
			ID:        fmt.Sprintf("n-%06d", i),
			Title:     fmt.Sprintf("关于%s%s的%s", village, topic, pick(benchKinds)),
			Category:  testCategories[r.IntN(len(testCategories))].ID,
			Agency:    pick(benchAgencies),
			Published: date(-r.IntN(3 * 365)),
			Priority:  "normal",
		}
		if r.IntN(3) == 0 {
			it.DocNo = fmt.Sprintf("沪青金府〔%d〕%d号", 2023+r.IntN(4), 1+r.IntN(300))
		}
		switch x := r.IntN(10); {
		case x < 2:
			it.Locations = []string{"all"}
		case x < 5:
			it.Locations = []string{benchTown}
		default:
			it.Locations = []string{benchVillageCode(vi)}
		}
		switch x := r.IntN(10); {
		case x < 7:
			it.ValidFrom, it.ValidUntil = date(-r.IntN(60)), date(1+r.IntN(120))
		case x < 9:
			it.ValidFrom, it.ValidUntil = date(-200-r.IntN(300)), date(-1-r.IntN(100))
		}
		if r.IntN(50) == 0 {
			it.Withdrawn = "内容有误，予以撤回"
		}
		if r.IntN(40) == 0 {
			it.Priority = "urgent"
		}
		var body strings.Builder
		for range 3 + r.IntN(5) {
			s := pick(benchSentence)
			switch strings.Count(s, "%") {
			case 1:
				if strings.Contains(s, "%s") {
					s = fmt.Sprintf(s, topic)
				} else {
					s = fmt.Sprintf(s, r.IntN(31))
				}
			}
			body.WriteString(s)
		}
		it.Body = body.String()
		items[i] = it
	}
	return items
}

// benchStore is a store holding the 100,000-item corpus, built once per
// machine and kept in the temp dir (building it takes most of a minute).
var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func corpusStore(b *testing.B) *Store {
	benchOnce.Do(func() {
		benchDir = filepath.Join(os.TempDir(), "gongkai-store-bench-v1")
		if _, err := os.Stat(filepath.Join(benchDir, "complete")); err == nil {
			return
		}
		os.RemoveAll(benchDir)
		s, err := Open(benchDir, Options{})
		if err != nil {
			benchErr = err
			return
		}
		p := newPublisher(b)
		if _, benchErr = s.Apply(p.next(b, genItems(100_000, 7))); benchErr == nil {
			benchErr = os.WriteFile(filepath.Join(benchDir, "complete"), nil, 0o644)
		}
		s.Close()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	s, err := Open(benchDir, Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkSearch(b *testing.B) {
	s := corpusStore(b)
	start := time.Now()
	if _, err := s.index(); err != nil {
		b.Fatal(err)
	}
	b.Logf("index of %d items built in %s", len(s.idx.docs), time.Since(start).Round(time.Millisecond))
	screen, now := benchVillageCode(0), at(2026, 3, 1, 12, 0)
	groups := []struct {
		name    string
		queries []string
	}{
		{"1char", []string{"土", "村", "征", "养", "医", "学", "水", "路"}},
		{"2chars", []string{"土地", "征收", "养老", "入学", "补偿", "公示", "体检", "宅基"}},
		{"3chars", []string{"城中村", "宅基地", "卫生服", "村委会", "户口簿", "防汛防", "垃圾分", "残疾人"}},
		{"4chars", []string{"土地征收", "义务入学", "养老服务", "就诊就医", "危房改造", "农业补贴", "集体资产", "征兵报名"}},
		{"initials", []string{"tdzs", "ylfw", "ywrx", "czcgz", "jzjy", "wfgz", "dbjz", "ljfl"}},
		{"pinyin", []string{"tudi", "yanglao", "zhengshou", "ruxue", "tu di", "yiliao", "zhaijidi", "buchang"}},
	}
	for _, limit := range []int{20, 0} {
		for _, g := range groups {
			b.Run(fmt.Sprintf("%s/limit=%d", g.name, limit), func(b *testing.B) {
				var wall []time.Duration
				hits, i := 0, 0
				for b.Loop() {
					q := g.queries[i%len(g.queries)]
					i++
					t0 := time.Now()
					h, err := s.Search(q, screen, now, limit)
					wall = append(wall, time.Since(t0))
					if err != nil {
						b.Fatal(err)
					}
					hits += len(h)
				}
				pct := func(d []time.Duration, p float64) float64 {
					slices.Sort(d)
					return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
				}
				b.ReportMetric(pct(wall, 0.50), "p50-ms")
				b.ReportMetric(pct(wall, 0.99), "p99-ms")
				b.ReportMetric(float64(hits)/float64(len(wall)), "hits/op")
			})
		}
	}
}

func benchUpdate(b *testing.B) (Update, []feed.Item) {
	items := genItems(10_000, 11)
	return newPublisher(b).next(b, items), items
}

func BenchmarkApply10k(b *testing.B) {
	u, _ := benchUpdate(b)
	for b.Loop() {
		b.StopTimer()
		s, err := Open(b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Apply(u); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkRawPut10k is the floor Apply is measured against: the same item
// bytes put into bbolt in one transaction, no checks and no indexes.
func BenchmarkRawPut10k(b *testing.B) {
	u, _ := benchUpdate(b)
	for b.Loop() {
		b.StopTimer()
		db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, &bolt.Options{
			Timeout: 5 * time.Second, NoFreelistSync: true, FreelistType: bolt.FreelistMapType,
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		err = db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists(bucketItems)
			if err != nil {
				return err
			}
			for _, ref := range u.Manifest.Items {
				if err := bk.Put([]byte(ref.ID), u.Items[ref.SHA256]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
