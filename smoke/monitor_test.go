package smoke

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/monitor/wire"
)

// hostileTitle is a notice title a careless or hostile clerk might
// publish: if the monitor's page ever made it markup, it would run.
const hostileTitle = `<script>window.pwned=1;document.title='pwned'</script><img src=x onerror="window.pwned=2">`

// hostileError is a sync error a hostile server might cause.
const hostileError = `server answered 502 <img src=x onerror="window.pwned=3"><script>window.pwned=4</script>`

// TestMonitorInChromium is the monitor end to end: three real kiosks in
// display mode, each under its own Xvfb, provisioned with publish, init
// and sync and reporting every 5 s to a real `gongkai monitor` on
// loopback; one enrolled through the web page's form. Headless Chromium
// logs in and sees them: two 正常 with a screenshot each, the one on an
// old feed 内容过期, then, after a kill -9, 离线. A hostile notice title
// (in the feed) and a hostile error string (from a fourth, simulated
// device) are text on every page, never markup. Screenshots of the pages
// at a PC's and a phone's width go to $GONGKAI_MONITOR_SHOTS (else a
// temporary folder).
func TestMonitorInChromium(t *testing.T) {
	needTools(t, "Xvfb", "chromium")
	dir := t.TempDir()
	bin := buildGongkai(t, dir)
	shots := os.Getenv("GONGKAI_MONITOR_SHOTS")
	if shots == "" {
		shots = filepath.Join(dir, "shots")
	}
	os.MkdirAll(shots, 0o755)

	// The feed: the demo notices and a hostile one; published three times,
	// a copy of the first kept as an old feed.
	src := filepath.Join(dir, "src")
	if err := os.CopyFS(src, os.DirFS("../assets/demo")); err != nil {
		t.Fatal(err)
	}
	hostile := "---\nid: village-2026-hostile\ntitle: " + mustJSON(hostileTitle) + "\ncategory: village\nagency: 青禾镇人民政府\n" +
		"published: 2026-12-01\nlocations: [\"310118901\"]\nposting_days: 10\n---\n正文。\n"
	if err := os.WriteFile(filepath.Join(src, "items", "village", "hostile.md"), []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	gongkai(t, bin, "keygen", "--out", filepath.Join(dir, "keys"))
	newFeed, oldFeed := filepath.Join(dir, "feed-new"), filepath.Join(dir, "feed-old")
	publish := func() {
		gongkai(t, bin, "publish", "--key", filepath.Join(dir, "keys", "publisher.key"), "--src", src, "--out", newFeed)
	}
	publish()
	if err := os.CopyFS(oldFeed, os.DirFS(newFeed)); err != nil {
		t.Fatal(err)
	}
	publish()
	publish()

	// The monitor's data: two screens enrolled on the command line, an
	// operator, and a simulated device.
	mdir := filepath.Join(dir, "monitor")
	type screen struct{ name, village, feed, data string }
	screens := []*screen{
		{"东湾村村委会大厅", "310118901201", newFeed, ""},
		{"柳塘村文化广场", "310118901202", newFeed, ""},
		{"东湾村湾南路口", "310118901201", oldFeed, ""},
	}
	for i, s := range screens {
		s.data = filepath.Join(dir, fmt.Sprintf("screen%d", i))
		gongkai(t, bin, "init", "--data", s.data, "--location", s.village, "--pubkey", filepath.Join(dir, "keys", "publisher.pub"), "--source", s.feed)
		gongkai(t, bin, "sync", "--data", s.data)
		if i < 2 {
			gongkai(t, bin, "monitor", "enroll", "--data", mdir, "--device", filepath.Join(s.data, "device.pub"), "--village", s.village, "--name", s.name)
		}
	}
	simPub, simKey, _ := feed.GenerateKey()
	simFile := filepath.Join(dir, "sim.pub")
	os.WriteFile(simFile, feed.EncodePublicKey(simPub), 0o644)
	gongkai(t, bin, "monitor", "enroll", "--data", mdir, "--device", simFile, "--village", "310118901202", "--name", "柳塘村卫生室（模拟设备）")
	const password = "巡检台 test password"
	user := exec.Command(bin, "monitor", "user", "--data", mdir, "--name", "clerk")
	user.Stdin = strings.NewReader(password + "\n")
	if out, err := user.CombinedOutput(); err != nil {
		t.Fatalf("monitor user: %v %s", err, out)
	}

	// The monitor, on a free port.
	mon := exec.Command(bin, "monitor", "--listen", "127.0.0.1:0", "--data", mdir)
	var monErr lockedBuffer
	mon.Stderr = &monErr
	stdout, _ := mon.StdoutPipe()
	if err := mon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopProcess(mon) })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr := regexp.MustCompile(`http://[0-9.:]+`).FindString(line)
	if err != nil || addr == "" {
		t.Fatalf("monitor did not say where it listens: %q %v\n%s", line, err, monErr.String())
	}
	base := addr + "/"

	// The kiosks, each in its own X server.
	kiosks := make([]*exec.Cmd, len(screens))
	for i, s := range screens {
		cfg, err := config.Load(s.data)
		if err != nil {
			t.Fatal(err)
		}
		cfg.MonitorURL, cfg.HeartbeatEvery = base, config.Duration{Duration: 5 * time.Second}
		cfg.Dwell = config.Duration{Duration: 3 * time.Second}
		if err := config.Save(s.data, cfg); err != nil {
			t.Fatal(err)
		}
		k := exec.Command(bin, "kiosk", "--data", s.data, "--mode", "display")
		k.Env = append(os.Environ(), "DISPLAY="+startXvfbScreen(t, "1920x1080x24"), "LANG=zh_CN.UTF-8")
		var out lockedBuffer
		k.Stdout, k.Stderr = &out, &out
		if err := k.Start(); err != nil {
			t.Fatal(err)
		}
		kiosks[i] = k
		t.Cleanup(func() { stopProcess(k) })
	}

	// The simulated device: heartbeats with a hostile error string.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go simulate(ctx, base, simKey)

	// Chromium.
	ctx, cancel = chromium(t, ctx)
	defer cancel()
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\nmonitor: %s", what, err, monErr.String())
		}
	}
	screenshot(t, ctx, shots, "monitor-login.png", base+"login", false)
	run("log in",
		chromedp.Navigate(base+"login"),
		chromedp.WaitVisible(`input[name=name]`),
		chromedp.SendKeys(`input[name=name]`, "clerk"),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Click(`section.login button[type=submit]`),
		chromedp.WaitVisible(`ul.counts`),
	)

	// The third screen is enrolled through the form, pasting its device.pub.
	pubText, _ := os.ReadFile(filepath.Join(screens[2].data, "device.pub"))
	run("enrol through the form",
		chromedp.Navigate(base+"enroll"),
		chromedp.WaitVisible(`textarea[name=key]`),
		chromedp.SetValue(`textarea[name=key]`, string(pubText)),
		chromedp.SendKeys(`input[name=name]`, screens[2].name),
		chromedp.SendKeys(`input[name=village]`, screens[2].village),
		chromedp.Click(`form.enroll button[type=submit]`),
		chromedp.WaitVisible(`p.flash`),
	)

	type row struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Shot   bool   `json:"shot"`
	}
	rows := func() map[string]row {
		var got []row
		run("read the screens", chromedp.Navigate(base), chromedp.WaitVisible(`ul.counts`),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('table.screens tbody tr')).map(r => ({
				name: r.querySelector('a.name').textContent, status: r.className, shot: !!r.querySelector('td.shot img')}))`, &got))
		out := map[string]row{}
		for _, r := range got {
			out[r.Name] = r
		}
		return out
	}
	waitRows := func(what string, ok func(map[string]row) bool) map[string]row {
		t.Helper()
		deadline := time.Now().Add(3 * time.Minute)
		for {
			r := rows()
			if ok(r) {
				return r
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited 3 minutes for %s: %+v\nmonitor: %s", what, r, monErr.String())
			}
			time.Sleep(2 * time.Second)
		}
	}
	waitRows("two screens 正常 and the old one 内容过期, each with a screenshot", func(r map[string]row) bool {
		return r[screens[0].name].Status == "ok" && r[screens[1].name].Status == "ok" && r[screens[2].name].Status == "stale" &&
			r[screens[0].name].Shot && r[screens[1].name].Shot && r[screens[2].name].Shot
	})
	checkHarmless(t, ctx, base)

	// The notices' evidence arrives with the proof uploads.
	run("the hostile notice's page", chromedp.Navigate(base+"notices/village-2026-hostile"), chromedp.WaitVisible(`table.coverage`))
	var text string
	run("read it", chromedp.Text(`main`, &text))
	if !strings.Contains(text, hostileTitle) || !strings.Contains(text, "3 台屏幕报告了它") {
		t.Errorf("the hostile notice's page does not show its title as text, reported by three screens:\n%s", text)
	}
	for _, s := range screens {
		if !strings.Contains(text, s.name) {
			t.Errorf("the notice's page does not list %s", s.name)
		}
	}
	checkHarmless(t, ctx, base+"notices/village-2026-hostile")
	checkHarmless(t, ctx, base+"notices")

	// Pictures for the README, at a PC's width and a phone's.
	screenshot(t, ctx, shots, "monitor-screens.png", base, false)
	screenshot(t, ctx, shots, "monitor-screens-phone.png", base, true)
	var screenPath string
	run("find the first screen's page", chromedp.Navigate(base), chromedp.WaitVisible(`a.name`),
		chromedp.AttributeValue(`a.name`, "href", &screenPath, nil))
	screenshot(t, ctx, shots, "monitor-screen.png", addr+screenPath, false)
	screenshot(t, ctx, shots, "monitor-screen-phone.png", addr+screenPath, true)
	checkHarmless(t, ctx, addr+screenPath)
	screenshot(t, ctx, shots, "monitor-notice.png", base+"notices/land-2026-017", false)
	screenshot(t, ctx, shots, "monitor-notice-phone.png", base+"notices/land-2026-017", true)

	// kill -9 the first kiosk: two heartbeats later the page says 离线.
	if err := kiosks[0].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	kiosks[0].Wait()
	waitRows("the stopped screen 离线", func(r map[string]row) bool {
		return r[screens[0].name].Status == "offline" && r[screens[1].name].Status == "ok" && r[screens[2].name].Status == "stale"
	})
	screenshot(t, ctx, shots, "monitor-offline.png", base, false)
	var alerts string
	run("read the alerts", chromedp.Text(`section.alerts`, &alerts))
	if !strings.Contains(alerts, "连续两次没有按时上报") || !strings.Contains(alerts, screens[0].name) ||
		!strings.Contains(alerts, "落后最新版两个版本以上") || !strings.Contains(alerts, screens[2].name) {
		t.Errorf("alerts: %s", alerts)
	}
	t.Logf("screenshots in %s", shots)
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// chromium starts headless Chromium with a profile of its own.
func chromium(t *testing.T, parent context.Context) (context.Context, context.CancelFunc) {
	t.Helper()
	path, _ := exec.LookPath("chromium")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 10*time.Minute)
	return ctx, func() { cancelTime(); cancelCtx(); cancelAlloc() }
}

// checkHarmless loads page and checks that nothing a device said ran or
// became an element: no script at all on the page, no injected image,
// window.pwned unset, the title not taken over.
func checkHarmless(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	var got struct {
		Scripts  int    `json:"scripts"`
		Injected int    `json:"injected"`
		Pwned    string `json:"pwned"`
		Title    string `json:"title"`
	}
	err := chromedp.Run(ctx, chromedp.Navigate(page), chromedp.WaitReady(`main`),
		chromedp.Sleep(500*time.Millisecond), // an onerror would have fired by now
		chromedp.Evaluate(`({scripts: document.scripts.length, injected: document.querySelectorAll('img[src="x"]').length,
			pwned: typeof window.pwned, title: document.title})`, &got))
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	if got.Scripts != 0 || got.Injected != 0 || got.Pwned != "undefined" || got.Title == "pwned" {
		t.Errorf("%s: device text became markup: %+v", page, got)
	}
}

// screenshot saves the whole page at a PC's width, or a phone's.
func screenshot(t *testing.T, ctx context.Context, dir, name, page string, phone bool) {
	t.Helper()
	var buf []byte
	view := chromedp.EmulateViewport(1366, 900)
	if phone {
		view = chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)
	}
	var fonts bool
	err := chromedp.Run(ctx, view, chromedp.Navigate(page), chromedp.WaitReady(`main`),
		chromedp.Evaluate(`document.fonts.ready.then(() => true)`, &fonts, func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
		chromedp.FullScreenshot(&buf, 100), chromedp.EmulateReset(), chromedp.EmulateViewport(1366, 900))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// simulate is a fourth screen that only sends heartbeats: with a failing
// sync whose error string is hostile.
func simulate(ctx context.Context, base string, key ed25519.PrivateKey) {
	started := time.Now()
	for n := uint64(1); ; n++ {
		now := time.Now()
		h := wire.Heartbeat{At: now, Started: started, Program: "0.1.0", Mode: "touch", Location: "310118901202", Place: "柳塘村",
			Interval: 5, Feed: wire.Feed{ID: "qinghe-town", Version: 3, IssuedAt: now.Add(-time.Hour), Expires: now.Add(29 * 24 * time.Hour), StaleAfter: 72 * 3600},
			Sync:     wire.Sync{LastSuccess: now.Add(-2 * time.Hour), LastAttempt: now, Kind: wire.KindNetwork, Error: hostileError},
			DiskFree: 300 << 20, DiskTotal: 16 << 30, Lit: true, Notices: []wire.Notice{{ID: "village-2026-hostile", Title: hostileTitle}}}
		body, _ := json.Marshal(h)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+wire.Path(wire.UploadHeartbeat), bytes.NewReader(body))
		wire.Sign(req.Header, key, wire.UploadHeartbeat, n, body)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}

// stopProcess ends a process this test started: SIGTERM, then SIGKILL.
func stopProcess(c *exec.Cmd) {
	if c.Process == nil || c.ProcessState != nil {
		return
	}
	_ = c.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.Process.Kill()
		<-done
	}
}
