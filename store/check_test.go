package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gongkai/feed"
)

// bbolt keeps no checksums of data pages, so a flipped byte in a value is
// read back as it is. A title changed inside store.db — wherever its bytes
// land: the signed item, the record lists show, the search document — is
// found by Check, which names the item; damage to what is derived is
// rebuilt by Repair (the next sync runs it), damage to the item itself
// makes ItemSums leave it out, so the next sync fetches it again.
func TestCheckFindsATitleChangedInTheFile(t *testing.T) {
	const title = "关于金泽镇土地征收补偿方案的公告"
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := newPublisher(t)
	var items []feed.Item
	for _, id := range []string{"a-first", "land-2026-017", "z-last"} {
		items = append(items, item(id, func(it *feed.Item) {
			if id == "land-2026-017" {
				it.Title = title
			}
		}))
	}
	mustApply(t, s, p.next(t, items))
	s.Close()
	clean, err := os.ReadFile(filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	var at []int
	for i := 0; ; {
		j := bytes.Index(clean[i:], []byte(title))
		if j < 0 {
			break
		}
		at = append(at, i+j)
		i += j + 1
	}
	if len(at) != 3 { // item, record, search document
		t.Fatalf("the title is at %d places in the file, want 3", len(at))
	}
	for _, off := range at {
		// 征 → 正: same length, so the file stays a sound bbolt file
		damaged := slices.Clone(clean)
		k := off + strings.Index(title, "征")
		copy(damaged[k:], "正")
		work := t.TempDir()
		if err := os.WriteFile(filepath.Join(work, dbFile), damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(work, Options{})
		if err != nil {
			t.Fatal(err)
		}
		problems, err := s.Check()
		if err != nil || len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), "item land-2026-017:") {
			t.Fatalf("byte %d: Check = %q, %v; want the item named", off, problems, err)
		}
		sums, _ := s.ItemSums()
		_, itemSound := sums["land-2026-017"]
		repaired, err := s.Repair()
		if err != nil {
			t.Fatal(err)
		}
		if itemSound != repaired {
			t.Errorf("byte %d: item sound %v, but Repair rebuilt %v", off, itemSound, repaired)
		}
		if itemSound {
			if problems, err := s.Check(); err != nil || len(problems) != 0 {
				t.Errorf("byte %d: after Repair, Check = %q, %v", off, problems, err)
			}
			hits, _ := s.Search("征收补偿", village, at0, 0)
			if len(hits) != 1 || hits[0].Title != title {
				t.Errorf("byte %d: after Repair the search shows %v", off, hits)
			}
		}
		s.Close()
	}
}

var at0 = at(2026, 3, 2, 10, 0)
