package sync

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/publish"
	"gongkai/sync/synctest"
)

// entry is one file of a hand-made archive.
type entry struct {
	name string
	data []byte
	typ  byte // tar type; zip: TypeSymlink or TypeDir mark the mode, anything else a file
	size int64
}

// feedEntries lists the feed layout files of dir (manifest, signatures,
// objects), as a bundle holds them.
func feedEntries(t testing.TB, dir string) []entry {
	t.Helper()
	var out []entry
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		out = append(out, entry{name: filepath.ToSlash(rel), data: data, typ: tar.TypeReg})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return out
}

func writeTar(t *testing.T, path string, entries []entry) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.data))}
		switch e.typ {
		case tar.TypeSymlink, tar.TypeLink:
			h.Linkname, h.Size = "/etc/passwd", 0
		case tar.TypeChar, tar.TypeDir, tar.TypeFifo:
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write(e.data)
		}
	}
	tw.Close()
	writeFile(t, path, buf.Bytes())
}

func writeZip(t *testing.T, path string, entries []entry) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		switch e.typ {
		case tar.TypeSymlink:
			h.SetMode(fs.ModeSymlink | 0o777)
		case tar.TypeDir:
			h.SetMode(fs.ModeDir | 0o755)
		default:
			h.SetMode(0o644)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	zw.Close()
	writeFile(t, path, buf.Bytes())
}

func (f *fixture) syncBundle(t *testing.T, path string, limits BundleLimits) (Result, error) {
	t.Helper()
	b, err := NewBundle(path, limits)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	return Run(context.Background(), f.st, f.cfg, b, Options{})
}

func TestBundleWrittenByPublishSyncs(t *testing.T) {
	for _, ext := range []string{".zip", ".tar"} {
		t.Run(ext, func(t *testing.T) {
			f := newFixture(t)
			path := filepath.Join(t.TempDir(), "feed"+ext)
			res, err := publish.WriteBundle(f.v1, path)
			if err != nil {
				t.Fatal(err)
			}
			if res.Version != 1 || res.Objects != 5 {
				t.Errorf("bundle: %+v", res)
			}
			src, err := ParseSource(path, f.dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := src.(*Bundle); !ok {
				t.Fatalf("ParseSource(%s) = %T", path, src)
			}
			got, err := Run(context.Background(), f.st, f.cfg, src, Options{})
			closeSource(src)
			if err != nil || got.Version != 1 || got.Changes.Added != 4 {
				t.Fatalf("sync from bundle: %+v %v", got, err)
			}
			if ids := f.visibleIDs(t); !slices.Equal(ids, []string{"all-001", "land-001", "town-001"}) {
				t.Errorf("visible: %q", ids)
			}
			// v2 over v1 from a bundle: only the new objects are read.
			path2 := filepath.Join(t.TempDir(), "feed-v2"+ext)
			if _, err := publish.WriteBundle(f.v2, path2); err != nil {
				t.Fatal(err)
			}
			if got, err := f.syncBundle(t, path2, DefaultBundleLimits); err != nil || got.Version != 2 {
				t.Fatalf("v2 from bundle: %+v %v", got, err)
			}
			// The publisher's live folder keeps old objects; its bundle
			// holds only the current version's.
			if _, err := publish.WriteBundle(f.out, path2); err != nil {
				t.Fatal(err)
			}
			if res, err := f.syncBundle(t, path2, DefaultBundleLimits); err != nil || !res.Unchanged {
				t.Errorf("same version again: %+v %v", res, err)
			}
		})
	}
}

func TestHostileBundlesAreRefused(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	before := f.snapshot(t)
	good := feedEntries(t, f.v2)
	with := func(extra ...entry) []entry { return append(slices.Clone(good), extra...) }
	manifest := good[slices.IndexFunc(good, func(e entry) bool { return e.name == feed.ManifestFile })]
	bomb := bytes.Repeat([]byte{0}, 8<<20)
	bombName := feed.ObjectPath(feed.Sum(bomb))
	small := BundleLimits{Entries: 20, Total: 1 << 20, Ratio: 200}

	cases := []struct {
		name    string
		ext     string
		entries []entry
		limits  BundleLimits
		want    string
	}{
		{"traversal", ".tar", with(entry{name: "../manifest.json", data: manifest.data, typ: tar.TypeReg}), DefaultBundleLimits, "not part of a feed's layout"},
		{"traversal inside", ".zip", with(entry{name: "objects/../../evil", data: []byte("x")}), DefaultBundleLimits, "not part of a feed's layout"},
		{"absolute", ".tar", with(entry{name: "/etc/cron.d/x", data: []byte("x"), typ: tar.TypeReg}), DefaultBundleLimits, "not part of a feed's layout"},
		{"backslash", ".zip", with(entry{name: `objects\..\..\evil`, data: []byte("x")}), DefaultBundleLimits, "not part of a feed's layout"},
		{"symlink tar", ".tar", with(entry{name: feed.ObjectPath(strings.Repeat("ab", 32)), typ: tar.TypeSymlink}), DefaultBundleLimits, "symbolic link"},
		{"symlink zip", ".zip", with(entry{name: feed.ObjectPath(strings.Repeat("ab", 32)), data: []byte("/etc/passwd"), typ: tar.TypeSymlink}), DefaultBundleLimits, "symbolic link"},
		{"hardlink", ".tar", with(entry{name: feed.ObjectPath(strings.Repeat("cd", 32)), typ: tar.TypeLink}), DefaultBundleLimits, "hard link"},
		{"device", ".tar", with(entry{name: feed.ObjectPath(strings.Repeat("ef", 32)), typ: tar.TypeChar}), DefaultBundleLimits, "device"},
		{"fifo", ".tar", with(entry{name: feed.ObjectPath(strings.Repeat("ef", 32)), typ: tar.TypeFifo}), DefaultBundleLimits, "named pipe"},
		{"too many entries", ".tar", with(manyEntries(30)...), small, "more than 20 entries"},
		{"too many entries zip", ".zip", with(manyEntries(30)...), small, "more than 20 entries"},
		{"oversized signature", ".tar", with(entry{name: feed.SignaturePath(strings.Repeat("0", 64)), data: make([]byte, 2048), typ: tar.TypeReg}), DefaultBundleLimits, "over 1024"},
		{"total over cap", ".tar", with(entry{name: feed.ObjectPath(strings.Repeat("12", 32)), data: make([]byte, 2<<20), typ: tar.TypeReg}), small, "exceed"},
		{"zip bomb", ".zip", with(entry{name: bombName, data: bomb}), DefaultBundleLimits, "expands"},
		{"duplicate", ".tar", with(entry{name: feed.ManifestFile, data: manifest.data, typ: tar.TypeReg}), DefaultBundleLimits, "appears twice"},
		{"duplicate dot slash", ".zip", with(entry{name: "./" + feed.ManifestFile, data: manifest.data}), DefaultBundleLimits, "appears twice"},
		{"wrapped in a folder", ".zip", prefixed("feed/", good), DefaultBundleLimits, "not part of a feed's layout"},
		{"stray file", ".tar", with(entry{name: "README.txt", data: []byte("hi"), typ: tar.TypeReg}), DefaultBundleLimits, "not part of a feed's layout"},
		{"object in the wrong fan-out folder", ".tar", with(entry{name: "objects/00/" + strings.Repeat("ab", 32), data: []byte("x"), typ: tar.TypeReg}), DefaultBundleLimits, "not part of a feed's layout"},
		{"other directory", ".tar", with(entry{name: "bin/", typ: tar.TypeDir}), DefaultBundleLimits, "not part of a feed's layout"},
		{"not an archive", ".zip", []entry{{name: "x"}}, DefaultBundleLimits, "not a readable zip"},
		{"no manifest", ".tar", good[1:], DefaultBundleLimits, "manifest.json is missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "stick"+c.ext)
			switch {
			case c.name == "not an archive":
				writeFile(t, path, []byte("PK\x03\x04 this is not a zip"))
			case c.ext == ".zip":
				writeZip(t, path, c.entries)
			default:
				writeTar(t, path, c.entries)
			}
			_, err := f.syncBundle(t, path, c.limits)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line containing %q", err, c.want)
			}
			if after := f.snapshot(t); after != before {
				t.Errorf("store changed by a refused bundle")
			}
			if st, _ := f.st.State(); !strings.Contains(st.LastError, c.want) {
				t.Errorf("status does not say why: %q", st.LastError)
			}
		})
	}
}

