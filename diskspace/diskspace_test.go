package diskspace

import (
	"path/filepath"
	"testing"
)

// A folder's file system has a size, and no more room than that.
func TestOf(t *testing.T) {
	dir := t.TempDir()
	free, total, ok := Of(dir)
	if !ok || total == 0 || free > total {
		t.Fatalf("Of(%s) = %d free of %d, %v", dir, free, total, ok)
	}
}

func TestOfMissing(t *testing.T) {
	if free, total, ok := Of(filepath.Join(t.TempDir(), "gone")); ok {
		t.Fatalf("a missing folder: %d free of %d", free, total)
	}
}
