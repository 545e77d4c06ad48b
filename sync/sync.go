// Package sync brings a screen's store up to date from a source of its
// feed: a web server, a folder, a USB stick or a bundle file on it. One run reads the manifest,
// verifies it against the pinned key and the stored state, fetches only the
// objects the store lacks (each read once, through a verifying reader), and
// applies the whole version in one store transaction. A run that fails at
// any step leaves the store's content as it was and records the reason. It
// knows nothing of widgets.
package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	gosync "sync"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
)

// Source is where a feed's files come from. Implementations only fetch:
// Run verifies everything they return, so a source need not be trusted.
type Source interface {
	// String names the source for status and errors (a path or URL).
	String() string
	// Manifest returns the manifest bytes and the signature file stored
	// at feed.SignaturePath(feed.Sum(raw)), each read through a size cap.
	Manifest(ctx context.Context) (raw, sig []byte, err error)
	// Object opens the object at feed.ObjectPath(o.SHA256). The reader
	// may return anything; Run reads it through feed.NewObjectReader.
	Object(ctx context.Context, o feed.Object) (io.ReadCloser, error)
}

// ErrUnsupported is returned by ParseSource for a kind of source this
// build cannot fetch from.
var ErrUnsupported = errors.New("sync: unsupported source")

// ParseSource turns a --source argument or a configured source into a
// Source: an http(s) URL, a bundle file (.zip or .tar), or a folder path. dataDir is the screen's data
// directory, where the HTTP source keeps its cache and partial downloads.
func ParseSource(s, dataDir string) (Source, error) {
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		return NewHTTP(s, filepath.Join(dataDir, "http"), DefaultTimeouts, DefaultRetry)
	case strings.Contains(s, "://"):
		return nil, fmt.Errorf("%w: %s: use an http(s) URL or a folder path", ErrUnsupported, s)
	case IsBundle(s):
		return NewBundle(s, DefaultBundleLimits)
	}
	return NewFolder(s)
}

// Stage is a step of a run, for progress displays.
type Stage string

// Stages in the order a run goes through them; a run ends with exactly one
// of StageDone, StageUnchanged or StageFailed.
const (
	StageChecking    Stage = "checking"    // reading the manifest
	StageVerifying   Stage = "verifying"   // signature, expiry, version
	StageDownloading Stage = "downloading" // objects the store lacks
	StageApplying    Stage = "applying"    // the store transaction
	StageDone        Stage = "done"
	StageUnchanged   Stage = "unchanged"
	StageFailed      Stage = "failed"
)

// Event reports progress. Objects/TotalObjects and Bytes/TotalBytes count
// the downloads of this run only.
type Event struct {
	Stage        Stage
	Source       string
	Version      int64 // of the manifest, once read
	Objects      int
	TotalObjects int
	Bytes        int64
	TotalBytes   int64
	Err          error // with StageFailed
}

// Options of a run.
type Options struct {
	Clock    func() time.Time // time.Now when nil; the store turns it into trusted time
	Progress func(Event)      // called synchronously (from several goroutines, one at a time); nil for none
	Parallel int              // objects fetched at a time; 4 when zero
	Deadline time.Duration    // for the whole run; DefaultDeadline when zero, none when negative
}

// DefaultDeadline bounds one run, whatever its source does: a server (or a
// failing USB stick) can stay just above every per-request limit, object
// after object. What arrived is kept: attachments already stored and
// partial downloads are where the next run resumes.
const DefaultDeadline = time.Hour

// ErrDeadline is the error of a run stopped by its deadline.
var ErrDeadline = errors.New("the run took too long")

func (o Options) parallel() int {
	if o.Parallel > 0 {
		return o.Parallel
	}
	return 4
}

// Result says what a run did.
type Result struct {
	Source       string
	Version      int64 // now held by the store
	Changes      store.Changes
	Unchanged    bool
	Repaired     int // damaged attachments (missing, cut short, altered) fetched again
	BytesFetched int64
	Duration     time.Duration
}

// running serialises runs in a process. Two runs at once could undo each
// other: one's Apply collects the attachments the other has just written
// and not yet applied. (Two processes are kept apart by the store's lock.)
var running gosync.Mutex

