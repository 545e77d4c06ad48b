package playback

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"gongkai/feed"
)

// TestMain points ALSA at a configuration of our own, made here, whose
// default device is the null device: the tests play real sound through
// oto and ALSA to a card that discards it, on a machine without one.
func TestMain(m *testing.M) {
	if os.Getenv("GONGKAI_NO_CARD") != "" {
		os.Exit(m.Run()) // the child of TestNoCard: ALSA as the parent set it
	}
	dir, err := os.MkdirTemp("", "gongkai-alsa-")
	if err != nil {
		panic(err)
	}
	conf := filepath.Join(dir, "asound.conf")
	if err := os.WriteFile(conf, []byte("pcm.!default { type null }\nctl.!default { type hw card 0 }\n"), 0o644); err != nil {
		panic(err)
	}
	os.Setenv("ALSA_CONFIG_PATH", conf)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tone makes an MP3 of seconds of a sine at rate, with sox (publish's own tool).
func tone(t testing.TB, seconds string, rate int) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tone.mp3")
	cmd := exec.Command("sox", "-n", "-r", strconv.Itoa(rate), "-c", "1", "-C", "32", path, "synth", seconds, "sine", "440")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sox: %v: %s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func newPlayer(t *testing.T) *Player {
	t.Helper()
	p, err := New()
	if err != nil {
		t.Fatalf("no sound output through ALSA's null device: %v", err)
	}
	return p
}

// A two-second MP3 of the screens' form is decoded and played whole to
// the null device, and says so when it ends.
func TestPlayToALSANull(t *testing.T) {
	p := newPlayer(t)
	ended := make(chan Ended, 1)
	if err := p.Play(bytes.NewReader(tone(t, "2", feed.AudioRate)), func(e Ended) { ended <- e }); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-ended:
		if e.Err != nil || e.Seconds < 1.9 || e.Seconds > 2.2 {
			t.Fatalf("ended %+v, want 2 s played", e)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the sound never ended")
	}
	if p.Playing() {
		t.Error("still playing after its end")
	}
}

// Stop (leaving the notice, idle reset, the admin panel) ends the sound
// at once, wherever it is: here one whose bytes are still arriving.
func TestStop(t *testing.T) {
	p := newPlayer(t)
	data := tone(t, "5", feed.AudioRate)
	pr, pw := io.Pipe()
	defer pw.Close()
	go pw.Write(data[:len(data)/2]) // the rest never comes until the pipe closes
	ended := make(chan Ended, 1)
	if err := p.Play(pr, func(e Ended) { ended <- e }); err != nil {
		t.Fatal(err)
	}
	if !p.Playing() {
		t.Fatal("not playing")
	}
	p.Stop()
	select {
	case e := <-ended:
		if !errors.Is(e.Err, ErrStopped) {
			t.Fatalf("ended %+v, want stopped", e)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Stop did not end the sound")
	}
	if p.Playing() {
		t.Error("playing after Stop")
	}
}

// Hostile or wrong audio fails safely: refused before anything plays, or
// (cut off, damaged) ends early with what decoded; never a panic.
func TestHostileAudio(t *testing.T) {
	good := tone(t, "2", feed.AudioRate)
	damaged := bytes.Clone(good)
	for i := len(damaged) / 3; i < len(damaged)/3+400; i++ {
		damaged[i] ^= 0x5a
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		refused bool
	}{
		{"empty", nil, true},
		{"random bytes", bytes.Repeat([]byte{0xff, 0xfb, 0x12, 0x00}, 2000), true},
		{"text", []byte("not audio at all"), true},
		{"another rate", tone(t, "1", 44100), true},
		{"cut off", good[:len(good)/2], false},
		{"damaged", damaged, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secs, err := Check(bytes.NewReader(tc.data))
			if tc.refused {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("Check: %.2f s, %v; want ErrFormat", secs, err)
				}
				p := newPlayer(t)
				if err := p.Play(bytes.NewReader(tc.data), nil); !errors.Is(err, ErrFormat) {
					t.Fatalf("Play: %v; want ErrFormat", err)
				}
				if p.Playing() {
					t.Fatal("a refused sound is playing")
				}
				return
			}
			if secs <= 0 || secs >= 2.2 {
				t.Fatalf("Check: %.2f s (%v)", secs, err)
			}
		})
	}
}

// FuzzCheck: any bytes decode to a bounded length or fail with ErrFormat;
// never a panic.
func FuzzCheck(f *testing.F) {
	f.Add(tone(f, "0.3", feed.AudioRate))
	f.Add([]byte{0xff, 0xfb, 0x90, 0x64})
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		secs, err := Check(bytes.NewReader(data))
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Fatalf("error not ErrFormat: %v", err)
		}
		if secs < 0 || secs > MaxSeconds {
			t.Fatalf("%.1f s", secs)
		}
	})
}

// A screen without a sound card gets ErrNoCard from New, so it shows no
// 朗读 button, rather than a player that never plays. oto allows one
// context a process: this runs in a child process whose ALSA has no
// device at all. Nor does libasound write its complaints about the
// missing card into the kiosk's log: the error says it once.
func TestNoCard(t *testing.T) {
	if os.Getenv("GONGKAI_NO_CARD") != "" {
		if _, err := New(); !errors.Is(err, ErrNoCard) {
			t.Fatalf("New without a card: %v", err)
		}
		return
	}
	conf := filepath.Join(t.TempDir(), "asound.conf")
	if err := os.WriteFile(conf, []byte("# no devices\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestNoCard$", "-test.v")
	cmd.Env = append(os.Environ(), "GONGKAI_NO_CARD=1", "ALSA_CONFIG_PATH="+conf)
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: TestNoCard")) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("ALSA lib")) {
		t.Fatalf("libasound wrote to stderr:\n%s", out)
	}
}
