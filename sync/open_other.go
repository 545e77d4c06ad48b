//go:build !unix

package sync

import "os"

const openFlags = os.O_RDONLY
