// Package pin is the administrator PIN of a screen: its bcrypt hash and
// lockout state in the data directory, set at provisioning (gongkai init
// --pin-file, gongkai pin) and checked by the admin panel. A passer-by can
// never set it: a screen without a PIN keeps its panel shut.
package pin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/bcrypt"

	"gongkai/atomicfile"
)

// File holds the PIN's bcrypt hash and the lockout state, in the data
// directory, readable by the kiosk's user only.
const File = "admin.pin"

// Lockout rules. Five wrong tries lock the pad; each lock of a row
// doubles (30 s, 1 min, 2 min … at most an hour, so a prankster cannot
// lock the clerk out for long), and at most DailyTries wrong tries count
// in any 24 hours: then the pad stays shut until 24 hours after the first
// of them. A 4-digit PIN then takes years of guessing, not hours.
const (
	MaxTries    = 5
	FirstLock   = 30 * time.Second
	LongestLock = time.Hour
	DailyTries  = 30
	Day         = 24 * time.Hour
	MinDigits   = 4
	MaxDigits   = 12
)

// Demo is the PIN gongkai demo gives the demo screen. It is public, like
// the demo key: the PIN pad of a demo screen shows it.
const Demo = "1234"

// Cost is bcrypt's work factor; tests lower it.
var Cost = bcrypt.DefaultCost

// Errors of the gate; the PIN pad shows each in words.
var (
	ErrWrong  = errors.New("wrong PIN")
	ErrLocked = errors.New("PIN pad locked")
	ErrNoPIN  = errors.New("no admin PIN set")
	// ErrDamaged: admin.pin is unreadable. Set a new PIN on the machine
	// (gongkai pin), which needs the machine itself.
	ErrDamaged = errors.New("PIN file damaged")
	ErrLength  = fmt.Errorf("a PIN is %d to %d digits", MinDigits, MaxDigits)
	ErrDigits  = errors.New("a PIN is digits only")
)

// Lock is the error of a try that locked the pad, or of a try while it
// is locked: errors.Is(err, ErrLocked).
type Lock struct {
	Until time.Time
	Locks int  // locks in a row, this one included
	Daily bool // the 24-hour cap, not a lock of a row
}

func (l *Lock) Error() string {
	why := fmt.Sprintf("lock %d in a row", l.Locks)
	if l.Daily {
		why = fmt.Sprintf("%d wrong tries in 24 hours", DailyTries)
	}
	return fmt.Sprintf("PIN pad locked until %s (%s)", l.Until.Format(time.RFC3339), why)
}

func (l *Lock) Is(target error) bool { return target == ErrLocked }

// record is the file.
type record struct {
	Hash        string    `json:"hash,omitempty"`
	Failures    int       `json:"failures"`     // wrong tries since the last lock or success
	Locks       int       `json:"locks"`        // locks since the last success
	LockedUntil time.Time `json:"locked_until"` // zero when not locked
	DayStart    time.Time `json:"day_start"`    // first wrong try of the 24 hours counted
	DayFailures int       `json:"day_failures"` // wrong tries since DayStart
}

// Gate checks the administrator PIN. It persists every failure before
// answering, so pulling the plug does not reset the lockout. It reads no
// clock: callers pass the time.
type Gate struct {
	path    string // "" keeps everything in memory (screenshots)
	rec     record
	damaged bool // unreadable file: stay shut
}

// Open reads dir/admin.pin; a missing file means no PIN. dir "" keeps the
// gate in memory. A damaged file gives a gate that stays shut, and an error
// to log.
func Open(dir string) (*Gate, error) {
	g := &Gate{}
	if dir == "" {
		return g, nil
	}
	g.path = filepath.Join(dir, File)
	data, err := os.ReadFile(g.path)
	if errors.Is(err, os.ErrNotExist) {
		return g, nil
	}
	if err != nil {
		g.damaged = true
		return g, fmt.Errorf("admin PIN: %w", err)
	}
	if err := json.Unmarshal(data, &g.rec); err != nil || g.rec.Hash == "" {
		g.damaged = true
		return g, fmt.Errorf("admin PIN file %s is damaged (%v): set a new PIN with gongkai pin", g.path, err)
	}
	return g, nil
}

func (g *Gate) save() error {
	if g.path == "" {
		return nil
	}
	data, err := json.Marshal(g.rec)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(g.path, data); err != nil {
		return err
	}
	return os.Chmod(g.path, 0o600)
}

// HasPIN reports whether a PIN was set (a damaged file counts: it must
// never look like a screen waiting for one).
func (g *Gate) HasPIN() bool { return g.rec.Hash != "" || g.damaged }

// Damaged reports whether the PIN file could not be read.
func (g *Gate) Damaged() bool { return g.damaged }

// LockedFor is how long the pad stays locked at now (0 when open).
func (g *Gate) LockedFor(now time.Time) time.Duration {
	if now.Before(g.rec.LockedUntil) {
		return g.rec.LockedUntil.Sub(now)
	}
	return 0
}

