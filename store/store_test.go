package store

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

const (
	village      = "310118901201" // 东湾村
	otherVillage = "310118901202"
	otherTown    = "310118902201"
)

func TestTargeting(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{
		item("exact", func(it *feed.Item) { it.Locations = []string{village} }),
		item("town", func(it *feed.Item) { it.Locations = []string{"310118901"} }),
		item("all", nil),
		item("other", func(it *feed.Item) { it.Locations = []string{otherVillage} }),
		item("two", func(it *feed.Item) { it.Locations = []string{otherVillage, village} }),
	}))
	now := at(2026, 3, 2, 12, 0)
	tests := []struct {
		screen string
		want   []string
	}{
		{village, []string{"all", "exact", "town", "two"}},
		{otherVillage, []string{"all", "other", "town", "two"}},
		{otherTown, []string{"all"}},
	}
	for _, tt := range tests {
		got, err := s.Visible(tt.screen, "", now)
		if err != nil {
			t.Fatal(err)
		}
		if ids := summaryIDs(got); !slices.Equal(ids, tt.want) {
			t.Errorf("Visible(%s) = %v, want %v", tt.screen, ids, tt.want)
		}
	}
	if _, err := s.Item("other", village, now); !errors.Is(err, ErrNotFound) {
		t.Errorf("Item(other village's notice) = %v, want ErrNotFound", err)
	}
	if it, err := s.Item("exact", village, now); err != nil || it.Title != "通知 exact" {
		t.Errorf("Item(exact) = %v, %v", it, err)
	}
	if _, err := s.Item("nosuch", village, now); !errors.Is(err, ErrNotFound) {
		t.Errorf("Item(nosuch) = %v, want ErrNotFound", err)
	}
}

func TestIsVisible(t *testing.T) {
	base := Summary{ID: "x", Locations: []string{"all"}, ValidFrom: "2026-03-01", ValidUntil: "2026-03-10"}
	withdrawn := base
	withdrawn.Withdrawn = "发布有误"
	open := Summary{ID: "x", Locations: []string{"all"}}
	badDate := Summary{ID: "x", Locations: []string{"all"}, ValidUntil: "2026-02-30"}
	tests := []struct {
		name string
		s    Summary
		at   time.Time
		tz   *time.Location
		want bool
	}{
		{"first day starts", base, at(2026, 3, 1, 0, 0), shanghai, true},
		{"before first day", base, at(2026, 2, 28, 23, 59), shanghai, false},
		{"last day ends inclusive", base, at(2026, 3, 10, 23, 59).Add(59 * time.Second), shanghai, true},
		{"just after the last day", base, at(2026, 3, 11, 0, 0), shanghai, false},
		// 23:30 UTC on 28 Feb is 07:30 on 1 Mar in Shanghai: already the first day.
		{"utc evening before is next day in shanghai", base, time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC), shanghai, true},
		{"same instant judged in utc", base, time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC), time.UTC, false},
		// 16:30 UTC on 10 Mar is 00:30 on 11 Mar in Shanghai: over.
		{"utc afternoon of the last day is over in shanghai", base, time.Date(2026, 3, 10, 16, 30, 0, 0, time.UTC), shanghai, false},
		{"withdrawn", withdrawn, at(2026, 3, 5, 12, 0), shanghai, false},
		{"no dates: always", open, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), shanghai, true},
		{"nil zone is utc", base, time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC), nil, true},
		{"unparseable date never shown", badDate, at(2026, 1, 1, 0, 0), shanghai, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsVisible(&tt.s, village, tt.at, tt.tz); got != tt.want {
				t.Errorf("IsVisible = %v, want %v", got, tt.want)
			}
		})
	}
	if IsVisible(nil, village, time.Now(), nil) {
		t.Error("IsVisible(nil) = true")
	}
}

func TestValidityThroughStore(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{
		item("march", func(it *feed.Item) { it.ValidFrom, it.ValidUntil = "2026-03-01", "2026-03-10" }),
		item("gone", func(it *feed.Item) { it.Withdrawn = "撤回" }),
	}))
	tests := []struct {
		at   time.Time
		want []string
	}{
		{at(2026, 3, 1, 0, 0), []string{"march"}},
		{at(2026, 3, 10, 23, 59), []string{"march"}},
		{at(2026, 3, 11, 0, 0), []string{}},
		{time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC), []string{"march"}},
		{time.Date(2026, 2, 28, 15, 59, 0, 0, time.UTC), []string{}},
	}
	for _, tt := range tests {
		got, err := s.Visible(village, "", tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if ids := summaryIDs(got); !slices.Equal(ids, tt.want) {
			t.Errorf("Visible at %s = %v, want %v", tt.at, ids, tt.want)
		}
	}
}

