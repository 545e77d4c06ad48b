package proof

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gongkai/feed"
)

// ExportFormat names the export file format.
const ExportFormat = "gongkai-display-export/1"

// MaxExportSize caps an export read back (from a USB stick, say): a year
// of summaries and 35 days of entries is a few MB.
const MaxExportSize = 64 << 20

// Report is the computed proof of display, as `gongkai report --json`
// prints it and an export carries it.
type Report struct {
	Device    string         `json:"device"`         // fingerprint of the device key
	Generated string         `json:"generated"`      // RFC 3339
	Timezone  string         `json:"timezone"`       // of the feed: days are its days
	OnHours   string         `json:"on_hours"`       // "HH:MM-HH:MM", "" for always on
	Head      *HeadRef       `json:"head,omitempty"` // the chain head the report was made from (anchor.go)
	Notices   []NoticeReport `json:"notices"`
	// Alerts is the time each urgent alert was on the screen, apart from
	// the notices (their gaps under an alert are excused: cause alert).
	Alerts []AlertReport `json:"alerts,omitempty"`
}

// AlertReport is one alert's time on the screen over the whole log.
type AlertReport struct {
	ID      string `json:"id"`
	Seconds int64  `json:"seconds"`
}

// AlertTimes lists the alerts' seconds of ev by id.
func AlertTimes(ev Evidence) []AlertReport {
	var out []AlertReport
	for id, s := range ev.AlertSeconds {
		out = append(out, AlertReport{ID: id, Seconds: s})
	}
	slices.SortFunc(out, func(a, b AlertReport) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// NoticeReport is one notice of a report. displayed_seconds is
// on_screen_seconds (display mode: the slide on show) plus
// available_seconds (touch mode: reachable while the screen was on).
// shown_seconds is display mode's time in the rotation, which coverage
// counts: every notice of the rotation is posted on the screen all along.
type NoticeReport struct {
	ID               string  `json:"id"`
	Title            string  `json:"title"`
	DisplayedSeconds int64   `json:"displayed_seconds"`
	ShownSeconds     int64   `json:"shown_seconds"`
	AvailableSeconds int64   `json:"available_seconds"`
	OnScreenSeconds  int64   `json:"on_screen_seconds"`
	PostingDays      int     `json:"posting_days"`
	PostingWorkdays  int     `json:"posting_workdays,omitempty"`
	PeriodStart      *string `json:"period_start"` // first day, YYYY-MM-DD
	PeriodEnd        *string `json:"period_end"`   // last day, inclusive
	// PeriodDays is the calendar days from start to end: each must be covered.
	PeriodDays int `json:"period_days,omitempty"`
	// Period is the period as the screen says it, "公示期 10 个工作日：12月1日至12月14日".
	Period string `json:"period,omitempty"`
	// CalendarNote says how working days were counted when the calendar
	// lacked a year or held an example: "未载入2027年节假日安排，按周一至周五计算".
	CalendarNote string    `json:"calendar_note,omitempty"`
	DaysElapsed  int       `json:"days_elapsed"`
	DaysCovered  int       `json:"days_covered"`
	DaysWithGaps int       `json:"days_with_gaps"`
	Coverage     string    `json:"coverage"` // "days covered/period days"
	Withdrawn    bool      `json:"withdrawn"`
	Gaps         []GapJSON `json:"gaps"`
	GapsOmitted  int       `json:"gaps_omitted,omitempty"`
	Status       string    `json:"status"` // on track, met, failed; "" without posting_days
}

// Length is the statutory length as a report says it: "10 个工作日", "30 天".
func (n NoticeReport) Length() string {
	if n.PostingWorkdays > 0 {
		return fmt.Sprintf("%d 个工作日", n.PostingWorkdays)
	}
	return fmt.Sprintf("%d 天", n.PostingDays)
}

// Days is the calendar days the period must be covered: period_days, or
// posting_days in a report from a screen that predates period_days.
func (n NoticeReport) Days() int {
	if n.PeriodDays > 0 {
		return n.PeriodDays
	}
	return n.PostingDays
}

// GapJSON is a gap with times in RFC 3339 in the feed's time zone.
type GapJSON struct {
	Start   string `json:"start"`
	End     string `json:"end"`
	Seconds int64  `json:"seconds"`
	Cause   string `json:"cause"`
	Counted bool   `json:"counted"` // false: off-hours, excused
}

// CauseTotal is a notice's counted gaps of one cause.
type CauseTotal struct {
	Cause   string
	Count   int
	Seconds int64
}

// GapsByCause sums the counted gaps (off-hours are excused) by cause, in
// the order causes are assigned: what a person reads first of the gaps.
func (n NoticeReport) GapsByCause() []CauseTotal {
	var out []CauseTotal
	for _, g := range n.Gaps {
		if !g.Counted {
			continue
		}
		i := slices.IndexFunc(out, func(t CauseTotal) bool { return t.Cause == g.Cause })
		if i < 0 {
			i = len(out)
			out = append(out, CauseTotal{Cause: g.Cause})
		}
		out[i].Count++
		out[i].Seconds += g.Seconds
	}
	rank := func(c string) int {
		if i := slices.Index(causeOrder, c); i >= 0 {
			return i
		}
		return len(causeOrder) // a cause from a newer program: last
	}
	slices.SortStableFunc(out, func(a, b CauseTotal) int { return rank(a.Cause) - rank(b.Cause) })
	return out
}

// NewReport puts coverages into a report.
func NewReport(device ed25519.PublicKey, covs []Coverage, tz *time.Location, hours Hours, now time.Time) Report {
	r := Report{Device: feed.Fingerprint(device), Generated: now.In(tz).Format(time.RFC3339),
		Timezone: tz.String(), OnHours: hours.String(), Notices: []NoticeReport{}}
	for _, c := range covs {
		n := NoticeReport{ID: c.ID, Title: c.Title, DisplayedSeconds: c.DisplayedSeconds,
			ShownSeconds: c.ShownSeconds, AvailableSeconds: c.AvailableSeconds, OnScreenSeconds: c.OnScreenSeconds, PostingDays: c.PostingDays,
			DaysElapsed: c.DaysElapsed, DaysCovered: c.DaysCovered, DaysWithGaps: c.DaysWithGaps,
			Withdrawn: !c.Withdrawn.IsZero(), Gaps: []GapJSON{}, GapsOmitted: c.GapsOmitted, Status: c.Status}
		n.PostingWorkdays = c.PostingWorkdays
		if c.HasPeriod() && !c.PeriodStart.IsZero() {
			n.PeriodDays = c.PeriodDays()
			n.Coverage = fmt.Sprintf("%d/%d", c.DaysCovered, n.PeriodDays)
			first := c.Period.Start.Format(time.DateOnly)
			last := c.Period.End.Format(time.DateOnly)
			n.PeriodStart, n.PeriodEnd = &first, &last
			n.Period = c.Period.Label(true)
			n.CalendarNote = c.Period.Note()
		}
		for _, g := range c.Gaps {
			n.Gaps = append(n.Gaps, GapJSON{Start: g.Start.Format(time.RFC3339), End: g.End.Format(time.RFC3339),
				Seconds: g.End.Unix() - g.Start.Unix(), Cause: g.Cause, Counted: g.Counted})
		}
		r.Notices = append(r.Notices, n)
	}
	return r
}

// Export is a signed, self-contained proof of display: the device public
// key, the whole chain (summaries, entries, signed head) and the report,
// signed together with the head hash so neither can be swapped for
// another's.
type Export struct {
	Format    string          `json:"format"`
	Device    string          `json:"device"` // the device.pub key line
	Summaries []SummaryJSON   `json:"summaries"`
	Entries   []EntryJSON     `json:"entries"`
	Head      HeadJSON        `json:"head"`
	Report    json.RawMessage `json:"report"`
	ReportSig string          `json:"report_sig"` // base64 ed25519 over the head hash and the compact report
}

// EntryJSON is an entry; hash is stated so a reader can follow the chain
// by eye, and is recomputed by the verifier.
type EntryJSON struct {
	Seq   uint64 `json:"seq"`
	Kind  string `json:"kind"`
	Item  string `json:"item,omitempty"`
	Start string `json:"start"` // RFC 3339, UTC
	End   string `json:"end"`
	Prev  string `json:"prev"`
	Hash  string `json:"hash"`
	// Seconds: on_screen entries only, the seconds on show in [start, end).
	Seconds int64 `json:"seconds,omitempty"`
}

// SummaryJSON is a daily summary; spans are [start, end) Unix seconds.
type SummaryJSON struct {
	Day      string      `json:"day"`
	FirstSeq uint64      `json:"first_seq"`
	LastSeq  uint64      `json:"last_seq"`
	Prev     string      `json:"prev"`
	LastHash string      `json:"last_hash"`
	Totals   []TotalJSON `json:"totals"`
	Sig      string      `json:"sig"`
}

// TotalJSON is one total of a summary.
type TotalJSON struct {
	Kind    string     `json:"kind"`
	Item    string     `json:"item,omitempty"`
	Seconds int64      `json:"seconds"`
	Spans   [][2]int64 `json:"spans"`
}

// HeadJSON is the signed head.
type HeadJSON struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
	Sig  string `json:"sig"`
}

// Export seals the open intervals (Checkpoint), reads the chain, lets
// build compute the report from it, and returns the signed export.
func (l *Log) Export(build func(Records) (Report, error)) ([]byte, error) {
	if err := l.Checkpoint(); err != nil {
		return nil, err
	}
	recs, err := l.Records()
	if err != nil {
		return nil, err
	}
	rep, err := build(recs)
	if err != nil {
		return nil, err
	}
	return encodeExport(recs, rep, l.key)
}

func encodeExport(recs Records, rep Report, key ed25519.PrivateKey) ([]byte, error) {
	pub := key.Public().(ed25519.PublicKey)
	x := Export{Format: ExportFormat, Device: string(bytes.TrimSpace(keyLine(feed.EncodePublicKey(pub)))),
		Summaries: []SummaryJSON{}, Entries: []EntryJSON{}}
	for _, s := range recs.Summaries {
		sj := SummaryJSON{Day: s.Day, FirstSeq: s.FirstSeq, LastSeq: s.LastSeq, Prev: s.Prev.String(),
			LastHash: s.LastHash.String(), Totals: []TotalJSON{}, Sig: base64.StdEncoding.EncodeToString(s.Sig)}
		for _, t := range s.Totals {
			tj := TotalJSON{Kind: t.Kind, Item: t.Item, Seconds: t.Seconds, Spans: [][2]int64{}}
			for _, sp := range t.Spans {
				tj.Spans = append(tj.Spans, [2]int64{sp.Start, sp.End})
			}
			sj.Totals = append(sj.Totals, tj)
		}
		x.Summaries = append(x.Summaries, sj)
	}
	for _, e := range recs.Entries {
		x.Entries = append(x.Entries, EntryJSON{Seq: e.Seq, Kind: e.Kind, Item: e.Item,
			Start: unixText(e.Start), End: unixText(e.End), Prev: e.Prev.String(), Hash: e.Hash().String(), Seconds: e.Seconds})
	}
	x.Head = HeadJSON{Seq: recs.Head.Seq, Hash: recs.Head.Hash.String(), Sig: base64.StdEncoding.EncodeToString(recs.Head.Sig)}
	raw, err := json.Marshal(rep)
	if err != nil {
		return nil, fmt.Errorf("proof: export: %w", err)
	}
	x.Report = raw
	x.ReportSig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, reportMessage(recs.Head.Hash, raw)))
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(x); err != nil {
		return nil, fmt.Errorf("proof: export: %w", err)
	}
	return out.Bytes(), nil
}

