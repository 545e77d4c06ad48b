package proof

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText writes the report for a person (gongkai report): each notice
// with its time on display, its posting period and coverage, and the gaps
// that count against it. Gaps outside the on-hours are excused and left
// to the JSON.
func (rep Report) WriteText(w io.Writer) {
	hours := rep.OnHours
	if hours == "" {
		hours = "always on"
	}
	fmt.Fprintf(w, "proof of display, device %s, %s (%s; on-hours %s)\n", rep.Device, rep.Generated, rep.Timezone, hours)
	if rep.Head != nil {
		fmt.Fprintf(w, "chain head: entry %d, code %s (compare with the township monitor's receipt)\n", rep.Head.Seq, rep.Head.Code)
	}
	if len(rep.Notices) == 0 {
		fmt.Fprintln(w, "(no notices with a posting period or on record)")
		return
	}
	for _, n := range rep.Notices {
		fmt.Fprintf(w, "\n%s  %s\n", n.ID, n.Title)
		fmt.Fprintf(w, "  displayed %s (%d s)", (time.Duration(n.DisplayedSeconds) * time.Second).String(), n.DisplayedSeconds)
		if n.ShownSeconds > 0 { // display mode: posted all along, on show in turn
			fmt.Fprintf(w, ", in the rotation %s", time.Duration(n.ShownSeconds)*time.Second)
		}
		if n.PeriodStart != nil {
			length := fmt.Sprintf("%d days", n.PostingDays)
			if n.PostingWorkdays > 0 {
				length = fmt.Sprintf("%d working days", n.PostingWorkdays)
			}
			fmt.Fprintf(w, "; posting %s %s..%s; covered %s days, %d with gaps; %s",
				length, *n.PeriodStart, *n.PeriodEnd, n.Coverage, n.DaysWithGaps, strings.ToUpper(n.Status))
		}
		fmt.Fprintln(w)
		if n.CalendarNote != "" {
			fmt.Fprintf(w, "  %s\n", n.CalendarNote)
		}
		for _, g := range n.Gaps {
			if !g.Counted {
				continue // off-hours: excused, in --json only
			}
			fmt.Fprintf(w, "  gap %s .. %s  %s (%s)\n", g.Start, g.End, g.Cause, time.Duration(g.Seconds)*time.Second)
		}
		if n.GapsOmitted > 0 {
			fmt.Fprintf(w, "  ... %d more gaps\n", n.GapsOmitted)
		}
	}
}

// Report is the report build makes of the log's records now.
func (l *Log) Report(build func(Records) (Report, error)) (Report, error) {
	recs, err := l.Records()
	if err != nil {
		return Report{}, err
	}
	return build(recs)
}

// VerifyAnchored verifies an export (VerifyExport) and checks that its
// chain passes through each of anchors, heads seen outside the screen.
func VerifyAnchored(data []byte, pinned ed25519.PublicKey, anchors []HeadRef) (*Verified, error) {
	v, err := VerifyExport(data, pinned)
	if err != nil {
		return nil, err
	}
	for _, h := range anchors {
		if err := v.CheckAnchor(h); err != nil {
			return nil, err
		}
	}
	return v, nil
}
