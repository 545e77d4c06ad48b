package smoke

import (
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
	"gongkai/sync/synctest"
)

// TestKioskAnswersWhileItsStoreOpens runs the real kiosk under Xvfb, as
// systemd runs it (NOTIFY_SOCKET), on a screen whose store another process
// holds: the kiosk waits for it (5 s) as it waits for a large store to be
// walked or rebuilt after an upgrade, then gives up. Meanwhile its UI loop
// runs: systemd hears READY=1 (before, only once the store was open, so a
// rebuild longer than TimeoutStartSec was killed and began again, for
// ever), and the window says the screen is opening rather than staying
// black. Then the kiosk exits with the one-line error.
func TestKioskAnswersWhileItsStoreOpens(t *testing.T) {
	bin, display, data := syncedScreen(t, []feed.Item{synctest.RawItem("ordinary", "东湾村三组土地征收公告", nil)}, "Xvfb", "import", "tesseract")

	// another process holds the store: this one
	db, err := bolt.Open(filepath.Join(data, "store.db"), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	sock, said := notifySocket(t)
	ready := make(chan struct{})
	go func() {
		for n := range said {
			if n.msg == "READY=1" {
				close(ready)
				return
			}
		}
	}()

	var out lockedBuffer
	_, exited := startKiosk(t, bin, []string{"DISPLAY=" + display, "NOTIFY_SOCKET=" + sock}, &out, "kiosk", "--data", data)
	var exitErr error
	select {
	case <-ready:
	case exitErr = <-exited:
		t.Fatalf("the kiosk exited (%v) without READY=1 while its store was opening:\n%s", exitErr, out.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("no READY=1 and no exit in 60 s:\n%s", out.String())
	}
	// what the window shows meanwhile, read back while the kiosk still
	// waits (on a loaded machine a screenshot can take seconds: read only
	// if the wait was not over before it was taken)
	shot := filepath.Join(t.TempDir(), "opening.png")
	shotErr := exec.Command("import", "-display", display, "-window", "root", shot).Run()
	select {
	case exitErr = <-exited:
		t.Log("the kiosk gave up waiting before the screenshot was taken: its words not read")
	default:
		if shotErr != nil {
			t.Fatalf("import: %v", shotErr)
		}
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if text := ocr(t, img, image.Rect(0, b.Dy()/3, b.Dx(), 2*b.Dy()/3), t.TempDir(), "opening", "6"); !strings.Contains(strings.ReplaceAll(text, " ", ""), "正在打开") {
			t.Errorf("while its store opens the window reads %q, want 正在打开…", text)
		}
		select {
		case exitErr = <-exited:
		case <-time.After(60 * time.Second):
			t.Fatalf("the kiosk still waits for its store after 60 s:\n%s", out.String())
		}
	}
	if exitErr == nil || !strings.Contains(out.String(), "locked by another process") {
		t.Errorf("exit %v, want the store's lock named:\n%s", exitErr, out.String())
	}
}
