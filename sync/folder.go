package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"gongkai/feed"
)

// Folder is a feed copied into a folder: a directory on the screen, a
// network share, a USB stick. The folder is outside bytes like any server,
// so every path is resolved inside it (a symlink may not lead out), only
// regular files are read, and every read is capped.
type Folder struct {
	dir string
}

// NewFolder is a folder source rooted at dir. The folder is opened on each
// read, so a USB stick may be plugged in after the source is made.
func NewFolder(dir string) (*Folder, error) {
	if dir == "" {
		return nil, errors.New("sync: empty folder path")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sync: folder %s: %w", dir, err)
	}
	return &Folder{dir: abs}, nil
}

func (f *Folder) String() string { return f.dir }

// Manifest reads manifest.json and then the signature named by the hash of
// the bytes just read, so the two always belong together even if the
// folder changes underneath.
func (f *Folder) Manifest(ctx context.Context) (raw, sig []byte, err error) {
	return f.signed(ctx, feed.ManifestFile, feed.MaxManifestSize, "manifest")
}

// Alerts reads alerts.json and its signature as Manifest does; a folder
// without alerts.json gives ErrNoAlerts.
func (f *Folder) Alerts(ctx context.Context) (raw, sig []byte, err error) {
	raw, sig, err = f.signed(ctx, feed.AlertsFile, feed.MaxAlertsSize, "alerts")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w (%v)", ErrNoAlerts, err)
	}
	return raw, sig, err
}

func (f *Folder) signed(ctx context.Context, name string, limit int64, what string) (raw, sig []byte, err error) {
	root, err := f.open()
	if err != nil {
		return nil, nil, err
	}
	defer root.Close()
	raw, err = readFile(ctx, root, name, limit, what)
	if err != nil {
		return nil, nil, err
	}
	sig, err = readFile(ctx, root, feed.SignaturePath(feed.Sum(raw)), feed.MaxSignatureSize, "signature")
	if err != nil {
		return nil, nil, err
	}
	return raw, sig, nil
}

// Object opens an object file. Its size is checked against the manifest
// here, for a clear early error; the caller still reads it through
// feed.NewObjectReader, which is what actually guarantees the bytes.
func (f *Folder) Object(ctx context.Context, o feed.Object) (io.ReadCloser, error) {
	root, err := f.open()
	if err != nil {
		return nil, err
	}
	defer root.Close() // an open file stays usable after its root is closed
	file, err := openRegular(root, o.Path())
	if err != nil {
		return nil, err
	}
	if fi, err := file.Stat(); err == nil && fi.Size() != o.Size {
		file.Close()
		return nil, fmt.Errorf("%w: %s is %d bytes, manifest says %d", feed.ErrObjectSize, o.Path(), fi.Size(), o.Size)
	}
	return &ctxFile{ctx: ctx, file: file}, nil
}

func (f *Folder) open() (*os.Root, error) {
	root, err := os.OpenRoot(f.dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notThere(fmt.Sprintf("folder %s does not exist (is the USB stick plugged in?)", f.dir))
		}
		return nil, fmt.Errorf("folder %s: %w", f.dir, err)
	}
	return root, nil
}

// missingError is a file the feed folder lacks; it is fs.ErrNotExist to
// errors.Is, so a folder without alerts.json is told from a broken one.
type missingError string

func (m missingError) Error() string { return string(m) + " is missing from the feed folder" }
func (m missingError) Unwrap() error { return fs.ErrNotExist }

// openRegular opens name inside root, refusing anything but a regular file.
// The open does not block (a FIFO planted on a stick would otherwise hang
// the sync), and the type is checked on the opened file, not on the name,
// so it cannot be swapped in between.
func openRegular(root *os.Root, name string) (*os.File, error) {
	file, err := root.OpenFile(filepath.FromSlash(name), openFlags, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, missingError(name)
		}
		return nil, fmt.Errorf("%s: %w", name, err) // includes a symlink leading out of the folder
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		file.Close()
		return nil, fmt.Errorf("%s is not a regular file (%s)", name, fi.Mode().Type())
	}
	return file, nil
}

func readFile(ctx context.Context, root *os.Root, name string, limit int64, what string) ([]byte, error) {
	file, err := openRegular(root, name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return feed.ReadLimited(&ctxFile{ctx: ctx, file: file}, limit, what)
}

// ctxFile stops reading once the sync is cancelled. It has only Read and
// Close, so no io.Copy shortcut (WriteTo) can bypass the check.
type ctxFile struct {
	ctx  context.Context
	file *os.File
}

func (c *ctxFile) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.file.Read(p)
}

func (c *ctxFile) Close() error { return c.file.Close() }

// notThere is a source that is not there, worded for a person; to
// errors.Is it is fs.ErrNotExist, so KindOf names it.
type notThere string

func (e notThere) Error() string { return string(e) }
func (e notThere) Unwrap() error { return fs.ErrNotExist }
