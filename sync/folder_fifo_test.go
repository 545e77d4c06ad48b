//go:build !windows

package sync

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/feed"
)

// A FIFO planted on a stick must be refused at once, not hang the sync.
func TestFolderRefusesFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, feed.ManifestFile), 0o644); err != nil {
		t.Skip(err)
	}
	f, _ := NewFolder(dir)
	done := make(chan error, 1)
	go func() {
		_, _, err := f.Manifest(context.Background())
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("FIFO manifest: %v", err)
		}
	case <-time.After(time.Minute): // a generous bound on a hang, not a timing assertion
		// Unblock the open so the goroutine ends.
		if w, err := os.OpenFile(filepath.Join(dir, feed.ManifestFile), os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		t.Fatal("reading a FIFO manifest hung")
	}
}
