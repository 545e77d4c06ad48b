package villager

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

type fakeSpeaker = uitest.FakeSpeaker

var (
	spokenStore = uitest.SpokenStore
	eventually  = uitest.Eventually
)

// The reader's 朗读 button plays the notice's audio and becomes 停止; the
// sound stops on leaving the notice, at the idle reset and when the admin
// panel opens; no button without audio, without a speaker or in the quiet
// hours.
func TestReadAloud(t *testing.T) {
	st := spokenStore(t)
	sp := &fakeSpeaker{}
	k := newScreens(t, st, portrait, Options{Speaker: sp, Volume: 40}, nil)
	if sp.Volume() != 0.4 {
		t.Errorf("volume %v, want 0.4", sp.Volume())
	}
	open := func(id string) {
		k.goHome()
		k.push(screen{kind: screenReader, itemID: id})
	}
	start := func() {
		t.Helper()
		open("land-2026-017")
		if !k.speak.btn.Visible() || k.speak.btn.Text != "▶ 朗读" {
			t.Fatalf("no 朗读 button on a notice with audio (visible %v, %q)", k.speak.btn.Visible(), k.speak.btn.Text)
		}
		test.Tap(k.speak.btn)
		eventually(t, "playing", func() bool { p, _ := sp.State(); return p })
		if k.speak.btn.Text != "■ 停止" {
			t.Fatalf("button says %q while playing", k.speak.btn.Text)
		}
	}
	start()
	if sp.Bytes() < 1000 {
		t.Fatalf("played %d bytes of audio", sp.Bytes())
	}
	test.Tap(k.speak.btn) // 停止
	if p, _ := sp.State(); p || k.speak.btn.Text != "▶ 朗读" {
		t.Fatal("停止 did not stop")
	}
	for _, leave := range []struct {
		name string
		do   func()
	}{
		{"back", k.back},
		{"another notice", func() { k.push(screen{kind: screenReader, itemID: "school-2027-enrol"}) }},
		{"idle reset", k.Reset}, // what the window's idle reset calls
		{"admin panel", k.Hush}, // what the window calls when the panel opens (ui's TestAdminPanelStopsReadingAloud)
	} {
		start()
		leave.do()
		if p, _ := sp.State(); p {
			t.Fatalf("%s: still playing", leave.name)
		}
	}
	// No audio: no button.
	open("village-dw-2026q3-finance")
	if k.speak.btn.Visible() {
		t.Error("朗读 on a notice without audio")
	}
	// Quiet hours: no button, nothing plays.
	k.opts.Quiet = kit.HoursOf("09:00", "11:00")
	open("land-2026-017")
	if k.speak.btn.Visible() {
		t.Error("朗读 in the quiet hours")
	}
}
