package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gongkai/config"
	"gongkai/store"
)

// SourcesError is the failure of every source of a RunSources call, each
// reason in order. errors.Is and errors.As see every one of them.
type SourcesError struct {
	Errs []error
}

func (e *SourcesError) Error() string {
	reasons := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		// "sync: all 2 sources failed: sync: …" would say sync twice.
		reasons[i] = strings.TrimPrefix(err.Error(), "sync: ")
	}
	return fmt.Sprintf("sync: all %d sources failed: %s", len(e.Errs), strings.Join(reasons, "; "))
}

func (e *SourcesError) Unwrap() []error { return e.Errs }

// ErrNoSource is returned by RunSources when there is nothing to try.
var ErrNoSource = errors.New("sync: no source to sync from")

// RunSources syncs st from the first of sources that works: a mirror, a
// second server, a USB folder, tried in order. Each failure is recorded in
// the store's state as Run records it, so status shows the last reason. A
// single source's error is returned as Run gave it; several failures come
// back as one *SourcesError. A cancelled ctx stops at the current source.
func RunSources(ctx context.Context, st *store.Store, cfg *config.Config, dataDir string, sources []string, opt Options) (Result, error) {
	if len(sources) == 0 {
		return Result{}, ErrNoSource
	}
	var failed []error
	for _, s := range sources {
		res, err := runOne(ctx, st, cfg, dataDir, s, opt)
		if err == nil {
			return res, nil
		}
		failed = append(failed, err)
		if ctx.Err() != nil {
			break
		}
	}
	if len(failed) == 1 {
		return Result{}, failed[0]
	}
	return Result{}, &SourcesError{Errs: failed}
}

func runOne(ctx context.Context, st *store.Store, cfg *config.Config, dataDir, s string, opt Options) (Result, error) {
	src, err := ParseSource(s, dataDir)
	if err != nil {
		// Recorded too, so the status screen says why nothing arrives.
		now := st.Now(clockOf(opt)())
		if rerr := st.RecordAttempt(s, now, 0, err, string(KindOf(err))); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return Result{}, err
	}
	defer closeSource(src)
	return Run(ctx, st, cfg, src, opt)
}

// closeSource releases what a source holds open (a bundle's file).
func closeSource(src Source) {
	if c, ok := src.(io.Closer); ok {
		_ = c.Close()
	}
}

func clockOf(o Options) func() time.Time {
	if o.Clock != nil {
		return o.Clock
	}
	return time.Now
}
