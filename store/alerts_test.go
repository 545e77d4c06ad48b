package store

import (
	"bytes"
	"os"
	"slices"
	"testing"
	"time"

	"gongkai/feed"
)

func (p *publisher) alerts(t testing.TB, version int64, list ...feed.Alert) (*feed.VerifiedAlerts, []byte) {
	t.Helper()
	a := &feed.Alerts{FeedID: "jinze-town", Version: version, IssuedAt: p.issued, Expires: p.issued.Add(30 * 24 * time.Hour), Alerts: list}
	raw, err := feed.EncodeAlerts(a)
	if err != nil {
		t.Fatal(err)
	}
	v, err := feed.VerifyAlerts(raw, feed.Sign(raw, p.priv), feed.Trust{Key: p.pub, Now: p.issued})
	if err != nil {
		t.Fatal(err)
	}
	return v, raw
}

func testAlert(id, prio string, start time.Time, d time.Duration, locs ...string) feed.Alert {
	return feed.Alert{ID: id, Title: "警报 " + id, Agency: "金泽镇应急办", Priority: prio, Start: start, End: start.Add(d), Locations: locs}
}

// Alerts in force for a screen: targeted, started, not ended, urgent first;
// they survive a reopen, and Check sees damage to their bytes.
func TestAlertsApplyAndQuery(t *testing.T) {
	s, dir := openTemp(t)
	p := newPublisher(t)
	t0 := p.issued
	v, raw := p.alerts(t, 1,
		testAlert("flood", feed.AlertUrgent, t0, 6*time.Hour, "310118901"),
		testAlert("water", feed.AlertNormal, t0.Add(time.Hour), time.Hour, "all"),
		testAlert("other-town", feed.AlertUrgent, t0, 6*time.Hour, "310118902"),
	)
	if err := s.ApplyAlerts(v, raw, "test", t0); err != nil {
		t.Fatal(err)
	}
	here := "310118901201"
	for _, tc := range []struct {
		at   time.Time
		want []string
	}{
		{t0.Add(-time.Minute), nil},
		{t0, []string{"flood"}},
		{t0.Add(90 * time.Minute), []string{"flood", "water"}},
		{t0.Add(6 * time.Hour), nil},
	} {
		got, err := s.Alerts(here, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if ids := ids(got, func(a feed.Alert) string { return a.ID }); !slices.Equal(ids, tc.want) {
			t.Errorf("at %s: %v, want %v", tc.at, ids, tc.want)
		}
	}
	next, ok, err := s.NextAlertChange(t0.Add(90 * time.Minute))
	if err != nil || !ok || !next.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("next change %s %v %v", next, ok, err)
	}
	if st, _ := s.State(); !st.TrustedTime.Equal(t0) {
		t.Errorf("trusted time %s, want the alerts' issue %s", st.TrustedTime, t0)
	}
	as, _ := s.AlertState()
	if as.Version != 1 || as.Sum != feed.Sum(raw) {
		t.Fatalf("state %+v", as)
	}
	if err := s.RecordAlertPoll("src", t0.Add(time.Minute), os.ErrDeadlineExceeded); err != nil {
		t.Fatal(err)
	}
	if as, _ := s.AlertState(); as.LastError == "" || as.Version != 1 {
		t.Fatalf("after a failed poll %+v", as)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, _ := s2.Alerts(here, t0); len(got) != 1 {
		t.Fatalf("after reopen: %v", got)
	}
	if problems, err := s2.Check(); err != nil || len(problems) != 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

// A notice's audio is one of its files: an Apply refuses it unstored, keeps
// it when it collects, and Check verifies it.
func TestAudioIsKept(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	sound := []byte("ID3 pretend mp3 bytes")
	o := feed.Object{SHA256: feed.Sum(sound), Size: int64(len(sound))}
	spoken := item("spoken", func(it *feed.Item) { it.Audio = &feed.Attachment{Name: "朗读.mp3", Type: feed.AudioType, Object: o} })
	if _, err := s.Apply(p.next(t, []feed.Item{spoken}, o)); err == nil {
		t.Fatal("applied an item whose audio is not stored")
	}
	p.version--
	if err := s.PutBlob(o.SHA256, bytes.NewReader(sound)); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, p.next(t, []feed.Item{spoken}, o))
	mustApply(t, s, p.next(t, []feed.Item{spoken, item("other", nil)}, o))
	if err := s.GC(); err != nil {
		t.Fatal(err)
	}
	if !s.HasBlob(o.SHA256) {
		t.Fatal("the audio was collected")
	}
	if problems, err := s.Check(); err != nil || len(problems) != 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
	if err := os.Remove(s.BlobPath(o.SHA256)); err != nil {
		t.Fatal(err)
	}
	if problems, _ := s.Check(); len(problems) == 0 {
		t.Fatal("check did not miss the deleted audio")
	}
}
