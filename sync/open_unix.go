//go:build unix

package sync

import (
	"os"
	"syscall"
)

// O_NONBLOCK makes opening a FIFO return at once (so it can be refused);
// it changes nothing for regular files.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
