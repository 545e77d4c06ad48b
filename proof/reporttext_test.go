package proof

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"
)

func TestReportText(t *testing.T) {
	start, end := "2026-11-01", "2026-11-14"
	rep := Report{Device: "SHA256:ab", Generated: "2026-11-20T09:00:00+08:00", Timezone: "Asia/Shanghai",
		Head: &HeadRef{Seq: 7, Code: "K3F9"},
		Notices: []NoticeReport{{
			ID: "land-001", Title: "土地征收公告", DisplayedSeconds: 3700, ShownSeconds: 600,
			PostingWorkdays: 10, PeriodStart: &start, PeriodEnd: &end, Coverage: "12/14", DaysWithGaps: 2, Status: "failed",
			CalendarNote: "未载入2027年节假日安排，按周一至周五计算", GapsOmitted: 3,
			Gaps: []GapJSON{
				{Start: "2026-11-03 02:00", End: "2026-11-03 05:00", Seconds: 3 * 3600, Cause: "power", Counted: true},
				{Start: "2026-11-04 23:00", End: "2026-11-05 06:00", Seconds: 7 * 3600, Cause: "off_hours"},
			},
		}, {ID: "town-002", Title: "医保缴费通知", DisplayedSeconds: 60}},
	}
	var b bytes.Buffer
	rep.WriteText(&b)
	want := "proof of display, device SHA256:ab, 2026-11-20T09:00:00+08:00 (Asia/Shanghai; on-hours always on)\n" +
		"chain head: entry 7, code K3F9 (compare with the township monitor's receipt)\n" +
		"\nland-001  土地征收公告\n" +
		"  displayed 1h1m40s (3700 s), in the rotation 10m0s; posting 10 working days 2026-11-01..2026-11-14; covered 12/14 days, 2 with gaps; FAILED\n" +
		"  未载入2027年节假日安排，按周一至周五计算\n" +
		"  gap 2026-11-03 02:00 .. 2026-11-03 05:00  power (3h0m0s)\n" +
		"  ... 3 more gaps\n" +
		"\ntown-002  医保缴费通知\n" +
		"  displayed 1m0s (60 s)\n"
	if b.String() != want {
		t.Errorf("report text:\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	Report{Device: "d", OnHours: "07:00-21:30"}.WriteText(&b)
	if !strings.Contains(b.String(), "on-hours 07:00-21:30)\n(no notices with a posting period or on record)\n") {
		t.Errorf("empty report: %q", b.String())
	}
}

func TestLogReportAndVerifyAnchored(t *testing.T) {
	data, l := sampleExport(t)
	rep, err := l.Report(func(r Records) (Report, error) {
		return Report{Device: "x", Notices: make([]NoticeReport, len(r.Entries))}, nil
	})
	if err != nil || len(rep.Notices) < 4 {
		t.Fatalf("report of the log: %d notices, %v", len(rep.Notices), err)
	}
	recs, err := l.Records()
	if err != nil {
		t.Fatal(err)
	}
	head := recs.HeadRef()
	if v, err := VerifyAnchored(data, l.PublicKey(), []HeadRef{head}); err != nil || v.Head.Seq != head.Seq {
		t.Errorf("anchored at its own head: %v", err)
	}
	if _, err := VerifyAnchored(data, l.PublicKey(), []HeadRef{{Seq: head.Seq, Code: "AAAA"}}); err == nil {
		t.Error("an anchor the chain does not pass through is accepted")
	}
	if _, err := VerifyAnchored(data, seedKey(9).Public().(ed25519.PublicKey), nil); err == nil {
		t.Error("an export of another device verifies against the pinned key")
	}
}
