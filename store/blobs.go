package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"gongkai/atomicfile"
)

// Attachments are content-addressed files: dir/blobs/<2 hex>/<sha256 hex>.

// validSum: 64 lower-case hex digits, so a name can never leave blobs/.
func validSum(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	for i := 0; i < len(sum); i++ {
		if c := sum[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// BlobPath is where an attachment lives (for image widgets that take a
// file); "" for a name that is not a SHA-256.
func (s *Store) BlobPath(sum string) string {
	if !validSum(sum) {
		return ""
	}
	return filepath.Join(s.dir, blobDir, sum[:2], sum)
}

// HasBlob reports whether an attachment object is stored (by name; Check
// verifies content).
func (s *Store) HasBlob(sum string) bool {
	p := s.BlobPath(sum)
	if p == "" {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// PutBlob stores an attachment from r (temp file, fsync, rename, fsync dir)
// before the Apply that references them. r should already be verifying
// (feed.NewObjectReader); the store checks the hash again as it writes, so a
// wrong or failing reader stores nothing.
func (s *Store) PutBlob(sum string, r io.Reader) error {
	p := s.BlobPath(sum)
	if p == "" {
		return fmt.Errorf("store: put attachment %.70q: not a SHA-256", sum)
	}
	hr := &hashReader{r: r, h: sha256.New(), want: sum}
	if err := atomicfile.WriteFrom(p, hr, 0o644); err != nil {
		return fmt.Errorf("store: put attachment %.12s: %w", sum, err)
	}
	return nil
}

// hashReader turns a clean end of r into an error when the bytes read were
// not the object named want.
type hashReader struct {
	r    io.Reader
	h    hash.Hash
	want string
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(h.h.Sum(nil)); got != h.want {
			return n, fmt.Errorf("%w: content hashes to %.12s", ErrDamaged, got)
		}
	}
	return n, err
}

// OpenBlob opens a stored attachment.
func (s *Store) OpenBlob(sum string) (io.ReadCloser, error) {
	p := s.BlobPath(sum)
	if p == "" {
		return nil, fmt.Errorf("store: attachment %.70q: %w", sum, ErrNotFound)
	}
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("store: attachment %.12s: %w", sum, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: attachment %.12s: %w", sum, err)
	}
	return f, nil
}

// collectBlobs removes every attachment file not in keep. Temporary files
// of writes in progress (atomicfile.IsTemp) are left alone.
func (s *Store) collectBlobs(keep map[string]bool) error {
	subs, err := s.blobDirs()
	if err != nil {
		return err
	}
	var first error
	for _, sub := range subs {
		files, err := os.ReadDir(sub)
		if err != nil {
			continue
		}
		removed := false
		for _, f := range files {
			name := f.Name()
			if atomicfile.IsTemp(name) || !validSum(name) || keep[name] {
				continue
			}
			if err := os.Remove(filepath.Join(sub, name)); err != nil && first == nil {
				first = err
			}
			removed = true
		}
		if removed {
			_ = atomicfile.SyncDir(sub)
		}
	}
	return first
}

// removeTemps removes the temporary files that attachment writes killed
// between create and rename (kill -9, power cut) left in blobs/<2 hex>/.
// Open calls it once it holds the database's lock, before it returns the
// Store: only PutBlob writes there, only on an open store, and a
// read-write open locks the file exclusively (a read-only one shares the
// lock, so it is excluded too), so no other process and no Store of this
// one can be writing a file there. Best effort: what cannot be removed
// now is tried again at the next open.
func (s *Store) removeTemps() {
	subs, _ := s.blobDirs()
	for _, sub := range subs {
		_, _ = atomicfile.RemoveTemps(sub)
	}
}

// blobDirs lists the folders of blobs/ that hold attachments.
func (s *Store) blobDirs() ([]string, error) {
	root := filepath.Join(s.dir, blobDir)
	dirs, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dirs {
		if d.IsDir() && len(d.Name()) == 2 {
			out = append(out, filepath.Join(root, d.Name()))
		}
	}
	return out, nil
}