func TestOrdering(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{
		item("old-normal", func(it *feed.Item) { it.Published = "2026-01-01" }),
		item("new-normal", func(it *feed.Item) { it.Published = "2026-02-01" }),
		item("b-same-day", func(it *feed.Item) { it.Published = "2026-02-01" }),
		item("old-urgent", func(it *feed.Item) { it.Published = "2025-12-01"; it.Priority = "urgent" }),
		item("old-pinned", func(it *feed.Item) { it.Published = "2025-11-01"; it.Priority = "pinned"; it.Category = "land" }),
	}))
	got, err := s.Visible(village, "", at(2026, 3, 2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"old-pinned", "old-urgent", "b-same-day", "new-normal", "old-normal"}
	if ids := summaryIDs(got); !slices.Equal(ids, want) {
		t.Errorf("order = %v, want %v", ids, want)
	}
	land, _ := s.Visible(village, "land", at(2026, 3, 2, 0, 0))
	if ids := summaryIDs(land); !slices.Equal(ids, []string{"old-pinned"}) {
		t.Errorf("category land = %v", ids)
	}
	counts, err := s.Counts(village, at(2026, 3, 2, 0, 0))
	if err != nil || counts["land"] != 1 || counts["village"] != 4 || len(counts) != 2 {
		t.Errorf("Counts = %v, %v", counts, err)
	}
}

