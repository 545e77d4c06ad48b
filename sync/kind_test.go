package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"syscall"
	"testing"

	"gongkai/feed"
	"gongkai/store"
)

// TestKindOf: errors as sync, feed, store and the system return them, by
// kind, through wrapping and joining — never by their text.
func TestKindOf(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-stick")
	_, folderErr := (&Folder{dir: missing}).open()
	_, bundleErr := (&Bundle{path: missing + ".zip"}).index()
	dnsErr := &net.DNSError{Err: "no such host", Name: "feed.example", IsNotFound: true}
	for _, tc := range []struct {
		err  error
		want Kind
	}{
		{nil, KindNone},
		{fmt.Errorf("sync: %w", context.Canceled), KindCanceled},
		{fmt.Errorf("sync: %w", feed.ErrSignature), KindSignature},
		{fmt.Errorf("sync: %w", feed.ErrWrongKey), KindSignature},
		{fmt.Errorf("sync: %w", feed.ErrWrongFeed), KindWrongFeed},
		{fmt.Errorf("sync: %w", feed.ErrExpired), KindExpired},
		{fmt.Errorf("sync: %w", feed.ErrRollback), KindRollback},
		{fmt.Errorf("sync: %w", feed.ErrFork), KindRollback},
		{fmt.Errorf("sync: %w", feed.ErrTooLarge), KindTooLarge},
		{fmt.Errorf("sync: %w", feed.ErrObjectHash), KindDamaged},
		{fmt.Errorf("usb: %w", ErrBundle), KindDamaged},
		{fmt.Errorf("apply: %w", &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}), KindDiskFull},
		{fmt.Errorf("apply: %w", &fs.PathError{Op: "open", Path: "x", Err: syscall.EROFS}), KindStorage},
		{fmt.Errorf("apply: %w", store.ErrDamaged), KindStorage},
		{fmt.Errorf("fetch: %w", &httpStatusError{status: 503, text: "503 Service Unavailable"}), KindServer},
		{fmt.Errorf("fetch: %w", &httpStatusError{status: 404, text: "404 Not Found"}), KindRefused},
		{ErrNoSource, KindNoSource},
		{fmt.Errorf("open: %w", fs.ErrNotExist), KindNoSource},
		{folderErr, KindNoSource},
		{bundleErr, KindNoSource},
		{&url.Error{Op: "Get", URL: "https://feed.example/", Err: dnsErr}, KindNetwork},
		{fmt.Errorf("fetch: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), KindNetwork},
		{fmt.Errorf("fetch: %w", context.DeadlineExceeded), KindNetwork},
		{&SourcesError{Errs: []error{errors.New("x"), fmt.Errorf("sync: %w", feed.ErrExpired)}}, KindExpired},
		// the words of a kind without its value are another kind: other
		{errors.New("sync: feed: manifest expired"), KindOther},
	} {
		if got := KindOf(tc.err); got != tc.want {
			t.Errorf("KindOf(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestKindHandler: a logged error carries its kind into the log file; a
// record without an error gets none.
func TestKindHandler(t *testing.T) {
	var buf bytes.Buffer
	lg := slog.New(KindHandler(slog.NewJSONHandler(&buf, nil))).With("job", "test")
	lg.Warn("scheduled sync failed", "err", fmt.Errorf("sync: %w", feed.ErrExpired))
	lg.Info("scheduled sync updated the screen", "version", 3)
	dec := json.NewDecoder(&buf)
	for _, want := range []string{string(KindExpired), ""} {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			t.Fatal(err)
		}
		if got, _ := rec["kind"].(string); got != want || rec["job"] != "test" {
			t.Errorf("record %v: kind %q, want %q", rec, got, want)
		}
	}
}
