package diskerr

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The codes are told apart wrapped as the os package and our own callers
// wrap them, and no other failure is taken for either.
func TestKinds(t *testing.T) {
	wrap := func(e syscall.Errno) error {
		return fmt.Errorf("write to stick: %w", &fs.PathError{Op: "write", Path: "x", Err: e})
	}
	for _, e := range full {
		if err := wrap(e); !Full(err) || ReadOnly(err) {
			t.Errorf("%v: full %v, read-only %v", err, Full(err), ReadOnly(err))
		}
	}
	for _, e := range readOnly {
		if err := wrap(e); Full(err) || !ReadOnly(err) {
			t.Errorf("%v: full %v, read-only %v", err, Full(err), ReadOnly(err))
		}
	}
	_, missing := os.Open(filepath.Join(t.TempDir(), "none"))
	for _, err := range []error{nil, missing, fs.ErrPermission, fmt.Errorf("plain")} {
		if Full(err) || ReadOnly(err) {
			t.Errorf("%v: taken for a full or read-only disk", err)
		}
	}
}
