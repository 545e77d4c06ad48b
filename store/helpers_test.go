package store

import (
	"crypto/ed25519"
	"testing"
	"time"

	"gongkai/feed"
)

// publisher builds signed feeds in memory, as the real publisher would.
type publisher struct {
	pub     ed25519.PublicKey
	priv    ed25519.PrivateKey
	version int64
	issued  time.Time
}

func newPublisher(t testing.TB) *publisher {
	t.Helper()
	pub, priv, err := feed.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return &publisher{pub: pub, priv: priv, issued: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)}
}

var testCategories = []feed.Category{
	{ID: "land", Name: "土地征收"}, {ID: "school", Name: "义务入学"}, {ID: "village", Name: "村务居务"},
	{ID: "elderly", Name: "养老服务"},
}

var testPlaces = []feed.Place{
	{Code: "310118", Name: "青浦区"}, {Code: "310118901", Name: "金泽镇"}, {Code: "310118901201", Name: "东湾村"},
}

// item gives a valid item with the given id; fields can be overridden by mod.
func item(id string, mod func(*feed.Item)) feed.Item {
	it := feed.Item{
		ID: id, Title: "通知 " + id, Category: "village", Agency: "金泽镇人民政府",
		Published: "2026-02-20", Locations: []string{"all"}, Body: "正文。",
	}
	if mod != nil {
		mod(&it)
	}
	return it
}

// next builds the Update of the next version with these items; the
// attachments listed by items must be in atts (sum → bytes) so the
// manifest can list them.
func (p *publisher) next(t testing.TB, items []feed.Item, atts ...feed.Object) Update {
	t.Helper()
	p.version++
	p.issued = p.issued.Add(time.Hour)
	m := &feed.Manifest{
		FeedID: "test-feed", Title: "金泽镇政务公开", Version: p.version,
		IssuedAt: p.issued, Expires: p.issued.AddDate(0, 0, 30), Timezone: "Asia/Shanghai",
		Categories: testCategories, Locations: testPlaces, Attachments: atts,
	}
	objs := map[string][]byte{}
	for i := range items {
		raw, err := feed.EncodeItem(&items[i])
		if err != nil {
			t.Fatal(err)
		}
		sum := feed.Sum(raw)
		objs[sum] = raw
		m.Items = append(m.Items, feed.ItemRef{ID: items[i].ID, Object: feed.Object{SHA256: sum, Size: int64(len(raw))}})
	}
	raw, err := feed.EncodeManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	return Update{Manifest: p.verify(t, raw), Items: objs, Source: "test", Fetched: int64(len(raw)), At: p.issued}
}

// synced is u as sync hands it to Apply: its items checked and decoded
// as they were fetched.
func synced(t testing.TB, u Update) Update {
	t.Helper()
	u.Checked = make(map[string]*feed.CheckedItem, len(u.Items))
	for _, ref := range u.Manifest.Items {
		if raw, ok := u.Items[ref.SHA256]; ok {
			c, err := feed.CheckItem(raw, ref, u.Manifest.Manifest)
			if err != nil {
				t.Fatal(err)
			}
			u.Checked[ref.SHA256] = c
		}
	}
	u.Items = nil
	return u
}

// verify signs manifest bytes and verifies them as a fresh screen would.
func (p *publisher) verify(t testing.TB, raw []byte) *feed.Verified {
	t.Helper()
	v, err := feed.Verify(raw, feed.Sign(raw, p.priv), feed.Trust{Key: p.pub, Now: p.issued})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func mustApply(t testing.TB, s *Store, u Update) Changes {
	t.Helper()
	ch, err := s.Apply(u)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func ids[T any](list []T, id func(T) string) []string {
	out := []string{}
	for _, x := range list {
		out = append(out, id(x))
	}
	return out
}

func summaryIDs(l []Summary) []string { return ids(l, func(s Summary) string { return s.ID }) }
func hitIDs(l []Hit) []string         { return ids(l, func(h Hit) string { return h.ID }) }

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// at is a wall-clock time in Shanghai.
func at(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, shanghai)
}
