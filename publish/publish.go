package publish

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
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
	// Reset starts a new epoch at version 1, whatever the last
	// publication's version and issue time: the key-holder's way back from
	// a publication issued by a wrong clock or at the top of the version
	// range (see "Time and versions" in feed/FORMAT.md).
	Reset bool
	// Speak makes every notice without a recording of its own (audio:)
	// read aloud with espeak-ng, as signed audio (audio.go).
	Speak bool
	// SpeechCache keeps speech of unchanged text between publications;
	// "" for none.
	SpeechCache string
	// Progress (nil: none) is told how far a publication is: done of
	// total notices read and hashed, then done of total objects written
	// (written is true), for the studio's progress bar on large feeds.
	Progress func(written bool, done, total int)
	// Shards is how many shard objects list the items (feed/shard.go);
	// 0: feed.ShardCount of the item count, which shards only large feeds.
	Shards int
}

func (opt *Options) progress(written bool, done, total int) {
	if opt.Progress != nil {
		opt.Progress(written, done, total)
	}
}

// prepare fills in the defaults of opt and refuses what cannot be signed.
func (opt *Options) prepare() error {
	if opt.Expiry == 0 {
		opt.Expiry = DefaultExpiry
	}
	if opt.Expiry < time.Hour {
		return fmt.Errorf("publish: expiry %s is shorter than an hour", opt.Expiry)
	}
	if len(opt.Key) != ed25519.PrivateKeySize {
		return fmt.Errorf("publish: no valid private key")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	// The manifest carries whole seconds: compare in whole seconds, or a
	// clock a fraction of a second past the last issue would repeat it.
	opt.Now = opt.Now.UTC().Truncate(time.Second)
	if !feed.PlausibleClock(opt.Now) {
		return fmt.Errorf("%w: it says %s, before %s; set the date and time, then publish again",
			ErrClock, opt.Now.Format(time.RFC3339), feed.ClockFloor.Format(time.DateOnly))
	}
	return nil
}

// clockSlack is how far a clock may step back (an NTP correction, two
// publications in one second) before it counts as earlier than the last
// publication: the new issue is then placed a second after the last.
const clockSlack = time.Minute

// ErrClock is the error of a publication refused because this computer's
// clock cannot be right.
var ErrClock = errors.New("publish: this computer's clock is wrong")

// Result says what a publication wrote.
type Result struct {
	Version     int64
	Epoch       int64
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
	if err := opt.prepare(); err != nil {
		return nil, err
	}
	m := &feed.Manifest{
		FeedID: src.Feed.ID, Title: src.Feed.Title, Version: 1, Timezone: src.Feed.Timezone,
		Categories: src.Feed.Categories, Locations: src.Feed.Locations,
		IssuedAt: opt.Now, Expires: opt.Now.Add(opt.Expiry),
	}
	prev, err := previousFile(out, feed.ManifestFile, feed.MaxManifestSize)
	if err != nil {
		return nil, err
	}
	q := m.Sequence()
	if err := sequence(q, prev, parseManifestSequence, out, opt); err != nil {
		return nil, err
	}
	m.Epoch, m.Version, m.IssuedAt, m.Expires = q.Epoch, q.Version, q.IssuedAt, q.Expires
	objects := map[string][]byte{} // sha256 -> bytes still to be written
	for i, si := range src.Items {
		opt.progress(false, i, len(src.Items))
		it, err := buildItem(si, objects)
		if err != nil {
			return nil, err
		}
		for _, a := range it.Attachments {
			m.Attachments = append(m.Attachments, a.Object)
		}
		if audio, err := itemAudio(si, &it, opt); err != nil {
			return nil, err
		} else if audio != nil {
			sum := feed.Sum(audio)
			it.Audio.Object = feed.Object{SHA256: sum, Size: int64(len(audio))}
			objects[sum] = audio
			m.Attachments = append(m.Attachments, it.Audio.Object)
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
	if src.Calendar != nil {
		data, err := feed.EncodeCalendar(src.Calendar)
		if err != nil {
			return nil, &SourceError{File: CalendarFile, Msg: err.Error()}
		}
		sum := feed.Sum(data)
		objects[sum] = data
		m.Calendar = &feed.Object{SHA256: sum, Size: int64(len(data))}
	}
	shardCount := opt.Shards
	if shardCount == 0 {
		shardCount = feed.ShardCount(len(m.Items))
	}
	raw, shards, err := feed.EncodeSharded(m, shardCount)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	for _, data := range shards {
		objects[feed.Sum(data)] = data
	}
	sig := feed.Sign(raw, opt.Key)
	// Self-check: what we are about to publish must pass the screens' own verification.
	pub := opt.Key.Public().(ed25519.PublicKey)
	v, err := feed.Verify(raw, sig, feed.Trust{Key: pub, Now: opt.Now})
	if err == nil {
		err = v.Expand(shards)
	}
	if err != nil {
		return nil, fmt.Errorf("publish: built feed fails verification: %w", err)
	}

	opt.progress(false, len(src.Items), len(src.Items))
	res := &Result{Version: m.Version, Epoch: m.Epoch, Items: len(m.Items), Attachments: len(m.Attachments), Manifest: feed.Sum(raw)}
	written := 0
	for sum, data := range objects {
		opt.progress(true, written, len(objects))
		written++
		wrote, err := writeObject(out, sum, data)
		if err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		if wrote {
			res.NewObjects++
		}
	}
	opt.progress(true, len(objects), len(objects))
	if err := writeSigned(out, feed.ManifestFile, raw, sig); err != nil {
		return nil, err
	}
	return res, nil
}

// buildItem is a source item as the feed carries it, with its
// attachments read, checked and hashed; their bytes go into objects
// unless it is nil. Audio is the caller's (itemAudio).
func buildItem(si *SourceItem, objects map[string][]byte) (feed.Item, error) {
	it := si.Item
	it.Attachments = append([]feed.Attachment(nil), si.Item.Attachments...)
	for i, path := range si.Files {
		data, err := readCapped(path, MaxAttachment)
		if err != nil {
			return it, &SourceError{File: si.Path, Field: "attachments", Msg: fmt.Sprintf("attachment %q: %v", it.Attachments[i].Name, err)}
		}
		if feed.ImageTypes[it.Attachments[i].Type] {
			// Every screen reads the size a picture declares before
			// decoding it; one it would refuse is refused here, where
			// the clerk can scale it down.
			if _, err := feed.CheckImage(bytes.NewReader(data)); errors.Is(err, feed.ErrImageTooLarge) {
				return it, &SourceError{File: si.Path, Line: si.line("attachments"), Field: "attachments",
					Msg: fmt.Sprintf("attachment %q: %v; scale it down (8000×5000 is plenty for a map)", it.Attachments[i].Name, err)}
			}
		}
		sum := feed.Sum(data)
		it.Attachments[i].Object = feed.Object{SHA256: sum, Size: int64(len(data))}
		if objects != nil {
			objects[sum] = data
		}
	}
	return it, nil
}

// sequence sets q's epoch, version and issue time from prev, the bytes of
// the last publication of this kind in out (nil: none), read by parse. It
// refuses to sign when this computer's clock is earlier than that
// publication, or further after it than a screen with a wrong clock
// accepts (feed.MaxIssueStep), and at the end of the version range: each
// of those needs a person to decide, and --reset is theirs. The manifest
// and the alerts object each have a sequence of their own.
func sequence(q *feed.Sequence, prev []byte, parse func([]byte) (*feed.Sequence, error), out string, opt Options) error {
	if prev == nil {
		return nil
	}
	last, perr := parse(prev)
	if opt.Reset {
		// A reset must get past what it resets (a version above the
		// range is exactly what it is for), so only the feed id and the
		// epoch are read, leniently.
		var lenient struct {
			FeedID string `json:"feed_id"`
			Epoch  int64  `json:"epoch"`
		}
		if err := json.Unmarshal(prev, &lenient); err != nil {
			return fmt.Errorf("publish: previous publication in %s is unreadable (%v); move it away to start a new feed", out, err)
		}
		if lenient.FeedID != q.FeedID {
			return fmt.Errorf("publish: %s holds feed %q, the source is feed %q", out, lenient.FeedID, q.FeedID)
		}
		if lenient.Epoch < 0 || lenient.Epoch >= feed.MaxVersion {
			return fmt.Errorf("publish: previous publication in %s has epoch %d, outside the range; move it away to start a new feed", out, lenient.Epoch)
		}
		q.Epoch, q.Version = lenient.Epoch+1, 1
		return nil
	}
	if perr != nil {
		return fmt.Errorf("publish: previous publication in %s is unreadable (%w); if it is a mistake of an earlier publication, publish with --reset", out, perr)
	}
	if last.FeedID != q.FeedID {
		return fmt.Errorf("publish: %s holds feed %q, the source is feed %q", out, last.FeedID, q.FeedID)
	}
	switch now := q.IssuedAt; {
	case now.Before(last.IssuedAt.Add(-clockSlack)):
		return fmt.Errorf("%w: it says %s, earlier than the last publication (version %d, %s); set the clock right and publish again, or, if the last publication's date was the mistake, publish with --reset",
			ErrClock, now.Format(time.RFC3339), last.Version, last.IssuedAt.Format(time.RFC3339))
	case now.Sub(last.IssuedAt) > feed.MaxIssueStep:
		return fmt.Errorf("%w: it says %s, %d days after the last publication (version %d, %s), more than screens with a wrong clock accept; if the clock is right, publish with --reset",
			ErrClock, now.Format(time.RFC3339), int(now.Sub(last.IssuedAt).Hours()/24), last.Version, last.IssuedAt.Format(time.RFC3339))
	case last.Version >= feed.MaxVersion:
		return fmt.Errorf("publish: the last publication has version %d, the largest there is; publish with --reset to start again at 1", last.Version)
	}
	q.Epoch, q.Version = last.Epoch, last.Version+1
	if !q.IssuedAt.After(last.IssuedAt) {
		// Two publications in one second: the second must still be later.
		q.IssuedAt = last.IssuedAt.Add(time.Second)
		q.Expires = q.IssuedAt.Add(opt.Expiry)
	}
	return nil
}

func parseManifestSequence(raw []byte) (*feed.Sequence, error) {
	m, err := feed.ParseManifest(raw)
	if err != nil {
		return nil, err
	}
	return m.Sequence(), nil
}

// previousFile reads the bytes of a signed file in out, nil if none.
func previousFile(out, name string, limit int64) ([]byte, error) {
	f, err := os.Open(filepath.Join(out, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("publish: previous feed: %w", err)
	}
	defer f.Close()
	raw, err := feed.ReadLimited(f, limit, "previous "+name)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return raw, nil
}

// writeSigned puts a signed file (the manifest, the alerts) in place: the
// signature first, named by the file's hash, so a screen reading at any
// moment finds the signature of whichever version it read.
//
// Web servers make a file's validators of its modification time in whole
// seconds and its size (nginx's ETag, Last-Modified). Two versions of the
// same size written in one second would look the same to a screen's
// conditional request, and it would keep the older one until the next
// change: so each version gets a later second than the one it replaces.
func writeSigned(out, name string, raw, sig []byte) error {
	if err := atomicfile.Write(filepath.Join(out, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))), sig); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	path := filepath.Join(out, name)
	var last time.Time
	if fi, err := os.Stat(path); err == nil {
		last = fi.ModTime().Truncate(time.Second)
	}
	if err := atomicfile.Write(path, raw); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && !fi.ModTime().Truncate(time.Second).After(last) {
		later := last.Add(time.Second)
		if err := os.Chtimes(path, later, later); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	return nil
}

// writeObject stores an object unless an intact copy is already there.
func writeObject(out, sum string, data []byte) (bool, error) {
	path := filepath.Join(out, filepath.FromSlash(feed.ObjectPath(sum)))
	if have, err := os.ReadFile(path); err == nil && feed.Sum(have) == sum {
		return false, nil
	}
	return true, atomicfile.Write(path, data)
}

// ReadPublished parses the manifest raw published in out and, when it is
// sharded, reads its shards from out's objects, so its items and
// attachments are listed as in an unsharded one.
func ReadPublished(out string, raw []byte) (*feed.Manifest, error) {
	m, err := feed.ParseManifest(raw)
	if err != nil || len(m.Shards) == 0 {
		return m, err
	}
	shards := make([][]byte, len(m.Shards))
	for i, o := range m.Shards {
		if shards[i], err = readCapped(filepath.Join(out, filepath.FromSlash(o.Path())), feed.MaxShardSize); err != nil {
			return nil, fmt.Errorf("shard %d (%s): %w", i, o.Path(), err)
		}
	}
	if err := m.Expand(shards); err != nil {
		return nil, err
	}
	return m, nil
}
