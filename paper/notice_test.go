package paper

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"gongkai/store"
	"gongkai/sync"
	"gongkai/sync/synctest"
)

// TestNoticePoster: a notice of this screen prints, also on a day it is
// not shown (today false); another village's notice and an unknown id are
// NotHereErrors.
func TestNoticePoster(t *testing.T) {
	src, feedDir := t.TempDir(), filepath.Join(t.TempDir(), "feed")
	key, pub := synctest.NewKey(t)
	synctest.WriteSource(t, src, []synctest.Item{
		{ID: "land-001", Title: "东湾村三组土地征收公告", Category: "land", Locations: []string{synctest.Village}, Body: "征收范围。"},
		{ID: "soon-001", Title: "下月停水通知", Category: "village", Locations: []string{synctest.Village}, Body: "停水。", ValidFrom: "2099-01-01"},
		{ID: "other-001", Title: "柳塘村公告", Category: "village", Locations: []string{synctest.OtherVillage}, Body: "别村。"},
	})
	synctest.Publish(t, src, feedDir, key, time.Time{})
	data, cfg := synctest.InitScreen(t, pub, feedDir)
	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := sync.RunSources(t.Context(), st, cfg, data, cfg.Sources, sync.Options{}); err != nil {
		t.Fatal(err)
	}
	now := st.Now(time.Now())
	for _, c := range []struct {
		id    string
		today bool
	}{{"land-001", true}, {"soon-001", false}} {
		pdf, sum, today, err := NoticePoster(st, cfg.Location, c.id, now)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || sum.ID != c.id || today != c.today {
			t.Errorf("%s: %d bytes, today %v, %v", c.id, len(pdf), today, err)
		}
	}
	for _, id := range []string{"other-001", "no-such-item"} {
		var notHere NotHereError
		if pdf, _, _, err := NoticePoster(st, cfg.Location, id, now); !errors.As(err, &notHere) || notHere.ID != id || pdf != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}
