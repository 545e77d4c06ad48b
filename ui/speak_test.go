package ui

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/playback"
	"gongkai/store"
	"gongkai/sync/synctest"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
)

// fakeSpeaker stands in for the sound card (playback's own tests play to
// ALSA's null device): it reads what it is given and ends when stopped.
type fakeSpeaker struct {
	mu      gosync.Mutex
	playing bool
	bytes   int
	plays   int
	done    func(playback.Ended)
	volume  float64
}

func (f *fakeSpeaker) Play(r io.Reader, done func(playback.Ended)) error {
	data, err := io.ReadAll(r)
	if err != nil || len(data) == 0 {
		return errors.New("unreadable")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.playing, f.bytes, f.done = true, len(data), done
	f.plays++
	return nil
}

func (f *fakeSpeaker) Stop() {
	f.mu.Lock()
	done := f.done
	f.playing, f.done = false, nil
	f.mu.Unlock()
	if done != nil {
		done(playback.Ended{Err: playback.ErrStopped})
	}
}

// finish ends the sound as its end would.
func (f *fakeSpeaker) finish() {
	f.mu.Lock()
	done := f.done
	f.playing, f.done = false, nil
	f.mu.Unlock()
	if done != nil {
		done(playback.Ended{Seconds: 2})
	}
}

func (f *fakeSpeaker) SetVolume(v float64) { f.mu.Lock(); f.volume = v; f.mu.Unlock() }

func (f *fakeSpeaker) state() (bool, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.playing, f.plays
}

// spokenStore is the demo feed with land-2026-017 carrying a recording
// (made with sox, converted by publish as a clerk's would be).
func spokenStore(t *testing.T) *store.Store {
	t.Helper()
	st, next := demoFeed(t)
	src := filepath.Join(t.TempDir(), "demo")
	synctest.CopyDir(t, "../assets/demo", src)
	if err := exec.Command("sox", "-n", "-r", "16000", "-c", "1", filepath.Join(src, "items", "land", "read.wav"), "synth", "2", "sine", "300").Run(); err != nil {
		t.Fatal(err)
	}
	item := filepath.Join(src, "items", "land", "land-2026-017.md")
	data, err := os.ReadFile(item)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(item, []byte(strings.Replace(string(data), "priority: pinned\n", "priority: pinned\naudio: read.wav\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	next(src)
	return st
}

func eventuallyUI(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 400 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}

// The reader's 朗读 button plays the notice's audio and becomes 停止; the
// sound stops on leaving the notice, at the idle reset and when the admin
// panel opens; no button without audio, without a speaker or in the quiet
// hours.
func TestReadAloud(t *testing.T) {
	a := test.NewTempApp(t)
	st := spokenStore(t)
	c := &clock{t: demoNow}
	sp := &fakeSpeaker{}
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	k := New(a, w, Deps{Store: st, Location: dongwan, Clock: c.Now, Ticks: make(chan time.Time), Changes: make(chan struct{}), Speaker: sp, Volume: 40})
	k.Spawn = kit.Inline
	t.Cleanup(k.Close)
	w.Resize(portrait)
	if sp.volume != 0.4 {
		t.Errorf("volume %v, want 0.4", sp.volume)
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
		eventuallyUI(t, "playing", func() bool { p, _ := sp.state(); return p })
		if k.speak.btn.Text != "■ 停止" {
			t.Fatalf("button says %q while playing", k.speak.btn.Text)
		}
	}
	start()
	if sp.bytes < 1000 {
		t.Fatalf("played %d bytes of audio", sp.bytes)
	}
	test.Tap(k.speak.btn) // 停止
	if p, _ := sp.state(); p || k.speak.btn.Text != "▶ 朗读" {
		t.Fatal("停止 did not stop")
	}
	for _, leave := range []struct {
		name string
		do   func()
	}{
		{"back", k.back},
		{"another notice", func() { k.push(screen{kind: screenReader, itemID: "school-2027-enrol"}) }},
		{"idle reset", func() {
			c.t = c.t.Add(k.deps.IdleTimeout + k.deps.IdleCountdown + time.Second)
			k.CheckIdle()
		}},
		{"admin panel", func() { k.admin.Open(admin.PurposeOpen) }},
	} {
		start()
		leave.do()
		if p, _ := sp.state(); p {
			t.Fatalf("%s: still playing", leave.name)
		}
		k.admin.Box.Hide()
	}
	// No audio: no button.
	open("village-dw-2026q3-finance")
	if k.speak.btn.Visible() {
		t.Error("朗读 on a notice without audio")
	}
	// Quiet hours: no button, nothing plays.
	k.deps.Quiet = kit.HoursOf("09:00", "11:00")
	open("land-2026-017")
	if k.speak.btn.Visible() {
		t.Error("朗读 in the quiet hours")
	}
}

// A display screen reads its slides aloud only when the settings say so.
func TestDisplayReadsAloudOnlyWhenOn(t *testing.T) {
	for _, on := range []bool{false, true} {
		a := test.NewTempApp(t)
		st := spokenStore(t)
		sp := &fakeSpeaker{}
		w := test.NewWindow(nil)
		k := New(a, w, Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }, Ticks: make(chan time.Time),
			Changes: make(chan struct{}), Mode: "display", Speaker: sp, ReadAloud: on})
		k.Spawn = kit.Inline
		w.Resize(fyne.NewSize(1920, 1080))
		if !k.disp.Rot.Show("land-2026-017", demoNow) {
			t.Fatal("no slide")
		}
		k.disp.ShowSlide(demoNow)
		if on {
			eventuallyUI(t, "reading the slide", func() bool { p, _ := sp.state(); return p })
		} else if _, n := sp.state(); n != 0 {
			t.Fatal("a display read aloud with read_aloud off")
		}
		k.Close()
		w.Close()
	}
}

// TestWriteSpeakShots renders the reader of a notice with audio (朗读)
// and the settings page into $GONGKAI_SHOTS, portrait and landscape,
// every text size.
func TestWriteSpeakShots(t *testing.T) {
	out := os.Getenv("GONGKAI_SHOTS")
	if out == "" {
		t.Skip("set GONGKAI_SHOTS=DIR to write screenshots")
	}
	st := spokenStore(t)
	for _, size := range []fyne.Size{portrait, landscape} {
		for step := range kit.TextSteps {
			img, err := Screenshot(Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }, TextStep: step, Speaker: &fakeSpeaker{}},
				"item:land-2026-017", size)
			if err != nil {
				t.Fatal(err)
			}
			writePNG(t, filepath.Join(out, "speak-reader-"+orient(size)+"-"+kit.TextSteps[step].Name+".png"), img)
		}
		img, err := Screenshot(Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }}, "admin:settings", size)
		if err != nil {
			t.Fatal(err)
		}
		writePNG(t, filepath.Join(out, "speak-settings-"+orient(size)+".png"), img)
	}
}
