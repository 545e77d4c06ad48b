// Package config is a screen's provisioning and settings: where it stands
// (its division code), where it fetches its feed, how it behaves, and the
// publisher key pinned when it was provisioned. They live in the data
// directory as config.toml and publisher.pub; config.toml existing is what
// makes a directory "initialised".
package config

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// File names inside the data directory.
const (
	File    = "config.toml"
	KeyFile = "publisher.pub"
)

// Limits. The config is small and hand-editable; anything larger is a
// mistake or an attack and is refused before parsing.
const (
	MaxFileSize = 64 << 10
	maxKeySize  = 4 << 10
	MaxSources  = 16
	maxSource   = 2048
)

// Modes of the screen.
const (
	ModeTouch   = "touch"   // villagers browse a lobby touch screen
	ModeDisplay = "display" // an unattended bulletin screen cycles notices
)

// Defaults applied to fields left empty.
const (
	DefaultSyncInterval = 15 * time.Minute
	DefaultIdleTimeout  = 90 * time.Second
	DefaultDwell        = 15 * time.Second
	DefaultStaleAfter   = 72 * time.Hour
	DefaultHeartbeat    = 15 * time.Minute
	DefaultVolume       = 80
)

// Text sizes of the touch screen's 字号 control, as written in the file.
const (
	TextNormal = "normal"
	TextLarge  = "large"
	TextXLarge = "xlarge"
)

// TextSizes in the order of the 字号 control's steps.
var TextSizes = []string{TextNormal, TextLarge, TextXLarge}

// Ranges of the durations: outside them a typo ("15s" for "15m") would
// hammer the server or leave a screen stale for weeks.
var (
	syncIntervalRange = [2]time.Duration{time.Minute, 7 * 24 * time.Hour}
	idleTimeoutRange  = [2]time.Duration{10 * time.Second, time.Hour}
	// dwell goes down to 0.1 s only so the soak test can rotate fast
	dwellRange      = [2]time.Duration{100 * time.Millisecond, time.Hour}
	staleAfterRange = [2]time.Duration{time.Hour, 365 * 24 * time.Hour}
	// heartbeats go down to 5 s only so tests see a screen go silent soon
	heartbeatRange = [2]time.Duration{5 * time.Second, 24 * time.Hour}
)

// ErrNotInitialised is returned by Load for a directory that init has not provisioned.
var ErrNotInitialised = errors.New("not initialised")

// Config is config.toml, plus the pinned key read from publisher.pub.
type Config struct {
	Location     string   `toml:"location"`      // division code of this screen, 6-12 digits
	Sources      []string `toml:"sources"`       // feed URLs or folders, tried in order
	SyncInterval Duration `toml:"sync_interval"` // between automatic syncs
	Mode         string   `toml:"mode"`          // ModeTouch or ModeDisplay
	IdleTimeout  Duration `toml:"idle_timeout"`  // touch mode returns home after this
	Dwell        Duration `toml:"dwell"`         // display mode: time per slide (urgent and pinned get twice)
	// DisplayOn and DisplayOff ("07:00", "21:00", the feed's local time)
	// darken the screen outside those hours; both empty means always on.
	DisplayOn  string   `toml:"display_on,omitempty"`
	DisplayOff string   `toml:"display_off,omitempty"`
	StaleAfter Duration `toml:"stale_after"` // warn when the last good sync is older
	TextSize   string   `toml:"text_size"`   // default text size: normal, large or xlarge
	// ReportURL, when set, is an http(s) address the kiosk POSTs its
	// signed proof-of-display export to after each successful sync (the
	// JSON of `gongkai report --out FILE.json`). Empty: nothing is sent.
	ReportURL string `toml:"report_url,omitempty"`
	// MonitorURL, when set, is the township's monitor (`gongkai monitor`):
	// the kiosk sends it signed heartbeats, its proof of display and a
	// small screenshot (monitor/agent). Empty: nothing is sent.
	MonitorURL string `toml:"monitor_url,omitempty"`
	// HeartbeatEvery is the time between heartbeats to the monitor;
	// DefaultHeartbeat when unset.
	HeartbeatEvery Duration `toml:"heartbeat_every,omitempty"`
	// MonitorScreenshots "off" sends the monitor no screenshots; unset or
	// "on" sends one at most hourly (touch mode: only while nobody is
	// using the screen).
	MonitorScreenshots string `toml:"monitor_screenshots,omitempty"`
	// Notices read aloud (朗读): Volume 1–100 (0 in the file: DefaultVolume);
	// no sound in the quiet hours QuietFrom–QuietTo ("22:00", "07:00", the
	// feed's local time; both empty: none); ReadAloud "on" lets a display
	// screen read its slides aloud, which it does not unless told.
	Volume    int    `toml:"volume,omitempty"`
	QuietFrom string `toml:"quiet_from,omitempty"`
	QuietTo   string `toml:"quiet_to,omitempty"`
	ReadAloud string `toml:"read_aloud,omitempty"`

	key     ed25519.PublicKey
	keyFile []byte
}

