//go:build !windows

package diskerr

import "syscall"

var (
	full     = []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT}
	readOnly = []syscall.Errno{syscall.EROFS}
)
