package monitor

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
	"gongkai/monitor/wire"
	"gongkai/proof"
)

// LastShot is the newest screenshot's number, 0 for none.
func (v view) LastShot() int64 {
	if n := len(v.State.Shots); n > 0 {
		return v.State.Shots[n-1]
	}
	return 0
}

// Fingerprint is the key's fingerprint as the screen's admin panel shows it.
func (v view) Fingerprint() string { return feed.Fingerprint(v.Pub) }

func fingerprintOf(pub ed25519.PublicKey) string { return feed.Fingerprint(pub) }

type screenPage struct {
	J        judged
	Beat     *wire.Heartbeat // with its notices
	Shots    []int64         // newest first
	Days     []uptimeDay
	Events   []event
	Report   *proof.Report
	Rep      *report
	Breaks   []chainBreak
	Enrolled bool
}

// uptimeDay is one day's bar: the spans as shares of the day (SVG
// coordinates 0–1000), drawn without any inline style.
type uptimeDay struct {
	Label string
	Bars  []bar
	Total string
}

type bar struct{ X, W int }

const uptimeShown = 14

func (w *web) screenShow(rw http.ResponseWriter, r *http.Request) {
	v, ok := w.s.fleet.byKeyID(r.PathValue("id"))
	if !ok {
		w.fail(rw, r, http.StatusNotFound, "没有这台屏幕")
		return
	}
	now := w.s.now()
	all := w.s.fleet.all()
	p := screenPage{J: judge(v, latestVersions(all), now), Enrolled: r.URL.Query().Get("enrolled") == "1"}
	for i := len(v.State.Shots) - 1; i >= 0; i-- {
		p.Shots = append(p.Shots, v.State.Shots[i])
	}
	var err error
	if p.Events, err = w.s.events(v.Pub, 50); err != nil {
		w.failErr(rw, r, err)
		return
	}
	err = w.s.db.View(func(tx *bolt.Tx) error {
		var st state
		if _, err := getJSON(tx.Bucket(bucketState), v.Pub, &st); err != nil {
			return err
		}
		p.Beat = st.Beat
		var rep report
		if ok, err := getJSON(tx.Bucket(bucketReports), v.Pub, &rep); err != nil {
			return err
		} else if ok {
			p.Rep = &rep
			p.Report = new(proof.Report)
			if err := json.Unmarshal(rep.Report, p.Report); err != nil {
				return err
			}
		}
		c := tx.Bucket(bucketBreaks).Cursor()
		for k, val := c.Seek(v.Pub); k != nil && hasPrefix(k, v.Pub); k, val = c.Next() {
			var b chainBreak
			if err := json.Unmarshal(val, &b); err != nil {
				return err
			}
			p.Breaks = append(p.Breaks, b)
		}
		return nil
	})
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	if p.Days, err = w.uptimeDays(v.Pub, now); err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.render(rw, r, "screen", http.StatusOK, page{Title: v.Screen.Name, Nav: "screens", Body: p})
}

// uptimeDays are the bars of the last uptimeShown days, today first.
func (w *web) uptimeDays(pub ed25519.PublicKey, now time.Time) ([]uptimeDay, error) {
	tz := w.s.opt.Timezone
	y, m, d := now.In(tz).Date()
	var days []uint32
	starts := map[uint32]int64{}
	for i := range uptimeShown {
		start := time.Date(y, m, d-i, 0, 0, 0, 0, tz)
		n := dayOf(start.Unix(), tz)
		days = append(days, n)
		starts[n] = start.Unix()
	}
	spans, err := w.s.uptime(pub, days)
	if err != nil {
		return nil, err
	}
	var out []uptimeDay
	for _, n := range days {
		start := starts[n]
		length := time.Unix(start, 0).In(tz).AddDate(0, 0, 1).Unix() - start
		ud := uptimeDay{Label: time.Unix(start, 0).In(tz).Format("01-02")}
		var total int64
		for _, s := range spans[n] {
			a, b := max(s[0], start), min(s[1], start+length)
			if b <= a {
				continue
			}
			total += b - a
			x := int((a - start) * 1000 / length)
			ud.Bars = append(ud.Bars, bar{X: x, W: max(2, int((b-start)*1000/length)-x)})
		}
		ud.Total = durationWords(time.Duration(total) * time.Second)
		out = append(out, ud)
	}
	return out, nil
}

// shotShow serves a screenshot (?thumb=1: its thumbnail).
func (w *web) shotShow(rw http.ResponseWriter, r *http.Request) {
	v, ok := w.s.fleet.byKeyID(r.PathValue("id"))
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if !ok || err != nil || !slices.Contains(v.State.Shots, n) {
		w.fail(rw, r, http.StatusNotFound, "没有这张截图")
		return
	}
	data, err := os.ReadFile(w.s.shotPath(v.ID, n, r.URL.Query().Get("thumb") == "1"))
	if err != nil {
		w.fail(rw, r, http.StatusNotFound, "没有这张截图")
		return
	}
	rw.Header().Set("Content-Type", "image/jpeg")
	rw.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(rw, r, "", time.Unix(0, n), bytes.NewReader(data))
}

// screenProof is the screen's whole signed export as the monitor holds it
// — the same file `gongkai report --out` writes, which `gongkai report
// --verify FILE --device device.pub` checks — put together from the copy
// and the latest report.
func (w *web) screenProof(rw http.ResponseWriter, r *http.Request) {
	v, ok := w.s.fleet.byKeyID(r.PathValue("id"))
	if !ok {
		w.fail(rw, r, http.StatusNotFound, "没有这台屏幕")
		return
	}
	x, err := w.s.Export(v.Pub)
	if err == errNotFound {
		w.fail(rw, r, http.StatusNotFound, "这台屏幕还没有上传公示证明")
		return
	}
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="proof-%s.json"`, v.ID))
	rw.Write(x)
}

// Export is the screen's signed export as the monitor holds it: its copy
// of the chain (current segment) and the report that came with its head.
func (s *Server) Export(pub ed25519.PublicKey) ([]byte, error) {
	v, ok := s.fleet.get(pub)
	if !ok {
		return nil, errNotFound
	}
	var rep report
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bucketReports), pub, &rep)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNotFound
	}
	m, err := s.loadMirror(pub, v.State.Chain, true)
	if err != nil {
		return nil, err
	}
	x := proof.Export{Format: proof.ExportFormat, Device: rep.Device, Summaries: m.summaries, Entries: m.entries,
		Head: rep.Head, Report: rep.Report, ReportSig: rep.ReportSig}
	if x.Summaries == nil {
		x.Summaries = []proof.SummaryJSON{}
	}
	if x.Entries == nil {
		x.Entries = []proof.EntryJSON{}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(x); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
