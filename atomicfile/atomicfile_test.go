package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		".tmp-1404105665": true,
		".tmp-0":          true,
		".tmp-":           false,
		".tmp-12a":        false,
		".tmp-notes":      false,
		"x.tmp-1":         false,
		".tmp1":           false,
		"tmp-1":           false,
	} {
		if got := IsTemp(name); got != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, got, want)
		}
	}
}

// The temporary file WriteFrom makes must be one IsTemp recognises, or a
// crash would leave a file RemoveTemps never removes.
func TestWriteFromTempIsTemp(t *testing.T) {
	dir := t.TempDir()
	var seen []string
	r := readerFunc(func([]byte) (int, error) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return 0, err
		}
		for _, e := range entries {
			seen = append(seen, e.Name())
		}
		return 0, errors.New("stop")
	})
	if err := WriteFrom(filepath.Join(dir, "f"), r, 0o644); err == nil {
		t.Fatal("WriteFrom succeeded with a failing reader")
	}
	if len(seen) != 1 || !IsTemp(seen[0]) {
		t.Fatalf("during the write the folder held %q, want one temporary file", seen)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed write left %v", entries)
	}
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{".tmp-1", ".tmp-22", ".tmp-x", "keep"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, ".tmp-3"), 0o755); err != nil {
		t.Fatal(err)
	}
	n, err := RemoveTemps(dir)
	if err != nil || n != 2 {
		t.Errorf("RemoveTemps = %d, %v; want 2, nil", n, err)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{".tmp-3", ".tmp-x", "keep"}; !slices.Equal(left, want) {
		t.Errorf("left %q, want %q", left, want)
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// Write makes a file and replaces it whole, leaving no temporary file
// (on Windows too, where a folder cannot be synced).
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "config.toml")
	for _, content := range []string{"first", "second, longer"} {
		if err := Write(path, []byte(content)); err != nil {
			t.Fatalf("write %q: %v", content, err)
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != content {
			t.Fatalf("read back %q (%v), want %q", got, err, content)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil || len(entries) != 1 {
		t.Fatalf("the folder holds %d entries (%v), want the file alone", len(entries), err)
	}
}
