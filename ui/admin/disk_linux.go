//go:build linux

package admin

import "syscall"

// diskFree is the space left for unprivileged writes on dir's filesystem.
func diskFree(dir string) (free, total uint64, ok bool) {
	var s syscall.Statfs_t
	if syscall.Statfs(dir, &s) != nil {
		return 0, 0, false
	}
	return s.Bavail * uint64(s.Bsize), s.Blocks * uint64(s.Bsize), true
}