func unixText(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

// reportMessage is what report_sig signs: the report in compact JSON, so
// re-indenting the file changes nothing, while any changed value does.
func reportMessage(head Hash, compactReport []byte) []byte {
	b := append([]byte(reportTag), head[:]...)
	return append(b, compactReport...)
}

// Verified is a verified export.
type Verified struct {
	Device    ed25519.PublicKey
	Report    Report
	Summaries int
	Entries   int
	Head      Head
	chain     Records // for CheckAnchor and Extends (anchor.go)
}

// ErrAltered: the export does not verify. Its message says where.
var ErrAltered = errors.New("export altered")

// VerifyExport checks an export in a fixed order — format, device key
// (against pinned, when given), head signature, summaries, entries, head,
// report signature — and stops at the first failure with an error that
// says which rule broke. data comes from outside (a USB stick): any input
// gives an error, never a panic.
func VerifyExport(data []byte, pinned ed25519.PublicKey) (*Verified, error) {
	if len(data) > MaxExportSize {
		return nil, fmt.Errorf("export is %d bytes, over %d", len(data), MaxExportSize)
	}
	var x Export
	if err := json.Unmarshal(data, &x); err != nil {
		return nil, fmt.Errorf("export unreadable: %v", err)
	}
	if x.Format != ExportFormat {
		return nil, fmt.Errorf("export unreadable: format %.40q, want %q", x.Format, ExportFormat)
	}
	pub, err := feed.ParsePublicKey([]byte(x.Device))
	if err != nil {
		return nil, fmt.Errorf("%w: device %v", ErrAltered, err)
	}
	if pinned != nil && !pinned.Equal(pub) {
		return nil, fmt.Errorf("%w: signed by device %s, expected device %s", ErrAltered, feed.Fingerprint(pub), feed.Fingerprint(pinned))
	}
	head, err := x.Head.decode()
	if err != nil {
		return nil, fmt.Errorf("%w: head %v", ErrAltered, err)
	}
	if !head.verify(pub) {
		return nil, fmt.Errorf("%w: head signature does not verify", ErrAltered)
	}

	// The chain: summaries then entries, each following the one before.
	var (
		lastSeq  uint64
		lastHash Hash
		started  bool
		chain    = Records{Head: head}
	)
	for i, sj := range x.Summaries {
		s, err := sj.decode()
		if err != nil {
			return nil, fmt.Errorf("%w: summary %d: %v", ErrAltered, i+1, err)
		}
		if !s.verify(pub) {
			return nil, fmt.Errorf("%w: summary of %s (entries %d..%d) signature does not verify", ErrAltered, s.Day, s.FirstSeq, s.LastSeq)
		}
		// The first summary kept may follow summaries dropped for age; its
		// signed Prev anchors the chain.
		if started && (s.FirstSeq != lastSeq+1 || s.Prev != lastHash) {
			return nil, fmt.Errorf("%w: summary of %s does not follow entry %d", ErrAltered, s.Day, lastSeq)
		}
		if !started && s.FirstSeq == 1 && s.Prev != (Hash{}) {
			return nil, fmt.Errorf("%w: summary of %s starts the chain with a prev hash", ErrAltered, s.Day)
		}
		started, lastSeq, lastHash = true, s.LastSeq, s.LastHash
		chain.Summaries = append(chain.Summaries, s)
	}
	for _, ej := range x.Entries {
		e, stated, err := ej.decode()
		if err != nil {
			return nil, fmt.Errorf("%w: entry %d: %v", ErrAltered, ej.Seq, err)
		}
		switch {
		case !started && (e.Seq != 1 || e.Prev != Hash{}):
			return nil, fmt.Errorf("%w: chain starts at entry %d without a summary before it", ErrAltered, e.Seq)
		case started && e.Seq != lastSeq+1:
			return nil, fmt.Errorf("%w: entry %d follows entry %d", ErrAltered, e.Seq, lastSeq)
		case started && e.Prev != lastHash:
			return nil, fmt.Errorf("%w: entry %d does not chain from entry %d", ErrAltered, e.Seq, lastSeq)
		case e.Hash() != stated:
			return nil, fmt.Errorf("%w: entry %d hash does not match", ErrAltered, e.Seq)
		}
		started, lastSeq, lastHash = true, e.Seq, stated
		chain.Entries = append(chain.Entries, e)
	}
	if lastSeq != head.Seq || lastHash != head.Hash {
		return nil, fmt.Errorf("%w: chain ends at entry %d, the signed head is entry %d", ErrAltered, lastSeq, head.Seq)
	}

	var compact bytes.Buffer
	if err := json.Compact(&compact, x.Report); err != nil {
		return nil, fmt.Errorf("%w: report %v", ErrAltered, err)
	}
	sig, err := base64.StdEncoding.DecodeString(x.ReportSig)
	if err != nil || len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, reportMessage(head.Hash, compact.Bytes()), sig) {
		return nil, fmt.Errorf("%w: report signature does not verify", ErrAltered)
	}
	v := &Verified{Device: pub, Summaries: len(x.Summaries), Entries: len(x.Entries), Head: head, chain: chain}
	if err := json.Unmarshal(compact.Bytes(), &v.Report); err != nil {
		return nil, fmt.Errorf("export unreadable: report: %v", err)
	}
	return v, nil
}

