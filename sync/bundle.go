package sync

import (
	"archive/tar"
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"

	"gongkai/feed"
)

// A bundle is a whole feed in one .zip or .tar file (gongkai publish
// --bundle), for a clerk's USB stick. It is read in place, never
// extracted: an index of its entries is built and checked first, and each
// object is then read straight from the archive through the same verifying
// reader as any other source. Whoever made the file is not trusted, so the
// index refuses anything that is not exactly the feed layout.

// BundleLimits bound what a bundle may hold before any entry is read.
type BundleLimits struct {
	Entries int   // entries, directories included
	Total   int64 // sum of the declared (uncompressed) sizes
	Ratio   int64 // largest uncompressed:compressed ratio of a zip entry over 1 MiB
}

// DefaultBundleLimits fit the largest feed the format allows, and no more.
var DefaultBundleLimits = BundleLimits{
	Entries: feed.MaxFeedItems + feed.MaxFeedAttachments + feed.MaxShards + 16 + 256, // + files, object directories
	Total:   16 << 30,
	// Deflate cannot exceed about 1032:1; real feeds (text, images, PDFs)
	// stay far below 100:1, bombs sit at the top.
	Ratio: 200,
}

// ErrBundle is wrapped by every refusal of a bundle's content.
var ErrBundle = errors.New("bad bundle")

// IsBundle reports whether a --source names a bundle file.
func IsBundle(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".zip" || ext == ".tar"
}

// Bundle is a feed source reading a .zip or .tar file.
type Bundle struct {
	path   string
	limits BundleLimits

	mu  gosync.Mutex
	cur *bundleIndex // of the file as opened by the last Manifest call
}

// NewBundle is a bundle source for the file at path. The file is opened
// by Manifest, so a stick may be plugged in after the source is made.
func NewBundle(path string, limits BundleLimits) (*Bundle, error) {
	if path == "" {
		return nil, errors.New("sync: empty bundle path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sync: bundle %s: %w", path, err)
	}
	return &Bundle{path: abs, limits: limits}, nil
}

func (b *Bundle) String() string { return b.path }

// Close releases the open archive.
func (b *Bundle) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur == nil {
		return nil
	}
	err := b.cur.file.Close()
	b.cur = nil
	return err
}

// bundleEntry is one file of the archive: where its bytes are and how
// many the archive declares.
type bundleEntry struct {
	size int64
	zf   *zip.File // for zip
	off  int64     // for tar: offset of the data in the file
}

type bundleIndex struct {
	file    *os.File
	entries map[string]bundleEntry // by feed path (manifest.json, signatures/…, objects/…)
}

// Manifest opens and indexes the archive, then reads the manifest and the
// signature named by the hash of the bytes read.
func (b *Bundle) Manifest(ctx context.Context) (raw, sig []byte, err error) {
	idx, err := b.index()
	if err != nil {
		return nil, nil, err
	}
	b.mu.Lock()
	if b.cur != nil {
		b.cur.file.Close()
	}
	b.cur = idx
	b.mu.Unlock()
	raw, err = idx.read(ctx, feed.ManifestFile, feed.MaxManifestSize, "manifest")
	if err != nil {
		return nil, nil, err
	}
	sig, err = idx.read(ctx, feed.SignaturePath(feed.Sum(raw)), feed.MaxSignatureSize, "signature")
	if err != nil {
		return nil, nil, err
	}
	return raw, sig, nil
}

// Object opens an object's entry. The declared size is checked here for a
// clear early error; the caller's verifying reader guarantees the bytes.
func (b *Bundle) Object(ctx context.Context, o feed.Object) (io.ReadCloser, error) {
	b.mu.Lock()
	idx := b.cur
	b.mu.Unlock()
	if idx == nil {
		return nil, fmt.Errorf("bundle %s: read the manifest first", b.path)
	}
	e, ok := idx.entries[o.Path()]
	if !ok {
		return nil, fmt.Errorf("%s is missing from the bundle", o.Path())
	}
	if e.size != o.Size {
		return nil, fmt.Errorf("%w: %s is %d bytes in the bundle, manifest says %d", feed.ErrObjectSize, o.Path(), e.size, o.Size)
	}
	return idx.open(ctx, e)
}

