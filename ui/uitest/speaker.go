package uitest

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/playback"
	"gongkai/store"
	"gongkai/sync/synctest"
)

// FakeSpeaker stands in for the sound card (playback's own tests play to
// ALSA's null device): it reads what it is given and ends when stopped.
type FakeSpeaker struct {
	mu      sync.Mutex
	playing bool
	bytes   int
	plays   int
	done    func(playback.Ended)
	volume  float64
}

func (f *FakeSpeaker) Play(r io.Reader, done func(playback.Ended)) error {
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

func (f *FakeSpeaker) Stop() {
	f.mu.Lock()
	done := f.done
	f.playing, f.done = false, nil
	f.mu.Unlock()
	if done != nil {
		done(playback.Ended{Err: playback.ErrStopped})
	}
}

// Finish ends the sound as its end would.
func (f *FakeSpeaker) Finish() {
	f.mu.Lock()
	done := f.done
	f.playing, f.done = false, nil
	f.mu.Unlock()
	if done != nil {
		done(playback.Ended{Seconds: 2})
	}
}

func (f *FakeSpeaker) SetVolume(v float64) { f.mu.Lock(); f.volume = v; f.mu.Unlock() }

// State says whether it plays now, and how many sounds it was given.
func (f *FakeSpeaker) State() (bool, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.playing, f.plays
}

// Bytes is how much audio the last sound had; Volume the volume set.
func (f *FakeSpeaker) Bytes() int      { f.mu.Lock(); defer f.mu.Unlock(); return f.bytes }
func (f *FakeSpeaker) Volume() float64 { f.mu.Lock(); defer f.mu.Unlock(); return f.volume }

// SpokenStore is the demo feed with land-2026-017 carrying a recording
// (made with sox, converted by publish as a clerk's would be).
func SpokenStore(t *testing.T) *store.Store {
	t.Helper()
	st, next := DemoFeed(t)
	src := filepath.Join(t.TempDir(), "demo")
	synctest.CopyDir(t, Repo("assets/demo"), src)
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

// Eventually waits up to four seconds for cond, which the UI goroutine
// makes true.
func Eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 400 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}
