package screen

import (
	"crypto/ed25519"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/store"
	gksync "gongkai/sync"
	"gongkai/sync/synctest"
)

func TestPreviewTitlesWithoutIDs(t *testing.T) {
	got := titles([]string{"land-2026-017 东湾村三组集体土地征收补偿安置方案公告", "odd-id-only"})
	if got[0] != "东湾村三组集体土地征收补偿安置方案公告" || got[1] != "odd-id-only" {
		t.Errorf("titles = %q", got)
	}
}

// runtimeFixture is a provisioned screen with a published feed in a
// folder, a stick folder, and its runtime.
type runtimeFixture struct {
	rt            *Runtime
	st            *store.Store
	data, feedDir string
	media         string // where sticks are looked for
	key           ed25519.PrivateKey
	src           string
}

func newRuntime(t *testing.T) *runtimeFixture {
	t.Helper()
	f := &runtimeFixture{src: t.TempDir(), feedDir: filepath.Join(t.TempDir(), "feed"), media: t.TempDir()}
	var pub []byte
	f.key, pub = synctest.NewKey(t)
	synctest.WriteSource(t, f.src, []synctest.Item{
		{ID: "land-001", Title: "东湾村三组土地征收公告", Category: "land", Locations: []string{synctest.Village}, Body: "征收范围。"},
	})
	synctest.Publish(t, f.src, f.feedDir, f.key, time.Time{})
	var cfg *config.Config
	f.data, cfg = synctest.InitScreen(t, pub, f.feedDir)
	st, err := store.Open(f.data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.st = st
	t.Cleanup(func() { st.Close() })
	f.rt = New(Options{Data: f.data, Store: st, Config: cfg, Logger: slog.New(slog.DiscardHandler),
		VolumeRoots: []string{filepath.Join(f.media, "*")}, VolumeEvery: time.Millisecond})
	t.Cleanup(f.rt.Close)
	return f
}

// TestRuntimeSyncNowAndImport: sync now syncs from the configured source
// and tells OnSynced; a stick is found only while the watch is on, its
// feed previewed by title, then imported through the verified sync.
func TestRuntimeSyncNowAndImport(t *testing.T) {
	f := newRuntime(t)
	synced := 0
	f.rt.opt.OnSynced = func() { synced++ }
	res, err := f.rt.SyncNow(t.Context(), nil)
	if err != nil || res.Version != 1 || synced != 1 {
		t.Fatalf("sync now: %+v %v, OnSynced %d times", res, err, synced)
	}

	// a stick with version 2, one notice more
	synctest.WriteSource(t, f.src, []synctest.Item{
		{ID: "land-001", Title: "东湾村三组土地征收公告", Category: "land", Locations: []string{synctest.Village}, Body: "征收范围。"},
		{ID: "town-001", Title: "全镇医保缴费通知", Category: "policy", Locations: []string{synctest.Town}, Body: "请缴费。"},
	})
	synctest.Publish(t, f.src, f.feedDir, f.key, time.Time{})
	stick := filepath.Join(f.media, "KINGSTON", "gongkai")
	synctest.CopyDir(t, f.feedDir, stick)

	f.rt.WatchVolumes(true)
	var found []string
	for e := range f.rt.Events() {
		if e.Kind == Volumes && len(e.Volumes) > 0 {
			found = e.Volumes
			break
		}
	}
	if !slices.Equal(found, []string{stick}) {
		t.Fatalf("sticks found: %q", found)
	}
	f.rt.WatchVolumes(false)
	d, err := f.rt.Preview(t.Context(), stick)
	if err != nil || d.Version != 2 || !slices.Equal(d.Added, []string{"全镇医保缴费通知"}) {
		t.Fatalf("preview: %+v %v", d, err)
	}
	if st, _ := f.st.State(); st.Version != 1 {
		t.Fatalf("preview changed the store: version %d", st.Version)
	}
	if res, err := f.rt.Import(t.Context(), stick, nil); err != nil || res.Version != 2 || res.Changes.Added != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
}

// TestRuntimeSaveConfigRestartsTheSchedule: saved settings are live for
// the next sync and written to config.toml.
func TestRuntimeSaveConfigRestartsTheSchedule(t *testing.T) {
	f := newRuntime(t)
	f.rt.Start()
	c := *f.rt.Config()
	c.Sources = []string{filepath.Join(t.TempDir(), "nothing-here")}
	if err := f.rt.SaveConfig(&c); err != nil {
		t.Fatal(err)
	}
	if got := f.rt.Config().Sources; !slices.Equal(got, c.Sources) {
		t.Errorf("live sources %q", got)
	}
	back, err := config.Load(f.data)
	if err != nil || !slices.Equal(back.Sources, c.Sources) {
		t.Errorf("config.toml sources %v, %v", back, err)
	}
	if _, err := f.rt.SyncNow(t.Context(), nil); gksync.KindOf(err) != gksync.KindNoSource {
		t.Errorf("sync now from the saved source: %v (kind %q)", err, gksync.KindOf(err))
	}
	if f.rt.DisplayLog() == nil {
		t.Error("Start opened no display log")
	}
	f.rt.ShowSlide("land-001") // counts in memory; must not block
}
