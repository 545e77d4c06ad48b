package studio

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"gongkai/bench/corpus"
	"gongkai/feed"
	"gongkai/publish"
)

// writeCorpus writes n generated notices as a source folder.
func writeCorpus(b *testing.B, n int) string {
	dir := filepath.Join(b.TempDir(), "src")
	var cats []feed.Category
	for _, c := range corpus.Categories {
		cats = append(cats, feed.Category{ID: c, Name: corpus.CategoryNames[c]})
	}
	places := []feed.Place{{Code: corpus.Town, Name: "金泽镇"}}
	for i := range 15 {
		places = append(places, feed.Place{Code: corpus.Village(i), Name: fmt.Sprintf("村%d", i)})
	}
	if err := SaveFeed(dir, publish.FeedConfig{ID: "bench", Title: "金泽镇", Timezone: "Asia/Shanghai", Categories: cats, Locations: places}); err != nil {
		b.Fatal(err)
	}
	for _, c := range corpus.Notices(n, 7) {
		fm := publish.FrontMatter{ID: c.ID, Title: c.Title, Category: c.Category, Agency: c.Agency, Published: c.Published,
			Locations: c.Locations, DocNo: c.DocNo, ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, Withdrawn: c.Withdrawn, Priority: c.Priority}
		data, err := publish.ItemFile(fm, c.Body)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.ID+".md"), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoad10k is opening (and, after each save, reading again) a
// folder of 10,000 notices: every file, publish's checks, the plan
// against the feed. Off the UI goroutine.
func BenchmarkLoad10k(b *testing.B) {
	dir := writeCorpus(b, 10_000)
	b.ResetTimer()
	for b.Loop() {
		f, err := Load(dir, corpus.Now, nil)
		if err != nil || len(f.Notices) != 10_000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReload10k is reading the folder again after a save: the
// notices unchanged on disk are taken from the last reading.
func BenchmarkReload10k(b *testing.B) {
	dir := writeCorpus(b, 10_000)
	prev, err := Load(dir, corpus.Now, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		f, err := Load(dir, corpus.Now, prev)
		if err != nil || len(f.Notices) != 10_000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreview is one preview after an edit: the notice published
// into the preview's feed, synced into its screen, the display's slide
// painted at 1920×1080 and the poster made.
func BenchmarkPreview(b *testing.B) {
	dir := writeCorpus(b, 1)
	s, _ := newStudioB(b, dir)
	s.Go("new")
	e := s.ed
	e.title.SetText("东湾村自来水管网改造施工公告")
	e.places.SetSelected([]string{"村0（" + corpus.Village(0) + "）"})
	e.agency.SetText("金泽镇人民政府")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e.body.SetText(fmt.Sprintf("## 施工时间\n\n第 %d 次修改。\n", i))
		e.preview.Flush()
		if !strings.Contains(e.preview.Status(), "的屏幕") {
			b.Fatalf("no preview: %s", e.preview.Status())
		}
	}
}

func newStudioB(b *testing.B, dir string) (*Studio, fyne.Window) {
	return newStudioTB(b, dir, fyne.NewSize(1920, 1080))
}
