package monitor

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// screensPerPage: a township office PC shows fifty rows without strain.
const screensPerPage = 50

type screensPage struct {
	Total    int
	Counts   []statusCount
	Alerts   []alert
	Villages []villageOpt
	Status   string // filter: a status class, or ""
	Alert    string // filter: an alert name, or ""
	Village  string // filter: an enrolled code, or ""
	Q        string // filter: part of a name
	Groups   []group
	Pager    pager
	Shown    int
}

type statusCount struct {
	Status Status
	N      int
	Link   string
}

// alert is one kind of trouble that needs someone, with the first few
// screens it concerns.
type alert struct {
	Name, Text, Link string
	N                int
	First            []judged
}

type villageOpt struct {
	Code, Name string
	N          int
}

type group struct {
	Code, Name string
	Rows       []judged
}

// alertKinds in the order the page lists them.
var alertKinds = []struct {
	name, text string
	is         func(judged) bool
}{
	{"silent", "台屏幕已连续两次没有按时上报", func(j judged) bool { return j.Silent }},
	{"behind", "台屏幕的数据源落后最新版两个版本以上", func(j judged) bool { return j.Behind >= behindAlert }},
	{"failed", "台屏幕同步失败", func(j judged) bool { return j.State.Beat != nil && j.State.Beat.Sync.Kind != "" }},
	{"break", "台屏幕的公示证明记录链断裂", func(j judged) bool { return j.State.Breaks > 0 }},
	{"disk", "台屏幕磁盘空间不足", func(j judged) bool { return j.LowDisk }},
	{"moved", "台屏幕报告的位置与登记的不符", func(j judged) bool { return j.State.Beat != nil && j.Moved }},
}

func (w *web) screensList(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := screensPage{Status: q.Get("status"), Alert: q.Get("alert"), Village: q.Get("village"), Q: strings.TrimSpace(q.Get("q"))}
	now := w.s.now()
	all := w.s.fleet.all()
	latest := latestVersions(all)
	js := make([]judged, len(all))
	for i, v := range all {
		js[i] = judge(v, latest, now)
	}
	slices.SortFunc(js, func(a, b judged) int {
		return cmp.Or(strings.Compare(a.Screen.Village, b.Screen.Village), strings.Compare(a.Screen.Name, b.Screen.Name), strings.Compare(a.ID, b.ID))
	})
	p.Total = len(js)

	// counts, alerts and villages over all screens
	counts := make([]int, len(statusWords))
	villages := map[string]*villageOpt{}
	for _, j := range js {
		counts[j.Status]++
		vo := villages[j.Screen.Village]
		if vo == nil {
			vo = &villageOpt{Code: j.Screen.Village, Name: j.Screen.Village}
			villages[j.Screen.Village] = vo
		}
		vo.N++
		if b := j.State.Beat; b != nil && b.Place != "" && b.Place != b.Location {
			vo.Name = b.Place
		}
	}
	for st := range counts {
		p.Counts = append(p.Counts, statusCount{Status(st), counts[st], "/?status=" + Status(st).Class()})
	}
	for _, a := range alertKinds {
		al := alert{Name: a.name, Text: a.text, Link: "/?alert=" + a.name}
		for _, j := range js {
			if a.is(j) {
				al.N++
				if len(al.First) < 5 {
					al.First = append(al.First, j)
				}
			}
		}
		if al.N > 0 {
			p.Alerts = append(p.Alerts, al)
		}
	}
	for _, vo := range villages {
		p.Villages = append(p.Villages, *vo)
	}
	slices.SortFunc(p.Villages, func(a, b villageOpt) int { return strings.Compare(a.Code, b.Code) })

	// the filtered page
	var rows []judged
	for _, j := range js {
		if p.Status != "" && j.Status.Class() != p.Status {
			continue
		}
		if p.Village != "" && j.Screen.Village != p.Village {
			continue
		}
		if p.Q != "" && !strings.Contains(j.Screen.Name, p.Q) && !strings.Contains(j.ID, p.Q) {
			continue
		}
		if p.Alert != "" && !alertIs(p.Alert, j) {
			continue
		}
		rows = append(rows, j)
	}
	p.Pager = newPager(r, len(rows), screensPerPage)
	p.Shown = len(rows)
	for _, j := range rows[p.Pager.From:p.Pager.To] {
		if n := len(p.Groups); n == 0 || p.Groups[n-1].Code != j.Screen.Village {
			name := j.Screen.Village
			if vo := villages[j.Screen.Village]; vo != nil {
				name = vo.Name
			}
			p.Groups = append(p.Groups, group{Code: j.Screen.Village, Name: name})
		}
		g := &p.Groups[len(p.Groups)-1]
		g.Rows = append(g.Rows, j)
	}
	w.render(rw, r, "screens", http.StatusOK, page{Title: "全部屏幕", Nav: "screens", Body: p})
}

func alertIs(name string, j judged) bool {
	for _, a := range alertKinds {
		if a.name == name {
			return a.is(j)
		}
	}
	return false
}

// screenURL is a screen's page.
func screenURL(id string) string { return "/screens/" + url.PathEscape(id) }
