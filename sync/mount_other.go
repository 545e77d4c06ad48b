//go:build !unix

package sync

import "os"

// isMountPoint: on Windows the volume roots are drive letters, each a
// volume of its own.
func isMountPoint(string, os.FileInfo) bool { return true }