func (idx *bundleIndex) read(ctx context.Context, name string, limit int64, what string) ([]byte, error) {
	e, ok := idx.entries[name]
	if !ok {
		return nil, fmt.Errorf("%s is missing from the bundle", name)
	}
	if e.size > limit {
		return nil, fmt.Errorf("%w: %s is %d bytes, over %d", feed.ErrTooLarge, name, e.size, limit)
	}
	rc, err := idx.open(ctx, e)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return feed.ReadLimited(rc, limit, what)
}

func (idx *bundleIndex) open(ctx context.Context, e bundleEntry) (io.ReadCloser, error) {
	if e.zf != nil {
		rc, err := e.zf.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.zf.Name, err)
		}
		return &ctxReader{ctx: ctx, r: rc, c: rc}, nil
	}
	// Only as many bytes as the header declared: the next header is not ours.
	return &ctxReader{ctx: ctx, r: io.NewSectionReader(idx.file, e.off, e.size), c: io.NopCloser(nil)}, nil
}

// ctxReader stops reading once the sync is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
	c   io.Closer
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (c *ctxReader) Close() error { return c.c.Close() }

// index opens the file and checks every entry of the archive before any
// content is read.
func (b *Bundle) index() (*bundleIndex, error) {
	f, err := os.OpenFile(b.path, openFlags, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notThere(fmt.Sprintf("bundle %s does not exist (is the USB stick plugged in?)", b.path))
		}
		return nil, fmt.Errorf("bundle %s: %w", b.path, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	var idx *bundleIndex
	if err == nil {
		ix := &indexer{limits: b.limits, entries: map[string]bundleEntry{}}
		if strings.EqualFold(filepath.Ext(b.path), ".zip") {
			err = ix.zip(f, fi.Size())
		} else {
			err = ix.tar(f, fi.Size())
		}
		idx = &bundleIndex{file: f, entries: ix.entries}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("bundle %s: %w", filepath.Base(b.path), err)
	}
	return idx, nil
}

type indexer struct {
	limits  BundleLimits
	entries map[string]bundleEntry
	seen    map[string]bool // every name, directories too, for duplicates
	n       int
	total   int64
}

// add checks one entry and records it when it is a file.
func (ix *indexer) add(name string, dir, regular bool, kind string, e bundleEntry) error {
	ix.n++
	if ix.n > ix.limits.Entries {
		return fmt.Errorf("%w: more than %d entries", ErrBundle, ix.limits.Entries)
	}
	path, ok := feedPath(name, dir)
	if !ok {
		return fmt.Errorf("%w: entry %.80q is not part of a feed's layout", ErrBundle, name)
	}
	if ix.seen == nil {
		ix.seen = map[string]bool{}
	}
	if ix.seen[path] {
		return fmt.Errorf("%w: entry %.80q appears twice", ErrBundle, name)
	}
	ix.seen[path] = true
	if dir {
		return nil
	}
	if !regular {
		return fmt.Errorf("%w: entry %.80q is a %s, not a regular file", ErrBundle, name, kind)
	}
	limit := int64(feed.MaxAttachmentSize)
	switch {
	case path == feed.ManifestFile:
		limit = feed.MaxManifestSize
	case strings.HasPrefix(path, feed.SigDir+"/"):
		limit = feed.MaxSignatureSize
	}
	if e.size < 0 || e.size > limit {
		return fmt.Errorf("%w: entry %.80q is %d bytes, over %d", ErrBundle, name, e.size, limit)
	}
	ix.total += e.size
	if ix.total > ix.limits.Total {
		return fmt.Errorf("%w: contents exceed %d bytes", ErrBundle, ix.limits.Total)
	}
	ix.entries[path] = e
	return nil
}

func (ix *indexer) zip(f *os.File, size int64) error {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return fmt.Errorf("%w: not a readable zip file: %v", ErrBundle, err)
	}
	for _, zf := range zr.File {
		mode := zf.Mode()
		dir := strings.HasSuffix(zf.Name, "/")
		regular := mode.IsRegular() && !dir
		kind := mode.Type().String()
		if mode&fs.ModeSymlink != 0 {
			kind = "symbolic link"
		}
		if dir && !mode.IsDir() {
			return fmt.Errorf("%w: entry %.80q is a %s", ErrBundle, zf.Name, kind)
		}
		if regular && zf.Method != zip.Store && zf.Method != zip.Deflate {
			return fmt.Errorf("%w: entry %.80q uses compression method %d", ErrBundle, zf.Name, zf.Method)
		}
		usize := int64(zf.UncompressedSize64)
		if zf.UncompressedSize64 > 1<<62 {
			usize = -1
		}
		if regular && usize > 1<<20 && (zf.CompressedSize64 == 0 || zf.UncompressedSize64/zf.CompressedSize64 > uint64(ix.limits.Ratio)) {
			return fmt.Errorf("%w: entry %.80q expands %d:1, over %d:1", ErrBundle, zf.Name,
				zf.UncompressedSize64/max(zf.CompressedSize64, 1), ix.limits.Ratio)
		}
		if err := ix.add(zf.Name, dir, regular, kind, bundleEntry{size: usize, zf: zf}); err != nil {
			return err
		}
	}
	return nil
}

