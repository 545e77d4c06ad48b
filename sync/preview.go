package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	gosync "sync"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
)

// Diff is what syncing from a source would change on this screen, for an
// administrator to confirm before a USB stick is imported. Each list holds
// "id title" strings (an id never contains a space), sorted by id, of the
// items that target this screen's location, whatever their validity dates.
type Diff struct {
	Source    string
	Version   int64 // of the source's manifest
	Stored    int64 // version the store holds now
	Unchanged bool  // the source holds exactly the stored version
	Added     []string
	Changed   []string
	Withdrawn []string // items the update withdraws (already withdrawn ones are not repeated)
	Removed   []string // items the update drops from the feed
	Objects   int      // objects a sync would fetch (items and attachments the store lacks)
	Bytes     int64    // their size
}

// Preview reads and verifies src as Run would: the manifest against the
// pinned key, expiry and the stored version, and every item object the
// store lacks by size, hash and decoding. It changes nothing in the store
// (not even the recorded attempt) and writes no attachment; a confirmed
// import is then an ordinary Run, which verifies everything again.
func Preview(ctx context.Context, st *store.Store, cfg *config.Config, src Source) (Diff, error) {
	d := Diff{Source: src.String()}
	state, err := st.State()
	if err != nil {
		return d, fmt.Errorf("sync: preview: %w", err)
	}
	d.Stored = state.Version
	raw, sig, err := src.Manifest(ctx)
	if err != nil && !errors.Is(err, ErrNotModified) {
		return d, fmt.Errorf("sync: preview: reading the manifest from %s: %w", src, err)
	}
	clock := time.Now()
	v, err := feed.Verify(raw, sig, feed.Trust{
		Key:     cfg.PublicKey(),
		Now:     st.Now(clock),
		Clock:   clock,
		FeedID:  state.FeedID,
		Epoch:   state.Epoch,
		Version: state.Version,
		Sum:     state.ManifestSum,
	})
	if err != nil {
		return d, fmt.Errorf("sync: preview: %w", err)
	}
	d.Version, d.Unchanged = v.Version, v.Unchanged()
	if v.Unchanged() {
		return d, nil
	}
	stored, err := st.Summaries()
	if err != nil {
		return d, fmt.Errorf("sync: preview: %w", err)
	}
	r := &run{st: st, cfg: cfg, src: src}
	if err := r.fetchShards(ctx, v); err != nil {
		return d, fmt.Errorf("sync: preview: %w", err)
	}
	items, attachments, err := r.plan(v)
	if err != nil {
		return d, fmt.Errorf("sync: preview: %w", err)
	}
	d.Objects = len(items) + len(attachments)
	for _, o := range items {
		d.Bytes += o.Size
	}
	for _, o := range attachments {
		d.Bytes += o.Size
	}
	var mu gosync.Mutex
	err = parallel(ctx, 4, len(items), func(ctx context.Context, i int) error {
		c, err := r.fetchItem(ctx, items[i], v.Manifest)
		if err != nil {
			return err
		}
		it := c.Item()
		if !feed.Targets(it.Locations, cfg.Location) {
			return nil
		}
		line := it.ID + " " + it.Title
		old, had := stored[it.ID]
		mu.Lock()
		defer mu.Unlock()
		switch {
		case it.Withdrawn != "" && (!had || old.Withdrawn == ""):
			d.Withdrawn = append(d.Withdrawn, line)
		case it.Withdrawn != "":
			// Still withdrawn, only reworded: not news to the admin.
		case had:
			d.Changed = append(d.Changed, line)
		default:
			d.Added = append(d.Added, line)
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("sync: preview: %w", err)
	}
	listed := make(map[string]bool, len(v.Items))
	for _, ref := range v.Items {
		listed[ref.ID] = true
	}
	for id, s := range stored {
		if !listed[id] && feed.Targets(s.Locations, cfg.Location) {
			d.Removed = append(d.Removed, id+" "+s.Title)
		}
	}
	for _, l := range [][]string{d.Added, d.Changed, d.Withdrawn, d.Removed} {
		slices.Sort(l)
	}
	return d, nil
}
