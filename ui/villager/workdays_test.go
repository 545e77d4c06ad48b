package villager

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"gongkai/ui/display"
	"gongkai/ui/kit"
)

// demoPeriods are the demo notices' posting periods at demoNow, as the law
// counts them: 10 working days from 9-28 end on 10-15 (国庆 and 中秋 not
// counted, Saturday 10-10 counted). cli's TestPeriodsAgree holds the
// report, the certificate and the poster to the same end dates.
var demoPeriods = []struct{ id, location, text string }{
	{"land-2026-016", dongwan, "公示期 10 个工作日：9月28日至10月15日，公示期已满"},
	{"land-2026-021", liutang, "公示期 10 个工作日：11月18日至12月1日，剩余 4 个工作日"},
	{"land-2026-017", dongwan, "公示期 30 天：11月10日至12月9日，剩余 14 天"},
}

// The reader, the list card and the display slide all say the period the
// same way, from the feed's calendar.
func TestScreensSayWorkingDays(t *testing.T) {
	k := newTestScreens(t, portrait)
	if k.Calendar == nil || k.Calendar.Year(2026) == nil {
		t.Fatal("the kiosk has not the demo feed's calendar")
	}
	for _, c := range demoPeriods {
		t.Run(c.id, func(t *testing.T) {
			it, err := k.Store.Item(c.id, c.location, demoNow)
			if err != nil {
				t.Fatal(err)
			}
			reader := textOf((&readerView{env: k.Env}).facts(it))
			slide := widget.NewRichText((&display.View{Env: k.Env}).FactSegs(it)...).String()
			sums, err := k.Store.Targeting(c.location)
			if err != nil {
				t.Fatal(err)
			}
			var card string
			for _, s := range sums {
				if s.ID == c.id {
					cv := k.newCardView()
					k.setCard(cv, s, cardOpts{})
					card = textOf(cv.lines)
				}
			}
			for name, got := range map[string]string{"reader": reader, "display": slide, "list card": card} {
				if !strings.Contains(kit.Unbreakable(got), c.text) {
					t.Errorf("%s says %q, want %q", name, got, c.text)
				}
				if strings.Contains(got, "未载入") {
					t.Errorf("%s has a calendar note though the calendar holds 2026: %q", name, got)
				}
			}
		})
	}
	// Without the calendar the count is Monday–Friday, and every screen
	// says so.
	k.Calendar = nil
	it, _ := k.Store.Item("land-2026-016", dongwan, demoNow)
	for name, got := range map[string]string{
		"reader":  textOf((&readerView{env: k.Env}).facts(it)),
		"display": widget.NewRichText((&display.View{Env: k.Env}).FactSegs(it)...).String(),
	} {
		if !strings.Contains(kit.Unbreakable(got), "9月28日至10月9日") || !strings.Contains(kit.Unbreakable(got), "未载入2026年节假日安排，按周一至周五计算") {
			t.Errorf("%s without a calendar: %q", name, got)
		}
	}
}
