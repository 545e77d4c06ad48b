package words

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"gongkai/feed"
	gksync "gongkai/sync"
)

// TestPlainErrors: a failure is said by its kind, which KindOf chose from
// the error's value: the same English words without the value say nothing.
func TestPlainErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("sync: %w", feed.ErrSignature), "签名不符"},
		{fmt.Errorf("sync: %w", feed.ErrExpired), "内容已过期"},
		{fmt.Errorf("dial tcp 10.0.0.1:80: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), "无法连接服务器"},
		{fmt.Errorf("sync: %w", feed.ErrRollback), "版本不对"},
		{fmt.Errorf("open /media/usb/feed/manifest.json: %w", fs.ErrNotExist), "找不到数据源"},
		{errors.New("sync: feed: manifest expired"), "同步失败"},
	} {
		if got := ProblemOf(tc.err); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%v → %q, want %q", tc.err, got, tc.want)
		}
	}
	for _, kind := range []gksync.Kind{gksync.KindCanceled, gksync.KindSignature, gksync.KindWrongFeed, gksync.KindExpired,
		gksync.KindRollback, gksync.KindDamaged, gksync.KindTooLarge, gksync.KindDiskFull, gksync.KindStorage,
		gksync.KindNetwork, gksync.KindServer, gksync.KindRefused, gksync.KindNoSource, gksync.KindOther} {
		if _, ok := FailureWords[kind]; !ok {
			t.Errorf("kind %q has no words", kind)
		}
	}
	if PlainError(gksync.KindNone) != "" || PlainError("from-a-later-version") != "同步失败" {
		t.Error("no failure, or an unknown kind, said wrongly")
	}
}

// A stick is named by its label, or on Windows by its drive letter (the
// admin panel said "\" and "U 盘 \ 上的 gongkai-feed" there).
func TestStickNames(t *testing.T) {
	sticks := map[string]string{filepath.Join("/media", "KINGSTON"): "KINGSTON"}
	feeds := map[string]string{filepath.Join("/media", "KINGSTON", "gongkai-feed"): "U 盘 KINGSTON 上的 gongkai-feed"}
	if runtime.GOOS == "windows" {
		sticks = map[string]string{`E:\`: "E:", `E:\通知`: "通知"}
		feeds = map[string]string{
			`E:\gongkai-feed`:    "U 盘 E: 上的 gongkai-feed",
			`E:\gongkai-feed\`:   "U 盘 E: 上的 gongkai-feed",
			`E:\通知\gongkai-feed`: "U 盘 通知 上的 gongkai-feed",
		}
	}
	for dir, want := range sticks {
		if got := StickName(dir); got != want {
			t.Errorf("StickName(%q) = %q, want %q", dir, got, want)
		}
	}
	for path, want := range feeds {
		if got := FeedOnStick(path); got != want {
			t.Errorf("FeedOnStick(%q) = %q, want %q", path, got, want)
		}
	}
}
