package display

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// The display's slide says the period as every screen does
// (uitest.DemoPeriods; the villager's reader and cards: villager's
// TestScreensSayWorkingDays), from the feed's calendar.
func TestSlideSaysWorkingDays(t *testing.T) {
	v := newTestDisplay(t, nil, Options{}, landscape)
	env := v.env
	if env.Calendar == nil || env.Calendar.Year(2026) == nil {
		t.Fatal("the display has not the demo feed's calendar")
	}
	for _, c := range uitest.DemoPeriods {
		it, err := env.Store.Item(c.ID, c.Location, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		got := widget.NewRichText(v.factSegs(it)...).String()
		if !strings.Contains(kit.Unbreakable(got), c.Text) {
			t.Errorf("%s: the slide says %q, want %q", c.ID, got, c.Text)
		}
		if strings.Contains(got, "未载入") {
			t.Errorf("%s: a calendar note though the calendar holds 2026: %q", c.ID, got)
		}
	}
	env.Calendar = nil
	it, _ := env.Store.Item("land-2026-016", uitest.Dongwan, demoNow)
	got := kit.Unbreakable(widget.NewRichText(v.factSegs(it)...).String())
	for _, want := range uitest.NoCalendarText {
		if !strings.Contains(got, want) {
			t.Errorf("slide without a calendar: %q lacks %q", got, want)
		}
	}
}
