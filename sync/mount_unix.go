//go:build unix

package sync

import (
	"os"
	"path/filepath"
	"syscall"
)

// isMountPoint: the folder dir (fi) lies on another device than its parent.
func isMountPoint(dir string, fi os.FileInfo) bool {
	parent, err := os.Stat(filepath.Dir(dir))
	if err != nil {
		return false
	}
	a, ok1 := fi.Sys().(*syscall.Stat_t)
	b, ok2 := parent.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && a.Dev != b.Dev
}
