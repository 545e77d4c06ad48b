package keys

import (
	"os"
	"path/filepath"
	"testing"

	"gongkai/feed"
)

const passWord = "青禾镇发布口令2026"

// A key file is read as what it is; a key is made encrypted and never
// over another; a plain key is encrypted in place, keeping its key.
func TestKeyStates(t *testing.T) {
	dir := t.TempDir()
	none := filepath.Join(dir, "none", "publisher.key")
	if st, _ := ReadState(none); st != None {
		t.Errorf("no file: %v", st)
	}

	made := filepath.Join(dir, "made", "publisher.key")
	pub, err := Create(made, []byte(passWord))
	if err != nil {
		t.Fatal(err)
	}
	if st, got := ReadState(made); st != Encrypted || !got.Equal(pub) {
		t.Errorf("made: %v, public key %x, want %x", st, got, pub)
	}
	if _, err := Create(made, []byte(passWord)); err == nil {
		t.Error("a second key was made over the first")
	}

	plain := filepath.Join(dir, "plain", "publisher.key")
	_, priv, _ := feed.GenerateKey()
	os.MkdirAll(filepath.Dir(plain), 0o700)
	os.WriteFile(plain, feed.EncodePrivateKey(priv), 0o600)
	if st, got := ReadState(plain); st != Plain || !got.Equal(priv.Public()) {
		t.Errorf("plain: %v", st)
	}
	if err := Encrypt(plain, []byte(passWord)); err != nil {
		t.Fatal(err)
	}
	if st, got := ReadState(plain); st != Encrypted || !got.Equal(priv.Public()) {
		t.Errorf("encrypted in place: %v, public key %x", st, got)
	}
	if err := Encrypt(plain, []byte(passWord)); err == nil {
		t.Error("an encrypted key was encrypted again")
	}

	broken := filepath.Join(dir, "broken.key")
	os.WriteFile(broken, []byte("not a key\n"), 0o600)
	if st, _ := ReadState(broken); st != Broken {
		t.Errorf("not a key: %v", st)
	}
}
