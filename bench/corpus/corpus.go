// Package corpus generates the benchmark corpus of township notices and the
// search queries run against it, the same on every run (fixed seed), so that
// store/bench_test.go and the SQLite FTS5 peer (bench/fts5, its own module)
// measure the same texts with the same queries. It has no dependencies.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Notice is one generated item, in the fields of the feed's item format.
type Notice struct {
	ID, Title, Category, Agency, DocNo string
	Published, ValidFrom, ValidUntil   string // YYYY-MM-DD, or "" for unset validity
	Locations                          []string
	Withdrawn, Priority, Body          string
}

var (
	villages  = []string{"东湾", "西湾", "南塘", "北庄", "杨家", "李家桥", "新民", "红旗", "光明", "团结", "和平", "建设", "前进", "胜利", "友谊"}
	topics    = []string{"土地征收", "城中村改造", "义务入学", "就诊就医", "养老服务", "村务公开", "区域环境", "宅基地审批", "低保救助", "医疗保险", "农村道路", "饮用水安全", "垃圾分类", "防汛防台", "集体资产", "征兵报名", "殡葬改革", "危房改造", "农业补贴", "残疾人补贴"}
	kinds     = []string{"公告", "通知", "公示", "方案", "结果公示", "听证会通知", "补偿标准", "实施细则", "办事指南", "意见征集"}
	agencies  = []string{"金泽镇人民政府", "金泽镇社区事务受理服务中心", "青浦区规划和自然资源局", "青浦区教育局", "金泽镇卫生服务中心", "金泽镇民政办", "村民委员会"}
	sentences = []string{
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

// Categories are the category ids notices are spread over, in this order.
var Categories = []string{"land", "school", "village"}

// CategoryNames are the names feeds of this corpus declare for them: topic
// names are searchable, so every peer searches them too.
var CategoryNames = map[string]string{"land": "土地征收", "school": "义务入学", "village": "村务居务"}

// Town is the town's division code; villages are Town + 201, 202, …
const Town = "310118901"

// Village is the code of the i-th village (0 is the benchmark's screen).
func Village(i int) string { return fmt.Sprintf("%s%03d", Town, 201+i) }

// Now is the moment searches are run at: validity windows are around it.
var Now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Notices generates n notices from seed. The search benchmarks use
// Notices(100_000, 7) and Notices(1_000_000, 7) (whose first 100,000 are
// the smaller corpus).
func Notices(n int, seed uint64) []Notice {
	r := rand.New(rand.NewPCG(seed, 1))
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	date := func(days int) string { return base.AddDate(0, 0, days).Format(time.DateOnly) }
	items := make([]Notice, n)
	for i := range items {
		vi := r.IntN(len(villages))
		village, topic := villages[vi]+"村", pick(topics)
		it := Notice{
			ID:        fmt.Sprintf("n-%06d", i),
			Title:     fmt.Sprintf("关于%s%s的%s", village, topic, pick(kinds)),
			Category:  Categories[r.IntN(len(Categories))],
			Agency:    pick(agencies),
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
			it.Locations = []string{Town}
		default:
			it.Locations = []string{Village(vi)}
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
			s := pick(sentences)
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

// QueryClass is a kind of query a villager types on the keypad.
type QueryClass struct {
	Name    string
	Queries []string
}

// Queries are the search benchmark's query classes.
var Queries = []QueryClass{
	{"1char", []string{"土", "村", "征", "养", "医", "学", "水", "路"}},
	{"2chars", []string{"土地", "征收", "养老", "入学", "补偿", "公示", "体检", "宅基"}},
	{"3chars", []string{"城中村", "宅基地", "卫生服", "村委会", "户口簿", "防汛防", "垃圾分", "残疾人"}},
	{"4chars", []string{"土地征收", "义务入学", "养老服务", "就诊就医", "危房改造", "农业补贴", "集体资产", "征兵报名"}},
	{"initials", []string{"tdzs", "ylfw", "ywrx", "czcgz", "jzjy", "wfgz", "dbjz", "ljfl"}},
	{"pinyin", []string{"tudi", "yanglao", "zhengshou", "ruxue", "tu di", "yiliao", "zhaijidi", "buchang"}},
}