func TestTrustedTime(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	u := p.next(t, []feed.Item{
		item("expired", func(it *feed.Item) { it.ValidUntil = "2026-02-01" }),
		item("current", func(it *feed.Item) { it.ValidFrom = "2026-02-15"; it.ValidUntil = "2026-12-31" }),
	})
	mustApply(t, s, u)
	epoch := time.Unix(0, 0)
	now := s.Now(epoch)
	if !now.Equal(u.Manifest.IssuedAt) {
		t.Fatalf("Now(1970) = %s, want issued_at %s", now, u.Manifest.IssuedAt)
	}
	if later := u.Manifest.IssuedAt.Add(time.Hour); !s.Now(later).Equal(later) {
		t.Errorf("Now(later clock) = %s, want the clock", s.Now(later))
	}
	got, err := s.Visible(village, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if ids := summaryIDs(got); !slices.Equal(ids, []string{"current"}) {
		t.Errorf("Visible(Now(1970)) = %v, want [current]", ids)
	}
	st, _ := s.State()
	if !st.TrustedTime.Equal(u.Manifest.IssuedAt) || st.Version != 1 || st.Timezone != "Asia/Shanghai" {
		t.Errorf("state = %+v", st)
	}
}

func TestApplyPersists(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := newPublisher(t)
	u := p.next(t, []feed.Item{item("a", nil), item("b", nil)})
	mustApply(t, s, u)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, _ := s.State()
	if st.Version != 1 || st.ManifestSum != u.Manifest.Sum() || st.Source != "test" || !st.LastSuccess.Equal(u.At) {
		t.Errorf("state after reopen = %+v", st)
	}
	got, _ := s.Visible(village, "", s.Now(time.Time{}))
	if ids := summaryIDs(got); !slices.Equal(ids, []string{"a", "b"}) {
		t.Errorf("after reopen = %v", ids)
	}
	if s.PlaceName(village) != "东湾村" || s.PlaceName("310118901999") != "金泽镇" || s.PlaceName("440000") != "440000" {
		t.Errorf("PlaceName = %q %q %q", s.PlaceName(village), s.PlaceName("310118901999"), s.PlaceName("440000"))
	}
	if problems, err := s.Check(); err != nil || len(problems) != 0 {
		t.Errorf("Check read-only = %v, %v", problems, err)
	}
}

// Sync hands Apply its items checked and decoded (Update.Checked): the
// store holds what it holds from the same items' bytes.
func TestApplyCheckedItems(t *testing.T) {
	p := newPublisher(t)
	items := genItems(300, 5)
	u := p.next(t, items)
	fromBytes, _ := openTemp(t)
	fromChecked, _ := openTemp(t)
	mustApply(t, fromBytes, u)
	mustApply(t, fromChecked, synced(t, u))
	now := fromBytes.Now(time.Time{})
	for _, loc := range []string{village, benchVillageCode(0), benchVillageCode(3)} {
		a, errA := fromBytes.Visible(loc, "", now)
		b, errB := fromChecked.Visible(loc, "", now)
		if errA != nil || errB != nil || len(a) == 0 && loc != village || !slices.Equal(summaryIDs(a), summaryIDs(b)) {
			t.Errorf("Visible(%s): %d items (%v) from bytes, %d (%v) from checked items", loc, len(a), errA, len(b), errB)
		}
		for _, q := range []string{"征收", "tz", "村"} {
			ha, errA := fromBytes.Search(q, loc, now, 0)
			hb, errB := fromChecked.Search(q, loc, now, 0)
			if errA != nil || errB != nil || !slices.EqualFunc(ha, hb, func(x, y Hit) bool { return x.ID == y.ID }) {
				t.Errorf("Search(%s, %q): %d hits (%v) from bytes, %d (%v) from checked items", loc, q, len(ha), errA, len(hb), errB)
			}
		}
	}
	if problems, err := fromChecked.Check(); err != nil || len(problems) != 0 {
		t.Errorf("Check = %v, %v", problems, err)
	}
}

func TestApplyRefusals(t *testing.T) {
	s, dir := openTemp(t)
	p := newPublisher(t)
	v1 := p.next(t, []feed.Item{item("a", nil)})
	v2 := p.next(t, []feed.Item{item("a", nil), item("b", nil)})
	mustApply(t, s, v2)
	before, err := os.ReadFile(filepath.Join(dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	stBefore, _ := s.State()

	missing := p.next(t, []feed.Item{item("a", nil), item("c", nil)})
	delete(missing.Items, missing.Manifest.Items[1].SHA256) // c: neither fetched nor stored
	tampered := p.next(t, []feed.Item{item("a", nil)})
	for k := range tampered.Items {
		tampered.Items[k] = bytes.Replace(tampered.Items[k], []byte("通知"), []byte("通告"), 1)
	}
	// an item checked against another manifest, one that declares its
	// category, where this one does not: checked again, and refused
	otherManifest := p.next(t, []feed.Item{item("a", nil), item("x", func(it *feed.Item) { it.Category = "undeclared" })})
	declares := *otherManifest.Manifest.Manifest
	declares.Categories = append(slices.Clone(declares.Categories), feed.Category{ID: "undeclared", Name: "别处"})
	otherManifest.Checked = map[string]*feed.CheckedItem{}
	for _, ref := range declares.Items {
		c, err := feed.CheckItem(otherManifest.Items[ref.SHA256], ref, &declares)
		if err != nil {
			t.Fatal(err)
		}
		otherManifest.Checked[ref.SHA256] = c
	}
	otherManifest.Items = nil
	// a Verified not made by feed.Verify (it has no verified bytes)
	handMade := p.next(t, []feed.Item{item("a", nil)})
	handMade.Manifest = &feed.Verified{Manifest: handMade.Manifest.Manifest}
	tests := []struct {
		name string
		u    Update
		is   error
	}{
		{"older version", v1, feed.ErrRollback},
		{"item missing from update and store", missing, nil},
		{"item bytes not the object", tampered, feed.ErrObjectHash},
		{"item checked against another manifest", otherManifest, feed.ErrFormat},
		{"manifest not from feed.Verify", handMade, nil},
		{"no manifest", Update{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Apply(tt.u)
			if err == nil {
				t.Fatal("Apply succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
			after, _ := os.ReadFile(filepath.Join(dir, dbFile))
			if !bytes.Equal(before, after) {
				t.Error("store.db changed")
			}
			if st, _ := s.State(); !stateEqual(st, stBefore) {
				t.Errorf("state changed: %+v", st)
			}
		})
	}
}

func stateEqual(a, b State) bool {
	return a.Version == b.Version && a.ManifestSum == b.ManifestSum && a.LastError == b.LastError && a.LastAttempt.Equal(b.LastAttempt)
}

func TestChanges(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	changed := s.Changed()
	other := s.Changed()
	tests := []struct {
		name  string
		items []feed.Item
		omit  []string // ids whose objects the update leaves out (store has them)
		want  Changes
	}{
		{"first", []feed.Item{item("a", nil), item("b", nil), item("c", nil)}, nil, Changes{Added: 3}},
		{"edit b, drop c, add d", []feed.Item{item("a", nil), item("b", func(it *feed.Item) { it.Body = "新正文" }), item("d", nil)}, []string{"a"}, Changes{Added: 1, Changed: 1, Removed: 1}},
		{"nothing new", []feed.Item{item("a", nil), item("b", func(it *feed.Item) { it.Body = "新正文" }), item("d", nil)}, []string{"a", "b", "d"}, Changes{}},
	}
	for _, tt := range tests {
		u := p.next(t, tt.items)
		for _, ref := range u.Manifest.Items {
			if slices.Contains(tt.omit, ref.ID) {
				delete(u.Items, ref.SHA256)
			}
		}
		if got := mustApply(t, s, u); got != tt.want {
			t.Errorf("%s: changes %+v, want %+v", tt.name, got, tt.want)
		}
		for _, ch := range []<-chan struct{}{changed, other} {
			select {
			case <-ch:
			default:
				t.Errorf("%s: no change notification", tt.name)
			}
		}
	}
	sums, err := s.ItemSums()
	if err != nil || len(sums) != 3 || sums["c"] != "" {
		t.Errorf("ItemSums = %v, %v", sums, err)
	}
	it, err := s.Item("b", village, s.Now(time.Time{}))
	if err != nil || it.Body != "新正文" {
		t.Errorf("Item(b) = %v, %v", it, err)
	}
}

func TestRecordAttempt(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	mustApply(t, s, p.next(t, []feed.Item{item("a", nil)}))
	t1 := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	if err := s.RecordAttempt("usb", t1, 10, errors.New("signature does not match"), "signature"); err != nil {
		t.Fatal(err)
	}
	st, _ := s.State()
	if st.LastError != "signature does not match" || st.LastErrorKind != "signature" || !st.LastAttempt.Equal(t1) || st.Source != "usb" || st.BytesFetched != 10 || st.LastSuccess.Equal(t1) || st.Version != 1 {
		t.Errorf("after failure: %+v", st)
	}
	t2 := t1.Add(time.Hour)
	if err := s.RecordAttempt("http", t2, 0, nil, ""); err != nil {
		t.Fatal(err)
	}
	st, _ = s.State()
	if st.LastError != "" || st.LastErrorKind != "" || !st.LastSuccess.Equal(t2) || !st.LastAttempt.Equal(t2) {
		t.Errorf("after unchanged: %+v", st)
	}
	if got, _ := s.Visible(village, "", s.Now(t2)); len(got) != 1 {
		t.Errorf("items touched: %v", got)
	}
}

func putBlob(t *testing.T, s *Store, data []byte) feed.Object {
	t.Helper()
	o := feed.Object{SHA256: feed.Sum(data), Size: int64(len(data))}
	if err := s.PutBlob(o.SHA256, feed.NewObjectReader(bytes.NewReader(data), o)); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestBlobs(t *testing.T) {
	s, _ := openTemp(t)
	p := newPublisher(t)
	x := putBlob(t, s, []byte("村务公开表.csv 内容"))
	y := putBlob(t, s, []byte("地图 png"))
	withAtt := func(objs ...feed.Object) feed.Item {
		return item("a", func(it *feed.Item) {
			for i, o := range objs {
				it.Attachments = append(it.Attachments, feed.Attachment{Name: string(rune('a'+i)) + ".bin", Type: "application/octet-stream", Object: o})
			}
		})
	}
	mustApply(t, s, p.next(t, []feed.Item{withAtt(x, y)}, x, y))
	if !s.HasBlob(x.SHA256) || !s.HasBlob(y.SHA256) {
		t.Fatal("blobs missing after apply")
	}
	rc, err := s.OpenBlob(x.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != "村务公开表.csv 内容" {
		t.Errorf("OpenBlob = %q", got)
	}
	mustApply(t, s, p.next(t, []feed.Item{withAtt(x)}, x))
	if !s.HasBlob(x.SHA256) || s.HasBlob(y.SHA256) {
		t.Errorf("after GC: has x %v, has y %v; want true, false", s.HasBlob(x.SHA256), s.HasBlob(y.SHA256))
	}
	if _, err := s.OpenBlob(y.SHA256); !errors.Is(err, ErrNotFound) {
		t.Errorf("OpenBlob(collected) = %v", err)
	}

	// An attachment that was never stored: Apply refuses.
	z := feed.Object{SHA256: feed.Sum([]byte("z")), Size: 1}
	if _, err := s.Apply(p.next(t, []feed.Item{withAtt(z)}, z)); err == nil {
		t.Error("Apply with a missing attachment succeeded")
	}
	// Wrong bytes under a name: nothing stored.
	if err := s.PutBlob(z.SHA256, strings.NewReader("not z")); err == nil || s.HasBlob(z.SHA256) {
		t.Errorf("PutBlob(wrong bytes) = %v, stored %v", err, s.HasBlob(z.SHA256))
	}
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 64)} {
		if err := s.PutBlob(bad, strings.NewReader("")); err == nil {
			t.Errorf("PutBlob(%q) succeeded", bad)
		}
		if s.BlobPath(bad) != "" || s.HasBlob(bad) {
			t.Errorf("BlobPath(%q) = %q", bad, s.BlobPath(bad))
		}
	}
}

func TestCheck(t *testing.T) {
	setup := func(t *testing.T) (*Store, string, feed.Object) {
		s, dir := openTemp(t)
		p := newPublisher(t)
		x := putBlob(t, s, []byte("附件内容 attachment"))
		mustApply(t, s, p.next(t, []feed.Item{
			item("land-2026-017", func(it *feed.Item) {
				it.Attachments = []feed.Attachment{{Name: "map.png", Type: "image/png", Object: x}}
			}),
			item("b", nil),
		}, x))
		return s, dir, x
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, s *Store, dir string, x feed.Object)
		want   []string
	}{
		{"sound", func(*testing.T, *Store, string, feed.Object) {}, nil},
		{"flipped byte in attachment", func(t *testing.T, s *Store, _ string, x feed.Object) {
			b, _ := os.ReadFile(s.BlobPath(x.SHA256))
			b[0] ^= 1
			os.WriteFile(s.BlobPath(x.SHA256), b, 0o644)
		}, []string{"attachment %s…: bytes do not match its hash"}},
		{"attachment missing", func(t *testing.T, s *Store, _ string, x feed.Object) {
			os.Remove(s.BlobPath(x.SHA256))
		}, []string{"attachment %s…: missing"}},
		{"item edited behind its back", func(t *testing.T, s *Store, _ string, _ feed.Object) {
			err := s.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucketItems)
				v := bytes.Replace(b.Get([]byte("land-2026-017")), []byte("通知"), []byte("通告"), 1)
				return b.Put([]byte("land-2026-017"), v)
			})
			if err != nil {
				t.Fatal(err)
			}
		}, []string{"item land-2026-017: bytes do not match its hash"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir, x := setup(t)
			tt.damage(t, s, dir, x)
			got, err := s.Check()
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, w := range tt.want {
				if strings.Contains(w, "%s") {
					w = strings.Replace(w, "%s", x.SHA256[:12], 1)
				}
				want = append(want, w)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Check = %q, want %q", got, want)
			}
		})
	}
	t.Run("damaged item is refetched", func(t *testing.T) {
		s, _, _ := setup(t)
		s.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketItems).Put([]byte("b"), []byte("{}"))
		})
		sums, _ := s.ItemSums()
		if _, ok := sums["b"]; ok || len(sums) != 1 {
			t.Errorf("ItemSums lists a damaged item: %v", sums)
		}
		if _, err := s.Item("b", village, s.Now(time.Time{})); !errors.Is(err, ErrDamaged) {
			t.Errorf("Item(damaged) = %v, want ErrDamaged", err)
		}
	})
}