// Run syncs st from src once. It returns an error, and records it in the
// store's state, when anything fails; the store's items, indexes and
// referenced attachments are then exactly as before. Runs in one process
// take turns.
func Run(ctx context.Context, st *store.Store, cfg *config.Config, src Source, opt Options) (Result, error) {
	running.Lock()
	defer running.Unlock()
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	start := opt.Clock()
	// What Check found damaged in the derived records (lists, search) is
	// rebuilt from the stored, hash-checked items before anything else.
	if _, err := st.Repair(); err != nil {
		return Result{Source: src.String()}, fmt.Errorf("sync: %w", err)
	}
	r := &run{st: st, cfg: cfg, src: src, opt: opt, now: st.Now(start), clock: start}
	if c, ok := src.(byteCounter); ok {
		r.counter, r.base = c, c.Fetched()
	}
	if opt.Deadline == 0 {
		opt.Deadline = DefaultDeadline
	}
	runCtx := ctx
	if opt.Deadline > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeoutCause(ctx, opt.Deadline,
			fmt.Errorf("%w: stopped after %s; what arrived is kept for the next run", ErrDeadline, opt.Deadline))
		defer cancel()
	}
	res, err := r.do(runCtx)
	res.Source, res.BytesFetched = src.String(), r.bytes()
	res.Duration = opt.Clock().Sub(start)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(runCtx), ErrDeadline) && !errors.Is(err, ErrDeadline) {
		// A step that saw only "context deadline exceeded": say which.
		err = fmt.Errorf("%w (%v)", context.Cause(runCtx), err)
	}
	if err != nil {
		err = fmt.Errorf("sync: %w", err)
		if rerr := st.RecordAttempt(src.String(), r.now, r.bytes(), err, string(KindOf(err))); rerr != nil {
			err = errors.Join(err, fmt.Errorf("sync: recording the failure: %w", rerr))
		}
		r.emit(Event{Stage: StageFailed, Err: err})
		return res, err
	}
	if res.Repaired > 0 {
		if err := st.RecordRepair(r.now, res.Repaired); err != nil {
			return res, fmt.Errorf("sync: recording the repair: %w", err)
		}
	}
	if res.Unchanged {
		if err := st.RecordAttempt(src.String(), r.now, r.bytes(), nil, ""); err != nil {
			return res, fmt.Errorf("sync: recording the attempt: %w", err)
		}
		r.emit(Event{Stage: StageUnchanged})
	} else {
		r.emit(Event{Stage: StageDone})
	}
	return res, nil
}

type run struct {
	st      *store.Store
	cfg     *config.Config
	src     Source
	opt     Options
	now     time.Time // trusted time of this run
	clock   time.Time // the clock's own reading at the start
	version int64
	mu      gosync.Mutex // guards fetched and ev: objects arrive in parallel
	fetched int64
	ev      Event // download progress so far
	counter byteCounter
	base    int64
}

func (r *run) emit(e Event) {
	if r.opt.Progress == nil {
		return
	}
	e.Source, e.Version = r.src.String(), r.version
	r.opt.Progress(e)
}