func (h HeadJSON) decode() (Head, error) {
	hash, err := parseHash(h.Hash)
	if err != nil {
		return Head{}, err
	}
	sig, err := base64.StdEncoding.DecodeString(h.Sig)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Head{}, errors.New("signature is not 64 bytes of base64")
	}
	return Head{Seq: h.Seq, Hash: hash, Sig: sig}, nil
}

func (sj SummaryJSON) decode() (Summary, error) {
	s := Summary{Day: sj.Day, FirstSeq: sj.FirstSeq, LastSeq: sj.LastSeq}
	var err error
	if s.Prev, err = parseHash(sj.Prev); err != nil {
		return s, err
	}
	if s.LastHash, err = parseHash(sj.LastHash); err != nil {
		return s, err
	}
	if len(sj.Day) > 10 || len(sj.Totals) > maxTotals {
		return s, errors.New("malformed")
	}
	for _, tj := range sj.Totals {
		if len(tj.Spans) > maxSpans {
			return s, errors.New("malformed")
		}
		t := Total{Kind: tj.Kind, Item: tj.Item, Seconds: tj.Seconds, Spans: make([]Span, 0, len(tj.Spans))}
		for _, sp := range tj.Spans {
			t.Spans = append(t.Spans, Span{sp[0], sp[1]})
		}
		s.Totals = append(s.Totals, t)
	}
	if s.Sig, err = base64.StdEncoding.DecodeString(sj.Sig); err != nil {
		return s, errors.New("signature is not base64")
	}
	return s, s.check()
}

