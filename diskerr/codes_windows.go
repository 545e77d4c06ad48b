package diskerr

import "syscall"

// Win32 error codes (winerror.h).
const (
	errorWriteProtect      syscall.Errno = 19   // ERROR_WRITE_PROTECT
	errorHandleDiskFull    syscall.Errno = 39   // ERROR_HANDLE_DISK_FULL
	errorDiskFull          syscall.Errno = 112  // ERROR_DISK_FULL
	errorDiskQuotaExceeded syscall.Errno = 1295 // ERROR_DISK_QUOTA_EXCEEDED
)

// With the Unix names too: Windows never returns them, but Go code may
// (ours, its tests).
var (
	full     = []syscall.Errno{errorDiskFull, errorHandleDiskFull, errorDiskQuotaExceeded, syscall.ENOSPC, syscall.EDQUOT}
	readOnly = []syscall.Errno{errorWriteProtect, syscall.EROFS}
)
