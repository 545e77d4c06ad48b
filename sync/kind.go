package sync

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"syscall"

	"gongkai/diskerr"
	"gongkai/feed"
	"gongkai/store"
)

// Kind is what kind of failure ended a sync, an import or an upload, for
// people: the admin panel says it in Chinese words, the monitor in its
// own. Run records it beside the message (store.State.LastErrorKind), so
// it survives to a later status or heartbeat.
type Kind string

// The kinds. Stored, so their strings never change.
const (
	KindNone      Kind = ""           // no failure
	KindCanceled  Kind = "canceled"   // someone stopped it
	KindSignature Kind = "signature"  // not signed by the pinned key
	KindWrongFeed Kind = "wrong_feed" // signed, but another feed than this screen follows
	KindExpired   Kind = "expired"    // the manifest's expiry has passed
	KindRollback  Kind = "rollback"   // older than the stored version, or a fork of it
	KindDamaged   Kind = "damaged"    // malformed, or an object that does not match
	KindTooLarge  Kind = "too_large"  // over a size limit
	KindDiskFull  Kind = "disk_full"  // no space left on the screen's disk
	KindStorage   Kind = "storage"    // the screen's database or a read-only disk
	KindNetwork   Kind = "network"    // the source could not be reached, or too slowly
	KindServer    Kind = "server"     // the server answered with an error (5xx)
	KindRefused   Kind = "refused"    // the server refused the request (4xx)
	KindNoSource  Kind = "no_source"  // nothing to sync from
	KindOther     Kind = "other"
)

// KindOf chooses err's kind with errors.Is and errors.As against the
// sentinels of feed, store and sync and the system's errors — never the
// English text, which may change. The first that matches wins, in the
// order below.
func KindOf(err error) Kind {
	var (
		netErr net.Error
		status *httpStatusError
	)
	switch {
	case err == nil:
		return KindNone
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.Is(err, feed.ErrSignature), errors.Is(err, feed.ErrWrongKey):
		return KindSignature
	case errors.Is(err, feed.ErrWrongFeed):
		return KindWrongFeed
	case errors.Is(err, feed.ErrExpired):
		return KindExpired
	case errors.Is(err, feed.ErrRollback), errors.Is(err, feed.ErrFork):
		return KindRollback
	case errors.Is(err, feed.ErrTooLarge):
		return KindTooLarge
	case errors.Is(err, feed.ErrFormat), errors.Is(err, feed.ErrObjectSize), errors.Is(err, feed.ErrObjectHash),
		errors.Is(err, ErrBundle):
		return KindDamaged
	case diskerr.Full(err):
		return KindDiskFull
	case errors.Is(err, store.ErrDamaged), errors.Is(err, store.ErrLocked), diskerr.ReadOnly(err):
		return KindStorage
	case errors.As(err, &status):
		if status.status >= 400 && status.status < 500 {
			return KindRefused
		}
		return KindServer
	case errors.Is(err, ErrNoSource), errors.Is(err, ErrUnsupported), errors.Is(err, fs.ErrNotExist):
		return KindNoSource
	case errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, ErrDeadline), errors.Is(err, ErrTooSlow),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return KindNetwork
	}
	return KindOther
}

// KindHandler wraps a log handler so that every record with an error under
// "err" also carries its kind under "kind": the admin panel's log page says
// a logged failure in words from the log file alone.
func KindHandler(h slog.Handler) slog.Handler { return kindHandler{h} }

type kindHandler struct{ slog.Handler }

func (k kindHandler) Handle(ctx context.Context, r slog.Record) error {
	var kind Kind
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "err" {
			return true
		}
		if err, ok := a.Value.Any().(error); ok {
			kind = KindOf(err)
		}
		return false
	})
	if kind != KindNone {
		r = r.Clone()
		r.AddAttrs(slog.String("kind", string(kind)))
	}
	return k.Handler.Handle(ctx, r)
}

func (k kindHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return kindHandler{k.Handler.WithAttrs(as)}
}

func (k kindHandler) WithGroup(name string) slog.Handler {
	return kindHandler{k.Handler.WithGroup(name)}
}
