package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
)

// An empty store.db (a power cut while it was created, a copy gone wrong)
// is damage like any other: refused by Open, moved aside by OpenOrReset,
// never quietly taken for a new, empty screen.
func TestEmptyDatabaseIsDamaged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, dbFile)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		if s, err := Open(dir, Options{ReadOnly: ro}); !errors.Is(err, ErrDamaged) {
			if s != nil {
				s.Close()
			}
			t.Errorf("Open(empty store.db, read-only %v) = %v, want ErrDamaged", ro, err)
		}
	}
	s, reset, err := OpenOrReset(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !reset {
		t.Error("OpenOrReset did not report the reset, so no warning is shown")
	}
	if aside, _ := filepath.Glob(path + ".damaged-*"); len(aside) != 1 {
		t.Errorf("the empty file was not kept aside: %v", aside)
	}
}

// next is p.next with the manifest edited before it is signed.
func (p *publisher) nextEdited(t *testing.T, items []feed.Item, edit func(*feed.Manifest)) Update {
	t.Helper()
	u := p.next(t, items)
	m := *u.Manifest.Manifest
	edit(&m)
	raw, err := feed.EncodeManifest(&m)
	if err != nil {
		t.Fatal(err)
	}
	v, err := feed.Verify(raw, feed.Sign(raw, p.priv), feed.Trust{Key: p.pub, Now: m.IssuedAt})
	if err != nil {
		t.Fatal(err)
	}
	u.Manifest = v
	return u
}

// A store that took an issue from 2036 and the largest version (before
// screens bounded them) is brought back by a reset: a later epoch applies
// whatever its version, and trusted time becomes its issued_at instead of
// staying in 2036. An older epoch is a rollback.
func TestApplyResetEpoch(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	future := time.Date(2036, 3, 1, 0, 0, 0, 0, time.UTC)
	mustApply(t, s, p.nextEdited(t, []feed.Item{item("a", nil)}, func(m *feed.Manifest) {
		m.Version, m.IssuedAt, m.Expires = feed.MaxVersion, future, future.AddDate(0, 0, 30)
	}))
	if now := s.Now(p.issued); !now.Equal(future) {
		t.Fatalf("trusted time %s, want the 2036 issue", now)
	}
	u := p.nextEdited(t, []feed.Item{item("b", nil)}, func(m *feed.Manifest) { m.Epoch, m.Version = 1, 1 })
	if _, err := s.Apply(u); err != nil {
		t.Fatalf("reset: %v", err)
	}
	st, _ := s.State()
	if st.Epoch != 1 || st.Version != 1 || !st.TrustedTime.Equal(u.Manifest.IssuedAt) {
		t.Errorf("after the reset: epoch %d, version %d, trusted time %s; want 1, 1, %s", st.Epoch, st.Version, st.TrustedTime, u.Manifest.IssuedAt)
	}
	old := p.nextEdited(t, []feed.Item{item("c", nil)}, func(m *feed.Manifest) { m.Version = 99 })
	if _, err := s.Apply(old); !errors.Is(err, feed.ErrRollback) {
		t.Errorf("epoch 0 after epoch 1: %v, want ErrRollback", err)
	}
	again := p.nextEdited(t, []feed.Item{item("d", nil)}, func(m *feed.Manifest) { m.Epoch, m.Version = 1, 2 })
	if _, err := s.Apply(again); err != nil {
		t.Errorf("next version of the new epoch: %v", err)
	}
}

// BlobSound finds what Check would report of an attachment — missing, cut
// short, altered — also after it was hashed sound once, so sync re-fetches it.
func TestBlobSound(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	data := []byte("东湾村三组征收范围图 (a map)")
	x := putBlob(t, s, data)
	withAtt := item("a", func(it *feed.Item) {
		it.Attachments = []feed.Attachment{{Name: "map.png", Type: "image/png", Object: x}}
	})
	mustApply(t, s, p.next(t, []feed.Item{withAtt}, x))
	if atts, err := s.Attachments(); err != nil || len(atts) != 1 || atts[0] != x {
		t.Fatalf("Attachments = %v, %v", atts, err)
	}
	path := s.BlobPath(x.SHA256)
	for _, tc := range []struct {
		name   string
		damage func()
	}{
		{"deleted", func() { os.Remove(path) }},
		{"truncated", func() { os.Truncate(path, 3) }},
		{"altered in place, same size", func() {
			f, _ := os.OpenFile(path, os.O_WRONLY, 0)
			f.WriteAt([]byte("X"), 2)
			f.Close()
			os.Chtimes(path, time.Now(), time.Now().Add(time.Minute))
		}},
		{"replaced by another file", func() {
			alt := append([]byte(nil), data...)
			alt[0] ^= 1
			os.WriteFile(path+".new", alt, 0o644)
			os.Rename(path+".new", path)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.PutBlob(x.SHA256, strings.NewReader(string(data))); err != nil {
				t.Fatal(err)
			}
			if !s.BlobSound(x) {
				t.Fatal("a freshly written attachment is not sound")
			}
			tc.damage()
			if s.BlobSound(x) {
				t.Error("damaged attachment reported sound")
			}
			if problems, _ := s.Check(); len(problems) == 0 {
				t.Error("Check does not see the damage either")
			}
		})
	}
	// A store opened afresh hashes the file once, then trusts its stat.
	if err := s.PutBlob(x.SHA256, strings.NewReader(string(data))); err != nil {
		t.Fatal(err)
	}
	s.blobMu.Lock()
	s.blobOK = nil
	s.blobMu.Unlock()
	if !s.BlobSound(x) || s.blobOK[x.SHA256] == nil {
		t.Error("a sound attachment is not remembered after hashing")
	}
	if s.BlobSound(feed.Object{SHA256: x.SHA256, Size: x.Size + 1}) {
		t.Error("sound with the wrong size")
	}
}

// What a server said reaches the status record as one printable line of
// bounded length, whatever it held.
func TestRecordAttemptKeepsOnePrintableLine(t *testing.T) {
	s, _ := openTemp(t)
	hostile := "server answered 200 OK\x1b]0;owned\x07\x1b[2J" + strings.Repeat("垃圾", 3000) + "\nsecond line"
	if err := s.RecordAttempt("http://x/", time.Now(), 0, errors.New(hostile), "other"); err != nil {
		t.Fatal(err)
	}
	st, _ := s.State()
	if strings.ContainsAny(st.LastError, "\x1b\x07\n") || len([]rune(st.LastError)) > feed.MaxErrorText+1 {
		t.Errorf("last_error kept raw: %d characters, %q…", len([]rune(st.LastError)), st.LastError[:60])
	}
	if !strings.HasPrefix(st.LastError, "server answered 200 OK") {
		t.Errorf("last_error lost its meaning: %.60q", st.LastError)
	}
}