// Duration is a time.Duration written as "15m" or "90s" in the file.
type Duration struct{ time.Duration }

// UnmarshalText reads a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration like \"15m\" or \"90s\"", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the shortest familiar form: "15m", not "15m0s".
func (d Duration) MarshalText() ([]byte, error) {
	s := d.Duration.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return []byte(s), nil
}

// PublicKey is the pinned publisher key: the only key whose feeds this screen trusts.
func (c *Config) PublicKey() ed25519.PublicKey { return c.key }

// KeyFile is the pinned publisher.pub exactly as provisioned.
func (c *Config) KeyFile() []byte { return bytes.Clone(c.keyFile) }

// withDefaults fills empty fields.
func (c *Config) withDefaults() {
	if c.SyncInterval.Duration == 0 {
		c.SyncInterval.Duration = DefaultSyncInterval
	}
	if c.IdleTimeout.Duration == 0 {
		c.IdleTimeout.Duration = DefaultIdleTimeout
	}
	if c.Mode == "" {
		c.Mode = ModeTouch
	}
	if c.Dwell.Duration == 0 {
		c.Dwell.Duration = DefaultDwell
	}
	if c.StaleAfter.Duration == 0 {
		c.StaleAfter.Duration = DefaultStaleAfter
	}
	if c.TextSize == "" {
		c.TextSize = TextNormal
	}
	if c.Volume == 0 {
		c.Volume = DefaultVolume
	}
}

// TextStep is the index of TextSize in TextSizes (0 when unknown).
func (c *Config) TextStep() int { return max(0, slices.Index(TextSizes, c.TextSize)) }

// ParseClock reads a time of day "HH:MM" (24-hour) as minutes after midnight.
func ParseClock(s string) (int, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%.20q: want a time of day like \"07:00\"", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 23 || m > 59 || h < 0 || m < 0 {
		return 0, fmt.Errorf("%.20q: want a time of day like \"07:00\"", s)
	}
	return h*60 + m, nil
}

// Lit reports whether a display screen with these on and off times
// ("HH:MM", either empty or unreadable: always on) is on at wall, its
// local time. An on time after the off time runs across midnight.
func Lit(on, off string, wall time.Time) bool {
	a, err1 := ParseClock(on)
	b, err2 := ParseClock(off)
	if err1 != nil || err2 != nil || a == b {
		return true
	}
	m := wall.Hour()*60 + wall.Minute()
	if a < b {
		return m >= a && m < b
	}
	return m >= a || m < b
}

var locationPattern = regexp.MustCompile(`^[0-9]{6,12}$`)

// Validate checks every field; the error names the field and the rule.
func (c *Config) Validate() error {
	if !locationPattern.MatchString(c.Location) {
		return fmt.Errorf("location %.40q: want the screen's division code, 6 to 12 digits (e.g. 310118901201)", c.Location)
	}
	if len(c.Sources) > MaxSources {
		return fmt.Errorf("sources: %d listed, at most %d", len(c.Sources), MaxSources)
	}
	for _, s := range c.Sources {
		if err := CheckSource(s); err != nil {
			return fmt.Errorf("sources: %w", err)
		}
	}
	if err := inRange("sync_interval", c.SyncInterval.Duration, syncIntervalRange); err != nil {
		return err
	}
	if err := inRange("idle_timeout", c.IdleTimeout.Duration, idleTimeoutRange); err != nil {
		return err
	}
	switch c.Mode {
	case ModeTouch, ModeDisplay:
	default:
		return fmt.Errorf("mode %.40q: want %q or %q", c.Mode, ModeTouch, ModeDisplay)
	}
	if err := inRange("dwell", c.Dwell.Duration, dwellRange); err != nil {
		return err
	}
	if err := inRange("stale_after", c.StaleAfter.Duration, staleAfterRange); err != nil {
		return err
	}
	if !slices.Contains(TextSizes, c.TextSize) {
		return fmt.Errorf("text_size %.40q: want one of %s", c.TextSize, strings.Join(TextSizes, ", "))
	}
	if c.ReportURL != "" {
		if err := checkURL("report_url", c.ReportURL); err != nil {
			return err
		}
	}
	if c.MonitorURL != "" {
		if err := checkURL("monitor_url", c.MonitorURL); err != nil {
			return err
		}
	}
	if c.HeartbeatEvery.Duration != 0 {
		if err := inRange("heartbeat_every", c.HeartbeatEvery.Duration, heartbeatRange); err != nil {
			return err
		}
	}
	switch c.MonitorScreenshots {
	case "", "on", "off":
	default:
		return fmt.Errorf("monitor_screenshots %.40q: want \"on\" or \"off\"", c.MonitorScreenshots)
	}
	if err := c.checkAudio(); err != nil {
		return err
	}
	return c.checkHours()
}