func (ix *indexer) tar(f *os.File, size int64) error {
	// tar.Reader reads f directly, block by block, and seeks over data it
	// skips, so after Next the file offset is where that entry's data starts.
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: not a readable tar file: %v", ErrBundle, err)
		}
		off, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			return err
		}
		var kind string
		switch h.Typeflag {
		case tar.TypeReg:
		case tar.TypeDir:
		case tar.TypeSymlink:
			kind = "symbolic link"
		case tar.TypeLink:
			kind = "hard link"
		case tar.TypeChar, tar.TypeBlock:
			kind = "device"
		case tar.TypeFifo:
			kind = "named pipe"
		default:
			kind = fmt.Sprintf("tar entry of type %q", h.Typeflag)
		}
		dir := h.Typeflag == tar.TypeDir
		if err := ix.add(h.Name, dir, h.Typeflag == tar.TypeReg, kind, bundleEntry{size: h.Size, off: off}); err != nil {
			return err
		}
		if !dir && off+h.Size > size {
			return fmt.Errorf("%w: entry %.80q is cut short (the file is truncated)", ErrBundle, h.Name)
		}
	}
	if ix.n == 0 {
		return fmt.Errorf("%w: the archive is empty", ErrBundle)
	}
	return nil
}

// feedPath turns an archive name into a path of the feed layout, or
// reports that it is not one: manifest.json, signatures/<64 hex>.sig,
// objects/<2 hex>/<64 hex> starting with those 2 hex, and the directories
// signatures/, objects/ and objects/<2 hex>/. A leading "./" (tar -C dir .)
// is allowed; anything else (absolute paths, "..", backslashes, other
// files) is not.
func feedPath(name string, dir bool) (string, bool) {
	name = strings.TrimPrefix(name, "./")
	if dir {
		name = strings.TrimSuffix(name, "/")
	}
	parts := strings.Split(name, "/")
	switch {
	case dir && (name == "" || name == "." || name == feed.SigDir || name == feed.ObjectDir):
		return name, true
	case dir && len(parts) == 2 && parts[0] == feed.ObjectDir && feed.IsHex(parts[1], 2):
		return name, true
	case dir:
		return "", false
	case name == feed.ManifestFile:
		return name, true
	case len(parts) == 2 && parts[0] == feed.SigDir && strings.HasSuffix(parts[1], ".sig") && feed.IsHex(strings.TrimSuffix(parts[1], ".sig"), 64):
		return name, true
	case len(parts) == 3 && parts[0] == feed.ObjectDir && feed.IsHex(parts[1], 2) && feed.IsHex(parts[2], 64) && parts[2][:2] == parts[1]:
		return name, true
	}
	return "", false
}
