package reliability

import (
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/publish"
	"gongkai/sync/synctest"
)

// TestClockFromTheFuture (issue 22): a publication signed by a PC whose
// clock ran ten years ahead must not move a screen's trusted time. A
// screen with a plausible clock refuses it against its clock; one whose
// clock fell to 1970 refuses it against its previous issue; a fresh
// screen at 1970 has nothing to compare and takes it, and then the
// publisher's reset (publish --reset) brings it back without anyone
// touching the screen.
func TestClockFromTheFuture(t *testing.T) {
	T := time.Now().Truncate(time.Second)
	future := T.AddDate(10, 0, 0)
	in1970 := time.Unix(0, 0)
	its := items(30, "A", 0)
	its[1].ValidUntil = T.AddDate(0, 2, 0).Format(time.DateOnly) // ends "before 2036"

	s := newScreen(t, filepath.Join(t.TempDir(), "screen"))
	s.publish(t, its, T)
	if _, err := s.sync(t, T); err != nil {
		t.Fatal(err)
	}
	before, st := s.shown(t, T)

	// The bad publication, as a publisher with a clock ten years ahead
	// signed it before publish refused such clocks.
	synctest.PublishRaw(t, s.feed, ed25519.PrivateKey(s.priv), synctest.Raw{Items: []feed.Item{synctest.RawItem("n-9999", "未来的公告", nil)}, IssuedAt: future})
	for _, clock := range []time.Time{T, in1970} {
		_, err := s.sync(t, clock)
		if !errors.Is(err, feed.ErrFuture) {
			t.Fatalf("clock %s: sync of an issue from %s: %v, want ErrFuture", clock.Format(time.DateOnly), future.Format(time.DateOnly), err)
		}
		after, st2 := s.shown(t, T)
		if !slices.Equal(before, after) || st2.Version != st.Version || !st2.TrustedTime.Equal(st.TrustedTime) {
			t.Errorf("clock %s: the refused issue changed the screen: version %d→%d, trusted time %s→%s",
				clock.Format(time.DateOnly), st.Version, st2.Version, st.TrustedTime, st2.TrustedTime)
		}
		t.Logf("clock %s: %v", clock.Format(time.DateOnly), err)
	}

	// A fresh screen whose clock says 1970 cannot tell: it takes the issue
	// from the future, and the notice ending "before 2036" disappears.
	fresh := s.another(t, filepath.Join(t.TempDir(), "fresh"))
	if _, err := fresh.sync(t, in1970); err != nil {
		t.Fatalf("fresh screen at 1970: %v", err)
	}
	if _, st := fresh.shown(t, in1970); !st.TrustedTime.Equal(future) {
		t.Fatalf("fresh screen trusted time %s, want the issue %s", st.TrustedTime, future)
	}
	// The next ordinary publication is refused by publish itself: its clock
	// is earlier than the last issue.
	synctest.WriteSource(t, s.src, its)
	src, err := publish.ParseSource(s.src)
	if err != nil {
		t.Fatal(err)
	}
	key := ed25519.PrivateKey(s.priv)
	if _, err := publish.Publish(src, s.feed, publish.Options{Key: key, Now: T.Add(time.Hour)}); !errors.Is(err, publish.ErrClock) {
		t.Fatalf("ordinary publish after the issue from the future: %v, want ErrClock", err)
	}
	// The key-holder's way back.
	if _, err := publish.Publish(src, s.feed, publish.Options{Key: key, Now: T.Add(time.Hour), Reset: true}); err != nil {
		t.Fatal(err)
	}
	for name, sc := range map[string]*screen{"screen that refused": s, "screen that took it": fresh} {
		res, err := sc.sync(t, T.Add(time.Hour))
		if err != nil {
			t.Fatalf("%s: sync of the reset: %v", name, err)
		}
		got, st := sc.shown(t, T.Add(time.Hour))
		if st.Epoch != 1 || !st.TrustedTime.Equal(T.Add(time.Hour)) || !slices.Contains(got, "n-0001") {
			t.Errorf("%s after the reset: version %d epoch %d, trusted time %s, shows n-0001 %v",
				name, res.Version, st.Epoch, st.TrustedTime, slices.Contains(got, "n-0001"))
		}
	}
}

// TestVersionOverflow (issue 22): a signed version at the top of int64 is
// refused by the screen; one at the top of the range (2^53-1) is taken,
// publish then refuses to overflow, and its reset is accepted.
func TestVersionOverflow(t *testing.T) {
	T := time.Now().Truncate(time.Second)
	s := newScreen(t, filepath.Join(t.TempDir(), "screen"))
	s.publish(t, items(10, "A", 0), T)
	if _, err := s.sync(t, T); err != nil {
		t.Fatal(err)
	}
	key := ed25519.PrivateKey(s.priv)
	setVersion := func(v string) {
		synctest.Resign(t, s.feed, key, func(raw []byte) []byte {
			i := strings.Index(string(raw), `"version":`)
			j := i + len(`"version":`)
			for raw[j] >= '0' && raw[j] <= '9' {
				j++
			}
			return append(append(append([]byte(nil), raw[:i]...), `"version":`+v...), raw[j:]...)
		})
	}
	setVersion("9223372036854775807")
	if _, err := s.sync(t, T); !errors.Is(err, feed.ErrFormat) || !strings.Contains(err.Error(), "outside 1..") {
		t.Errorf("sync of version 2^63-1: %v, want refused", err)
	}
	setVersion("9007199254740991")
	if _, err := s.sync(t, T); err != nil {
		t.Fatalf("sync of version 2^53-1: %v", err)
	}
	src, err := publish.ParseSource(s.src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Publish(src, s.feed, publish.Options{Key: key, Now: T.Add(time.Hour)}); err == nil || !strings.Contains(err.Error(), "--reset") {
		t.Fatalf("publish after the largest version: %v, want a refusal pointing to --reset", err)
	}
	if _, err := publish.Publish(src, s.feed, publish.Options{Key: key, Now: T.Add(time.Hour), Reset: true}); err != nil {
		t.Fatal(err)
	}
	res, err := s.sync(t, T.Add(time.Hour))
	if err != nil || res.Version != 1 {
		t.Fatalf("sync of the reset: %+v, %v", res, err)
	}
	if _, st := s.shown(t, T.Add(time.Hour)); st.Epoch != 1 || st.Version != 1 {
		t.Errorf("after the reset: epoch %d version %d", st.Epoch, st.Version)
	}
}

// another provisions a second screen at dir for the same publisher and feed.
func (s *screen) another(t *testing.T, dir string) *screen {
	t.Helper()
	if err := config.Init(dir, config.Config{Location: synctest.Village, Sources: []string{s.feed}}, s.key); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	o := *s
	o.dir, o.cfg = dir, cfg
	return &o
}
