package publish

import (
	"archive/tar"
	"archive/zip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gongkai/feed"
)

func TestWriteBundle(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow}); err != nil {
		t.Fatal(err)
	}
	// A second version leaves the first one's changed item object behind
	// in out; the bundle carries only the current version.
	writeSource(t, src, withLine(3, `title: "东湾村三组土地征收公告（更正）"`))
	res2, err := build(src, out, Options{Key: testKey(1), Now: testNow.Add(1)})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(out, feed.ManifestFile))
	m, _ := feed.ParseManifest(raw)
	want := []string{feed.ManifestFile, feed.SignaturePath(res2.Manifest)}
	for _, o := range m.Objects() {
		want = append(want, o.Path())
	}
	slices.Sort(want)
	for _, ext := range []string{".zip", ".tar"} {
		path := filepath.Join(t.TempDir(), "feed"+ext)
		b, err := WriteBundle(out, path)
		if err != nil {
			t.Fatal(err)
		}
		if b.Version != 2 || b.Objects != len(m.Objects()) {
			t.Errorf("%s: %+v", ext, b)
		}
		got := bundleNames(t, path)
		if !slices.Equal(got, want) {
			t.Errorf("%s holds %q, want %q", ext, got, want)
		}
	}
}

func bundleNames(t *testing.T, path string) []string {
	t.Helper()
	var names []string
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		tr := tar.NewReader(f)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, h.Name)
		}
	}
	slices.Sort(names)
	return names
}

func TestWriteBundleRefusesDamageAndLeavesNoFile(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow}); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteBundle(out, filepath.Join(t.TempDir(), "feed.rar")); err == nil || !strings.Contains(err.Error(), ".zip or .tar") {
		t.Errorf("bad extension: %v", err)
	}
	// Damage one object in the feed folder: the bundle must not carry it.
	var obj string
	filepath.WalkDir(filepath.Join(out, feed.ObjectDir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && obj == "" {
			obj = p
		}
		return nil
	})
	data, _ := os.ReadFile(obj)
	data[0] ^= 1
	os.WriteFile(obj, data, 0o644)
	dir := t.TempDir()
	path := filepath.Join(dir, "feed.tar")
	_, err := WriteBundle(out, path)
	if !errors.Is(err, feed.ErrObjectHash) || strings.Contains(err.Error(), "\n") {
		t.Errorf("damaged object: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed bundle left %v", entries)
	}
}