func (ej EntryJSON) decode() (Entry, Hash, error) {
	e := Entry{Seq: ej.Seq, Kind: ej.Kind, Item: ej.Item, Seconds: ej.Seconds}
	start, err := time.Parse(time.RFC3339, ej.Start)
	if err != nil {
		return e, Hash{}, fmt.Errorf("start %.40q is not an RFC 3339 time", ej.Start)
	}
	end, err := time.Parse(time.RFC3339, ej.End)
	if err != nil {
		return e, Hash{}, fmt.Errorf("end %.40q is not an RFC 3339 time", ej.End)
	}
	e.Start, e.End = start.Unix(), end.Unix()
	if e.Prev, err = parseHash(ej.Prev); err != nil {
		return e, Hash{}, fmt.Errorf("prev %v", err)
	}
	stated, err := parseHash(ej.Hash)
	if err != nil {
		return e, Hash{}, fmt.Errorf("hash %v", err)
	}
	return e, stated, e.check()
}

// RecordsOf reads a verified export's chain back as records, so the same
// Evaluate can recompute its report.
func RecordsOf(data []byte) (Records, error) {
	var x Export
	if err := json.Unmarshal(data, &x); err != nil {
		return Records{}, err
	}
	var r Records
	for _, sj := range x.Summaries {
		s, err := sj.decode()
		if err != nil {
			return Records{}, err
		}
		r.Summaries = append(r.Summaries, s)
	}
	for _, ej := range x.Entries {
		e, _, err := ej.decode()
		if err != nil {
			return Records{}, err
		}
		r.Entries = append(r.Entries, e)
	}
	return r, nil
}
