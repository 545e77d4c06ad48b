package publish

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// DefaultExpiry is how long a published manifest stays valid. A screen
// refuses a feed past its expiry, so a server frozen on an old version is
// noticed; the publisher must re-publish within this period.
const DefaultExpiry = 30 * 24 * time.Hour

// Options of one publication.
type Options struct {
	Key    ed25519.PrivateKey
	Expiry time.Duration // DefaultExpiry when zero
	Now    time.Time     // time.Now() when zero
}

// Result says what a publication wrote.
type Result struct {
	Version     int64
	Items       int
	Attachments int
	NewObjects  int
	Manifest    string // SHA-256 of the manifest bytes
}

// Publish builds the feed for src into out. The whole source is read and
// checked first; then objects are written, then the signature, and the
// manifest last, each through a temporary file and a rename, so a server
// reading out at any moment serves either the old feed or the new one.
func Publish(src *Source, out string, opt Options) (*Result, error) {
	if opt.Expiry == 0 {
		opt.Expiry = DefaultExpiry
	}
	if opt.Expiry < time.Hour {
		return nil, fmt.Errorf("publish: expiry %s is shorter than an hour", opt.Expiry)
	}
	if len(opt.Key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("publish: no valid private key")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	// The manifest carries whole seconds: compare in whole seconds, or a
	// clock a fraction of a second past the last issue would repeat it.
	opt.Now = opt.Now.UTC().Truncate(time.Second)
	prev, err := previousManifest(out)
	if err != nil {
		return nil, err
	}
	if prev != nil && prev.FeedID != src.Feed.ID {
		return nil, fmt.Errorf("publish: %s holds feed %q, the source is feed %q", out, prev.FeedID, src.Feed.ID)
	}
	objects := map[string][]byte{} // sha256 -> bytes still to be written
	m := &feed.Manifest{
		FeedID: src.Feed.ID, Title: src.Feed.Title, Version: 1, Timezone: src.Feed.Timezone,
		Categories: src.Feed.Categories, Locations: src.Feed.Locations,
		IssuedAt: opt.Now, Expires: opt.Now.Add(opt.Expiry),
	}
	if prev != nil {
		m.Version = prev.Version + 1
		// A publisher clock behind the last issue must not make time run
		// backwards for screens that already saw the later issued_at.
		if !m.IssuedAt.After(prev.IssuedAt) {
			m.IssuedAt = prev.IssuedAt.Add(time.Second)
			m.Expires = m.IssuedAt.Add(opt.Expiry)
		}
	}
	for _, si := range src.Items {
		it := si.Item
		it.Attachments = append([]feed.Attachment(nil), si.Item.Attachments...)
		for i, path := range si.Files {
			data, err := readCapped(path, MaxAttachment)
			if err != nil {
				return nil, &SourceError{File: si.Path, Msg: fmt.Sprintf("attachment %q: %v", it.Attachments[i].Name, err)}
			}
			sum := feed.Sum(data)
			it.Attachments[i].Object = feed.Object{SHA256: sum, Size: int64(len(data))}
			objects[sum] = data
			m.Attachments = append(m.Attachments, it.Attachments[i].Object)
		}
		data, err := feed.EncodeItem(&it)
		if err != nil {
			return nil, fmt.Errorf("publish: item %s: %w", it.ID, err)
		}
		if len(data) > feed.MaxItemSize {
			return nil, &SourceError{File: si.Path, Msg: fmt.Sprintf("item is %d KiB encoded, over %d KiB", len(data)>>10, feed.MaxItemSize>>10)}
		}
		sum := feed.Sum(data)
		objects[sum] = data
		m.Items = append(m.Items, feed.ItemRef{ID: it.ID, Object: feed.Object{SHA256: sum, Size: int64(len(data))}})
	}
	raw, err := feed.EncodeManifest(m)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	sig := feed.Sign(raw, opt.Key)
	// Self-check: what we are about to publish must pass the screens' own verification.
	pub := opt.Key.Public().(ed25519.PublicKey)
	if _, err := feed.Verify(raw, sig, feed.Trust{Key: pub, Now: opt.Now}); err != nil {
		return nil, fmt.Errorf("publish: built feed fails verification: %w", err)
	}

	res := &Result{Version: m.Version, Items: len(m.Items), Attachments: len(m.Attachments), Manifest: feed.Sum(raw)}
	for sum, data := range objects {
		wrote, err := writeObject(out, sum, data)
		if err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		if wrote {
			res.NewObjects++
		}
	}
	if err := atomicfile.Write(filepath.Join(out, filepath.FromSlash(feed.SignaturePath(res.Manifest))), sig); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(out, feed.ManifestFile), raw); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return res, nil
}

func previousManifest(out string) (*feed.Manifest, error) {
	f, err := os.Open(filepath.Join(out, feed.ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("publish: previous feed: %w", err)
	}
	defer f.Close()
	raw, err := feed.ReadLimited(f, feed.MaxManifestSize, "previous manifest")
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	m, err := feed.ParseManifest(raw)
	if err != nil {
		return nil, fmt.Errorf("publish: previous manifest in %s is unreadable (%w); move it away to start a new feed", out, err)
	}
	return m, nil
}

// writeObject stores an object unless an intact copy is already there.
func writeObject(out, sum string, data []byte) (bool, error) {
	path := filepath.Join(out, filepath.FromSlash(feed.ObjectPath(sum)))
	if have, err := os.ReadFile(path); err == nil && feed.Sum(have) == sum {
		return false, nil
	}
	return true, atomicfile.Write(path, data)
}
