package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"gongkai/pin"
	"gongkai/store"
)

// The demo goes through the real path and is refreshed at every start: a
// second install a month later is a new, unexpired version of the same feed.
func TestInstallTwice(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	res, err := Install(context.Background(), dir, func() time.Time { return day })
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 1 || res.Changes.Added < 20 {
		t.Fatalf("first install: %+v", res)
	}
	later := day.AddDate(0, 1, 10) // past the first version's 30-day expiry
	res, err = Install(context.Background(), dir, func() time.Time { return later })
	if err != nil {
		t.Fatalf("second install: %v", err)
	}
	if res.Version != 2 || res.Changes.Added != 0 || res.Changes.Changed != 0 {
		t.Fatalf("second install: %+v", res)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if s, _ := st.State(); !s.Expires.After(later) {
		t.Errorf("demo expires %s, before the install time %s", s.Expires, later)
	}
	vis, err := st.Visible(Location, "", day)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range vis {
		ids = append(ids, v.ID)
	}
	if !slices.Contains(ids, "land-2026-017") || slices.Contains(ids, "land-2026-021") {
		t.Errorf("demo screen at 东湾村 shows %v", ids)
	}
}

// The demo screen gets the public demo PIN once; a PIN changed since is
// kept.
func TestSetPIN(t *testing.T) {
	dir := t.TempDir()
	if err := SetPIN(dir); err != nil {
		t.Fatal(err)
	}
	if g, err := pin.Open(dir); err != nil || !g.HasPIN() {
		t.Fatalf("no PIN after SetPIN: %v", err)
	}
	if err := pin.Write(dir, "97531"); err != nil {
		t.Fatal(err)
	}
	if err := SetPIN(dir); err != nil {
		t.Fatal(err)
	}
	if g, _ := pin.Open(dir); g.Check("97531", time.Now()) != nil {
		t.Error("SetPIN replaced a changed PIN")
	}
}
