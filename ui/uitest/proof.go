package uitest

import (
	"testing"
	"time"

	"gongkai/config"
	"gongkai/proof"
)

// LandLog keeps a display log of the land notice (30 days from 11-10) on
// this touch screen up to DemoNow, with the program down three hours on
// 11-12 and the screen off an hour on 11-15; build computes its report
// the way gongkai report does.
func LandLog(t *testing.T) (*proof.Log, func(proof.Records) (proof.Report, error)) {
	t.Helper()
	dir := t.TempDir()
	key, err := proof.EnsureDeviceKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := &Clock{T: time.Date(2026, 11, 9, 23, 0, 0, 0, DemoNow.Location())}
	const land = "land-2026-017"
	up := func() *proof.Log {
		l, err := proof.Open(dir, key, c.Now)
		if err != nil {
			t.Fatal(err)
		}
		l.ProgramUp()
		l.Showing(config.ModeTouch, []string{land})
		return l
	}
	at := func(l *proof.Log, day, hour int) {
		c.T = time.Date(2026, 11, day, hour, 0, 0, 0, DemoNow.Location())
		l.Tick()
	}
	l := up()
	at(l, 12, 9)
	l.Close()
	c.T = c.T.Add(3 * time.Hour)
	l = up()
	at(l, 15, 20)
	l.ScreenOn(false)
	at(l, 15, 21)
	l.ScreenOn(true)
	c.T = DemoNow
	l.Tick()
	t.Cleanup(func() { l.Close() })
	tz := DemoNow.Location()
	return l, func(r proof.Records) (proof.Report, error) {
		ev := proof.NewEvidence(r)
		n := proof.Notice{ID: land, Title: "东湾村三组集体土地征收补偿安置方案公告", PostingDays: 30, Start: "2026-11-10"}
		return proof.NewReport(l.PublicKey(), []proof.Coverage{proof.Evaluate(ev, n, tz, proof.Hours{}, DemoNow)}, tz, proof.Hours{}, DemoNow), nil
	}
}
