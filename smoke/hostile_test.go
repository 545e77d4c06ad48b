package smoke

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/proof"
	"gongkai/sync/synctest"
)

// watchdogSec is the deployed unit's WatchdogSec (deploy/linux): a kiosk
// whose UI loop does not answer for that long is killed and restarted.
const watchdogSec = 30 * time.Second

// TestHostileNoticesKeepTheWatchdogFed runs the real kiosk under Xvfb, as
// systemd runs it (NOTIFY_SOCKET, WATCHDOG_USEC), on a feed of the notices
// that froze screens (synctest.Hostile: a 20,000-character title, a
// 100,000-character pinned title, 50,000 characters without punctuation,
// 30,000 of English, 50,000 '[' then ']', 10,000 columns, …), made by hand
// as publish would refuse them. In display mode every notice comes on show
// (its on-screen seconds in the proof of display) and the UI loop answers
// the watchdog all along, with no gap near WatchdogSec: no restart loop.
// In touch mode the home screen, with the pinned 100,000-character title,
// is drawn and the pings keep coming.
func TestHostileNoticesKeepTheWatchdogFed(t *testing.T) {
	items := append(synctest.Hostile(), synctest.RawItem("ordinary", "东湾村三组土地征收公告", nil))
	bin, display, data := syncedScreen(t, items, "Xvfb", "import")
	setDwell(t, data, time.Second)

	// A rotation of 10 notices at 1 s a page (the urgent and the pinned
	// one 2 s), each at most ui.TurnPages pages a turn, takes at most
	// 2×2×10 + 8×10 = 120 s; the hostile bodies, cut, run to fewer pages.
	pings := runWatched(t, bin, display, 90*time.Second, "kiosk", "--data", data, "--mode", "display")
	checkPings(t, "display mode", pings)
	var notices []proof.NoticeReport
	gongkaiJSON(t, bin, &notices, "report", "--data", data, "--json")
	onScreen := map[string]int64{}
	for _, n := range notices {
		onScreen[n.ID] = n.OnScreenSeconds
	}
	for _, it := range items {
		if onScreen[it.ID] <= 0 {
			t.Errorf("%s never came on show in display mode (on-screen seconds %d)", it.ID, onScreen[it.ID])
		}
	}

	pings = runWatched(t, bin, display, 20*time.Second, "kiosk", "--data", data, "--mode", "touch")
	checkPings(t, "touch mode", pings)
}

// syncedScreen builds gongkai, starts Xvfb, and provisions a screen
// synced from a feed of items made by hand (publish would refuse hostile
// ones); tools are the other programs the test needs.
func syncedScreen(t *testing.T, items []feed.Item, tools ...string) (bin, display, data string) {
	t.Helper()
	needTools(t, tools...)
	dir := t.TempDir()
	bin = buildGongkai(t, dir)
	display = startXvfb(t)
	priv, pub := synctest.NewKey(t)
	feedDir, pubFile, data := filepath.Join(dir, "feed"), filepath.Join(dir, "publisher.pub"), filepath.Join(dir, "screen")
	synctest.PublishRaw(t, feedDir, priv, synctest.Raw{Items: items})
	if err := os.WriteFile(pubFile, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	gongkai(t, bin, "init", "--data", data, "--location", synctest.Village, "--pubkey", pubFile, "--source", feedDir)
	gongkai(t, bin, "sync", "--data", data)
	return bin, display, data
}

// notifySocket listens as systemd does for what a service tells it
// (NOTIFY_SOCKET); each message comes on the channel with its time.
func notifySocket(t *testing.T) (sock string, said <-chan notified) {
	t.Helper()
	sock = filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ch := make(chan notified, 1024)
	go func() {
		defer close(ch)
		buf := make([]byte, 256)
		for {
			n, _, err := conn.ReadFromUnix(buf)
			if err != nil {
				return
			}
			select {
			case ch <- notified{strings.TrimSpace(string(buf[:n])), time.Now()}:
			default: // nobody reads that far: dropped
			}
		}
	}()
	return sock, ch
}

type notified struct {
	msg string
	at  time.Time
}

// runWatched runs the kiosk for d under a watchdog socket of our own, as
// systemd would (WATCHDOG_USEC of 4 s: a ping every 2 s), screenshots the
// display before stopping it with SIGTERM, and returns when each ping came.
func runWatched(t *testing.T, bin, display string, d time.Duration, args ...string) []time.Time {
	t.Helper()
	sock, said := notifySocket(t)
	var mu sync.Mutex
	var pings []time.Time
	ready := false
	go func() {
		for n := range said {
			mu.Lock()
			switch n.msg {
			case "READY=1":
				ready = true
				pings = append(pings, n.at)
			case "WATCHDOG=1":
				pings = append(pings, n.at)
			}
			mu.Unlock()
		}
	}()

	var out lockedBuffer
	start := time.Now()
	kiosk, exited := startKiosk(t, bin, []string{"DISPLAY=" + display, "NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=4000000"}, &out, args...)
	select {
	case err := <-exited:
		t.Fatalf("the kiosk (%v) exited after %s: %v\n%s", args, time.Since(start).Round(time.Second), err, out.String())
	case <-time.After(d):
	}
	shot := filepath.Join(t.TempDir(), "screen.png")
	if msg, err := exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, msg)
	}
	checkNotBlank(t, shot)
	if dst := os.Getenv("GONGKAI_SHOTS"); dst != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(dst, "xvfb-"+args[len(args)-1]+".png"), data, 0o644)
	}
	_ = kiosk.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		_ = kiosk.Process.Kill()
		<-exited
		t.Errorf("the kiosk did not stop within 20 s of SIGTERM\n%s", out.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if !ready {
		t.Errorf("%v: no READY=1 from the kiosk\n%s", args, out.String())
	}
	return append([]time.Time{start}, pings...)
}

// checkPings fails when the watchdog would have restarted the kiosk: a gap
// between pings (or from the start to the first) as long as WatchdogSec.
func checkPings(t *testing.T, what string, pings []time.Time) {
	t.Helper()
	var longest time.Duration
	for i := 1; i < len(pings); i++ {
		longest = max(longest, pings[i].Sub(pings[i-1]))
	}
	t.Logf("%s: %d pings, longest gap %s", what, len(pings)-1, longest.Round(100*time.Millisecond))
	if len(pings) < 3 || longest >= watchdogSec {
		t.Errorf("%s: %d pings, longest gap %s: systemd (WatchdogSec=%s) would restart the kiosk", what, len(pings)-1, longest, watchdogSec)
	}
}

// startKiosk starts the built binary with args and env (besides ours and a
// Chinese locale), its output in out; the channel receives its exit.
func startKiosk(t *testing.T, bin string, env []string, out *lockedBuffer, args ...string) (*exec.Cmd, <-chan error) {
	t.Helper()
	kiosk := exec.Command(bin, args...)
	kiosk.Env = append(append(os.Environ(), "LANG=zh_CN.UTF-8"), env...)
	kiosk.Stdout, kiosk.Stderr = out, out
	if err := kiosk.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- kiosk.Wait() }()
	return kiosk, exited
}
