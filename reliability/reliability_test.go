// Package reliability holds the faults an unattended screen must survive
// that the other packages' tests do not stage: a full disk, a read-only data
// directory and clock jumps. Each test syncs a real signed feed into a real
// store and checks the store afterwards: a clean error, the old content
// still shown, nothing half-applied. scripts/torture.sh runs them with the
// other packages' fault tests and writes RELIABILITY.md.
package reliability

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/store"
	"gongkai/sync"
	"gongkai/sync/synctest"
)

// screen is a provisioned data directory with its publisher.
type screen struct {
	dir, src, feed string
	key            []byte // publisher.pub text
	priv           []byte
	cfg            *config.Config
}

func items(n int, edition string, attach int) []synctest.Item {
	var out []synctest.Item
	for i := range n {
		it := synctest.Item{
			ID:        fmt.Sprintf("n-%04d", i),
			Title:     fmt.Sprintf("第%d号公告（%s版）", i, edition),
			Category:  []string{"land", "village", "policy"}[i%3],
			Locations: []string{synctest.Village, synctest.Town, "all"}[i%3 : i%3+1],
			Body:      "依据有关规定现予公告。" + edition,
		}
		if attach > 0 && i < 4 {
			data := make([]byte, attach)
			r := rand.New(rand.NewPCG(uint64(i), 1))
			for j := range data {
				data[j] = byte(r.Uint32())
			}
			copy(data, edition)
			it.Attachments = map[string][]byte{fmt.Sprintf("att-%d.bin", i): data}
		}
		out = append(out, it)
	}
	return out
}

// newScreen provisions dir (which must not exist yet, or be empty) for a feed.
func newScreen(t *testing.T, dir string) *screen {
	t.Helper()
	priv, pub := synctest.NewKey(t)
	s := &screen{dir: dir, src: t.TempDir(), feed: t.TempDir(), key: pub, priv: priv}
	if err := config.Init(dir, config.Config{Location: synctest.Village, Sources: []string{s.feed}}, pub); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.cfg = cfg
	return s
}

func (s *screen) publish(t *testing.T, its []synctest.Item, now time.Time) {
	t.Helper()
	synctest.WriteSource(t, s.src, its)
	synctest.Publish(t, s.src, s.feed, s.priv, now)
}

// sync runs one sync with the clock at now (time.Now when zero).
func (s *screen) sync(t *testing.T, now time.Time) (sync.Result, error) {
	t.Helper()
	st, err := store.Open(s.dir, store.Options{})
	if err != nil {
		return sync.Result{}, err
	}
	defer st.Close()
	src, err := sync.NewFolder(s.feed)
	if err != nil {
		t.Fatal(err)
	}
	opt := sync.Options{}
	if !now.IsZero() {
		opt.Clock = func() time.Time { return now }
	}
	return sync.Run(context.Background(), st, s.cfg, src, opt)
}

// shown is what the screen shows at clock (opened read-only, as a screen
// whose data directory cannot be written still can), with its version.
func (s *screen) shown(t *testing.T, clock time.Time) (ids []string, st store.State) {
	t.Helper()
	db, err := store.Open(s.dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("opening the store read-only: %v", err)
	}
	defer db.Close()
	if problems, err := db.Check(); err != nil || len(problems) > 0 {
		t.Errorf("Check: %v %q", err, problems)
	}
	vis, err := db.Visible(synctest.Village, "", db.Now(clock))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vis {
		ids = append(ids, v.ID)
	}
	slices.Sort(ids)
	st, _ = db.State()
	return ids, st
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small or read-only filesystem")
	}
}

func mount(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
		t.Skipf("mount %s: %v %s (no mount permission here)", strings.Join(args, " "), err, out)
	}
}

func unmount(dir string) { _ = exec.Command("umount", "-l", dir).Run() }

// TestDiskFull: a screen on a 2 MB filesystem gets a version whose
// attachments do not fit. The sync fails with a clean error naming the
// cause, the store keeps the old version whole, and a later version that
// fits applies.
func TestDiskFull(t *testing.T) {
	needRoot(t)
	fs := t.TempDir()
	mount(t, "-t", "tmpfs", "-o", "size=2m", "tmpfs", fs)
	t.Cleanup(func() { unmount(fs) })
	s := newScreen(t, filepath.Join(fs, "screen"))

	s.publish(t, items(30, "A", 64<<10), time.Time{})
	if _, err := s.sync(t, time.Time{}); err != nil {
		t.Fatalf("first sync (fits): %v", err)
	}
	before, st1 := s.shown(t, time.Now())

	s.publish(t, items(30, "B", 600<<10), time.Time{}) // 4 × 600 KB: more than is left
	_, err := s.sync(t, time.Time{})
	if err == nil {
		t.Fatal("sync of a version larger than the disk succeeded")
	}
	if !errors.Is(err, syscall.ENOSPC) && !strings.Contains(err.Error(), "no space") {
		t.Errorf("error does not say the disk is full: %v", err)
	}
	t.Logf("disk full: %v", err)
	after, st2 := s.shown(t, time.Now())
	if st2.Version != st1.Version || !slices.Equal(before, after) {
		t.Errorf("after a failed sync: version %d→%d, %d→%d items shown", st1.Version, st2.Version, len(before), len(after))
	}
	if st2.LastError == "" {
		t.Error("the failure is not recorded for status")
	}

	s.publish(t, items(30, "C", 16<<10), time.Time{})
	if _, err := s.sync(t, time.Time{}); err != nil {
		t.Fatalf("sync of a version that fits, after the disk filled: %v", err)
	}
	if _, st3 := s.shown(t, time.Now()); st3.Version != st1.Version+2 {
		t.Errorf("version %d after recovery, want %d", st3.Version, st1.Version+2)
	}
}