// checkAudio: the volume in range, quiet hours as a pair of times of day
// that differ, read_aloud on or off.
func (c *Config) checkAudio() error {
	if c.Volume < 0 || c.Volume > 100 {
		return fmt.Errorf("volume %d: want 1 to 100", c.Volume)
	}
	switch c.ReadAloud {
	case "", "on", "off":
	default:
		return fmt.Errorf("read_aloud %.40q: want \"on\" or \"off\"", c.ReadAloud)
	}
	if c.QuietFrom == "" && c.QuietTo == "" {
		return nil
	}
	from, err := ParseClock(c.QuietFrom)
	if err != nil {
		return fmt.Errorf("quiet_from %w", err)
	}
	to, err := ParseClock(c.QuietTo)
	if err != nil {
		return fmt.Errorf("quiet_to %w", err)
	}
	if from == to {
		return fmt.Errorf("quiet_from and quiet_to are both %s", c.QuietFrom)
	}
	return nil
}

// Heartbeat is the time between heartbeats to the monitor.
func (c *Config) Heartbeat() time.Duration {
	if c.HeartbeatEvery.Duration == 0 {
		return DefaultHeartbeat
	}
	return c.HeartbeatEvery.Duration
}

// checkHours: on and off hours come as a pair, and differ (equal hours
// would leave a screen dark all day or never, whichever was not meant).
// ErrHalfHours: a display's on and off times come in pairs. The settings
// page accepts the first of the two and lets 保存 refuse a half-done pair.
var ErrHalfHours = errors.New("display_on and display_off: set both or neither")

func (c *Config) checkHours() error {
	if c.DisplayOn == "" && c.DisplayOff == "" {
		return nil
	}
	var on, off int
	var err error
	// each time's format first, so the message names the bad one
	if c.DisplayOn != "" {
		if on, err = ParseClock(c.DisplayOn); err != nil {
			return fmt.Errorf("display_on %w", err)
		}
	}
	if c.DisplayOff != "" {
		if off, err = ParseClock(c.DisplayOff); err != nil {
			return fmt.Errorf("display_off %w", err)
		}
	}
	if c.DisplayOn == "" || c.DisplayOff == "" {
		return ErrHalfHours
	}
	if on == off {
		return fmt.Errorf("display_on and display_off are both %s", c.DisplayOn)
	}
	return nil
}

func inRange(name string, d time.Duration, r [2]time.Duration) error {
	if d < r[0] || d > r[1] {
		return fmt.Errorf("%s %s: want between %s and %s", name, Duration{d}.text(), Duration{r[0]}.text(), Duration{r[1]}.text())
	}
	return nil
}

func (d Duration) text() string { b, _ := d.MarshalText(); return string(b) }

