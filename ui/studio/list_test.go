package studio

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// The list filters by category, village, state and title, and each row
// says its posting period and the days left.
func TestListFilters(t *testing.T) {
	s, _ := newStudio(t, copyDemo(t), fyne.NewSize(1366, 768))
	v := s.list
	all := len(v.shown)
	if all != len(s.f.Notices) || all == 0 {
		t.Fatalf("shows %d of %d", all, len(s.f.Notices))
	}
	check := func(name string, keep func(n *Notice) bool) {
		t.Helper()
		if len(v.shown) == 0 || len(v.shown) == all {
			t.Errorf("%s: shows %d of %d", name, len(v.shown), all)
		}
		for _, n := range v.shown {
			if !keep(n) {
				t.Errorf("%s: shows %s", name, n.Path)
			}
		}
	}
	v.category.SetSelected("土地征收")
	check("category", func(n *Notice) bool { return n.FM.Category == "land" })
	v.category.SetSelected(allCategories)
	v.place.SetSelected("柳塘村")
	check("village", func(n *Notice) bool {
		return strings.Contains(s.f.summary(n, now), "柳塘村") || strings.Contains(s.f.summary(n, now), "青禾镇") || strings.Contains(s.f.summary(n, now), "全镇")
	})
	v.place.SetSelected(allPlaces)
	v.state.SetSelected(string(StateWithdrawn))
	check("state", func(n *Notice) bool { return n.FM.Withdrawn != "" })
	v.state.SetSelected(allStates)
	v.search.SetText("征收")
	check("title", func(n *Notice) bool { return strings.Contains(n.FM.Title, "征收") })
	v.search.SetText("")
	found := false
	for _, n := range v.shown {
		if line := s.f.summary(n, now); strings.Contains(line, "公示期") && strings.Contains(line, "剩余") {
			found = true
		}
	}
	if !found {
		t.Error("no row says its posting period and the days left")
	}
}
