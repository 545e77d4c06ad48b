// Package atomicfile writes files so that a crash or power cut at any moment
// leaves either the old content or the new, never a part: temporary file in
// the same folder, fsync, rename, fsync of the folder.
package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// tempPrefix begins the name of every temporary file WriteFrom makes;
// os.CreateTemp follows it with a random decimal number.
const tempPrefix = ".tmp-"

// IsTemp reports whether name (a base name) has the shape of the temporary
// files WriteFrom makes, which a crash between create and rename leaves
// behind.
func IsTemp(name string) bool {
	digits, ok := strings.CutPrefix(name, tempPrefix)
	if !ok || digits == "" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// RemoveTemps removes from dir the regular files whose names IsTemp
// accepts, and nothing else; it does not descend into subfolders. Only the
// caller can know that no WriteFrom into dir is running, in this process
// or another one: call it only when that is certain (the store holds an
// exclusive lock on its database when it does), or a write in progress
// would fail at its rename.
func RemoveTemps(dir string) (removed int, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsTemp(e.Name()) {
			continue
		}
		if rerr := os.Remove(filepath.Join(dir, e.Name())); rerr != nil {
			if err == nil && !errors.Is(rerr, os.ErrNotExist) {
				err = rerr
			}
			continue
		}
		removed++
	}
	// Not synced: a removal a power cut undoes is done again next time.
	return removed, err
}

// Write writes data to path through a temporary file in the same
// folder, synced before and after the rename, so path holds either its old
// content or data, never a part.
func Write(path string, data []byte) error {
	return WriteFrom(path, bytes.NewReader(data), 0o644)
}

// SyncDir makes a rename or removal in dir durable. Windows has no call for
// that: a folder cannot be flushed (FlushFileBuffers on it is "Access is
// denied", which failed every write on a Windows screen), and NTFS logs
// its renames itself; there SyncDir does nothing.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// WriteFrom is Write for content that arrives as a stream; if r fails, path
// is left as it was.
func WriteFrom(path string, r io.Reader, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}
