package feed

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"
)

// Errors of verification, one for each rule, so callers (and status screens)
// can say which rule a feed broke. Every error Verify returns wraps one.
var (
	ErrTooLarge   = errors.New("feed: over the size limit")
	ErrSignature  = errors.New("feed: bad signature")
	ErrWrongKey   = errors.New("feed: signed by a key this screen does not trust")
	ErrFormat     = errors.New("feed: malformed")
	ErrExpired    = errors.New("feed: manifest expired")
	ErrRollback   = errors.New("feed: version older than the stored one")
	ErrFork       = errors.New("feed: same version as stored but different content")
	ErrObjectSize = errors.New("feed: object size differs from the manifest")
	ErrObjectHash = errors.New("feed: object hash differs from the manifest")
	ErrWrongFeed  = errors.New("feed: a different feed id than this screen follows")
	ErrFuture     = errors.New("feed: issued in the future")
)

// Trust is what a screen already knows when it checks a new manifest.
type Trust struct {
	Key     ed25519.PublicKey // pinned at provisioning
	Now     time.Time         // trusted time: max(clock, newest issued_at seen)
	Clock   time.Time         // the screen's own clock; Now when zero
	FeedID  string            // the feed id seen before, "" on a fresh screen
	Epoch   int64             // stored epoch
	Version int64             // stored version, 0 on a fresh screen
	Sum     string            // SHA-256 hex of the stored manifest bytes
}

// Verified is a manifest that passed every step of Verify, with the exact
// bytes that were verified. Only Verify makes one: a Verified built
// elsewhere has no bytes, and store.Apply refuses it, so nothing reaches
// the store without passing every check. The embedded Manifest is for
// reading.
type Verified struct {
	*Manifest
	raw       []byte
	sum       string
	shards    [][]byte // the shard objects' bytes, once Expand has read them
	unchanged bool
	reset     bool
}

// Expand reads the shards of a sharded manifest (their bytes, in the
// order the manifest names them; see Manifest.Expand) and keeps them, so
// the store can hold them beside the manifest. Until it is called a
// sharded Verified lists no items, and store.Apply refuses it.
func (v *Verified) Expand(shards [][]byte) error {
	if err := v.Manifest.Expand(shards); err != nil {
		return err
	}
	v.shards = shards
	return nil
}

// Expanded reports whether v's items are listed: it has no shards, or
// Expand has read them.
func (v *Verified) Expanded() bool { return len(v.Shards) == 0 || v.shards != nil }

// ShardBytes is the verified bytes of each shard, in the manifest's order
// (nil for a manifest without shards).
func (v *Verified) ShardBytes() [][]byte { return v.shards }

// Raw is the exact manifest bytes that were verified (nil when v did not
// come from Verify).
func (v *Verified) Raw() []byte { return v.raw }

// Sum is the SHA-256 hex of Raw.
func (v *Verified) Sum() string { return v.sum }

// Unchanged: same version and same bytes as the stored one.
func (v *Verified) Unchanged() bool { return v.unchanged }

// Reset: a later epoch than the stored one, a key-holder's new start. The
// stored version and trusted time no longer bound it, and applying it sets
// trusted time to its issued_at.
func (v *Verified) Reset() bool { return v.reset }

// Follows checks, again, that v may replace a stored manifest (its epoch,
// version and sum): the rule of Verify's version step, for a writer whose
// stored state may have moved since Verify ran (another sync applied in
// between). It reports whether v is a reset.
func (v *Verified) Follows(epoch, version int64, sum string) (reset bool, err error) {
	_, reset, err = succession("manifest", v.Manifest.Sequence(), v.sum, epoch, version, sum)
	return reset, err
}

// Verify runs the checks of a new manifest in a fixed order and stops at the
// first that fails. Objects are checked afterwards, as they are read, with
// NewObjectReader. Nothing should be stored before Verify returns nil.
func Verify(manifest, sig []byte, t Trust) (*Verified, error) {
	var m *Manifest
	v := &verification{what: "manifest", limit: MaxManifestSize, raw: manifest, sig: sig, trust: t,
		parse: func(raw []byte) (*Sequence, error) {
			var err error
			if m, err = ParseManifest(raw); err != nil {
				return nil, err
			}
			return m.Sequence(), nil
		}}
	if err := v.run(); err != nil {
		return nil, err
	}
	return &Verified{Manifest: m, raw: manifest, sum: Sum(manifest), unchanged: v.unchanged, reset: v.reset}, nil
}

