package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/feed"
)

// A notice read aloud is made here, where it is published and signed:
// a clerk's recording (mp3, ogg, wav) is converted, or speech is made from
// the text with espeak-ng (--speak). Either way it leaves as the one form
// screens play (feed.AudioType at feed.AudioRate, mono), so a screen needs
// one decoder, and sox decoding the whole recording is what refuses a
// broken or hostile file before it is signed.

// audioExts are the recordings a clerk may name with audio:.
var audioExts = map[string]bool{".mp3": true, ".ogg": true, ".wav": true}

// Limits of audio.
const (
	MaxAudioSeconds = 30 * 60 // a notice read aloud longer than half an hour is a mistake
	MaxSpeakText    = 5_000   // characters read aloud by --speak: about 17 minutes
	audioBitrate    = "32"    // kbit/s of the MP3: clear speech, 4 KB a second
	speakVoice      = "cmn"   // espeak-ng's Mandarin
	speakName       = "朗读.mp3"
	toolTimeout     = 10 * time.Minute
)

// ErrAudio is the error of a recording that cannot be published.
var ErrAudio = errors.New("audio cannot be used")

// convertAudio turns the recording at path into the screens' form. sox
// reads (so checks) it whole; a file it cannot decode, or one longer than
// MaxAudioSeconds, is refused.
func convertAudio(ctx context.Context, path string) ([]byte, error) {
	sox, err := tool("sox", "sox and libsox-fmt-mp3")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gongkai-audio-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out.mp3")
	ctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	// The input's type is named, not guessed from its first bytes, and
	// sox's own effects stop at the time limit: a file claiming days of
	// audio costs at most MaxAudioSeconds of decoding.
	in := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	cmd := exec.CommandContext(ctx, sox, "-V1", "-t", in, path, "-t", "mp3", "-C", audioBitrate, "-c", "1", "-r", strconv.Itoa(feed.AudioRate), out,
		"trim", "0", strconv.Itoa(MaxAudioSeconds+1))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w: sox cannot read it as %s (%s)", ErrAudio, in, toolError(&stderr, err))
	}
	secs, err := audioSeconds(ctx, sox, out)
	if err != nil {
		return nil, err
	}
	switch {
	case secs <= 0:
		return nil, fmt.Errorf("%w: it holds no sound", ErrAudio)
	case secs > MaxAudioSeconds:
		return nil, fmt.Errorf("%w: it is longer than %d minutes", ErrAudio, MaxAudioSeconds/60)
	}
	data, err := readCapped(out, MaxAttachment)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAudio, err)
	}
	return data, nil
}

// audioSeconds is the length of an audio file, as sox measures it.
func audioSeconds(ctx context.Context, sox, path string) (float64, error) {
	out, err := exec.CommandContext(ctx, sox, "--i", "-D", path).Output()
	if err != nil {
		return 0, fmt.Errorf("%w: sox cannot measure it: %v", ErrAudio, err)
	}
	return strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
}

// speak makes the screens' audio of text with espeak-ng's Mandarin voice.
// Speech of the same text is kept in cacheDir ("" for none): espeak-ng
// takes a second or two a notice, and most of a feed is unchanged from
// one publication to the next.
func speak(ctx context.Context, text, cacheDir string) ([]byte, error) {
	key := feed.Sum([]byte(speakVoice + "\x00" + audioBitrate + "\x00" + text))
	cached := ""
	if cacheDir != "" {
		cached = filepath.Join(cacheDir, key+".mp3")
		if data, err := os.ReadFile(cached); err == nil {
			return data, nil
		}
	}
	espeak, err := tool("espeak-ng", "espeak-ng")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gongkai-speak-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	txt, wav := filepath.Join(dir, "text.txt"), filepath.Join(dir, "speech.wav")
	if err := os.WriteFile(txt, []byte(text), 0o600); err != nil {
		return nil, err
	}
	tctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	// The text from a file, never the command line: a notice starting
	// with '-' must not become an option.
	cmd := exec.CommandContext(tctx, espeak, "-v", speakVoice, "-f", txt, "-w", wav)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("espeak-ng: %s", toolError(&stderr, err))
	}
	data, err := convertAudio(ctx, wav)
	if err != nil {
		return nil, err
	}
	if cached != "" && os.MkdirAll(cacheDir, 0o700) == nil {
		_ = os.WriteFile(cached, data, 0o600) // a cache: failing to keep it costs time only
	}
	return data, nil
}

// itemAudio makes the audio of one notice, if it has any: its own
// recording, else speech when opt.Speak. It sets it.Audio's name and type;
// the caller adds the object.
func itemAudio(si *SourceItem, it *feed.Item, opt Options) ([]byte, error) {
	var data []byte
	var err error
	switch {
	case si.Audio != "":
		if data, err = convertAudio(context.Background(), si.Audio); err != nil {
			return nil, &SourceError{File: si.Path, Line: si.line("audio"), Msg: fmt.Sprintf("audio %q: %v", si.audio, err)}
		}
		base := strings.TrimSuffix(filepath.Base(si.audio), filepath.Ext(si.audio))
		it.Audio = &feed.Attachment{Name: base + ".mp3", Type: feed.AudioType}
	case opt.Speak && it.Withdrawn == "":
		if data, err = speak(context.Background(), speechText(it), opt.SpeechCache); err != nil {
			return nil, &SourceError{File: si.Path, Msg: fmt.Sprintf("reading it aloud: %v", err)}
		}
		it.Audio = &feed.Attachment{Name: speakName, Type: feed.AudioType}
	default:
		return nil, nil
	}
	return data, nil
}

// tool finds an outside program publish needs, or says what to install.
func tool(name, pkg string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("publish: audio needs %s on this computer (Debian: apt-get install %s)", name, pkg)
	}
	return p, nil
}

// toolError is the last line a tool wrote, or how it ended.
func toolError(stderr *bytes.Buffer, err error) string {
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return feed.Printable(last, 200)
	}
	return err.Error()
}

var (
	mdLink   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdMarks  = regexp.MustCompile("[#*_`>|~]+|<[^>]*>")
	mdRules  = regexp.MustCompile(`(?m)^\s*[-:| ]{3,}\s*$`)
	mdSpaces = regexp.MustCompile(`[ \t]+`)
)

// speechText is what --speak reads of a notice: its title, its agency and
// its body without Markdown's marks, cut at MaxSpeakText characters.
func speechText(it *feed.Item) string {
	body := mdRules.ReplaceAllString(it.Body, "")
	body = mdLink.ReplaceAllString(body, "$1")
	body = mdMarks.ReplaceAllString(body, " ")
	body = mdSpaces.ReplaceAllString(body, " ")
	text := it.Title + "。" + it.Agency + "。\n" + strings.TrimSpace(body)
	if utf8.RuneCountInString(text) > MaxSpeakText {
		text = string([]rune(text)[:MaxSpeakText]) + "。全文请在屏幕上阅读。"
	}
	return text
}

// DefaultSpeechCache is where publish keeps speech between publications
// (Options.SpeechCache): the user's cache folder, "" without one.
func DefaultSpeechCache() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "gongkai", "speech")
}