// Locked is the lock in force at now, nil when the pad is open.
func (g *Gate) Locked(now time.Time) *Lock {
	if g.LockedFor(now) == 0 {
		return nil
	}
	return &Lock{Until: g.rec.LockedUntil, Locks: g.rec.Locks, Daily: g.dailyCapped(now)}
}

func (g *Gate) dailyCapped(now time.Time) bool {
	return g.rec.DayFailures >= DailyTries && now.Sub(g.rec.DayStart) < Day
}

// TriesLeft before the next lock.
func (g *Gate) TriesLeft() int { return MaxTries - g.rec.Failures }

// Check compares pin with the stored hash at now. A wrong try that locks
// the pad returns a *Lock, as does any try while it is locked.
func (g *Gate) Check(pin string, now time.Time) error {
	switch {
	case g.damaged:
		return ErrDamaged
	case !g.HasPIN():
		return ErrNoPIN
	}
	if l := g.Locked(now); l != nil {
		return l
	}
	if bcrypt.CompareHashAndPassword([]byte(g.rec.Hash), []byte(pin)) == nil {
		g.rec = record{Hash: g.rec.Hash}
		return g.save()
	}
	// the 24 hours counted start at the first wrong try after the last
	// ones have aged out (or a success)
	if g.rec.DayStart.IsZero() || now.Sub(g.rec.DayStart) >= Day || now.Before(g.rec.DayStart) {
		g.rec.DayStart, g.rec.DayFailures = now, 0
	}
	g.rec.DayFailures++
	g.rec.Failures++
	var lock *Lock
	switch {
	case g.rec.DayFailures >= DailyTries:
		g.rec.Failures = 0
		g.rec.Locks++
		g.rec.LockedUntil = g.rec.DayStart.Add(Day)
		lock = &Lock{Until: g.rec.LockedUntil, Locks: g.rec.Locks, Daily: true}
	case g.rec.Failures >= MaxTries:
		d := min(FirstLock<<min(g.rec.Locks, 20), LongestLock)
		g.rec.Failures = 0
		g.rec.Locks++
		g.rec.LockedUntil = now.Add(d)
		lock = &Lock{Until: g.rec.LockedUntil, Locks: g.rec.Locks}
	}
	if err := g.save(); err != nil {
		return fmt.Errorf("admin PIN: %w", err)
	}
	if lock != nil {
		return lock
	}
	return ErrWrong
}

// Matches reports whether pin is the PIN, without counting a wrong try:
// the demo screen asks whether its PIN is still the public one.
func (g *Gate) Matches(pin string) bool {
	return !g.damaged && g.rec.Hash != "" && bcrypt.CompareHashAndPassword([]byte(g.rec.Hash), []byte(pin)) == nil
}

// Valid checks a new PIN: digits only, long enough not to be guessed in a
// few locks, short enough to type.
func Valid(pin string) error {
	if len(pin) < MinDigits || len(pin) > MaxDigits {
		return ErrLength
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return ErrDigits
		}
	}
	return nil
}

// Set stores a new PIN's hash and clears the lockout (and a damaged file).
func (g *Gate) Set(pin string) error {
	if err := Valid(pin); err != nil {
		return err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pin), Cost)
	if err != nil {
		return err
	}
	old, damaged := g.rec, g.damaged
	g.rec, g.damaged = record{Hash: string(h)}, false
	if err := g.save(); err != nil {
		g.rec, g.damaged = old, damaged
		return fmt.Errorf("admin PIN: %w", err)
	}
	return nil
}

// Write sets the PIN of the screen in dir: provisioning, and the
// key-holder's way back from a forgotten PIN, a damaged file or a lockout.
func Write(dir, pin string) error {
	g, _ := Open(dir) // a damaged file is replaced
	return g.Set(pin)
}

// maxPINFile bounds what Parse reads: a PIN and a line end, with room for
// a comment.
const maxPINFile = 1024

// Parse reads a PIN file (gongkai init --pin-file): the PIN on its first
// line that is not empty and not a # comment, spaces and a byte-order
// mark around it ignored.
func Parse(data []byte) (string, error) {
	if len(data) > maxPINFile {
		return "", fmt.Errorf("PIN file is %d bytes, over the %d-byte limit", len(data), maxPINFile)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		pin := string(line)
		if err := Valid(pin); err != nil {
			return "", fmt.Errorf("PIN file: %w", err)
		}
		return pin, nil
	}
	return "", fmt.Errorf("PIN file: no PIN in it (%d to %d digits on a line)", MinDigits, MaxDigits)
}

// ReadFile reads and parses a PIN file, reading at most the limit + 1.
func ReadFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPINFile+1))
	if err != nil {
		return "", fmt.Errorf("PIN file %s: %w", path, err)
	}
	p, err := Parse(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
