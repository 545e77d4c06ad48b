// Package diskerr tells a full disk and a read-only one from other
// failures of a write, by the error's value on each system: the screens
// say what to do about each (free space, turn off a stick's write
// protection, keep showing what is stored). Linux names them ENOSPC,
// EDQUOT and EROFS; Windows has codes of its own, which Go does not map
// to those.
package diskerr

import (
	"errors"
	"syscall"
)

// Full reports whether err says the disk, or the user's quota on it, is
// full.
func Full(err error) bool { return isOneOf(err, full) }

// ReadOnly reports whether err says the disk or stick is read-only
// (write-protected, or remounted read-only after errors).
func ReadOnly(err error) bool { return isOneOf(err, readOnly) }

func isOneOf(err error, codes []syscall.Errno) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	for _, c := range codes {
		if errno == c {
			return true
		}
	}
	return false
}