// CheckSource accepts an http(s) URL with a host, or an absolute folder
// path. Relative paths are refused because the screen's working directory
// is not the operator's: init makes them absolute before checking.
func CheckSource(s string) error {
	if s == "" {
		return errors.New("empty source")
	}
	if scheme, _, ok := strings.Cut(s, "://"); ok && !strings.ContainsAny(scheme, `/\`) {
		err := checkURL("source", s)
		if errors.Is(err, errNotHTTP) {
			return fmt.Errorf("source %.80q: only http://, https:// or a folder path", s)
		}
		return err
	}
	if err := checkText("source", s); err != nil {
		return err
	}
	if !filepath.IsAbs(s) {
		return fmt.Errorf("source %.80q: a folder must be an absolute path", s)
	}
	return nil
}

var errNotHTTP = errors.New("want an http:// or https:// URL")

// checkURL accepts an http(s) URL with a host; the error names the
// setting and the rule.
func checkURL(name, s string) error {
	if err := checkText(name, s); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%s %.80q: %v", name, s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s %.80q: %w", name, s, errNotHTTP)
	}
	if u.Host == "" {
		return fmt.Errorf("%s %.80q: URL has no host", name, s)
	}
	return nil
}

// checkText refuses an overlong value or one with control characters.
func checkText(name, s string) error {
	switch {
	case len(s) > maxSource:
		return fmt.Errorf("%s %.40q... is over %d bytes", name, s, maxSource)
	case !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl):
		return fmt.Errorf("%s %.40q contains control characters or invalid UTF-8", name, s)
	}
	return nil
}

// Init provisions an empty or new data directory: it pins the publisher key
// (the bytes of a publisher.pub file) and writes config.toml. It refuses a
// directory that is already initialised, so a screen is never silently
// re-pinned to another key.
func Init(dir string, c Config, pubKeyFile []byte) error {
	path := filepath.Join(dir, File)
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s is already initialised (%s exists); to provision it again, move that data directory away first", dir, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: %w", err)
	}
	key, err := feed.ParsePublicKey(pubKeyFile)
	if err != nil {
		return fmt.Errorf("config: publisher key: %w", err)
	}
	c.Sources = slices.Clone(c.Sources)
	for i, s := range c.Sources {
		if !strings.Contains(s, "://") && s != "" {
			abs, err := filepath.Abs(s)
			if err != nil {
				return fmt.Errorf("config: source %q: %w", s, err)
			}
			c.Sources[i] = abs
		}
	}
	c.withDefaults()
	if err := c.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	// The key first, config.toml last: config.toml marks the directory as
	// initialised, so a crash in between leaves a directory init can redo.
	if err := atomicfile.Write(filepath.Join(dir, KeyFile), pubKeyFile); err != nil {
		return fmt.Errorf("config: pinning the key: %w", err)
	}
	c.key, c.keyFile = key, bytes.Clone(pubKeyFile)
	return Save(dir, &c)
}

// Save writes config.toml atomically after validating it. The pinned key is
// not touched: it is fixed at provisioning.
func Save(dir string, c *Config) error {
	c.withDefaults()
	if err := c.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	data, err := c.encode()
	if err != nil {
		return fmt.Errorf("config: encoding: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, File), data); err != nil {
		return fmt.Errorf("config: saving: %w", err)
	}
	return nil
}

func (c *Config) encode() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# Gongkai screen configuration. Written by 'gongkai init'; the publisher key is in publisher.pub.\n")
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Load reads and validates the configuration of data directory dir.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, File)
	data, err := readCapped(path, MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s has no %s; run gongkai init --data %s --location CODE --pubkey FILE first",
			ErrNotInitialised, dir, File, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	keyPath := filepath.Join(dir, KeyFile)
	keyFile, err := readCapped(keyPath, maxKeySize)
	if err != nil {
		return nil, fmt.Errorf("config: pinned key: %w", err)
	}
	if c.key, err = feed.ParsePublicKey(keyFile); err != nil {
		return nil, fmt.Errorf("config: pinned key %s: %w", keyPath, err)
	}
	c.keyFile = keyFile
	return c, nil
}

// Parse decodes and validates the bytes of a config.toml. Keys it does not
// know are an error, so a misspelt setting is noticed instead of ignored.
func Parse(data []byte) (*Config, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%d bytes, over %d", len(data), MaxFileSize)
	}
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8 text")
	}
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("line %d: %s", pe.Position.Line, pe.Message)
		}
		return nil, err
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		// A whole unknown table is named once, not with each of its keys.
		var names []string
		var last toml.Key
		for _, k := range extra {
			if last != nil && len(k) > len(last) && slices.Equal(k[:len(last)], last) {
				continue
			}
			last = k
			names = append(names, fmt.Sprintf("%.60q", k.String()))
		}
		return nil, fmt.Errorf("unknown setting %s", strings.Join(names, ", "))
	}
	c.withDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// readCapped reads a small regular file, refusing anything over limit.
func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is over %d bytes", path, limit)
	}
	return data, nil
}