func TestDamagedDatabase(t *testing.T) {
	sound := func(t *testing.T, dir string) {
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := newPublisher(t)
		mustApply(t, s, p.next(t, []feed.Item{item("a", nil)}))
		s.Close()
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"garbage", func(t *testing.T, path string) {
			os.WriteFile(path, bytes.Repeat([]byte("垃圾 garbage "), 2000), 0o600)
		}},
		{"truncated", func(t *testing.T, path string) {
			os.Truncate(path, 100)
		}},
		{"meta pages zeroed", func(t *testing.T, path string) {
			b, _ := os.ReadFile(path)
			clear(b[:8192])
			os.WriteFile(path, b, 0o600)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sound(t, dir)
			tt.damage(t, filepath.Join(dir, dbFile))
			if s, err := Open(dir, Options{Timeout: time.Second}); err == nil {
				// Opening may succeed on some damage; Check must then find it.
				problems, cerr := s.Check()
				s.Close()
				if cerr == nil && len(problems) == 0 {
					t.Fatal("damaged database opened and checked clean")
				}
			} else if !errors.Is(err, ErrDamaged) {
				t.Errorf("Open = %v, want ErrDamaged", err)
			}
			s, reset, err := OpenOrReset(dir, Options{Timeout: time.Second})
			if err != nil {
				t.Fatalf("OpenOrReset: %v", err)
			}
			defer s.Close()
			if !reset {
				return // damage Open did not notice; Check reported it above
			}
			if st, _ := s.State(); st.Version != 0 {
				t.Errorf("reset store has version %d", st.Version)
			}
			aside, _ := filepath.Glob(filepath.Join(dir, dbFile+".damaged-*"))
			if len(aside) != 1 {
				t.Errorf("damaged file not kept aside: %v", aside)
			}
			p := newPublisher(t)
			mustApply(t, s, p.next(t, []feed.Item{item("a", nil)}))
		})
	}
}