// A tar whose object entry lies about its content is caught by the
// verifying reader, like any source.
func TestBundleObjectContentVerified(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	before := f.snapshot(t)
	entries := feedEntries(t, f.v2)
	_, added, _ := f.newObjects(t)
	for i := range entries {
		if entries[i].name == added.Path() {
			entries[i].data = bytes.Clone(entries[i].data)
			entries[i].data[0] ^= 1
		}
	}
	path := filepath.Join(t.TempDir(), "stick.tar")
	writeTar(t, path, entries)
	if _, err := f.syncBundle(t, path, DefaultBundleLimits); !errors.Is(err, feed.ErrObjectHash) {
		t.Fatalf("tampered object: %v", err)
	}
	if f.snapshot(t) != before {
		t.Error("store changed")
	}
}

func manyEntries(n int) []entry {
	var out []entry
	for i := range n {
		sum := feed.Sum([]byte{byte(i)})
		out = append(out, entry{name: feed.ObjectPath(sum), data: []byte{byte(i)}, typ: tar.TypeReg})
	}
	return out
}

func prefixed(p string, entries []entry) []entry {
	out := slices.Clone(entries)
	for i := range out {
		out[i].name = p + out[i].name
	}
	return out
}

// FuzzBundle feeds arbitrary bytes to the bundle reader as a .zip and as
// a .tar: it must refuse or read within its caps, never panic, hang or
// return a manifest over the limit.
func FuzzBundle(f *testing.F) {
	fx := newFuzzFeed(f)
	for _, ext := range []string{".zip", ".tar"} {
		p := filepath.Join(f.TempDir(), "seed"+ext)
		if _, err := publish.WriteBundle(fx, p); err != nil {
			f.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	limits := BundleLimits{Entries: 64, Total: 8 << 20, Ratio: 200}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ext := range []string{".zip", ".tar"} {
			path := filepath.Join(t.TempDir(), "b"+ext)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			b, err := NewBundle(path, limits)
			if err != nil {
				t.Fatal(err)
			}
			raw, sig, err := b.Manifest(context.Background())
			if err == nil {
				if len(raw) > feed.MaxManifestSize || len(sig) > feed.MaxSignatureSize {
					t.Fatalf("manifest %d, signature %d bytes", len(raw), len(sig))
				}
				if m, err := feed.ParseManifest(raw); err == nil {
					for _, o := range m.Objects() {
						if rc, err := b.Object(context.Background(), o); err == nil {
							_, _ = feed.ReadLimited(feed.NewObjectReader(rc, o), o.Size+1, "object")
							rc.Close()
						}
					}
				}
			}
			b.Close()
		}
	})
}

// newFuzzFeed publishes the small test feed once for the fuzz seeds.
func newFuzzFeed(f *testing.F) string {
	f.Helper()
	src, out := f.TempDir(), f.TempDir()
	priv, _ := synctest.NewKey(f)
	synctest.WriteSource(f, src, itemsV1())
	synctest.Publish(f, src, out, priv, time.Time{})
	return out
}
