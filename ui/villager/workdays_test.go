package villager

import (
	"strings"
	"testing"

	"gongkai/ui/kit"
	"gongkai/ui/uitest"
)

// The reader and the list card say the period as every screen does
// (uitest.DemoPeriods; the display's slide: display's
// TestSlideSaysWorkingDays), from the feed's calendar.
func TestScreensSayWorkingDays(t *testing.T) {
	k := newTestScreens(t, portrait)
	if k.Calendar == nil || k.Calendar.Year(2026) == nil {
		t.Fatal("the kiosk has not the demo feed's calendar")
	}
	for _, c := range uitest.DemoPeriods {
		t.Run(c.ID, func(t *testing.T) {
			it, err := k.Store.Item(c.ID, c.Location, demoNow)
			if err != nil {
				t.Fatal(err)
			}
			reader := textOf((&readerView{env: k.Env}).facts(it))
			sums, err := k.Store.Targeting(c.Location)
			if err != nil {
				t.Fatal(err)
			}
			var card string
			for _, s := range sums {
				if s.ID == c.ID {
					cv := k.newCardView()
					k.setCard(cv, s, cardOpts{})
					card = textOf(cv.lines)
				}
			}
			for name, got := range map[string]string{"reader": reader, "list card": card} {
				if !strings.Contains(kit.Unbreakable(got), c.Text) {
					t.Errorf("%s says %q, want %q", name, got, c.Text)
				}
				if strings.Contains(got, "未载入") {
					t.Errorf("%s has a calendar note though the calendar holds 2026: %q", name, got)
				}
			}
		})
	}
	// Without the calendar the count is Monday–Friday, and the reader
	// says so.
	k.Calendar = nil
	it, _ := k.Store.Item("land-2026-016", dongwan, demoNow)
	got := kit.Unbreakable(textOf((&readerView{env: k.Env}).facts(it)))
	for _, want := range uitest.NoCalendarText {
		if !strings.Contains(got, want) {
			t.Errorf("reader without a calendar: %q lacks %q", got, want)
		}
	}
}