// Sequence is what the rules of time, expiry and version read of a signed
// document: the manifest, and the alerts object, which has its own version
// and expiry but keeps the same rules (one home for them, here).
type Sequence struct {
	FeedID   string
	Version  int64
	Epoch    int64
	IssuedAt time.Time
	Expires  time.Time
}

// Sequence is the manifest's place in its feed's sequence of publications.
func (m *Manifest) Sequence() *Sequence {
	return &Sequence{FeedID: m.FeedID, Version: m.Version, Epoch: m.Epoch, IssuedAt: m.IssuedAt, Expires: m.Expires}
}

// check is the structure every signed document's numbers share.
func (q *Sequence) check() error {
	switch {
	case !ValidID(q.FeedID):
		return fmt.Errorf("feed_id %q is not a valid id", q.FeedID)
	case q.Version < 1 || q.Version > MaxVersion:
		return fmt.Errorf("version %d is outside 1..%d", q.Version, MaxVersion)
	case q.Epoch < 0 || q.Epoch > MaxVersion:
		return fmt.Errorf("epoch %d is outside 0..%d", q.Epoch, MaxVersion)
	case q.IssuedAt.IsZero() || !q.Expires.After(q.IssuedAt):
		return fmt.Errorf("expires %s is not after issued_at %s", q.Expires, q.IssuedAt)
	}
	return nil
}

// verification is one run of the steps over one signed document.
type verification struct {
	what      string // "manifest", "alerts": for messages
	limit     int
	parse     func([]byte) (*Sequence, error) // strict decode and structure check
	raw, sig  []byte
	trust     Trust
	m         *Sequence
	unchanged bool
	reset     bool
}

func (v *verification) run() error {
	steps := []struct {
		name string
		run  func(*verification) error
	}{
		{"size", (*verification).size},
		{"signature", (*verification).signature},
		{"format", (*verification).format},
		{"time", (*verification).time},
		{"expiry", (*verification).expiry},
		{"version", (*verification).version},
	}
	for _, s := range steps {
		if err := s.run(v); err != nil {
			return err
		}
	}
	return nil
}

func (v *verification) size() error {
	if len(v.raw) > v.limit {
		return fmt.Errorf("%w: %s is %d bytes, over %d", ErrTooLarge, v.what, len(v.raw), v.limit)
	}
	if len(v.sig) > MaxSignatureSize {
		return fmt.Errorf("%w: signature is %d bytes, over %d", ErrTooLarge, len(v.sig), MaxSignatureSize)
	}
	return nil
}

func (v *verification) signature() error {
	if len(v.trust.Key) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: no publisher key is pinned", ErrWrongKey)
	}
	return checkSignature(v.raw, v.sig, v.trust.Key)
}

func (v *verification) format() error {
	m, err := v.parse(v.raw)
	if err != nil {
		return err
	}
	if v.trust.FeedID != "" && m.FeedID != v.trust.FeedID {
		return fmt.Errorf("%w: %s is for %q, this screen follows %q", ErrWrongFeed, v.what, m.FeedID, v.trust.FeedID)
	}
	v.m = m
	return nil
}

