package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/feed"
)

// An encrypted key from keygen --encrypt publishes with its passphrase
// (from a file: the terminal path needs a terminal) and with no warning;
// a wrong passphrase, no passphrase and no terminal, a changed key file:
// exit 1, one line, the feed folder untouched.
func TestEncryptedKey(t *testing.T) {
	root := t.TempDir()
	keys, out := filepath.Join(root, "keys"), filepath.Join(root, "feed")
	pass, wrong := filepath.Join(root, "pass"), filepath.Join(root, "wrong")
	os.WriteFile(pass, []byte("青禾镇发布口令2026\n"), 0o600)
	os.WriteFile(wrong, []byte("青禾镇发布口令2025\n"), 0o600)
	mustRun(t, "keygen", "--out", keys, "--encrypt", "--passphrase-file", pass)
	key := filepath.Join(keys, "publisher.key")
	data, _ := os.ReadFile(key)
	if !strings.Contains(string(data), "gongkai-ed25519-private-scrypt ") || strings.Contains(string(data), "gongkai-ed25519-private ") {
		t.Fatalf("key file:\n%s", data)
	}
	if fi, _ := os.Stat(key); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode())
	}
	stdout, stderr, code := run(t, "publish", "--key", key, "--passphrase-file", pass, "--src", "../assets/demo", "--out", out)
	if code != 0 || stderr != "" || !strings.Contains(stdout, "version 1") {
		t.Fatalf("publish: exit %d %q %q", code, stdout, stderr)
	}
	pubData, _ := os.ReadFile(filepath.Join(keys, "publisher.pub"))
	if _, err := feed.ParsePublicKey(pubData); err != nil {
		t.Fatal(err)
	}
	before := dirTree(t, out)
	changed := []byte(strings.Replace(string(data), "scrypt 16 8 1", "scrypt 16 4 1", 1))
	tampered := filepath.Join(root, "tampered.key")
	os.WriteFile(tampered, changed, 0o600)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"wrong passphrase", []string{"--key", key, "--passphrase-file", wrong}, "publisher.key: private key: the passphrase is wrong, or the key file was changed"},
		{"no terminal", []string{"--key", key}, "give --passphrase-file FILE"},
		{"changed file", []string{"--key", tampered, "--passphrase-file", pass}, "the passphrase is wrong, or the key file was changed"},
		{"alerts too", []string{"--key", key, "--passphrase-file", wrong, "--cancel-alert", "x"}, "the passphrase is wrong"},
	} {
		_, stderr, code := run(t, append(append([]string{"publish"}, c.args...), "--src", "../assets/demo", "--out", out)...)
		if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d %q, want %q", c.name, code, stderr, c.want)
		}
	}
	if after := dirTree(t, out); after != before {
		t.Error("a refused publish changed the feed folder")
	}
	// a passphrase under 8 characters is refused before anything is written
	os.WriteFile(wrong, []byte("short\n"), 0o600)
	if _, stderr, code := run(t, "keygen", "--out", filepath.Join(root, "k2"), "--encrypt", "--passphrase-file", wrong); code != 1 || !strings.Contains(stderr, "at least 8") {
		t.Errorf("short passphrase: exit %d %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "k2")); err == nil {
		t.Error("keygen with a refused passphrase made the folder")
	}
}

// A plain key keeps working with a one-line warning; --encrypt-existing
// encrypts it in place (same key, mode 0600), after which publish needs
// the passphrase and no longer warns.
func TestEncryptExisting(t *testing.T) {
	root := t.TempDir()
	keys, out, pass := filepath.Join(root, "keys"), filepath.Join(root, "feed"), filepath.Join(root, "pass")
	os.WriteFile(pass, []byte("correct horse battery\r\n"), 0o600)
	mustRun(t, "keygen", "--out", keys)
	key := filepath.Join(keys, "publisher.key")
	stdout, stderr, code := run(t, "publish", "--key", key, "--src", "../assets/demo", "--out", out)
	if code != 0 || !strings.Contains(stdout, "version 1") ||
		stderr != "warning: "+key+" is not encrypted: anyone with a copy can publish; encrypt it with gongkai keygen --encrypt-existing "+key+"\n" {
		t.Fatalf("plain key: exit %d %q", code, stderr)
	}
	if out := mustRun(t, "keygen", "--encrypt-existing", key, "--passphrase-file", pass); !strings.Contains(out, "is now encrypted") {
		t.Fatalf("keygen: %q", out)
	}
	if fi, _ := os.Stat(key); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode())
	}
	if _, stderr, code := run(t, "keygen", "--encrypt-existing", key, "--passphrase-file", pass); code != 1 || !strings.Contains(stderr, "already encrypted") {
		t.Errorf("twice: exit %d %q", code, stderr)
	}
	if _, stderr, code := run(t, "publish", "--key", key, "--src", "../assets/demo", "--out", out); code != 1 || !strings.Contains(stderr, "--passphrase-file") {
		t.Errorf("encrypted without passphrase: exit %d %q", code, stderr)
	}
	// the same key: version 2 of the same feed verifies with the old publisher.pub
	stdout, stderr, code = run(t, "publish", "--key", key, "--passphrase-file", pass, "--src", "../assets/demo", "--out", out)
	if code != 0 || stderr != "" || !strings.Contains(stdout, "version 2") {
		t.Fatalf("encrypted: exit %d %q %q", code, stdout, stderr)
	}
	raw, _ := os.ReadFile(filepath.Join(out, feed.ManifestFile))
	sig, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
	pubData, _ := os.ReadFile(filepath.Join(keys, "publisher.pub"))
	pub, _ := feed.ParsePublicKey(pubData)
	m, _ := feed.ParseManifest(raw)
	if _, err := feed.Verify(raw, sig, feed.Trust{Key: pub, Now: m.IssuedAt}); err != nil {
		t.Fatalf("the encrypted key signs as another key: %v", err)
	}
}

// dirTree is every file under dir with its content, for "nothing changed".
func dirTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(path)
			b.WriteString(path + "\n" + string(data) + "\n")
		}
		return nil
	})
	return b.String()
}
