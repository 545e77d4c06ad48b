package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"gongkai/pin"
	"gongkai/sync/synctest"
)

func init() { pin.Cost = bcrypt.MinCost }

func writePINFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pin.txt")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInitSetsThePIN(t *testing.T) {
	data := filepath.Join(t.TempDir(), "screen")
	mustRun(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub",
		"--pin-file", writePINFile(t, "# 东湾村大厅\n246813\n"))
	g, err := pin.Open(data)
	if err != nil || !g.Matches("246813") {
		t.Fatalf("init --pin-file did not set the PIN: %v", err)
	}
	if raw, _ := os.ReadFile(filepath.Join(data, pin.File)); strings.Contains(string(raw), "246813") {
		t.Fatal("PIN stored in clear")
	}
}

func TestInitWithoutPINSaysThePanelIsShut(t *testing.T) {
	data := filepath.Join(t.TempDir(), "screen")
	out := mustRun(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub")
	if !strings.Contains(out, "no admin PIN") || !strings.Contains(out, "gongkai pin --data") {
		t.Fatalf("init without a PIN says %q", out)
	}
	if _, err := os.Stat(filepath.Join(data, pin.File)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("admin.pin without --pin-file: %v", err)
	}
}

// TestBadPINFileLeavesNothing: a bad PIN file is refused before init
// writes anything, with one line saying why.
func TestBadPINFileLeavesNothing(t *testing.T) {
	for name, content := range map[string]string{
		"too short": "123\n",
		"letters":   "12ab\n",
		"empty":     "",
		"oversized": strings.Repeat("1", 5000),
	} {
		data := filepath.Join(t.TempDir(), "screen")
		_, errOut, code := run(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub",
			"--pin-file", writePINFile(t, content))
		if code != 1 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "PIN file") {
			t.Errorf("%s: exit %d %q", name, code, errOut)
		}
		if _, err := os.Stat(filepath.Join(data, "config.toml")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: init wrote config.toml before refusing the PIN file", name)
		}
	}
	_, errOut, code := run(t, "init", "--data", t.TempDir(), "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub",
		"--pin-file", "/nonexistent/pin")
	if code != 1 || !strings.Contains(errOut, "nonexistent") {
		t.Errorf("missing PIN file: exit %d %q", code, errOut)
	}
}

// TestPINCommandResetsALockout is the key-holder's way in: on the machine,
// gongkai pin sets a new PIN and clears a lockout.
func TestPINCommandResetsALockout(t *testing.T) {
	data, _ := demoScreen(t)
	if _, errOut, code := run(t, "pin", "--data", data); code != 2 || !strings.Contains(errOut, "--pin-file is required") {
		t.Fatalf("pin without --pin-file: exit %d %q", code, errOut)
	}
	mustRun(t, "pin", "--data", data, "--pin-file", writePINFile(t, "1357\n"))
	g, _ := pin.Open(data)
	now := time.Now()
	for range pin.MaxTries {
		g.Check("0000", now)
	}
	if g.LockedFor(now) == 0 {
		t.Fatal("five wrong tries did not lock")
	}
	out := mustRun(t, "pin", "--data", data, "--pin-file", writePINFile(t, "97531\n"))
	if !strings.Contains(out, "lockout is cleared") {
		t.Errorf("pin says %q", out)
	}
	if g, _ := pin.Open(data); !g.Matches("97531") || g.Matches("1357") || g.LockedFor(now) != 0 {
		t.Fatal("gongkai pin did not replace the PIN and clear the lock")
	}
	if _, errOut, code := run(t, "pin", "--data", t.TempDir(), "--pin-file", writePINFile(t, "1357\n")); code != 1 || !strings.Contains(errOut, "not initialised") {
		t.Errorf("pin on an uninitialised directory: exit %d %q", code, errOut)
	}
}
