package villager

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"gongkai/ui/uitest"
)

// A sync that lands while a villager reads keeps their page; one that
// withdraws the open notice takes them back to its list with a word why.
func TestSyncRefreshesInPlace(t *testing.T) {
	st, next := demoFeed(t)
	k := newScreens(t, st, portrait, Options{Demo: true}, nil)

	test.Tap(k.tile(t, "土地征收"))
	test.Tap(cardFor(t, k.views[screenList].(*listView).pager, landTitle))
	k.setPage(1)
	if s := k.st.cur(); s.kind != screenReader || s.page != 1 {
		t.Fatalf("before the sync: %+v", s)
	}

	// Version 2 changes another notice: the reader stays where it was.
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(uitest.Repo("assets/demo"))); err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(src, "items/medical/medical-2026-031.md"), "\n补充：春节期间门诊时间另行通知。\n")
	next(src)
	k.refresh()
	if s := k.st.cur(); s.kind != screenReader || s.itemID != "land-2026-017" || s.page != 1 {
		t.Errorf("after an unrelated update the screen is %+v", s)
	}

	// Version 3 withdraws the open notice.
	path := filepath.Join(src, "items/land/land-2026-017.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte(strings.Replace(string(data), "---\n", "---\nwithdrawn: 因方案调整，本公告撤回\n", 1)), 0o644)
	next(src)
	k.refresh()
	if s := k.st.cur(); s.kind != screenList {
		t.Errorf("after the notice was withdrawn the screen is %+v", s)
	}
	if !strings.Contains(k.status.text, "撤下") {
		t.Errorf("message %q does not say the notice was taken down", k.status.text)
	}
}

func edit(t *testing.T, path, add string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, add...), 0o644); err != nil {
		t.Fatal(err)
	}
}