// time bounds how far the manifest may move the screen's trusted time:
// against the screen's clock when that is plausible, else against the
// previous version's issue. A reset (a later epoch) is bounded by a
// plausible clock only: it is the way back from a bad issue.
func (v *verification) time() error {
	t := &v.trust
	if t.Now.IsZero() {
		// A caller that forgot the trusted time must not make every
		// manifest, however old, look fresh: fall back to the clock.
		t.Now = time.Now()
	}
	if t.Clock.IsZero() {
		t.Clock = t.Now
	}
	v.reset = t.Version > 0 && v.m.Epoch > t.Epoch
	issued := v.m.IssuedAt
	switch {
	case PlausibleClock(t.Clock):
		if ahead := issued.Sub(t.Clock); ahead > MaxClockSkew {
			return fmt.Errorf("%w: version %d was issued at %s, %s ahead of this screen's clock %s (the publisher's clock is wrong, or this screen's)",
				ErrFuture, v.m.Version, issued.Format(time.RFC3339), days(ahead), t.Clock.UTC().Format(time.RFC3339))
		}
	case t.Version > 0 && !v.reset:
		if ahead := issued.Sub(t.Now); ahead > MaxIssueStep {
			return fmt.Errorf("%w: version %d was issued at %s, %s after the last applied issue %s, and this screen's clock (%s) is too wrong to tell; set the clock",
				ErrFuture, v.m.Version, issued.Format(time.RFC3339), days(ahead), t.Now.UTC().Format(time.RFC3339), t.Clock.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// days words a long duration for an error message.
func days(d time.Duration) string {
	if d < 72*time.Hour {
		return d.Round(time.Minute).String()
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

func (v *verification) expiry() error {
	now := v.trust.Now
	if v.reset {
		// The stored trusted time may be the very mistake the reset
		// undoes (an issue from 2036): only the clock can judge it.
		now = v.trust.Clock
		if !PlausibleClock(now) {
			now = v.m.IssuedAt
		}
	}
	return expired(v.what, v.m.Version, v.m.Expires, now)
}

// CheckExpiry is the expiry rule of a manifest: version, which expires at
// expires, may no longer be shown or applied at trusted time now. Verify
// uses it, and so does a sync that finds the stored manifest unchanged and
// skips Verify.
func CheckExpiry(version int64, expires, now time.Time) error {
	return expired("manifest", version, expires, now)
}

// expired is the expiry rule of every signed document (what names it).
func expired(what string, version int64, expires, now time.Time) error {
	if !now.Before(expires) {
		return fmt.Errorf("%w: %s version %d expired at %s (trusted time %s)", ErrExpired,
			what, version, expires.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return nil
}

func (v *verification) version() error {
	var err error
	v.unchanged, _, err = succession(v.what, v.m, Sum(v.raw), v.trust.Epoch, v.trust.Version, v.trust.Sum)
	return err
}

// succession is the version rule: a document (what, at q, with bytes of
// SHA-256 sum) may follow the stored one (epoch, version, storedSum;
// version 0: none) when its epoch is later (a reset: versions start
// again), or the epoch is the same and the version is greater, or the same
// version with the very same bytes (unchanged). An older epoch or version
// is a rollback; the same version with other bytes is a fork.
func succession(what string, q *Sequence, sum string, epoch, version int64, storedSum string) (unchanged, reset bool, err error) {
	reset = version > 0 && q.Epoch > epoch
	switch {
	case q.Epoch < epoch:
		return false, false, fmt.Errorf("%w: %s epoch %d is older than stored %d", ErrRollback, what, q.Epoch, epoch)
	case reset:
		return false, true, nil // a new epoch starts its versions again
	case q.Version < version:
		return false, false, fmt.Errorf("%w: %s version %d is older than stored %d", ErrRollback, what, q.Version, version)
	case q.Version == version && sum != storedSum:
		return false, false, fmt.Errorf("%w: %s version %d", ErrFork, what, q.Version)
	}
	return q.Version == version, false, nil
}

// ParseManifest decodes and checks the structure of manifest bytes. It does
// not check the signature: call Verify for anything received from outside.
func ParseManifest(raw []byte) (*Manifest, error) {
	if len(raw) > MaxManifestSize {
		return nil, fmt.Errorf("%w: manifest is %d bytes, over %d", ErrTooLarge, len(raw), MaxManifestSize)
	}
	var m Manifest
	if err := strictUnmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: manifest: %v", ErrFormat, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%w: manifest: %v", ErrFormat, err)
	}
	return &m, nil
}

func (m *Manifest) check() error {
	if m.Format != ManifestFormat {
		return fmt.Errorf("format %q, want %q", m.Format, ManifestFormat)
	}
	if err := m.Sequence().check(); err != nil {
		return err
	}
	switch {
	case len(m.Items) > MaxItems:
		return fmt.Errorf("%d items, over %d", len(m.Items), MaxItems)
	case len(m.Attachments) > MaxAttachments:
		return fmt.Errorf("%d attachments, over %d", len(m.Attachments), MaxAttachments)
	case len(m.Shards) > MaxShards:
		return fmt.Errorf("%d shards, over %d", len(m.Shards), MaxShards)
	case len(m.Shards) > 0 && (len(m.Items) > 0 || len(m.Attachments) > 0):
		return fmt.Errorf("items or attachments listed beside shards")
	}
	for i, s := range m.Shards {
		if err := s.check(MaxShardSize); err != nil {
			return fmt.Errorf("shard %d: %v", i, err)
		}
	}
	if !ValidTimezone(m.Timezone) {
		return fmt.Errorf("timezone %q is unknown", m.Timezone)
	}
	cats := map[string]bool{}
	for _, c := range m.Categories {
		if !ValidID(c.ID) || c.Name == "" || cats[c.ID] {
			return fmt.Errorf("category %q is invalid or repeated", c.ID)
		}
		cats[c.ID] = true
	}
	for _, p := range m.Locations {
		if !ValidCode(p.Code) || p.Name == "" {
			return fmt.Errorf("location %q is invalid", p.Code)
		}
	}
	ids := make(map[string]bool, len(m.Items))
	for _, it := range m.Items {
		if !ValidID(it.ID) || ids[it.ID] {
			return fmt.Errorf("item id %q is invalid or repeated", it.ID)
		}
		ids[it.ID] = true
		if err := it.Object.check(MaxItemSize); err != nil {
			return fmt.Errorf("item %s: %v", it.ID, err)
		}
	}
	m.attSet = make(map[Object]bool, len(m.Attachments))
	for _, a := range m.Attachments {
		if err := a.check(MaxAttachmentSize); err != nil {
			return fmt.Errorf("attachment: %v", err)
		}
		m.attSet[a] = true
	}
	if m.Calendar != nil {
		if err := m.Calendar.check(MaxCalendarSize); err != nil {
			return fmt.Errorf("calendar: %v", err)
		}
	}
	return nil
}

func (o Object) check(limit int64) error {
	if !IsHex(o.SHA256, 64) {
		return fmt.Errorf("sha256 %.70q is not 64 lower-case hex digits", o.SHA256)
	}
	if o.Size < 0 || o.Size > limit {
		return fmt.Errorf("size %d is outside 0..%d", o.Size, limit)
	}
	return nil
}

// ValidTimezone reports whether tz names a zone a screen can load. "" and
// "Local" are refused: they would make each screen (and the publisher) read
// the feed's dates in its own zone.
func ValidTimezone(tz string) bool {
	if tz == "" || tz == "Local" {
		return false
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

// NewObjectReader wraps r so that reading it yields at most o.Size bytes and
// ends with an error wrapping ErrObjectSize or ErrObjectHash if the bytes are
// not exactly the object. A reader that returns io.EOF has delivered the
// verified object. Offset lets a resumed download feed the hash with the
// bytes already held (prefix), then continue with r.
func NewObjectReader(r io.Reader, o Object) io.Reader {
	return &objectReader{r: io.LimitReader(r, o.Size+1), want: o, h: sha256.New()}
}

// ResumeObjectReader is NewObjectReader for a download that already holds
// prefix (the first bytes of the object): it hashes prefix, then reads the
// rest from r.
func ResumeObjectReader(prefix []byte, r io.Reader, o Object) io.Reader {
	or := &objectReader{r: io.LimitReader(r, o.Size-int64(len(prefix))+1), want: o, h: sha256.New(), n: int64(len(prefix))}
	or.h.Write(prefix)
	return or
}

type objectReader struct {
	r    io.Reader
	want Object
	h    hash.Hash
	n    int64
	err  error
}

func (o *objectReader) Read(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.r.Read(p)
	o.n += int64(n)
	o.h.Write(p[:n])
	if o.n > o.want.Size {
		o.err = fmt.Errorf("%w: object %s is longer than %d bytes", ErrObjectSize, shortSum(o.want.SHA256), o.want.Size)
		return 0, o.err
	}
	if err == io.EOF {
		switch {
		case o.n != o.want.Size:
			o.err = fmt.Errorf("%w: object %s is %d bytes, manifest says %d", ErrObjectSize, shortSum(o.want.SHA256), o.n, o.want.Size)
		case hex.EncodeToString(o.h.Sum(nil)) != o.want.SHA256:
			o.err = fmt.Errorf("%w: object %s", ErrObjectHash, shortSum(o.want.SHA256))
		default:
			o.err = io.EOF
		}
		return n, o.err
	}
	return n, err
}

// shortSum abbreviates a digest for messages; it never panics on a short or
// malformed one.
func shortSum(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return fmt.Sprintf("%q", sum)
}

// CheckObject verifies a whole object held in memory.
func CheckObject(data []byte, o Object) error {
	_, err := io.Copy(io.Discard, NewObjectReader(bytes.NewReader(data), o))
	return err
}