func TestOpenLocked(t *testing.T) {
	_, dir := openTemp(t)
	_, err := Open(dir, Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Errorf("second Open = %v, want ErrLocked", err)
	}
	if _, reset, err := OpenOrReset(dir, Options{Timeout: 100 * time.Millisecond}); reset || err == nil {
		t.Errorf("OpenOrReset on a locked store: reset %v, err %v", reset, err)
	}
}

// An item a new manifest keeps as it was is checked against that manifest
// (its category declared, its files listed), from its record; its object is
// not read again, so damage to it is left to ItemSums (sync fetches it again)
// and Check, and does not stop the update.
func TestApplyChecksStoredItems(t *testing.T) {
	// a stored with its map, then the next version keeping it as it is
	// (listing the map when listMap) and adding b
	keep := func(t *testing.T, listMap bool, between func(s *Store)) (*Store, Update, feed.Object) {
		s, _ := openTemp(t)
		p := newPublisher(t)
		o := putBlob(t, s, []byte("地图 png"))
		a := item("a", func(it *feed.Item) {
			it.Category = "elderly"
			it.Attachments = []feed.Attachment{{Name: "map.png", Type: "image/png", Object: o}}
		})
		mustApply(t, s, p.next(t, []feed.Item{a}, o))
		between(s)
		var listed []feed.Object
		if listMap {
			listed = append(listed, o)
		}
		u := p.next(t, []feed.Item{a, item("b", nil)}, listed...)
		delete(u.Items, u.Manifest.Items[0].SHA256) // a: stored, not fetched
		return s, u, o
	}
	t.Run("category no longer declared", func(t *testing.T) {
		s, u, _ := keep(t, true, func(*Store) {
			c := testCategories
			t.Cleanup(func() { testCategories = c })
			testCategories = slices.DeleteFunc(slices.Clone(c), func(c feed.Category) bool { return c.ID == "elderly" })
		})
		if _, err := s.Apply(u); !errors.Is(err, feed.ErrFormat) || !strings.Contains(err.Error(), `"elderly"`) {
			t.Errorf("Apply = %v, want the kept item's undeclared category refused", err)
		}
	})
	t.Run("file no longer listed", func(t *testing.T) {
		s, u, o := keep(t, false, func(*Store) {})
		if _, err := s.Apply(u); !errors.Is(err, feed.ErrFormat) || !strings.Contains(err.Error(), o.SHA256) {
			t.Errorf("Apply = %v, want the kept item's unlisted file refused", err)
		}
	})
	t.Run("damaged object does not stop an update", func(t *testing.T) {
		s, u, o := keep(t, true, func(s *Store) {
			s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketItems).Put([]byte("a"), []byte("{}")) })
		})
		if ch := mustApply(t, s, u); ch.Added != 1 || ch.Changed != 0 {
			t.Errorf("changes %+v, want b added", ch)
		}
		if !s.HasBlob(o.SHA256) {
			t.Error("the kept item's attachment was collected")
		}
		if sums, _ := s.ItemSums(); sums["a"] != "" || sums["b"] == "" {
			t.Errorf("ItemSums = %v: want b, and not the damaged a (so sync fetches it again)", sums)
		}
	})
}
