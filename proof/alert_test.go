package proof

import (
	"testing"
	"time"
)

// A display screen whose urgent alert took its whole face for half an
// hour: the log keeps the alert's time apart (kind alert, by alert id),
// the notice's gap under it is excused (cause alert), and the notice's
// posting day is still covered. Without the alert the same half hour is
// a counted gap and the day fails.
func TestAlertTimeIsApartAndExcused(t *testing.T) {
	for _, alert := range []bool{true, false} {
		c := newClock("2026-11-10T00:00:00+08:00")
		l := openLog(t, t.TempDir(), seedKey(1), c)
		mustDo(t, l.ProgramUp())
		mustDo(t, l.Showing("display", []string{"n"}))
		c.add(10 * time.Hour)
		// The alert takes the screen: the rotation is off it for 30 min.
		mustDo(t, l.Showing("display", nil))
		if alert {
			mustDo(t, l.Alerting([]string{"flood-1"}))
		}
		c.add(30 * time.Minute)
		mustDo(t, l.Alerting(nil))
		mustDo(t, l.Showing("display", []string{"n"}))
		c.add(13*time.Hour + 30*time.Minute)
		mustDo(t, l.Tick())
		mustDo(t, l.Checkpoint())
		recs, err := l.Records()
		mustDo(t, err)
		mustDo(t, l.Close())

		ev := NewEvidence(recs)
		shanghai, _ := time.LoadLocation("Asia/Shanghai")
		cov := Evaluate(ev, Notice{ID: "n", PostingDays: 1, Start: "2026-11-10"}, shanghai, Hours{}, c.now().Add(time.Hour))
		wantAlert := map[bool]int64{true: 1800, false: 0}[alert]
		if got := ev.AlertSeconds["flood-1"]; got != wantAlert {
			t.Errorf("alert %v: %d alert seconds, want %d", alert, got, wantAlert)
		}
		if ev.Items["flood-1"] != nil {
			t.Errorf("the alert was logged as a notice")
		}
		switch {
		case alert && (cov.Status != StatusMet || len(cov.Gaps) != 1 || cov.Gaps[0].Cause != CauseAlert || cov.Gaps[0].Counted):
			t.Errorf("under an alert: %s, gaps %+v", cov.Status, cov.Gaps)
		case !alert && (cov.Status != StatusFailed || len(cov.Gaps) != 1 || cov.Gaps[0].Cause != CauseNotShown):
			t.Errorf("without the alert: %s, gaps %+v", cov.Status, cov.Gaps)
		}
		if alert {
			if got := AlertTimes(ev); len(got) != 1 || got[0] != (AlertReport{ID: "flood-1", Seconds: 1800}) {
				t.Errorf("report alerts %+v", got)
			}
		}
	}
}
