package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/cli"
	"gongkai/feed"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(args, &cli.Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
	return code, out.String(), errb.String()
}

func TestKeygen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	code, stdout, stderr := run(t, "keygen", "--out", dir)
	if code != 0 {
		t.Fatalf("keygen: exit %d, stderr %q", code, stderr)
	}
	keyPath, pubPath := filepath.Join(dir, "publisher.key"), filepath.Join(dir, "publisher.pub")
	st, err := os.Stat(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("publisher.key has mode %v, want 0600", st.Mode().Perm())
	}
	keyData, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := feed.ParsePrivateKey(keyData)
	if err != nil {
		t.Fatalf("publisher.key: %v", err)
	}
	pubData, err := os.ReadFile(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := feed.ParsePublicKey(pubData)
	if err != nil {
		t.Fatalf("publisher.pub: %v", err)
	}
	if !pub.Equal(priv.Public()) {
		t.Errorf("publisher.pub is not the public half of publisher.key")
	}
	if !strings.Contains(stdout, feed.Fingerprint(pub)) {
		t.Errorf("keygen output does not show the fingerprint: %q", stdout)
	}

	// A second keygen must not overwrite the key.
	code, _, stderr = run(t, "keygen", "--out", dir)
	if code == 0 {
		t.Fatalf("keygen overwrote an existing key")
	}
	if lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n"); len(lines) != 1 || !strings.Contains(stderr, "publisher.key") {
		t.Errorf("refusal is not one line naming the key: %q", stderr)
	}
	again, err := os.ReadFile(keyPath)
	if err != nil || !bytes.Equal(again, keyData) {
		t.Errorf("publisher.key changed after a refused keygen")
	}
	// Not even when only the public half is left.
	if err := os.Remove(keyPath); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := run(t, "keygen", "--out", dir); code == 0 {
		t.Errorf("keygen overwrote an existing publisher.pub")
	}
}

const cliFeed = `id: test-town
title: 测试镇
categories:
  - {id: village, name: 村务居务}
`

const cliItem = `---
id: village-001
title: 停水通知
category: village
agency: 测试村村民委员会
published: 2026-11-20
locations: ["310118901202"]
---
11月22日 8:00-12:00 停水。
`

func TestPublishCommand(t *testing.T) {
	root := t.TempDir()
	keys, src, out := filepath.Join(root, "keys"), filepath.Join(root, "src"), filepath.Join(root, "feed")
	if code, _, stderr := run(t, "keygen", "--out", keys); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("feed.yaml", cliFeed)
	write("items/village-001.md", cliItem)
	key := filepath.Join(keys, "publisher.key")

	code, stdout, stderr := run(t, "publish", "--key", key, "--src", src, "--out", out)
	if code != 0 || !strings.HasPrefix(stderr, "warning: "+key+" is not encrypted") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("publish: exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "version 1") {
		t.Errorf("publish output = %q", stdout)
	}
	raw, err := os.ReadFile(filepath.Join(out, feed.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
	if err != nil {
		t.Fatal(err)
	}
	pubData, _ := os.ReadFile(filepath.Join(keys, "publisher.pub"))
	pub, err := feed.ParsePublicKey(pubData)
	if err != nil {
		t.Fatal(err)
	}
	v, err := feed.Verify(raw, sig, feed.Trust{Key: pub, Now: v0Now(t, raw)})
	if err != nil {
		t.Fatalf("published feed does not verify: %v", err)
	}
	if v.FeedID != "test-town" || len(v.Items) != 1 || v.Timezone != "Asia/Shanghai" {
		t.Errorf("manifest = %+v", v.Manifest)
	}
	if got := v.Expires.Sub(v.IssuedAt).Hours(); got != 720 {
		t.Errorf("default expiry is %vh, want 720h", got)
	}

	// A bad source: exit 1, one line naming the file, the feed untouched.
	write("items/village-002.md", strings.Replace(strings.Replace(cliItem, "village-001", "village-002", 1), "published: 2026-11-20", "published: 2026-02-30", 1))
	before := dirState(t, out)
	code, _, stderr = run(t, "publish", "--key", key, "--src", src, "--out", out)
	if code != 1 {
		t.Errorf("bad source: exit %d, want 1", code)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("bad source: stderr is not exactly one line: %q", stderr)
	}
	if want := filepath.Join("items", "village-002.md") + ":6:"; !strings.Contains(stderr, want) {
		t.Errorf("bad source: stderr %q does not name %s", stderr, want)
	}
	if after := dirState(t, out); after != before {
		t.Errorf("a refused publish changed the feed folder")
	}

	// A wrong key file: exit 1, one line.
	code, _, stderr = run(t, "publish", "--key", filepath.Join(keys, "publisher.pub"), "--src", src, "--out", out)
	if code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Errorf("public key as --key: exit %d, stderr %q", code, stderr)
	}
	// Missing flags are a usage error.
	if code, _, _ := run(t, "publish", "--src", src, "--out", out); code != 2 {
		t.Errorf("publish without --key: exit %d, want 2", code)
	}
}

// v0Now is a trusted time at which the manifest is valid: its issued_at.
func v0Now(t *testing.T, raw []byte) time.Time {
	t.Helper()
	m, err := feed.ParseManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m.IssuedAt
}

func dirState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(path + " " + info.Mode().String())
		if !info.IsDir() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			b.WriteString(" " + feed.Sum(data))
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
