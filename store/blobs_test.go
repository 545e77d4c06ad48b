package store

import (
	"os"
	"path/filepath"
	"testing"
)

// A sync killed while writing an attachment leaves its temporary file in
// blobs/<2 hex>/; the next read-write open removes it, and nothing else.
func TestOpenRemovesStaleTemps(t *testing.T) {
	s, dir := openTemp(t)
	x := putBlob(t, s, []byte("村务公开表.csv 内容"))
	s.Close()

	blobs := filepath.Join(dir, blobDir)
	write := func(rel string) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := []string{
		write(filepath.Join(blobDir, x.SHA256[:2], ".tmp-1404105665")),
		write(filepath.Join(blobDir, "ff", ".tmp-42")),
	}
	kept := []string{
		s.BlobPath(x.SHA256),
		write(".tmp-7"),                                   // data folder: other writers
		write(filepath.Join(blobDir, ".tmp-8")),           // not an attachment folder
		write(filepath.Join(blobDir, "xyz", ".tmp-9")),    // not an attachment folder
		write(filepath.Join(blobDir, "ff", ".tmp-notes")), // not our pattern
		write(filepath.Join(blobDir, "ff", "tmp-10")),
		write(filepath.Join(blobDir, "ff", ".tmp-11", "inside")), // a folder
	}
	if err := os.Symlink(kept[1], filepath.Join(blobs, "ff", ".tmp-12")); err == nil {
		kept = append(kept, filepath.Join(blobs, "ff", ".tmp-12")) // not a regular file
	}
	exists := func(p string) bool { _, err := os.Lstat(p); return err == nil }

	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ro.Close()
	for _, p := range stale {
		if !exists(p) {
			t.Errorf("read-only open removed %s", p)
		}
	}

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, p := range stale {
		if exists(p) {
			t.Errorf("%s left after open", p)
		}
	}
	for _, p := range kept {
		if !exists(p) {
			t.Errorf("open removed %s", p)
		}
	}
	if !s.HasBlob(x.SHA256) {
		t.Error("attachment gone")
	}
}
