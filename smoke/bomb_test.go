package smoke

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/feed"
	"gongkai/sync/synctest"
)

// TestImageBombUnderMemoryLimit opens the picture view of a picture bomb
// (a few hundred bytes declaring 60000×60000 pixels, from
// feed/testdata/bombs) in the real gongkai binary under a 4 GiB
// address-space limit, as on a small PC, for every format a screen
// decodes: the view says the picture is too large (这张图片太大); it does
// not die of "out of memory" as it did before it read the declared size.
func TestImageBombUnderMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary (skipped with -short)")
	}
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Skip("prlimit (util-linux) not found")
	}
	dir := t.TempDir()
	bin := buildGongkai(t, dir)
	for _, ext := range []string{"png", "jpg", "gif"} {
		t.Run(ext, func(t *testing.T) {
			bomb, err := os.ReadFile("../feed/testdata/bombs/bomb." + ext)
			if err != nil {
				t.Fatal(err)
			}
			typ := map[string]string{"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif"}[ext]
			it := synctest.RawItem("bomb", "征收范围图", func(it *feed.Item) {
				it.Attachments = []feed.Attachment{{Name: "map." + ext, Type: typ}}
			})
			priv, pub := synctest.NewKey(t)
			feedDir, pubFile, data := filepath.Join(dir, ext, "feed"), filepath.Join(dir, ext+".pub"), filepath.Join(dir, ext, "screen")
			synctest.PublishRaw(t, feedDir, priv, synctest.Raw{Items: []feed.Item{it}, Attachments: map[string][]byte{"map." + ext: bomb}})
			if err := os.WriteFile(pubFile, pub, 0o644); err != nil {
				t.Fatal(err)
			}
			gongkai(t, bin, "init", "--data", data, "--location", synctest.Village, "--pubkey", pubFile, "--source", feedDir)
			gongkai(t, bin, "sync", "--data", data)
			out := filepath.Join(dir, "bomb-"+ext+".png")
			cmd := exec.Command("prlimit", "--as=4294967296", "--", bin,
				"screenshot", "--data", data, "--screen", "attachment:bomb:0", "--out", out)
			msg, err := cmd.CombinedOutput()
			if err != nil || strings.Contains(string(msg), "out of memory") {
				t.Fatalf("screenshot of the picture view under a 4 GiB limit: %v\n%.800s", err, msg)
			}
			checkNotBlank(t, out)
			if dst := os.Getenv("GONGKAI_SHOTS"); dst != "" {
				shot, _ := os.ReadFile(out)
				os.WriteFile(filepath.Join(dst, "bomb-"+ext+".png"), shot, 0o644)
			}
		})
	}
}
