package sync

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/sync/synctest"
)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFolderManifestAndSignatureBelongTogether(t *testing.T) {
	dir := t.TempDir()
	raw := []byte(`{"format":"x"}`)
	writeFile(t, filepath.Join(dir, feed.ManifestFile), raw)
	writeFile(t, filepath.Join(dir, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))), []byte("sig\n"))
	writeFile(t, filepath.Join(dir, filepath.FromSlash(feed.SignaturePath(feed.Sum([]byte("other"))))), []byte("wrong\n"))
	f, _ := NewFolder(dir)
	gotRaw, gotSig, err := f.Manifest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotRaw, raw) || string(gotSig) != "sig\n" {
		t.Errorf("Manifest = %q, %q", gotRaw, gotSig)
	}
}

// A symlink that stays inside the folder is fine (copy tools make them);
// one that leads out is refused even when its bytes would verify.
func TestFolderSymlinks(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	raw := []byte(`manifest bytes`)
	writeFile(t, filepath.Join(dir, "real", "m.json"), raw)
	if err := os.Symlink(filepath.Join("real", "m.json"), filepath.Join(dir, feed.ManifestFile)); err != nil {
		t.Skip(err)
	}
	writeFile(t, filepath.Join(outside, "sig"), []byte("sig\n"))
	sigPath := filepath.Join(dir, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw))))
	os.MkdirAll(filepath.Dir(sigPath), 0o755)
	os.Symlink(filepath.Join(outside, "sig"), sigPath)
	f, _ := NewFolder(dir)
	_, _, err := f.Manifest(context.Background())
	if err == nil || !strings.Contains(err.Error(), "escapes") {
		t.Fatalf("signature symlinked outside the folder: %v", err)
	}
	os.Remove(sigPath)
	os.Symlink(filepath.Join("..", "real", "m.json"), sigPath) // inside: allowed (content irrelevant here)
	if _, sig, err := f.Manifest(context.Background()); err != nil || !bytes.Equal(sig, raw) {
		t.Fatalf("symlink inside the folder: %q %v", sig, err)
	}
	os.Remove(sigPath)
	os.Symlink("../../..", sigPath) // a directory outside
	if _, _, err := f.Manifest(context.Background()); err == nil {
		t.Fatal("a symlink to a directory outside was read")
	}
}

func TestFolderObjectSizeCheckedEarly(t *testing.T) {
	dir := t.TempDir()
	data := []byte("hello object")
	o := feed.Object{SHA256: feed.Sum(data), Size: int64(len(data)) - 1}
	writeFile(t, filepath.Join(dir, filepath.FromSlash(o.Path())), data)
	f, _ := NewFolder(dir)
	if _, err := f.Object(context.Background(), o); !errors.Is(err, feed.ErrObjectSize) {
		t.Fatalf("object of the wrong size: %v", err)
	}
	o.Size++
	rc, err := f.Object(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(feed.NewObjectReader(rc, o))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("object read: %q %v", got, err)
	}
}

func TestFolderHonoursCancel(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, feed.ManifestFile), []byte("{}"))
	f, _ := NewFolder(dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := f.Manifest(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v", err)
	}
}

// FuzzFolderManifest writes arbitrary manifest and signature bytes into a
// feed folder and reads them back through the folder source and Verify: no
// panic, the bytes come back exactly, caps hold, and nothing but the real
// signature verifies.
func FuzzFolderManifest(f *testing.F) {
	priv, pubFile := synctest.NewKey(f)
	pub, _ := feed.ParsePublicKey(pubFile)
	src, out := f.TempDir(), f.TempDir()
	synctest.WriteSource(f, src, itemsV1())
	synctest.Publish(f, src, out, priv, time.Time{})
	raw, _ := os.ReadFile(filepath.Join(out, feed.ManifestFile))
	sig, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
	f.Add(raw, sig)
	f.Add([]byte("{}"), []byte("gongkai-ed25519-sig 0000 AAAA"))
	f.Add([]byte(""), []byte(""))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, m, s []byte) {
		os.RemoveAll(filepath.Join(dir, feed.SigDir))
		writeFile(t, filepath.Join(dir, feed.ManifestFile), m)
		writeFile(t, filepath.Join(dir, filepath.FromSlash(feed.SignaturePath(feed.Sum(m)))), s)
		folder, _ := NewFolder(dir)
		gotM, gotS, err := folder.Manifest(context.Background())
		if len(s) > feed.MaxSignatureSize {
			if !errors.Is(err, feed.ErrTooLarge) {
				t.Fatalf("oversized signature read: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if !bytes.Equal(gotM, m) || !bytes.Equal(gotS, s) {
			t.Fatal("bytes read differ from bytes written")
		}
		v, err := feed.Verify(gotM, gotS, feed.Trust{Key: pub, Now: time.Now()})
		if err == nil && (!bytes.Equal(m, raw) || v.Sum() != feed.Sum(raw)) {
			t.Fatalf("a manifest other than the signed one verified")
		}
	})
}
