package publish

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gongkai/feed"
)

// soxSeconds measures an audio file with sox, as the issue asks.
func soxSeconds(t *testing.T, path string) float64 {
	t.Helper()
	out, err := exec.Command("sox", "--i", "-D", asMP3(t, path)).Output()
	if err != nil {
		t.Fatalf("sox --i -D %s: %v", path, err)
	}
	s, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asMP3 is a copy of an object named .mp3: sox --i tells a file's type by
// its name.
func asMP3(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "audio.mp3")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// publish --speak: every notice gets signed speech whose length, measured
// with sox, grows with its text; a cached copy is used the second time.
func TestSpeakGrowsWithText(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	sentence := "明天上午八点到十二点停水，请提前储水。"
	writeFiles(t, src, map[string]string{
		"feed.yaml": feedYAML,
		"short.md":  "---\nid: short\ntitle: 停水\ncategory: land\nagency: 水厂\npublished: 2026-11-18\nlocations: all\n---\n" + sentence + "\n",
		"long.md":   "---\nid: long\ntitle: 停水\ncategory: land\nagency: 水厂\npublished: 2026-11-18\nlocations: all\n---\n" + strings.Repeat(sentence, 4) + "\n",
	})
	cache := t.TempDir()
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow, Speak: true, SpeechCache: cache}); err != nil {
		t.Fatal(err)
	}
	_, items, _ := screenRead(t, out, testKey(1).Public().(ed25519.PublicKey), feed.Trust{Now: testNow})
	secs := map[string]float64{}
	for id, it := range items {
		if it.Audio == nil || it.Audio.Type != feed.AudioType || it.Audio.Name != speakName {
			t.Fatalf("%s: audio %+v", id, it.Audio)
		}
		path := filepath.Join(out, filepath.FromSlash(it.Audio.Path()))
		secs[id] = soxSeconds(t, path)
		info, err := exec.Command("sox", "--i", "-r", asMP3(t, path)).Output()
		if err != nil || strings.TrimSpace(string(info)) != strconv.Itoa(feed.AudioRate) {
			t.Fatalf("%s: rate %q %v", id, info, err)
		}
	}
	t.Logf("speech: short %.2f s, long %.2f s", secs["short"], secs["long"])
	if secs["short"] < 1 || secs["long"] < 2*secs["short"] {
		t.Fatalf("speech lengths %v: the longer text is not read longer", secs)
	}
	// The second publication takes the speech from the cache, unchanged.
	files, _ := os.ReadDir(cache)
	if len(files) != 2 {
		t.Fatalf("cache holds %d files", len(files))
	}
	res, err := build(src, out, Options{Key: testKey(1), Now: testNow.Add(60e9), Speak: true, SpeechCache: cache})
	if err != nil || res.NewObjects != 0 {
		t.Fatalf("republish: %+v %v", res, err)
	}
}

// A clerk's own recording is converted to the screens' form; a broken,
// hostile or mislabelled one is refused naming the file and line, and
// nothing is written.
func TestItemAudio(t *testing.T) {
	dir := t.TempDir()
	wav := filepath.Join(dir, "clerk.wav")
	if err := exec.Command("sox", "-n", "-r", "44100", "-c", "2", wav, "synth", "3", "sine", "440").Run(); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(wav)
	junk := make([]byte, 5000)
	rand.Read(junk)
	// A WAV header that claims a day of audio, then stops.
	huge := append([]byte(nil), good[:44]...)
	huge[40], huge[41], huge[42], huge[43] = 0xff, 0xff, 0xff, 0x7f
	for _, tc := range []struct {
		name, file string
		data       []byte
		says       string
	}{
		{"wav recording", "clerk.wav", good, ""},
		{"random bytes as mp3", "clerk.mp3", junk, "sox cannot read it"},
		{"random bytes as ogg", "clerk.ogg", junk, "sox cannot read it"},
		{"wav that is an mp3", "clerk.wav", []byte("ID3\x03\x00\x00\x00\x00\x00\x00" + string(junk)), "sox cannot read it"},
		{"header without sound", "clerk.wav", huge, "audio"},
		{"empty", "clerk.mp3", nil, "sox cannot read it"},
		{"not audio", "clerk.txt", []byte("hello"), "use an .mp3, .ogg or .wav"},
		{"outside the source", "../../../clerk.wav", good, "outside the source folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			src, out := filepath.Join(root, "src"), filepath.Join(root, "out")
			writeSource(t, src, withExtra("audio: "+tc.file))
			writeFiles(t, root, map[string]string{filepath.Join("src", "items", "land", tc.file): string(tc.data)})
			before := snapshot(t, root)
			_, err := build(src, out, Options{Key: testKey(1), Now: testNow})
			if tc.says == "" {
				if err != nil {
					t.Fatal(err)
				}
				_, items, _ := screenRead(t, out, testKey(1).Public().(ed25519.PublicKey), feed.Trust{Now: testNow})
				a := items["land-001"].Audio
				if a == nil || a.Name != "clerk.mp3" || a.Type != feed.AudioType {
					t.Fatalf("audio %+v", a)
				}
				if s := soxSeconds(t, filepath.Join(out, filepath.FromSlash(a.Path()))); s < 2.9 || s > 3.2 {
					t.Fatalf("converted recording is %.2f s, want 3", s)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), "land-001.md:13:") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line at land-001.md:13 saying %q", err, tc.says)
			}
			sameSnapshot(t, before, snapshot(t, root))
		})
	}
}
