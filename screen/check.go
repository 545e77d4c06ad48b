package screen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gongkai/store"
)

// CheckResult is what Check found in a sound-enough store.
type CheckResult struct {
	Problems     []string // each one line, for a person
	Items, Blobs int      // what a store without problems holds
}

// Check reads the whole store in data, read-only, for damage: it reports,
// it never repairs. Problems come with a nil error; an error means the
// store could not be read at all (a panic while reading it is damage too).
func Check(data string) (res CheckResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v; run gongkai sync --data %s to rebuild it from the feed", store.ErrDamaged, r, data)
		}
	}()
	st, err := store.Open(data, store.Options{ReadOnly: true})
	if err != nil {
		return res, StoreError(data, err)
	}
	defer st.Close()
	res.Problems, err = st.Check()
	if err != nil || len(res.Problems) > 0 {
		return res, StoreError(data, err)
	}
	sums, err := st.ItemSums()
	if err != nil {
		return res, StoreError(data, err)
	}
	res.Items, res.Blobs = len(sums), countBlobs(st)
	return res, nil
}

// CrashReason is the line of a Go crash report (a check's child process
// that died reading a damaged file) that says what happened; other when
// there is none.
func CrashReason(stderr, other string) string {
	for _, line := range strings.Split(stderr, "\n") {
		for _, p := range []string{"panic: ", "fatal error: ", "unexpected fault", "unexpected signal"} {
			if strings.HasPrefix(line, p) {
				return strings.TrimSpace(line)
			}
		}
	}
	return other
}

// countBlobs counts the attachment files the store holds. The store has no
// count of its own yet, so this walks the folder its BlobPath names.
func countBlobs(st *store.Store) int {
	probe := st.BlobPath(strings.Repeat("0", 64))
	if probe == "" {
		return 0
	}
	root := filepath.Dir(filepath.Dir(probe))
	n := 0
	dirs, _ := os.ReadDir(root)
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(root, d.Name()))
		for _, f := range files {
			if f.Type().IsRegular() && !strings.HasPrefix(f.Name(), ".") && st.HasBlob(f.Name()) {
				n++
			}
		}
	}
	return n
}
