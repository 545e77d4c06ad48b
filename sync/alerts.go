package sync

import (
	"context"
	"errors"
	"fmt"
	gosync "sync"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
)

// ErrNoAlerts: the source has no alerts object (the feed has never
// published one). A poll that finds none is not a failure.
var ErrNoAlerts = errors.New("the feed has no alerts object")

// AlertSource is a source that also serves the alerts object (a web
// server, a folder). A bundle does not: an alert on a USB stick carried
// to the screen would come later than the next network poll anyway.
type AlertSource interface {
	Source
	// Alerts returns the alerts object's bytes and its signature, as
	// Manifest does the manifest's: the cached bytes with ErrNotModified
	// wrapped when the server answered 304, ErrNoAlerts when there is none.
	Alerts(ctx context.Context) (raw, sig []byte, err error)
}

// AlertResult says what a poll of the alerts did.
type AlertResult struct {
	Source    string
	Version   int64 // of the alerts now stored
	Unchanged bool
	None      bool // the source has no alerts object
	InForce   int  // alerts of the object applied (all screens' alerts, not only this one's)
}

// polling serialises polls in a process, apart from running: a poll must
// not wait behind an hour-long download of attachments.
var polling gosync.Mutex

// PollAlerts fetches the alerts object of src once and, when it is new and
// passes feed.VerifyAlerts against the stored alerts (rollback, fork,
// expiry, future issue), stores it. Every poll is recorded in the store's
// AlertState; a failure keeps the stored alerts, in force until their own
// ends.
func PollAlerts(ctx context.Context, st *store.Store, cfg *config.Config, src AlertSource, clock time.Time) (AlertResult, error) {
	polling.Lock()
	defer polling.Unlock()
	res, err := pollAlerts(ctx, st, cfg, src, clock)
	res.Source = src.String()
	now := st.Now(clock)
	if err != nil {
		err = fmt.Errorf("sync: alerts from %s: %w", src, err)
	}
	if err != nil || res.Unchanged || res.None {
		if rerr := st.RecordAlertPoll(src.String(), now, err); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	return res, err
}

func pollAlerts(ctx context.Context, st *store.Store, cfg *config.Config, src AlertSource, clock time.Time) (AlertResult, error) {
	state, err := st.State()
	if err != nil {
		return AlertResult{}, err
	}
	as, err := st.AlertState()
	if err != nil {
		return AlertResult{}, err
	}
	raw, sig, err := src.Alerts(ctx)
	switch {
	case errors.Is(err, ErrNoAlerts):
		return AlertResult{None: true}, nil
	case errors.Is(err, ErrNotModified):
		err = nil // the cached bytes, verified below like any others
	case err != nil:
		return AlertResult{}, err
	}
	now := st.Now(clock)
	if _, derr := st.Alerts("", now); derr == nil && as.Version > 0 && feed.Sum(raw) == as.Sum {
		// The bytes this store applied and holds sound: only time can
		// have moved since they passed every check.
		if !now.Before(as.Expires) {
			return AlertResult{}, fmt.Errorf("%w: alerts version %d expired at %s (trusted time %s)", feed.ErrExpired,
				as.Version, as.Expires.Format(time.RFC3339), now.Format(time.RFC3339))
		}
		return AlertResult{Version: as.Version, Unchanged: true}, nil
	}
	v, err := feed.VerifyAlerts(raw, sig, feed.Trust{
		Key: cfg.PublicKey(), Now: now, Clock: clock, FeedID: state.FeedID,
		Epoch: as.Epoch, Version: as.Version, Sum: as.Sum,
	})
	if err != nil {
		return AlertResult{}, err
	}
	// Unchanged here means the stored copy was damaged: it is stored again.
	if err := st.ApplyAlerts(v, raw, src.String(), now); err != nil {
		return AlertResult{}, err
	}
	return AlertResult{Version: v.Version, InForce: len(v.Alerts.Alerts)}, nil
}

// AlertSourceTimeout bounds the poll of one source. A manifest request may
// retry for DefaultRetry's 40 s, but an alert poll that did so on a server
// that no longer answers would leave the next source (a mirror that works)
// waiting past the minute in which an alert must arrive.
var AlertSourceTimeout = 15 * time.Second

// PollAlertSources polls the alerts of the first of sources that serves
// them and answers, as RunSources syncs from the first that works.
// Sources that cannot carry alerts (bundles) are passed over; each source
// gets AlertSourceTimeout.
func PollAlertSources(ctx context.Context, st *store.Store, cfg *config.Config, dataDir string, sources []string, clock time.Time) (AlertResult, error) {
	var failed []error
	for _, s := range sources {
		src, err := ParseSource(s, dataDir)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		as, ok := src.(AlertSource)
		if !ok {
			closeSource(src)
			continue
		}
		pctx, cancel := context.WithTimeoutCause(ctx, AlertSourceTimeout,
			fmt.Errorf("%w: no answer within %s", context.DeadlineExceeded, AlertSourceTimeout))
		res, err := PollAlerts(pctx, st, cfg, as, clock)
		if err != nil && ctx.Err() == nil && pctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, context.Cause(pctx))
		}
		cancel()
		closeSource(src)
		if err == nil {
			return res, nil
		}
		failed = append(failed, err)
		if ctx.Err() != nil {
			break
		}
	}
	switch len(failed) {
	case 0:
		return AlertResult{None: true}, nil
	case 1:
		return AlertResult{}, failed[0]
	}
	return AlertResult{}, &SourcesError{Errs: failed}
}
