package agent

import (
	"time"

	"gongkai/config"
	"gongkai/diskspace"
	"gongkai/monitor/wire"
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
			h.Sync.Kind = wireKind(sync.Kind(s.LastErrorKind))
		}
	}
	if free, total, ok := diskspace.Of(a.opt.Data); ok {
		h.DiskFree, h.DiskTotal = int64(free), int64(total)
	}
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

// Kind is the monitor's word for the kind of a sync error.
func Kind(err error) string {
	if err == nil {
		return ""
	}
	return wireKind(sync.KindOf(err))
}

// wireKinds map the screen's kinds of failure (sync.KindOf, stored with
// the error) onto the monitor's fewer ones. A server's HTTP status is
// other to the monitor, as it was before the screen kept kinds.
var wireKinds = map[sync.Kind]string{
	sync.KindSignature: wire.KindSignature,
	sync.KindWrongFeed: wire.KindSignature,
	sync.KindExpired:   wire.KindExpired,
	sync.KindRollback:  wire.KindRollback,
	sync.KindDamaged:   wire.KindDamaged,
	sync.KindTooLarge:  wire.KindDamaged,
	sync.KindDiskFull:  wire.KindStorage,
	sync.KindStorage:   wire.KindStorage,
	sync.KindNoSource:  wire.KindNoSource,
	sync.KindNetwork:   wire.KindNetwork,
}

// wireKind is the monitor's kind for a stored kind; other for the rest,
// and for an error stored without a kind.
func wireKind(k sync.Kind) string {
	if w, ok := wireKinds[k]; ok {
		return w
	}
	return wire.KindOther
}
