package keyfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A key pair made by Generate loads back through its passphrase file
// (CRLF and all); Generate refuses to overwrite; EncryptFile turns a
// plain file into an encrypted one of the same key, once.
func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	pass := filepath.Join(dir, "pass")
	os.WriteFile(pass, []byte("青禾镇发布口令2026\r\nignored\n"), 0o600)
	pr := Prompt{File: pass}

	pub, keyPath, pubPath, err := Generate(filepath.Join(dir, "enc"), true, pr)
	if err != nil {
		t.Fatal(err)
	}
	priv, plain, err := Load(keyPath, pr)
	if err != nil || plain || !pub.Equal(priv.Public()) {
		t.Fatalf("Load: plain %v, err %v", plain, err)
	}
	if got, err := ReadPublic(pubPath, "publisher key"); err != nil || !got.Equal(pub) {
		t.Fatalf("ReadPublic: %v", err)
	}
	if _, _, _, err := Generate(filepath.Join(dir, "enc"), false, pr); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("second Generate: %v", err)
	}
	if _, _, err := Load(keyPath, Prompt{}); err == nil || !strings.Contains(err.Error(), "--passphrase-file") {
		t.Errorf("no passphrase, no terminal: %v", err)
	}

	_, plainPath, _, err := Generate(filepath.Join(dir, "plain"), false, Prompt{})
	if err != nil {
		t.Fatal(err)
	}
	if _, plain, err := Load(plainPath, Prompt{}); err != nil || !plain {
		t.Fatalf("plain Load: %v %v", plain, err)
	}
	if err := EncryptFile(plainPath, pr); err != nil {
		t.Fatal(err)
	}
	if _, plain, err := Load(plainPath, pr); err != nil || plain {
		t.Fatalf("after EncryptFile: plain %v, err %v", plain, err)
	}
	if err := EncryptFile(plainPath, pr); err == nil || !strings.Contains(err.Error(), "already encrypted") {
		t.Errorf("EncryptFile twice: %v", err)
	}
}

func TestReadSmallRefusesLargeFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big")
	os.WriteFile(p, make([]byte, 1<<20+1), 0o600)
	if _, err := ReadSmall(p); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("ReadSmall: %v", err)
	}
	if _, err := ReadPublic(p, "device key"); err == nil || !strings.HasPrefix(err.Error(), "device key: ") {
		t.Error("ReadPublic of a large file")
	}
}
