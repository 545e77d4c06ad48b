package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

func TestNextChange(t *testing.T) {
	s, _ := openTemp(t)
	if _, ok, err := s.NextChange(at(2026, 3, 1, 0, 0)); ok || err != nil {
		t.Fatalf("empty store: %v %v", ok, err)
	}
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{
		item("open", nil),
		item("from", func(it *feed.Item) { it.ValidFrom = "2026-03-10" }),
		item("until", func(it *feed.Item) { it.ValidUntil = "2026-03-05" }),
		item("gone", func(it *feed.Item) { it.ValidFrom = "2026-03-02"; it.Withdrawn = "撤回" }),
	}))
	cases := []struct {
		after time.Time
		want  time.Time
		ok    bool
	}{
		// valid_until 03-05 ends at midnight Shanghai time starting 03-06.
		{at(2026, 3, 1, 12, 0), at(2026, 3, 6, 0, 0), true},
		{at(2026, 3, 5, 23, 59), at(2026, 3, 6, 0, 0), true},
		// Strictly after: at the boundary itself, the next one.
		{at(2026, 3, 6, 0, 0), at(2026, 3, 10, 0, 0), true},
		{at(2026, 3, 10, 0, 0), time.Time{}, false},
	}
	for _, c := range cases {
		got, ok, err := s.NextChange(c.after)
		if err != nil || ok != c.ok || !got.Equal(c.want) {
			t.Errorf("NextChange(%s) = %s %v %v, want %s %v", c.after, got, ok, err, c.want, c.ok)
		}
	}
	sums, err := s.Summaries()
	if err != nil || len(sums) != 4 || sums["from"].ValidFrom != "2026-03-10" {
		t.Errorf("Summaries: %v %v", sums, err)
	}

	// from the index's validity sets, reading no record: the scheduler
	// asks before the kiosk's first frame
	err = s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRecords).Put([]byte("open"), []byte("not a record"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.NextChange(at(2026, 3, 1, 12, 0)); err != nil || !ok || !got.Equal(at(2026, 3, 6, 0, 0)) {
		t.Errorf("with a record unreadable: NextChange = %s %v %v, want 2026-03-06", got, ok, err)
	}
}

func TestGCRemovesUnreferencedAttachments(t *testing.T) {
	s, dir := openTemp(t)
	data := []byte("附件")
	sum := feed.Sum(data)
	if err := s.PutBlob(sum, strings.NewReader(string(data))); err != nil {
		t.Fatal(err)
	}
	o := feed.Object{SHA256: sum, Size: int64(len(data))}
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{item("a", func(it *feed.Item) {
		it.Attachments = []feed.Attachment{{Name: "a.txt", Object: o}}
	})}, o))
	// A blob left by a sync that failed before its Apply.
	orphan := []byte("orphan")
	if err := s.PutBlob(feed.Sum(orphan), strings.NewReader(string(orphan))); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "blobs", sum[:2], ".tmp-123")
	os.WriteFile(tmp, []byte("in progress"), 0o644)
	if err := s.GC(); err != nil {
		t.Fatal(err)
	}
	if !s.HasBlob(sum) || s.HasBlob(feed.Sum(orphan)) {
		t.Errorf("after GC: kept %v, orphan %v", s.HasBlob(sum), s.HasBlob(feed.Sum(orphan)))
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("GC removed a write in progress: %v", err)
	}
	sp, err := s.Space()
	if err != nil || sp.FileSize == 0 || sp.CompactionDue() {
		t.Errorf("Space: %+v %v", sp, err)
	}
}

// A big feed replaced by a small one leaves the file mostly free space;
// Compact shrinks it and the store keeps working on the new file.
func TestCompactShrinksAndKeepsContent(t *testing.T) {
	s, dir := openTemp(t)
	p := newPublisher(t)
	body := strings.Repeat("村务公开内容。", 400)
	var big []feed.Item
	for i := range 3000 {
		big = append(big, item(fmt.Sprintf("n-%04d", i), func(it *feed.Item) { it.Body = body }))
	}
	mustApply(t, s, p.next(t, big))
	mustApply(t, s, p.next(t, big[:10]))
	before, err := s.Space()
	if err != nil {
		t.Fatal(err)
	}
	if !before.CompactionDue() {
		t.Fatalf("space %+v: expected a compaction to be due", before)
	}
	if err := s.Compact(); err != nil {
		t.Fatal(err)
	}
	after, err := s.Space()
	if err != nil {
		t.Fatal(err)
	}
	if after.FileSize*4 > before.FileSize {
		t.Errorf("file %d bytes after compaction, %d before", after.FileSize, before.FileSize)
	}
	if sums, err := s.ItemSums(); err != nil || len(sums) != 10 {
		t.Fatalf("after compaction: %d items, %v", len(sums), err)
	}
	if problems, err := s.Check(); err != nil || len(problems) != 0 {
		t.Errorf("check after compaction: %v %v", problems, err)
	}
	mustApply(t, s, p.next(t, big[:20])) // still writable
	if _, err := os.Stat(filepath.Join(dir, dbFile+".compact")); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
}
