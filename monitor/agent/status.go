package agent

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/monitor/wire"
	"gongkai/store"
	"gongkai/sync"
)

// heartbeat is what the screen says about itself now.
func (a *Agent) heartbeat(cfg *config.Config, now time.Time) wire.Heartbeat {
	st := a.opt.Store
	h := wire.Heartbeat{At: now.UTC(), Started: a.opt.Started.UTC(), Program: a.opt.Program, Mode: cfg.Mode,
		Location: cfg.Location, Place: st.PlaceName(cfg.Location), Interval: int64(cfg.Heartbeat() / time.Second),
		Notices: []wire.Notice{}}
	if cfg.DisplayOn != "" && cfg.DisplayOff != "" {
		h.OnHours = cfg.DisplayOn + "-" + cfg.DisplayOff
	}
	if s, err := st.State(); err == nil {
		h.Feed = wire.Feed{ID: s.FeedID, Version: s.Version, IssuedAt: s.IssuedAt, Expires: s.Expires,
			StaleAfter: int64(cfg.StaleAfter.Duration / time.Second)}
		h.Sync = wire.Sync{LastSuccess: s.LastSuccess, LastAttempt: s.LastAttempt}
		if s.LastError != "" {
			h.Sync.Error = wire.OneLine(s.LastError, 500)
			h.Sync.Kind = a.kindOf(s.LastError)
		}
	}
	h.DiskFree, h.DiskTotal = diskSpace(a.opt.Data)
	h.Lit = cfg.Mode != config.ModeDisplay || config.Lit(cfg.DisplayOn, cfg.DisplayOff, now.In(st.Location()))
	if h.Lit {
		items, err := st.Visible(cfg.Location, "", st.Now(now))
		if err == nil {
			for i, it := range items {
				if i == wire.MaxNotices {
					h.NoticesOmitted = len(items) - i
					break
				}
				h.Notices = append(h.Notices, wire.Notice{ID: it.ID, Title: wire.OneLine(it.Title, 300)})
			}
		}
	}
	return h
}

// kindOf is the kind of the stored last error: that of the error value
// the kiosk saw (SyncResult) when it is the same error, else other (an
// error of an earlier run, or of a sync on the command line).
func (a *Agent) kindOf(stored string) string {
	a.mu.Lock()
	err := a.syncErr
	a.mu.Unlock()
	if err == nil || err.Error() != stored {
		return wire.KindOther
	}
	return Kind(err)
}

// Kind is the kind of a sync error, for the monitor to say in plain
// words. It tests the sentinels the sync and feed packages return with
// errors.Is, and network errors by type — never the English text.
//
// This is the one home of the mapping until the store keeps failure kinds
// itself (issue #20 moves it next to sync's errors); a server's HTTP
// status (sync's httpStatusError is unexported) counts as other until then.
func Kind(err error) string {
	var netErr net.Error
	var errno syscall.Errno
	switch {
	case err == nil:
		return ""
	case errors.Is(err, feed.ErrSignature), errors.Is(err, feed.ErrWrongKey), errors.Is(err, feed.ErrWrongFeed):
		return wire.KindSignature
	case errors.Is(err, feed.ErrExpired):
		return wire.KindExpired
	case errors.Is(err, feed.ErrRollback), errors.Is(err, feed.ErrFork):
		return wire.KindRollback
	case errors.Is(err, feed.ErrFormat), errors.Is(err, feed.ErrTooLarge), errors.Is(err, feed.ErrObjectSize),
		errors.Is(err, feed.ErrObjectHash), errors.Is(err, sync.ErrBundle):
		return wire.KindDamaged
	case errors.Is(err, store.ErrDamaged), errors.Is(err, store.ErrLocked),
		errors.As(err, &errno) && (errno == syscall.ENOSPC || errno == syscall.EROFS || errno == syscall.EDQUOT):
		return wire.KindStorage
	case errors.Is(err, sync.ErrNoSource), errors.Is(err, sync.ErrUnsupported), errors.Is(err, fs.ErrNotExist):
		return wire.KindNoSource
	case errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &errno) && (errno == syscall.ECONNREFUSED || errno == syscall.ECONNRESET || errno == syscall.EHOSTUNREACH || errno == syscall.ENETUNREACH):
		return wire.KindNetwork
	}
	return wire.KindOther
}
