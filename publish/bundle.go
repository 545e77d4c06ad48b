package publish

import (
	"archive/tar"
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// BundleResult says what WriteBundle wrote.
type BundleResult struct {
	Version int64
	Objects int
	Bytes   int64 // content bytes (before any compression)
}

// WriteBundle writes the current version of the feed in feedDir as one
// archive at path, for a USB stick: a .zip or a .tar, by the extension.
// It holds exactly the manifest, its signature and every object the
// manifest lists (older versions' objects in feedDir are left out), each
// checked against the manifest as it is copied, in the feed's own layout,
// which is all a screen's bundle reader accepts. The file is written
// through a temporary file and a rename, so a failure leaves path as it was.
func WriteBundle(feedDir, path string) (*BundleResult, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if !IsBundleName(path) {
		return nil, fmt.Errorf("publish: bundle %s: the name must end in .zip or .tar", path)
	}
	raw, err := readFeedFile(feedDir, feed.ManifestFile, feed.MaxManifestSize)
	if err != nil {
		return nil, err
	}
	m, err := ReadPublished(feedDir, raw)
	if err != nil {
		return nil, fmt.Errorf("publish: bundle: %s: %w", feed.ManifestFile, err)
	}
	sigPath := feed.SignaturePath(feed.Sum(raw))
	sig, err := readFeedFile(feedDir, sigPath, feed.MaxSignatureSize)
	if err != nil {
		return nil, err
	}
	objects := m.Objects()
	slices.SortFunc(objects, func(a, b feed.Object) int { return strings.Compare(a.SHA256, b.SHA256) })
	objects = slices.Compact(objects)

	res := &BundleResult{Version: m.Version, Objects: len(objects), Bytes: int64(len(raw) + len(sig))}
	for _, o := range objects {
		res.Bytes += o.Size
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeArchive(pw, ext, feedDir, m, raw, sigPath, sig, objects))
	}()
	err = atomicfile.WriteFrom(path, pr, 0o644)
	pr.CloseWithError(err) // stops the writer if the file side failed first
	if err != nil {
		return nil, fmt.Errorf("publish: bundle %s: %w", path, err)
	}
	return res, nil
}

// archiveWriter is what zip and tar have in common here.
type archiveWriter interface {
	add(name string, size int64) (io.Writer, error)
	Close() error
}

func writeArchive(w io.Writer, ext, feedDir string, m *feed.Manifest, raw []byte, sigPath string, sig []byte, objects []feed.Object) error {
	var aw archiveWriter
	if ext == ".zip" {
		items := make(map[string]bool, len(m.Items))
		for _, it := range m.Items {
			items[it.SHA256] = true
		}
		aw = zipWriter{zip.NewWriter(w), m, items}
	} else {
		aw = tarWriter{tar.NewWriter(w), m}
	}
	put := func(name string, r io.Reader, size int64) error {
		dst, err := aw.add(name, size)
		if err != nil {
			return err
		}
		n, err := io.Copy(dst, r)
		if err == nil && n != size {
			err = fmt.Errorf("%s: %d bytes, expected %d", name, n, size)
		}
		return err
	}
	// The manifest first: a reader streaming the archive learns early what
	// to expect.
	if err := put(feed.ManifestFile, strings.NewReader(string(raw)), int64(len(raw))); err != nil {
		return err
	}
	if err := put(sigPath, strings.NewReader(string(sig)), int64(len(sig))); err != nil {
		return err
	}
	for _, o := range objects {
		f, err := os.Open(filepath.Join(feedDir, filepath.FromSlash(o.Path())))
		if err != nil {
			return fmt.Errorf("object %.12s: %w", o.SHA256, err)
		}
		// Verified on the way: a damaged object in the feed folder must not
		// travel to the villages on a stick.
		err = put(o.Path(), feed.NewObjectReader(f, o), o.Size)
		f.Close()
		if err != nil {
			return fmt.Errorf("object %.12s: %w", o.SHA256, err)
		}
	}
	return aw.Close()
}

type zipWriter struct {
	*zip.Writer
	m     *feed.Manifest
	items map[string]bool // SHA-256 of the item objects
}

func (z zipWriter) add(name string, size int64) (io.Writer, error) {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.m.IssuedAt}
	if sum, ok := strings.CutPrefix(name, feed.ObjectDir+"/"); ok && !z.items[sum[strings.IndexByte(sum, '/')+1:]] {
		// Attachments are mostly images and PDFs, already compressed:
		// deflating them again costs time and saves nothing.
		h.Method = zip.Store
	}
	h.SetMode(0o644)
	return z.CreateHeader(h)
}

type tarWriter struct {
	*tar.Writer
	m *feed.Manifest
}

func (t tarWriter) add(name string, size int64) (io.Writer, error) {
	err := t.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644,
		ModTime: t.m.IssuedAt, Format: tar.FormatUSTAR})
	return t.Writer, err
}

func readFeedFile(feedDir, name string, limit int64) ([]byte, error) {
	f, err := os.Open(filepath.Join(feedDir, filepath.FromSlash(name)))
	if err != nil {
		return nil, fmt.Errorf("publish: bundle: %w", err)
	}
	defer f.Close()
	data, err := feed.ReadLimited(f, limit, name)
	if err != nil {
		return nil, fmt.Errorf("publish: bundle: %w", err)
	}
	return data, nil
}

// IsBundleName reports whether path has a bundle's extension.
func IsBundleName(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".zip" || ext == ".tar"
}
