package proof

import (
	"crypto/ed25519"
	"testing"
	"time"
)

// fakeClock is the injected clock: tests move time, never wait for it.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock(s string) *fakeClock       { t, _ := time.Parse(time.RFC3339, s); return &fakeClock{t} }
func seedKey(b byte) ed25519.PrivateKey  { return ed25519.NewKeyFromSeed(make32(b)) }
func make32(b byte) []byte               { s := make([]byte, 32); s[0] = b; return s }
func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
func openLog(t *testing.T, dir string, key ed25519.PrivateKey, c *fakeClock) *Log {
	t.Helper()
	l, err := Open(dir, key, c.now)
	mustDo(t, err)
	return l
}