func (r *run) do(ctx context.Context) (Result, error) {
	r.emit(Event{Stage: StageChecking})
	state, err := r.st.State()
	if err != nil {
		return Result{}, fmt.Errorf("reading the stored state: %w", err)
	}
	raw, sig, err := r.src.Manifest(ctx)
	if errors.Is(err, ErrNotModified) {
		// The server says the manifest we fetched last time is current. Its
		// cached bytes still go through Verify: normally they are the stored
		// version (unchanged); if the last run failed, this run retries it.
		err = nil
	} else {
		r.fetched += int64(len(raw) + len(sig))
	}
	if err != nil {
		return Result{}, fmt.Errorf("reading the manifest from %s: %w", r.src, err)
	}

	r.emit(Event{Stage: StageVerifying})
	if state.Version > 0 && feed.Sum(raw) == state.ManifestSum {
		// The very bytes this store applied, so they passed every check of
		// Verify with the pinned key then; only time can have moved since.
		// Skipping the signature and the parse of a large manifest is what
		// makes an unchanged re-sync cost milliseconds.
		if err := feed.CheckExpiry(state.Version, state.Expires, r.now); err != nil {
			return Result{}, err
		}
		r.version = state.Version
		return r.unchanged(ctx, state.Version)
	}
	v, err := feed.Verify(raw, sig, feed.Trust{
		Key:     r.cfg.PublicKey(),
		Now:     r.now,
		Clock:   r.clock,
		FeedID:  state.FeedID,
		Epoch:   state.Epoch,
		Version: state.Version,
		Sum:     state.ManifestSum,
	})
	if err != nil {
		return Result{}, err
	}
	r.version = v.Version
	if v.Unchanged() {
		return r.unchanged(ctx, v.Version)
	}

	if err := r.fetchShards(ctx, v); err != nil {
		return Result{}, err
	}
	items, attachments, err := r.plan(v)
	if err != nil {
		return Result{}, err
	}
	// The calendar first: it is small, and a bad one fails the run before
	// anything else is fetched.
	calendar, err := r.fetchCalendar(ctx, v.Manifest)
	if err != nil {
		return Result{}, err
	}
	// An attachment the stored version lists too should have been here
	// whole: fetching it again is a repair, which status reports.
	repaired := 0
	if len(attachments) > 0 {
		held, err := r.st.Attachments()
		if err != nil {
			return Result{}, err
		}
		listed := make(map[feed.Object]bool, len(held))
		for _, o := range held {
			listed[o] = true
		}
		for _, o := range attachments {
			if listed[o] {
				repaired++
			}
		}
	}
	r.ev = Event{Stage: StageDownloading, TotalObjects: len(items) + len(attachments)}
	for _, o := range items {
		r.ev.TotalBytes += o.Size
	}
	for _, o := range attachments {
		r.ev.TotalBytes += o.Size
	}
	r.emit(r.ev)

	// Items first, into memory, each decoded and checked against the
	// manifest: a bad item fails the run before any attachment is written.
	// Several objects are fetched at a time: on a network source latency,
	// not bandwidth, is what makes many small items slow.
	// Apply takes them decoded, as they are.
	fetched := make(map[string]*feed.CheckedItem, len(items))
	var mu gosync.Mutex
	err = parallel(ctx, r.opt.parallel(), len(items), func(ctx context.Context, i int) error {
		c, err := r.fetchItem(ctx, items[i], v.Manifest)
		if err == nil {
			mu.Lock()
			fetched[items[i].SHA256] = c
			mu.Unlock()
		}
		return err
	})
	if err != nil {
		return Result{}, err
	}
	// Attachments go straight to the store's blob files, written before the
	// transaction that references them. If the run fails later they are
	// merely unreferenced, and the store collects them after a later Apply.
	err = parallel(ctx, r.opt.parallel(), len(attachments), func(ctx context.Context, i int) error {
		return r.fetchBlob(ctx, attachments[i])
	})
	if err != nil {
		return Result{}, err
	}

	r.emit(Event{Stage: StageApplying})
	changes, err := r.st.Apply(store.Update{
		Manifest: v,
		Checked:  fetched,
		Calendar: calendar,
		Source:   r.src.String(),
		Fetched:  r.bytes(),
		At:       r.now,
	})
	if err != nil {
		return Result{}, fmt.Errorf("applying version %d: %w", v.Version, err)
	}
	return Result{Version: v.Version, Changes: changes, Repaired: repaired}, nil
}