// TestReadOnlyDataDir: the data directory becomes read-only (a remounted
// bind mount, which binds root too). Sync fails with a clean error; the
// store still opens read-only and shows the same content.
func TestReadOnlyDataDir(t *testing.T) {
	needRoot(t)
	s := newScreen(t, filepath.Join(t.TempDir(), "screen"))
	s.publish(t, items(30, "A", 0), time.Time{})
	if _, err := s.sync(t, time.Time{}); err != nil {
		t.Fatal(err)
	}
	before, st1 := s.shown(t, time.Now())
	s.publish(t, items(30, "B", 0), time.Time{})

	mount(t, "--bind", s.dir, s.dir)
	t.Cleanup(func() { unmount(s.dir) })
	mount(t, "-o", "remount,ro,bind", s.dir)

	_, err := s.sync(t, time.Time{})
	if err == nil {
		t.Fatal("sync into a read-only data directory succeeded")
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "read-only") {
		t.Errorf("error is not one clear line naming the cause: %q", msg)
	}
	if errors.Is(err, store.ErrDamaged) {
		t.Errorf("a read-only data directory is reported as damage: %v", err)
	}
	t.Logf("read-only: %v", err)
	after, st2 := s.shown(t, time.Now())
	if st2.Version != st1.Version || !slices.Equal(before, after) {
		t.Errorf("read-only data dir: version %d→%d, %d→%d items shown", st1.Version, st2.Version, len(before), len(after))
	}
}

// TestClockJumps: a screen synced at T whose clock then falls back ten
// years still trusts T (nothing expired comes back, nothing fresh is
// refused); one whose clock jumps six months ahead refuses the now-expired
// feed but keeps showing its content, marked stale by its expiry.
func TestClockJumps(t *testing.T) {
	s := newScreen(t, filepath.Join(t.TempDir(), "screen"))
	T := time.Now().Truncate(time.Second)
	its := items(30, "A", 0)
	its[1].ValidUntil = T.AddDate(0, 0, -3).Format(time.DateOnly) // expired: must stay hidden
	its[4].ValidFrom = T.AddDate(0, 0, -30).Format(time.DateOnly)
	s.publish(t, its, T)
	if _, err := s.sync(t, T); err != nil {
		t.Fatal(err)
	}
	atT, st := s.shown(t, T)
	if slices.Contains(atT, "n-0001") {
		t.Fatal("an expired notice is shown")
	}

	back := T.AddDate(-10, 0, 0)
	db, err := store.Open(s.dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if now := db.Now(back); now.Before(T) {
		t.Errorf("clock 10 years back: trusted time %s, want ≥ %s", now, T)
	}
	db.Close()
	if got, _ := s.shown(t, back); !slices.Equal(got, atT) {
		t.Errorf("clock 10 years back: %d items shown, want the %d shown at T", len(got), len(atT))
	}
	// A fresh feed issued at T+1h still applies on the screen whose clock says 2016.
	s.publish(t, items(30, "B", 0), T.Add(time.Hour))
	if _, err := s.sync(t, back); err != nil {
		t.Fatalf("sync of a fresh feed with the clock 10 years back: %v", err)
	}
	atT, st = s.shown(t, T.Add(time.Hour))

	// Six months ahead: the feed (issued at T+1h, expiring within months) is
	// expired; a re-sync of it is refused and the content stays.
	ahead := T.AddDate(0, 6, 0)
	if st.Expires.After(ahead) {
		t.Skipf("feed expires %s, after the jump", st.Expires)
	}
	_, err = s.sync(t, ahead)
	if err == nil || !strings.Contains(err.Error(), "expire") {
		t.Errorf("sync of an expired feed 6 months ahead: %v, want refused as expired", err)
	}
	got, st2 := s.shown(t, ahead)
	if st2.Version != st.Version {
		t.Errorf("version changed %d→%d", st.Version, st2.Version)
	}
	if len(got) == 0 || !slices.Equal(got, atT) {
		t.Errorf("6 months ahead: %d items shown, want the %d shown before (no validity ends in between)", len(got), len(atT))
	}
	if !st2.Expires.Before(ahead) {
		t.Error("content is not marked stale (feed expiry after the clock)")
	}
}
