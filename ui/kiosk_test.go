package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gongkai/ui/kit"
	"gongkai/ui/words"
)

const otherID = "land-2026-021" // 柳塘村's, never on 东湾村's screen

func TestIdleReturnsHome(t *testing.T) {
	k, _, c := newTestKiosk(t, portrait)
	// the villager's taps (土地征收, the notice, 特大, 下一页) as their
	// screens take them
	if err := k.v.Open("item:land-2026-017"); err != nil {
		t.Fatal(err)
	}
	k.v.SetStep(2)
	if k.v.Step() != 2 {
		t.Fatalf("text step %d", k.v.Step())
	}
	k.v.SetPage(1)

	c.t = c.t.Add(89 * time.Second)
	k.CheckIdle()
	if k.prompt.box.Visible() {
		t.Fatal("prompt before the timeout")
	}
	c.t = c.t.Add(2 * time.Second)
	k.CheckIdle()
	if !k.prompt.box.Visible() || !strings.Contains(kit.Unbreakable(k.prompt.countdown.Text), "14 秒") {
		t.Fatalf("no prompt after 91 s: %v %q", k.prompt.box.Visible(), kit.Unbreakable(k.prompt.countdown.Text))
	}
	// 继续阅读 keeps the page
	test.Tap(k.prompt.cont)
	k.CheckIdle()
	if where, page := k.v.Where(); k.prompt.box.Visible() || where != "item:land-2026-017" || page != 1 || k.v.Step() != 2 {
		t.Fatalf("继续阅读 lost the page: %s page %d step %d", where, page, k.v.Step())
	}
	// nobody answers: home, text size reset
	c.t = c.t.Add(95 * time.Second)
	k.CheckIdle()
	if !k.prompt.box.Visible() {
		t.Fatal("no prompt the second time")
	}
	c.t = c.t.Add(15 * time.Second)
	k.CheckIdle()
	if where, _ := k.v.Where(); k.prompt.box.Visible() || where != "home" || k.v.Step() != 0 {
		t.Fatalf("after the countdown: prompt %v screen %s step %d", k.prompt.box.Visible(), where, k.v.Step())
	}
	if size := fyne.CurrentApp().Settings().Theme().Size("text"); size != kit.TextSteps[0].Body {
		t.Errorf("text size %g after reset", size)
	}
	// at rest, no prompt nags the empty lobby
	c.t = c.t.Add(100 * time.Second)
	k.CheckIdle()
	if k.prompt.box.Visible() {
		t.Error("prompt on an untouched home screen")
	}
}

func TestIdle(t *testing.T) {
	t0 := demoNow
	i := kit.Idle{Timeout: 90 * time.Second, Countdown: 15 * time.Second}
	i.Touch(t0)
	for _, c := range []struct {
		after time.Duration
		phase kit.IdlePhase
		left  time.Duration
	}{
		{0, kit.IdleActive, 0},
		{89 * time.Second, kit.IdleActive, 0},
		{90 * time.Second, kit.IdleAsking, 15 * time.Second},
		{100 * time.Second, kit.IdleAsking, 5 * time.Second},
		{105 * time.Second, kit.IdleExpired, 0},
		{-time.Hour, kit.IdleActive, 0}, // clock set back: never a false alarm
	} {
		p, left := i.At(t0.Add(c.after))
		if p != c.phase || left != c.left {
			t.Errorf("after %v: %v %v, want %v %v", c.after, p, left, c.phase, c.left)
		}
	}
}

func TestPostingAndValidityText(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	k := &kit.Env{Loc: loc}
	p, ok := k.PostingOf("2026-11-10", "2026-11-10", 30, 0)
	if !ok || p.Text(demoNow) != "公示期 30 天：11月10日至12月9日，剩余 14 天" {
		t.Errorf("got %q", p.Text(demoNow))
	}
	// days left follow the feed's day, not UTC's: 23:30 in Shanghai is already the 10th
	late := time.Date(2026, 12, 8, 16, 30, 0, 0, time.UTC)
	if p, _ := k.PostingOf("2026-11-10", "", 30, 0); p.Status(late) != "今天是最后一天" {
		t.Errorf("at %v: %q", late.In(loc), p.Status(late))
	}
	if p, _ := k.PostingOf("2026-11-10", "", 30, 0); p.Status(late.Add(24*time.Hour)) != "公示期已满" {
		t.Errorf("after the end: %q", p.Status(late.Add(24*time.Hour)))
	}
	// Without a calendar, working days are Monday–Friday, and it says so.
	if p, _ := k.PostingOf("2026-12-24", "", 0, 10); p.End.Format(time.DateOnly) != "2027-01-06" || p.Note() == "" {
		t.Errorf("working days without a calendar: %s %q", p.End, p.Note())
	}
	if got := words.ValidityText("2026-10-20", "2026-11-01", "2028-10-31"); got != "有效期 2026-11-01 至 2028-10-31" {
		t.Errorf("got %q", got)
	}
	if got := words.ValidityText("2026-10-20", "", ""); got != "现行有效" {
		t.Errorf("got %q", got)
	}
	if got := words.UpdatedText(time.Date(2026, 11, 25, 6, 30, 0, 0, time.UTC), loc); got != "更新于 11月25日 14:30" {
		t.Errorf("got %q", got)
	}
}

func TestScreenshotNames(t *testing.T) {
	st := demoStore(t)
	deps := Deps{Store: st, Location: dongwan, Clock: func() time.Time { return demoNow }}
	for _, s := range []string{"display", "admin", "admin:pin", "admin:usb"} {
		if _, err := Screenshot(deps, s, portrait); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := Screenshot(deps, "admin:bogus", portrait); err == nil {
		t.Error("bogus admin page accepted")
	}
	if _, err := Screenshot(deps, "bogus", portrait); err == nil {
		t.Error("bogus screen accepted")
	}
	img, err := Screenshot(deps, "home", landscape)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1920 || b.Dy() != 1080 {
		t.Errorf("image is %v", b)
	}
}

// Screenshot does not render another village's notice (the villager's
// screens refuse it: villager's TestOtherVillageIsNeverReachable).
func TestScreenshotRefusesOtherVillage(t *testing.T) {
	deps := Deps{Store: demoStore(t), Location: dongwan, Clock: func() time.Time { return demoNow }}
	if _, err := Screenshot(deps, "item:"+otherID, portrait); err == nil {
		t.Error("Screenshot renders the other village's notice")
	}
}
