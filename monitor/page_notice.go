package monitor

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongkai/proof"
)

const noticesPerPage = 50

type noticesPage struct {
	Q       string
	Notices []noticeInfo
	Pager   pager
}

func (w *web) noticesList(rw http.ResponseWriter, r *http.Request) {
	p := noticesPage{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	all := w.s.notices.list(p.Q)
	p.Pager = newPager(r, len(all), noticesPerPage)
	p.Notices = all[p.Pager.From:p.Pager.To]
	w.render(rw, r, "notices", http.StatusOK, page{Title: "公告", Nav: "notices", Body: p})
}

// noticeLine is one screen's evidence on a notice.
type noticeLine struct {
	View     view
	Received time.Time
	N        proof.NoticeReport
	Causes   []proof.CauseTotal
}

type noticePage struct {
	Info            noticeInfo
	Lines           []noticeLine
	Met, OnTrack    int
	Failed, Without int
	Pager           pager
}

// noticeLines are the screens' reports on notice id, by village and name.
func (s *Server) noticeLines(id string) ([]noticeLine, error) {
	rows, err := s.noticeRows(id)
	if err != nil {
		return nil, err
	}
	var out []noticeLine
	for pub, row := range rows {
		v, ok := s.fleet.get([]byte(pub))
		if !ok {
			continue
		}
		out = append(out, noticeLine{View: v, Received: row.Received, N: row.Notice, Causes: row.Notice.GapsByCause()})
	}
	slices.SortFunc(out, func(a, b noticeLine) int {
		return cmp.Or(strings.Compare(a.View.Screen.Village, b.View.Screen.Village), strings.Compare(a.View.Screen.Name, b.View.Screen.Name), strings.Compare(a.View.ID, b.View.ID))
	})
	return out, nil
}

// notice is the notice the path names and the screens' lines on it; when
// there is none it has answered.
func (w *web) notice(rw http.ResponseWriter, r *http.Request) (noticeInfo, []noticeLine, bool) {
	info, ok := w.s.notices.get(r.PathValue("id"))
	if !ok {
		w.fail(rw, r, http.StatusNotFound, "没有屏幕报告过这条公告")
		return info, nil, false
	}
	lines, err := w.s.noticeLines(info.ID)
	if err != nil {
		w.failErr(rw, r, err)
		return info, nil, false
	}
	return info, lines, true
}

func (w *web) noticeShow(rw http.ResponseWriter, r *http.Request) {
	info, lines, ok := w.notice(rw, r)
	if !ok {
		return
	}
	p := noticePage{Info: info}
	for _, l := range lines {
		switch l.N.Status {
		case proof.StatusMet:
			p.Met++
		case proof.StatusOnTrack:
			p.OnTrack++
		case proof.StatusFailed:
			p.Failed++
		default:
			p.Without++
		}
	}
	p.Pager = newPager(r, len(lines), noticesPerPage)
	p.Lines = lines[p.Pager.From:p.Pager.To]
	w.render(rw, r, "notice", http.StatusOK, page{Title: info.Title, Nav: "notices", Body: p})
}

// noticeCSV is the notice's evidence as a spreadsheet: one row a screen.
func (w *web) noticeCSV(rw http.ResponseWriter, r *http.Request) {
	info, lines, ok := w.notice(rw, r)
	if !ok {
		return
	}
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="notice-%s.csv"`, info.ID))
	rw.Write([]byte("\ufeff")) // so spreadsheet programs read it as UTF-8
	cw := csv.NewWriter(rw)
	cw.Write([]string{"公告编号", "公告标题", "区划代码", "屏幕", "设备指纹", "公示期开始", "公示期结束", "公示期限",
		"已覆盖天数", "有缺口天数", "状态", "展示秒数", "在轮播秒数", "可浏览秒数", "缺口（原因：次数，秒数）", "报告收到时间"})
	tz := w.s.opt.Timezone
	for _, l := range lines {
		var causes []string
		for _, c := range l.Causes {
			causes = append(causes, fmt.Sprintf("%s：%d 次，%d 秒", causeWords(c.Cause), c.Count, c.Seconds))
		}
		cw.Write(cells(info.ID, l.N.Title, l.View.Screen.Village, l.View.Screen.Name, l.View.Fingerprint(),
			deref(l.N.PeriodStart), deref(l.N.PeriodEnd), l.N.Length(),
			strconv.Itoa(l.N.DaysCovered), strconv.Itoa(l.N.DaysWithGaps), periodWords(l.N.Status),
			strconv.FormatInt(l.N.DisplayedSeconds, 10), strconv.FormatInt(l.N.ShownSeconds, 10), strconv.FormatInt(l.N.AvailableSeconds, 10),
			strings.Join(causes, "；"), l.Received.In(tz).Format(time.RFC3339)))
	}
	cw.Flush()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// cells guards a spreadsheet row: a cell that starts like a formula
// (= + - @, or a tab or return before one) is prefixed with ', so a
// hostile title is text, not a formula (CSV injection).
func cells(cs ...string) []string {
	for i, c := range cs {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cs[i] = "'" + c
		}
	}
	return cs
}

// noticeJSON is the signed archive of the notice (archive.go).
func (w *web) noticeJSON(rw http.ResponseWriter, r *http.Request) {
	info, ok := w.s.notices.get(r.PathValue("id"))
	if !ok {
		w.fail(rw, r, http.StatusNotFound, "没有屏幕报告过这条公告")
		return
	}
	data, err := w.s.Archive(info.ID)
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="notice-%s.json"`, info.ID))
	rw.Write(data)
}