// unchanged ends a run whose manifest is the stored one. Nothing is
// applied, but what Check would report of the attachments (deleted, cut
// short, altered) is fetched again and replaced: an unchanged feed must
// not mean a broken copy for ever.
func (r *run) unchanged(ctx context.Context, version int64) (Result, error) {
	res := Result{Version: version, Unchanged: true}
	atts, err := r.st.Attachments()
	if err != nil {
		return res, err
	}
	var damaged []feed.Object
	for _, o := range atts {
		if !r.st.BlobSound(o) {
			damaged = append(damaged, o)
		}
	}
	if len(damaged) == 0 {
		return res, nil
	}
	r.ev = Event{Stage: StageDownloading, TotalObjects: len(damaged)}
	for _, o := range damaged {
		r.ev.TotalBytes += o.Size
	}
	r.emit(r.ev)
	err = parallel(ctx, r.opt.parallel(), len(damaged), func(ctx context.Context, i int) error {
		if err := r.fetchBlob(ctx, damaged[i]); err != nil {
			return fmt.Errorf("repairing a damaged attachment: %w", err)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	res.Repaired = len(damaged)
	return res, nil
}

// plan lists the item objects whose id the store holds with another hash
// (or not at all), and the attachments it lacks, each once.
func (r *run) plan(v *feed.Verified) ([]feed.ItemRef, []feed.Object, error) {
	have, err := r.st.ItemSums()
	if err != nil {
		return nil, nil, fmt.Errorf("reading stored items: %w", err)
	}
	var items []feed.ItemRef
	for _, ref := range v.Items {
		if have[ref.ID] != ref.SHA256 {
			items = append(items, ref)
		}
	}
	var blobs []feed.Object
	seen := map[string]bool{}
	for _, o := range v.Attachments {
		// BlobSound, not HasBlob: a stored copy that is damaged (what
		// Check reports) is fetched again and replaced.
		if !seen[o.SHA256] && !r.st.BlobSound(o) {
			blobs = append(blobs, o)
		}
		seen[o.SHA256] = true
	}
	return items, blobs, nil
}

// fetchShards reads the shards of a sharded manifest into v: those the
// store holds from the applied version as they are, the others from the
// source. A publication that changed a few notices changed a few shards,
// so a re-sync of a large feed fetches kilobytes, not the whole list.
func (r *run) fetchShards(ctx context.Context, v *feed.Verified) error {
	if len(v.Shards) == 0 {
		return nil
	}
	shards := make([][]byte, len(v.Shards))
	var missing []int
	for i, o := range v.Shards {
		if raw, ok := r.st.Shard(o.SHA256); ok {
			shards[i] = raw
		} else {
			missing = append(missing, i)
		}
	}
	err := parallel(ctx, r.opt.parallel(), len(missing), func(ctx context.Context, k int) error {
		i := missing[k]
		rc, err := r.open(ctx, v.Shards[i])
		if err != nil {
			return fmt.Errorf("shard %d: %w", i, err)
		}
		defer rc.Close()
		data, err := feed.ReadLimited(r.verifying(rc, v.Shards[i]), feed.MaxShardSize, fmt.Sprint("shard ", i))
		if err != nil {
			return fmt.Errorf("shard %d: %w", i, err)
		}
		shards[i] = data
		return nil
	})
	if err != nil {
		return err
	}
	return v.Expand(shards)
}

// fetchItem fetches an item object, checked by hash and decoded against m.
func (r *run) fetchItem(ctx context.Context, ref feed.ItemRef, m *feed.Manifest) (*feed.CheckedItem, error) {
	rc, err := r.open(ctx, ref.Object)
	if err != nil {
		return nil, fmt.Errorf("item %s: %w", ref.ID, err)
	}
	defer rc.Close()
	// checked by size and hash as it is read
	c, err := feed.ReadItem(&counter{r: rc, run: r}, ref, m)
	if err != nil {
		return nil, err
	}
	r.done()
	return c, nil
}

// fetchCalendar fetches and decodes the calendar object m names, unless
// the store holds it already (then nil, and Apply keeps the stored copy).
func (r *run) fetchCalendar(ctx context.Context, m *feed.Manifest) ([]byte, error) {
	if m.Calendar == nil {
		return nil, nil
	}
	if held, err := r.st.CalendarSum(); err != nil || held == m.Calendar.SHA256 {
		return nil, err
	}
	rc, err := r.open(ctx, *m.Calendar)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer rc.Close()
	data, err := feed.ReadLimited(r.verifying(rc, *m.Calendar), feed.MaxCalendarSize, "calendar")
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	if _, err := feed.DecodeCalendar(data); err != nil {
		return nil, err
	}
	return data, nil
}

func (r *run) fetchBlob(ctx context.Context, o feed.Object) error {
	rc, err := r.open(ctx, o)
	if err != nil {
		return fmt.Errorf("attachment %s: %w", o.SHA256[:12], err)
	}
	defer rc.Close()
	if err := r.st.PutBlob(o.SHA256, r.verifying(rc, o)); err != nil {
		return fmt.Errorf("attachment %s: %w", o.SHA256[:12], err)
	}
	r.done()
	return nil
}

func (r *run) open(ctx context.Context, o feed.Object) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r.src.Object(ctx, o)
}

// verifying is the one way object bytes from a source are read: capped at
// the manifest's size, hashed as they pass, and counted.
func (r *run) verifying(rc io.Reader, o feed.Object) io.Reader {
	return feed.NewObjectReader(&counter{r: rc, run: r}, o)
}

// byteCounter is a source that counts what it received from the network,
// which is more honest than what passed through the run (a resumed object
// is read whole from disk but only its tail came over the wire).
type byteCounter interface{ Fetched() int64 }

func (r *run) bytes() int64 {
	if r.counter != nil {
		return r.counter.Fetched() - r.base
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fetched
}

func (r *run) done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ev.Objects++
	r.emit(r.ev)
}

type counter struct {
	r   io.Reader
	run *run
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.run.mu.Lock()
	c.run.fetched += int64(n)
	c.run.ev.Bytes += int64(n)
	c.run.mu.Unlock()
	return n, err
}

// parallel runs fn for 0..n-1 on at most workers goroutines and returns the
// first error; after an error no new calls start and the others are
// cancelled through ctx.
func parallel(ctx context.Context, workers, n int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	var (
		wg    gosync.WaitGroup
		once  gosync.Once
		first error
	)
	for range min(workers, n) {
		wg.Go(func() {
			for i := range jobs {
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
