package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What froze screens (issue 22) is refused at publish, naming the file and
// the line, and nothing is written: titles and paragraphs too long to lay
// out, tables too wide, lists nested too deep, control characters a
// terminal obeys, pictures that declare billions of pixels.
func TestPublishRefusesWhatScreensCannotShow(t *testing.T) {
	lines := func(l []string) func(*testing.T, string) {
		return func(t *testing.T, src string) {
			writeFiles(t, src, map[string]string{landFile: strings.Join(l, "\n") + "\n"})
		}
	}
	table := func(cols int) string {
		return "|" + strings.Repeat("列|", cols) + "\n|" + strings.Repeat("-|", cols) + "\n|" + strings.Repeat("1|", cols)
	}
	// bomb makes the land notice's attachment a picture bomb of format ext.
	bomb := func(ext string) func(*testing.T, string) {
		return func(t *testing.T, src string) {
			data, err := os.ReadFile("../feed/testdata/bombs/bomb." + ext)
			if err != nil {
				t.Fatal(err)
			}
			writeFiles(t, src, map[string]string{"items/land/map." + ext: string(data)})
			lines(withLine(12, "attachments: [map."+ext+"]"))(t, src)
		}
	}
	var nested strings.Builder
	for i := range 12 {
		nested.WriteString(strings.Repeat("  ", i) + "- 层\n")
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, src string)
		file  string
		line  int
		says  string
	}{
		{"a title of 20,000 characters", lines(withLine(3, "title: "+strings.Repeat("标", 20_000))), landFile, 3, "title is 20000 characters"},
		{"a pinned notice with a title of 100,000 characters", lines(withLine(3, "title: "+strings.Repeat("题", 100_000))), landFile, 3, "over the 100"},
		{"an escape sequence in the title", lines(withLine(3, `title: "柳塘村\e]0;owned\a公告"`)), landFile, 3, "U+001B"},
		{"a bidi override in the agency", lines(withLine(5, "agency: 青禾镇\u202E府政民人")), landFile, 5, "U+202E"},
		{"a bell in the contact", lines(withExtra(`contact: "021\a"`)), landFile, 13, "U+0007"},
		{"50,000 characters without punctuation", lines(withLine(16, strings.Repeat("公", 50_000))), landFile, 16, "over the 30000"},
		{"a paragraph of English over the limit", lines(withLine(16, strings.Repeat("word ", 1_200))), landFile, 16, "a paragraph of 5999"},
		{"50,000 [ then 50,000 ]", lines(withLine(16, strings.Repeat("[", 50_000)+strings.Repeat("]", 50_000))), landFile, 16, "over the 30000"},
		{"a table of 1,000 columns", lines(withLine(16, table(1_000))), landFile, 16, "1000 columns"},
		{"lists nested 12 deep", lines(withLine(16, nested.String())), landFile, 24, "nested 9 deep"},
		{"a control character in the feed title", func(t *testing.T, src string) {
			writeFiles(t, src, map[string]string{"feed.yaml": strings.Replace(feedYAML, "title: 青禾镇政务公开", `title: "青禾镇\e[2J政务公开"`, 1)})
		}, "feed.yaml", 2, "control character"},
		{"a PNG declaring 60000×60000 pixels", bomb("png"), landFile, 12, "60000×60000 pixels"},
		{"a JPEG declaring 65000×65000 pixels", bomb("jpg"), landFile, 12, "65000×65000 pixels"},
		{"a GIF declaring 65535×65535 pixels", bomb("gif"), landFile, 12, "65535×65535 pixels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, out := t.TempDir(), t.TempDir()
			writeSource(t, src, landLines)
			if _, err := build(src, out, Options{Key: testKey(1), Now: testNow}); err != nil {
				t.Fatal(err)
			}
			tc.setup(t, src)
			before := snapshot(t, out)
			_, err := build(src, out, Options{Key: testKey(1), Now: testNow.Add(time.Hour)})
			sameSnapshot(t, before, snapshot(t, out))
			var se *SourceError
			if !errors.As(err, &se) {
				t.Fatalf("publish: %v, want a *SourceError", err)
			}
			prefix := fmt.Sprintf("%s:%d: ", filepath.FromSlash(tc.file), tc.line)
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tc.says) || strings.ContainsAny(msg, "\n\x1b") || len(msg) > 400 {
				t.Errorf("error %.300q, want one short line starting %q, saying %q", msg, prefix, tc.says)
			}
		})
	}
}
