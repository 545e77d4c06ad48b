package proof

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// sampleExport logs a few days with a short retention, so the export holds
// summaries and entries, on-screen seconds among them.
func sampleExport(t testing.TB) ([]byte, *Log) {
	dir, key := t.TempDir(), seedKey(1)
	c := newClock("2026-11-10T00:00:00+08:00")
	l, err := Open(dir, key, c.now)
	if err != nil {
		t.Fatal(err)
	}
	l.retention = 1
	l.ProgramUp()
	for i := range 12 {
		l.Showing("touch", []string{"a", []string{"b", "c"}[i%2]})
		l.OnScreen([]string{"a", "b", ""}[i%3])
		c.add(6 * time.Hour)
		l.Tick()
	}
	data, err := l.Export(func(r Records) (Report, error) {
		return Report{Device: "x", Notices: []NoticeReport{{ID: "a", DisplayedSeconds: 42}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return data, l
}

func TestExportVerifiesAndCatchesChanges(t *testing.T) {
	data, l := sampleExport(t)
	v, err := VerifyExport(data, l.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if v.Summaries == 0 || v.Entries < 4 || v.Report.Notices[0].DisplayedSeconds != 42 {
		t.Fatalf("verified export: %d summaries, %d entries", v.Summaries, v.Entries)
	}
	edit := func(f func(x *Export)) []byte {
		var x Export
		mustDo(t, json.Unmarshal(data, &x))
		f(&x)
		b, _ := json.Marshal(x)
		return b
	}
	other := seedKey(9)
	onScreen, interval := -1, -1 // an on_screen entry (not the last), an interval
	var sample Export
	mustDo(t, json.Unmarshal(data, &sample))
	for i, e := range sample.Entries[:len(sample.Entries)-1] {
		switch {
		case e.Kind == KindOnScreen && onScreen < 0:
			onScreen = i
		case e.Kind != KindOnScreen && interval < 0:
			interval = i
		}
	}
	if onScreen < 0 || interval < 0 {
		t.Fatal("the sample export has no on_screen entry or no interval")
	}
	for _, tc := range []struct {
		name, says string
		data       []byte
	}{
		{"edited entry", "hash does not match", edit(func(x *Export) { x.Entries[1].End = x.Entries[1].Start })},
		{"edited entry and its hash", "does not chain from entry", edit(func(x *Export) {
			x.Entries[1].End = x.Entries[1].Start
			e, _, _ := x.Entries[1].decode()
			x.Entries[1].Hash = e.Hash().String()
		})},
		{"edited on-screen seconds", "hash does not match", edit(func(x *Export) { x.Entries[onScreen].Seconds-- })},
		{"edited on-screen seconds and its hash", "does not chain from entry", edit(func(x *Export) {
			x.Entries[onScreen].Seconds--
			e, _, _ := x.Entries[onScreen].decode()
			x.Entries[onScreen].Hash = e.Hash().String()
		})},
		{"seconds on a shown entry", "with seconds", edit(func(x *Export) { x.Entries[interval].Seconds = 1 })},
		{"deleted entry", "follows entry", edit(func(x *Export) { x.Entries = append(x.Entries[:1], x.Entries[2:]...) })},
		{"reordered entries", "follows entry", edit(func(x *Export) { x.Entries[1], x.Entries[2] = x.Entries[2], x.Entries[1] })},
		{"inserted entry", "follows entry", edit(func(x *Export) {
			x.Entries = append(x.Entries[:2], append([]EntryJSON{x.Entries[1]}, x.Entries[2:]...)...)
		})},
		{"dropped tail", "the signed head is entry", edit(func(x *Export) { x.Entries = x.Entries[:len(x.Entries)-1] })},
		{"dropped summaries", "without a summary before it", edit(func(x *Export) { x.Summaries = nil })},
		{"edited summary", "signature does not verify", edit(func(x *Export) { x.Summaries[0].Totals[0].Seconds++ })},
		{"edited report", "report signature does not verify", []byte(strings.Replace(string(data), `"displayed_seconds": 42`, `"displayed_seconds": 4200`, 1))},
		{"re-signed by another device", "signed by device", func() []byte {
			recs := RecordsOfT(t, data)
			for i := range recs.Summaries {
				recs.Summaries[i].sign(other)
			}
			recs.Head.sign(other)
			b, err := encodeExport(recs, Report{}, other)
			mustDo(t, err)
			if _, err := VerifyExport(b, nil); err != nil {
				t.Errorf("a consistent re-signed export fails unpinned: %v", err)
			}
			return b
		}()},
	} {
		_, err := VerifyExport(tc.data, l.PublicKey())
		if err == nil || !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line saying %q", tc.name, err, tc.says)
		}
	}
}

func RecordsOfT(t *testing.T, data []byte) Records {
	r, err := RecordsOf(data)
	mustDo(t, err)
	var x Export
	mustDo(t, json.Unmarshal(data, &x))
	r.Head, err = x.Head.decode()
	mustDo(t, err)
	return r
}

func FuzzVerifyExport(f *testing.F) {
	data, _ := sampleExport(f)
	f.Add(data)
	f.Add([]byte(`{"format":"gongkai-display-export/1","entries":[{"seq":1}]}`))
	f.Add([]byte(`{"summaries":[{"totals":[{"spans":[[1,0]]}]}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := VerifyExport(b, nil)
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	})
}

func TestGapsByCause(t *testing.T) {
	n := NoticeReport{Gaps: []GapJSON{
		{Cause: CauseScreenOff, Seconds: 60, Counted: true},
		{Cause: CauseOffHours, Seconds: 3600},
		{Cause: CauseProgramDown, Seconds: 30, Counted: true},
		{Cause: CauseScreenOff, Seconds: 40, Counted: true},
	}}
	got := n.GapsByCause()
	want := []CauseTotal{{CauseProgramDown, 1, 30}, {CauseScreenOff, 2, 100}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("GapsByCause = %v, want %v (off-hours excused, in the order causes are assigned)", got, want)
	}
	for _, c := range causeOrder {
		if CauseNames[c] == "" {
			t.Errorf("cause %q has no Chinese name", c)
		}
	}
}
