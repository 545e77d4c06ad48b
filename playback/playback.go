// Package playback plays a notice read aloud on a screen's sound card: the
// MP3 (feed.AudioType at feed.AudioRate) that publish made and signed,
// decoded with go-mp3 and played through oto (ALSA on Linux). One sound at
// a time; starting another stops the first. The bytes are outside data
// that passed the feed's hash check only, so decoding is bounded and a
// failure (a broken file, a panic in the decoder) ends that sound with an
// error, never the program.
package playback

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ebitengine/oto/v3"
	"github.com/hajimehoshi/go-mp3"

	"gongkai/feed"
)

// Output format: go-mp3 gives 16-bit little-endian stereo at the file's
// own rate, and every file publish makes has the same rate.
const (
	channels       = 2
	bytesPerSample = 2
	bytesPerSecond = feed.AudioRate * channels * bytesPerSample
)

// MaxSeconds bounds what one sound may decode to: publish refuses longer
// recordings; a file that decodes to more is cut here.
const MaxSeconds = 30*60 + 60

// Errors of Play.
var (
	ErrFormat = errors.New("playback: not audio this screen plays")
	ErrNoCard = errors.New("playback: no sound output")
)

// Player plays one sound at a time. Safe for concurrent use.
type Player struct {
	ctx *oto.Context

	mu     sync.Mutex
	cur    *sound
	volume float64
}

type sound struct {
	p       *oto.Player
	src     *source
	stopped atomic.Bool
	done    chan struct{}
}

var (
	shared    *oto.Context
	sharedErr error
	once      sync.Once
)

// New returns a player on the sound card. oto allows one context in a
// process, so every Player shares it; without a sound card (or ALSA) New
// fails with ErrNoCard and the screen simply shows no 朗读 button.
func New() (*Player, error) {
	once.Do(func() {
		quietALSA()
		ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
			SampleRate: feed.AudioRate, ChannelCount: channels, Format: oto.FormatSignedInt16LE,
			BufferSize: 200 * time.Millisecond,
		})
		if err != nil {
			sharedErr = fmt.Errorf("%w: %v", ErrNoCard, err)
			return
		}
		<-ready
		// oto opens the device after NewContext returns: a machine
		// without a sound card fails only here
		if err := ctx.Err(); err != nil {
			sharedErr = fmt.Errorf("%w: %v", ErrNoCard, err)
			return
		}
		shared = ctx
	})
	if sharedErr != nil {
		return nil, sharedErr
	}
	return &Player{ctx: shared, volume: 1}, nil
}

// Ended says how a sound ended: Err is nil at its end, ErrStopped when
// Stop or another Play ended it, else why it failed; Seconds is how much
// of it was decoded and handed to the sound card.
type Ended struct {
	Seconds float64
	Err     error
}

// Play starts r (an MP3 of the screens' form) and returns at once; done,
// if not nil, is called once when it ends (from another goroutine). A file
// that is not such an MP3 is refused before anything plays.
func (p *Player) Play(r io.Reader, done func(Ended)) error {
	src, err := open(r)
	if err != nil {
		return err
	}
	s := &sound{src: src, done: make(chan struct{})}
	p.mu.Lock()
	p.stopLocked()
	s.p = p.ctx.NewPlayer(src)
	s.p.SetVolume(p.volume)
	p.cur = s
	s.p.Play()
	p.mu.Unlock()
	go p.watch(s, done)
	return nil
}

// ErrStopped is what done receives for a sound stopped before its end.
var ErrStopped = errors.New("playback: stopped")

// watch waits for the end of s: its source drained and oto's buffer
// played out, or a stop.
func (p *Player) watch(s *sound, done func(Ended)) {
	defer close(s.done)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if s.stopped.Load() || !s.p.IsPlaying() {
			break
		}
	}
	err := s.src.failure()
	if err == nil {
		err = s.p.Err()
	}
	if s.stopped.Load() {
		err = ErrStopped
	}
	p.mu.Lock()
	if p.cur == s {
		p.cur = nil
	}
	p.mu.Unlock()
	_ = s.p.Close()
	if done != nil {
		done(Ended{Seconds: float64(s.src.n.Load()) / bytesPerSecond, Err: err})
	}
}

// Stop ends the sound playing, if any, at once.
func (p *Player) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopLocked()
}

func (p *Player) stopLocked() {
	if p.cur == nil {
		return
	}
	p.cur.stopped.Store(true)
	p.cur.p.Pause()
	p.cur = nil
}

// Playing reports whether a sound is playing.
func (p *Player) Playing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur != nil
}

// SetVolume sets the volume, 0 (silent) to 1 (full), of this and later sounds.
func (p *Player) SetVolume(v float64) {
	v = min(max(v, 0), 1)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.volume = v
	if p.cur != nil {
		p.cur.p.SetVolume(v)
	}
}

// Wait blocks until the current sound, if any, has ended; for tests and
// shutdown.
func (p *Player) Wait() {
	p.mu.Lock()
	s := p.cur
	p.mu.Unlock()
	if s != nil {
		<-s.done
	}
}

// source is the decoded PCM of one sound, read by oto's goroutine. It
// counts what it gave, stops at MaxSeconds, and turns a decoder panic into
// an error: a panic on oto's goroutine would end the program.
type source struct {
	d    *mp3.Decoder
	n    atomic.Int64
	mu   sync.Mutex
	err  error
	done bool
}

func open(r io.Reader) (s *source, err error) {
	defer func() {
		if v := recover(); v != nil {
			s, err = nil, fmt.Errorf("%w: the decoder failed: %v", ErrFormat, v)
		}
	}()
	d, err := mp3.NewDecoder(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if d.SampleRate() != feed.AudioRate {
		return nil, fmt.Errorf("%w: %d samples a second, want %d", ErrFormat, d.SampleRate(), feed.AudioRate)
	}
	return &source{d: d}, nil
}

func (s *source) Read(b []byte) (n int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return 0, io.EOF
	}
	defer func() {
		if v := recover(); v != nil {
			s.err, s.done = fmt.Errorf("%w: the decoder failed: %v", ErrFormat, v), true
			n, err = 0, io.EOF
		}
	}()
	left := int64(MaxSeconds*bytesPerSecond) - s.n.Load()
	if left <= 0 {
		s.done = true
		return 0, io.EOF
	}
	if int64(len(b)) > left {
		b = b[:left]
	}
	n, err = s.d.Read(b)
	s.n.Add(int64(n))
	if err != nil && err != io.EOF {
		// A damaged stream: what decoded has played; the rest is dropped.
		s.err, s.done = fmt.Errorf("%w: %v", ErrFormat, err), true
		return n, io.EOF
	}
	return n, err
}

func (s *source) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Seconds is how much of the current sound has been decoded and handed
// to the sound card so far.
func (p *Player) Seconds() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur == nil {
		return 0
	}
	return float64(p.cur.src.n.Load()) / bytesPerSecond
}

// Check decodes r whole, as Play would, and returns its length: how a
// test (and the fuzz target) proves a file plays or fails safely without a
// sound card.
func Check(r io.Reader) (seconds float64, err error) {
	s, err := open(r)
	if err != nil {
		return 0, err
	}
	n, _ := io.Copy(io.Discard, s)
	if err := s.failure(); err != nil {
		return float64(n) / bytesPerSecond, err
	}
	return float64(n) / bytesPerSecond, nil
}
