package screen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"gongkai/config"
	"gongkai/pin"
	"gongkai/sync/synctest"
)

// Provision reads the key and the PIN file before it writes anything: a
// bad one leaves no screen behind. A screen made without a PIN says the
// panel stays shut.
func TestProvision(t *testing.T) {
	pin.Cost = bcrypt.MinCost
	_, pub := synctest.NewKey(t)
	dir := t.TempDir()
	keyPath, goodPIN, badPIN := filepath.Join(dir, "publisher.pub"), filepath.Join(dir, "pin"), filepath.Join(dir, "bad-pin")
	os.WriteFile(keyPath, pub, 0o600)
	os.WriteFile(goodPIN, []byte("# the clerk's\n246810\n"), 0o600)
	os.WriteFile(badPIN, []byte("12\n"), 0o600)
	c := config.Config{Location: synctest.Village}

	for _, bad := range []struct{ key, pin string }{{filepath.Join(dir, "none.pub"), ""}, {keyPath, badPIN}} {
		data := filepath.Join(t.TempDir(), "screen")
		if _, err := Provision(data, c, bad.key, bad.pin); err == nil {
			t.Errorf("%s, %s: provisioned", bad.key, bad.pin)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("%s, %s: left %s behind", bad.key, bad.pin, data)
		}
	}

	data := filepath.Join(t.TempDir(), "screen")
	p, err := Provision(data, c, keyPath, goodPIN)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	p.WriteText(&text)
	if !p.PIN || !strings.HasPrefix(text.String(), "initialised "+data+": screen at "+synctest.Village) || strings.Contains(text.String(), "note:") {
		t.Errorf("with PIN:\n%s", text.String())
	}
	if g, err := pin.Open(data); err != nil || !g.HasPIN() {
		t.Errorf("PIN not set: %v", err)
	}

	data = filepath.Join(t.TempDir(), "screen")
	if p, err = Provision(data, c, keyPath, ""); err != nil {
		t.Fatal(err)
	}
	text.Reset()
	p.WriteText(&text)
	if p.PIN || !strings.Contains(text.String(), "note: no admin PIN (--pin-file)") {
		t.Errorf("without PIN:\n%s", text.String())
	}
	// gongkai pin sets it later, on a provisioned screen only
	if n, err := SetPIN(data, goodPIN); err != nil || n != 6 {
		t.Errorf("SetPIN: %d %v", n, err)
	}
	if g, err := pin.Open(data); err != nil || !g.HasPIN() {
		t.Errorf("PIN not set: %v", err)
	}
	if _, err := SetPIN(t.TempDir(), goodPIN); err == nil {
		t.Error("SetPIN on a folder that is no screen")
	}
	if _, err := SetPIN(data, badPIN); err == nil {
		t.Error("SetPIN from a bad PIN file")
	}
}
