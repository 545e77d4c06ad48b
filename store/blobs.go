package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// Attachments are content-addressed files: dir/blobs/<2 hex>/<sha256 hex>.

// validSum: 64 lower-case hex digits, so a name can never leave blobs/.
func validSum(sum string) bool { return feed.IsHex(sum, 64) }

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
	if fi, err := os.Stat(p); err == nil {
		s.blobVerified(sum, fi) // its bytes were hashed on the way in
	}
	return nil
}

// BlobSound reports whether attachment o is stored whole: the file is
// there, has o's size and hashes to o's digest — what Check asks of it.
// Hashing every attachment at every sync would read hundreds of megabytes
// every few minutes, so a file this Store has hashed (or written) is
// hashed again only when it is no longer the same file with the same size
// and modification time: deleted, replaced, truncated or edited. Sync
// re-fetches an attachment that is not sound.
func (s *Store) BlobSound(o feed.Object) bool {
	p := s.BlobPath(o.SHA256)
	if p == "" {
		return false
	}
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != o.Size {
		return false
	}
	s.blobMu.Lock()
	seen, ok := s.blobOK[o.SHA256]
	s.blobMu.Unlock()
	if ok && os.SameFile(seen, fi) && seen.ModTime().Equal(fi.ModTime()) && seen.Size() == fi.Size() {
		return true
	}
	if s.checkBlob(o.SHA256, o.Size) != "" {
		return false
	}
	s.blobVerified(o.SHA256, fi)
	return true
}

// blobVerified remembers that the file fi holds the attachment sum.
func (s *Store) blobVerified(sum string, fi os.FileInfo) {
	s.blobMu.Lock()
	defer s.blobMu.Unlock()
	if s.blobOK == nil {
		s.blobOK = map[string]os.FileInfo{}
	}
	s.blobOK[sum] = fi
}

// Attachments lists the attachment objects of the applied manifest (none
// before the first Apply): what BlobSound should find whole.
func (s *Store) Attachments() ([]feed.Object, error) {
	s.mu.RLock()
	sum := s.state.ManifestSum
	s.mu.RUnlock()
	s.blobMu.Lock()
	if s.attsOf == sum {
		defer s.blobMu.Unlock()
		return s.atts, nil
	}
	s.blobMu.Unlock()
	var atts []feed.Object
	err := s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get(keyManifest)
		if raw == nil {
			return nil
		}
		var err error
		atts, err = storedAttachments(tx, raw)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: attachments of the applied manifest: %w", err)
	}
	s.blobMu.Lock()
	s.atts, s.attsOf = atts, sum
	s.blobMu.Unlock()
	return atts, nil
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
