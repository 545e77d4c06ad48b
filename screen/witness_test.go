package screen

import (
	"testing"
	"time"

	"gongkai/proof"
)

// The window shows its first slide before the display log opens: the relay
// hands it over at attach, and stops at detach.
func TestSlideRelayKeepsTheSlideUntilTheLogOpens(t *testing.T) {
	data := t.TempDir()
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	log, err := proof.Open(data, key, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	var r slideRelay
	r.show("a") // before the log
	r.attach(log)
	clock = clock.Add(20 * time.Second)
	r.show("b")
	clock = clock.Add(10 * time.Second)
	r.attach(nil)
	r.show("a") // after: not counted
	clock = clock.Add(time.Hour)
	recs, err := log.Records()
	if err != nil {
		t.Fatal(err)
	}
	ev := proof.NewEvidence(recs)
	if a, b := ev.Items["a"], ev.Items["b"]; a == nil || b == nil || a.OnScreenSeconds != 20 || b.OnScreenSeconds != 10 {
		t.Errorf("on screen a %+v, b %+v; want 20 s and 10 s (up to the detach)", a, b)
	}
}
