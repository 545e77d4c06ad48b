package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/bcrypt"

	"gongkai/atomicfile"
)

// PINFile holds the administrator PIN's bcrypt hash and the lockout
// state, in the data directory, readable by the kiosk's user only.
const PINFile = "admin.pin"

// Lockout rules: five wrong tries lock the pad; each lock doubles.
const (
	maxTries     = 5
	firstLock    = 30 * time.Second
	longestLock  = time.Hour // a prankster must not lock the clerk out for days
	minPINDigits = 4
	maxPINDigits = 12
)

// pinCost is bcrypt's work factor; tests lower it.
var pinCost = bcrypt.DefaultCost

// Errors of the gate; the PIN pad shows each in words.
var (
	errWrongPIN = errors.New("wrong PIN")
	errLocked   = errors.New("locked")
	errNoPIN    = errors.New("no PIN set")
	// errDamagedPIN: admin.pin is unreadable; delete it on the machine
	// (which needs the desktop, i.e. physical access) to set a new PIN
	errDamagedPIN = errors.New("PIN file damaged")
)

// pinRecord is the file.
type pinRecord struct {
	Hash        string    `json:"hash,omitempty"`
	Failures    int       `json:"failures"`     // wrong tries since the last lock or success
	Locks       int       `json:"locks"`        // locks since the last success
	LockedUntil time.Time `json:"locked_until"` // zero when not locked
}

// PINGate checks the administrator PIN. It persists every failure before
// answering, so pulling the plug does not reset the lockout. It reads no
// clock: callers pass the time.
type PINGate struct {
	path    string // "" keeps everything in memory (screenshots)
	rec     pinRecord
	damaged bool // unreadable file: stay shut, never offer "set a PIN"
}

// openPINGate reads dir/admin.pin; a missing file means no PIN yet.
func openPINGate(dir string) (*PINGate, error) {
	g := &PINGate{}
	if dir == "" {
		return g, nil
	}
	g.path = filepath.Join(dir, PINFile)
	data, err := os.ReadFile(g.path)
	if errors.Is(err, os.ErrNotExist) {
		return g, nil
	}
	if err != nil {
		return g, fmt.Errorf("admin PIN: %w", err)
	}
	if err := json.Unmarshal(data, &g.rec); err != nil {
		// a damaged file must not let anyone set a new PIN: keep the
		// pad shut until someone sets things right on the machine
		g.damaged = true
		return g, fmt.Errorf("admin PIN file %s is damaged: %w", g.path, err)
	}
	return g, nil
}

func (g *PINGate) save() error {
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

// HasPIN reports whether a PIN was set.
func (g *PINGate) HasPIN() bool { return g.rec.Hash != "" || g.damaged }

// LockedFor is how long the pad stays locked at now (0 when open).
func (g *PINGate) LockedFor(now time.Time) time.Duration {
	if now.Before(g.rec.LockedUntil) {
		return g.rec.LockedUntil.Sub(now)
	}
	return 0
}

// TriesLeft before the next lock.
func (g *PINGate) TriesLeft() int { return maxTries - g.rec.Failures }

// Check compares pin with the stored hash.
func (g *PINGate) Check(pin string, now time.Time) error {
	if !g.HasPIN() {
		return errNoPIN
	}
	if g.damaged {
		return errDamagedPIN
	}
	if g.LockedFor(now) > 0 {
		return errLocked
	}
	if bcrypt.CompareHashAndPassword([]byte(g.rec.Hash), []byte(pin)) == nil {
		g.rec.Failures, g.rec.Locks, g.rec.LockedUntil = 0, 0, time.Time{}
		return g.save()
	}
	g.rec.Failures++
	if g.rec.Failures >= maxTries {
		d := min(firstLock<<g.rec.Locks, longestLock)
		g.rec.Failures = 0
		g.rec.Locks++
		g.rec.LockedUntil = now.Add(d)
	}
	if err := g.save(); err != nil {
		return fmt.Errorf("admin PIN: %w", err)
	}
	if g.rec.Failures == 0 {
		return errLocked
	}
	return errWrongPIN
}

// validPIN: digits only, long enough not to be guessed in a few locks.
func validPIN(pin string) error {
	if len(pin) < minPINDigits || len(pin) > maxPINDigits {
		return fmt.Errorf("PIN 须为 %d 到 %d 位数字", minPINDigits, maxPINDigits)
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return errors.New("PIN 只能是数字")
		}
	}
	return nil
}

// Set stores a new PIN's hash and clears the lockout.
func (g *PINGate) Set(pin string) error {
	if err := validPIN(pin); err != nil {
		return err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pin), pinCost)
	if err != nil {
		return err
	}
	g.rec = pinRecord{Hash: string(h)}
	return g.save()
}
