package pin

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func init() { Cost = bcrypt.MinCost } // keep the tests fast

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func TestLockDelaysDouble(t *testing.T) {
	g := &Gate{}
	if err := g.Set("1357"); err != nil {
		t.Fatal(err)
	}
	now := t0
	for i, want := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute} {
		var err error
		for range MaxTries {
			err = g.Check("0000", now)
		}
		var l *Lock
		if !errors.As(err, &l) || !errors.Is(err, ErrLocked) || l.Locks != i+1 || l.Daily {
			t.Fatalf("lock %d: try answered %v", i+1, err)
		}
		if got := g.LockedFor(now); got != want {
			t.Fatalf("lock %d: %v, want %v", i+1, got, want)
		}
		if err := g.Check("1357", now); !errors.Is(err, ErrLocked) {
			t.Fatalf("right PIN during lock %d: %v", i+1, err)
		}
		now = now.Add(want)
	}
	if err := g.Check("1357", now); err != nil {
		t.Fatal(err)
	}
	if g.rec.Locks != 0 || g.rec.Failures != 0 || g.rec.DayFailures != 0 {
		t.Errorf("success did not reset the lockout: %+v", g.rec)
	}
}

// TestDailyCap: however the guesser spaces the tries, at most DailyTries
// wrong ones count in 24 hours; then the pad stays shut until 24 hours
// after the first of them. Before the cap a guesser waiting out each lock
// made some 35 guesses in the first hour and about 120 a day after it.
func TestDailyCap(t *testing.T) {
	g := &Gate{}
	g.Set("9753")
	now := t0
	guesses := 0
	var last error
	for now.Before(t0.Add(Day)) {
		if d := g.LockedFor(now); d > 0 {
			now = now.Add(d)
			continue
		}
		last = g.Check("0000", now)
		guesses++
		now = now.Add(time.Second)
	}
	if guesses != DailyTries {
		t.Fatalf("%d wrong tries in 24 hours, want the cap %d", guesses, DailyTries)
	}
	var l *Lock
	if !errors.As(last, &l) || !l.Daily || !l.Until.Equal(t0.Add(Day)) {
		t.Fatalf("the last try answered %v, want the daily lock until %v", last, t0.Add(Day))
	}
	// the next day counts afresh, and the right PIN opens
	if err := g.Check("9753", t0.Add(Day)); err != nil {
		t.Fatalf("the next day: %v", err)
	}
}

func TestLockSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, "2468"); err != nil {
		t.Fatal(err)
	}
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for range MaxTries {
		g.Check("0000", t0)
	}
	again, err := Open(dir)
	if err != nil || again.LockedFor(t0) != FirstLock {
		t.Fatalf("reopened gate: locked %v, %v", again.LockedFor(t0), err)
	}
	fi, err := os.Stat(filepath.Join(dir, File))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin.pin: %v %v", fi, err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, File)); strings.Contains(string(data), "2468") {
		t.Fatal("PIN stored in clear")
	}
	// the key-holder's way back: a new PIN clears the lock
	if err := Write(dir, "1357"); err != nil {
		t.Fatal(err)
	}
	g, _ = Open(dir)
	if g.LockedFor(t0) != 0 || g.Check("1357", t0) != nil {
		t.Fatal("gongkai pin did not clear the lock")
	}
}

func TestDamagedFileStaysShut(t *testing.T) {
	for name, data := range map[string]string{
		"garbage":     "{garbage",
		"no hash":     `{"failures":0}`,
		"empty":       "",
		"wrong types": `{"hash":7}`,
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, File), []byte(data), 0o600)
		g, err := Open(dir)
		if err == nil || !g.HasPIN() || !g.Damaged() {
			t.Errorf("%s: a damaged PIN file reads as %v, HasPIN %v", name, err, g.HasPIN())
		}
		if err := g.Check("1234", t0); !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: Check = %v", name, err)
		}
		if err := Write(dir, "1234"); err != nil {
			t.Errorf("%s: gongkai pin cannot replace it: %v", name, err)
		}
	}
}

func TestNoPIN(t *testing.T) {
	g, err := Open(t.TempDir())
	if err != nil || g.HasPIN() {
		t.Fatalf("Open of a fresh directory: %v, HasPIN %v", err, g.HasPIN())
	}
	if err := g.Check("1234", t0); !errors.Is(err, ErrNoPIN) {
		t.Fatalf("Check = %v", err)
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"2468\n", "2468", ""},
		{"\uFEFF  24681357 \r\n", "24681357", ""},
		{"# the lobby screen of 东湾村\n\n135790\n", "135790", ""},
		{"", "", "no PIN"},
		{"# only a comment\n", "", "no PIN"},
		{"123\n", "", "4 to 12 digits"},
		{"1234567890123\n", "", "4 to 12 digits"},
		{"12a4\n", "", "digits only"},
		{"١٢٣٤\n", "", "digits only"}, // Arabic-Indic digits
		{"1234 5678\n", "", "digits only"},
		{strings.Repeat("1", 2000), "", "limit"},
	} {
		got, err := Parse([]byte(tc.in))
		if tc.err == "" && (err != nil || got != tc.want) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Parse(%q) = %q, %v; want %q, error with %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestReadFileOversized(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pin")
	os.WriteFile(path, []byte("2468\n"+strings.Repeat("#", 10<<20)), 0o600)
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("a 10 MB PIN file: %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("a missing PIN file read")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2468\n", "# c\n1234", "\uFEFF123456", "", "12a4"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		if Valid(p) != nil {
			t.Fatalf("Parse accepted %q", p)
		}
	})
}
