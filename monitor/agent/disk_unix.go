//go:build unix

package agent

import "syscall"

// diskSpace is the free (for this user) and total bytes of dir's file
// system; zeros when it cannot be read.
func diskSpace(dir string) (free, total int64) {
	var s syscall.Statfs_t
	if err := syscall.Statfs(dir, &s); err != nil {
		return 0, 0
	}
	return int64(s.Bavail) * int64(s.Bsize), int64(s.Blocks) * int64(s.Bsize)
}
