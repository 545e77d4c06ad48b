// Command monitorload measures the township's monitor under a county's
// load: N enrolled screens (10,000) reporting as the agent does — a
// heartbeat every 15 minutes, a proof upload every 6 hours, a screenshot
// every hour — with 15 minutes compressed into -round on loopback, against
// a real `gongkai monitor` process (its RSS read from /proc). Then a
// burst (every screen's heartbeat at once, -burst-workers at a time), the
// all-screens page for N screens, and the disk it used. Prints a Markdown
// table (scripts/bench.sh puts it in BENCHMARKS.md).
//
//	go build -o /tmp/gongkai . && go run ./bench/monitorload -bin /tmp/gongkai -screens 10000
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"gongkai/feed"
	"gongkai/monitor"
	"gongkai/monitor/agent"
	"gongkai/monitor/wire"
	"gongkai/proof"
)

func main() {
	bin := flag.String("bin", "", "the gongkai binary to run the monitor with")
	screens := flag.Int("screens", 10_000, "enrolled screens")
	rounds := flag.Int("rounds", 2, "heartbeat rounds (15 minutes each, compressed)")
	round := flag.Duration("round", time.Minute, "what 15 minutes are compressed into")
	workers := flag.Int("workers", 256, "uploads in flight at most during the rounds")
	burstWorkers := flag.Int("burst-workers", 64, "uploads in flight in the burst")
	pages := flag.Int("pages", 30, "loads of the all-screens page")
	keep := flag.String("dir", "", "work folder (default: a temporary one, removed)")
	days := flag.Int("year", 0, "instead: simulate this many days of -screens screens in this process (disk per screen per year)")
	flag.Parse()
	if *bin == "" && *days == 0 {
		log.Fatal("monitorload: -bin is required")
	}
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "gongkai-monitorload-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	if *days > 0 {
		if err := year(dir, *screens, *days); err != nil {
			log.Fatal("monitorload: ", err)
		}
		return
	}
	if err := run(*bin, dir, *screens, *rounds, *round, *workers, *burstWorkers, *pages); err != nil {
		log.Fatal("monitorload: ", err)
	}
}

type device struct {
	key     ed25519.PrivateKey
	pub     ed25519.PublicKey
	counter atomic.Uint64
	village string

	mu    gosync.Mutex
	log   *proof.Log
	clock time.Time
	chain wire.Chain
}

const password = "monitorload password"

func run(bin, dir string, n, rounds int, round time.Duration, workers, burstWorkers, pages int) error {
	mdir := filepath.Join(dir, "monitor")
	devs := make([]*device, n)
	for i := range devs {
		pub, key, err := feed.GenerateKey()
		if err != nil {
			return err
		}
		devs[i] = &device{key: key, pub: pub, village: fmt.Sprintf("310118%03d%03d", 901+i/1000%100, 200+i%300)}
	}
	start := time.Now()
	srv, err := monitor.Open(mdir, monitor.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	for i, d := range devs {
		if err := srv.Enroll(d.pub, fmt.Sprintf("屏幕%05d", i), d.village, "bench"); err != nil {
			return err
		}
	}
	if err := srv.SetPassword("bench", password); err != nil {
		return err
	}
	srv.Close()
	enrolTime := time.Since(start)

	cmd := exec.Command(bin, "monitor", "--listen", "127.0.0.1:0", "--data", mdir)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	addr := regexp.MustCompile(`http://[0-9.:]+`).FindString(line)
	if addr == "" {
		return fmt.Errorf("the monitor did not start: %q", line)
	}
	base := addr + "/"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}}

	shot := screenshotJPEG()
	proofDir := filepath.Join(dir, "logs")
	rss := &rssPeak{pid: cmd.Process.Pid}
	stopRSS := rss.watch()

	// Paced rounds: in each, every screen's heartbeat, a quarter of the
	// screens' screenshot (hourly), a 24th's proof (6-hourly), spread evenly.
	type job struct {
		kind string
		d    *device
		at   time.Time
		body []byte // made before the round: the clock times the monitor, not this program
	}
	stats := map[string]*latencies{"heartbeat": {}, "screenshot": {}, "proof": {}}
	var failures atomic.Int64
	var firstErr atomic.Pointer[string]
	var pacedCPU, paced time.Duration // the rounds' own time, bodies made before each
	for r := range rounds {
		var jobs []job
		t0 := time.Now()
		for i, d := range devs {
			at := t0.Add(time.Duration(float64(round) * float64(i) / float64(n)))
			jobs = append(jobs, job{kind: "heartbeat", d: d, at: at})
			if (i+r)%4 == 0 {
				jobs = append(jobs, job{kind: "screenshot", d: d, at: at.Add(round / 8)})
			}
			if (i+r*7)%24 == 0 {
				jobs = append(jobs, job{kind: "proof", d: d, at: at.Add(round / 4)})
			}
		}
		slices.SortFunc(jobs, func(a, b job) int { return a.at.Compare(b.at) })
		if err := prepare(jobs, func(j *job) error {
			var err error
			switch j.kind {
			case "heartbeat":
				j.body, err = heartbeat(j.d)
			case "screenshot":
				j.body = shot
			case "proof":
				j.body, err = j.d.proofBody(proofDir)
			}
			return err
		}); err != nil {
			return err
		}
		t0 = time.Now()
		cpu0 := cpuTime(cmd.Process.Pid)
		for i := range jobs {
			jobs[i].at = t0.Add(jobs[i].at.Sub(jobs[0].at))
		}
		ch := make(chan job)
		var wg gosync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range ch {
					t := time.Now()
					ans, err := upload(client, base, j.kind, j.d, j.body)
					stats[j.kind].add(time.Since(t))
					if err == nil && j.kind == "proof" {
						j.d.mu.Lock()
						j.d.chain = ans.Chain
						j.d.mu.Unlock()
					}
					if err != nil {
						failures.Add(1)
						if firstErr.CompareAndSwap(nil, ptr(err.Error())) {
							log.Printf("first failure (%s): %v", j.kind, err)
						}
					}
				}
			}()
		}
		for _, j := range jobs {
			if d := time.Until(j.at); d > 0 {
				time.Sleep(d)
			}
			ch <- j
		}
		close(ch)
		wg.Wait()
		pacedCPU += cpuTime(cmd.Process.Pid) - cpu0
		paced += time.Since(t0)
		log.Printf("round %d of %d: %d uploads in %s", r+1, rounds, len(jobs), time.Since(t0).Round(time.Millisecond))
	}

	// The burst: every screen's heartbeat as fast as the monitor takes them.
	burst := &latencies{}
	ch := make(chan *device)
	var wg gosync.WaitGroup
	bt := time.Now()
	burstCPU0 := cpuTime(cmd.Process.Pid)
	for range burstWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range ch {
				body, _ := heartbeat(d)
				t := time.Now()
				_, err := upload(client, base, "heartbeat", d, body)
				burst.add(time.Since(t))
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, ptr(err.Error()))
				}
			}
		}()
	}
	for _, d := range devs {
		ch <- d
	}
	close(ch)
	wg.Wait()
	burstTime := time.Since(bt)
	burstCPU := cpuTime(cmd.Process.Pid) - burstCPU0

	// The page.
	page := &latencies{}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	if err := login(browser, base); err != nil {
		return err
	}
	var pageBytes int
	for i := range pages {
		path := []string{"", "?page=100", "?status=ok", "?village=310118901200"}[i%4]
		t := time.Now()
		resp, err := browser.Get(base + path)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page.add(time.Since(t))
		if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte("全部屏幕")) {
			return fmt.Errorf("page %s: %d", path, resp.StatusCode)
		}
		pageBytes = len(b)
	}
	stopRSS()

	dbSize := fileSize(filepath.Join(mdir, "monitor.db"))
	shotsSize := dirSize(filepath.Join(mdir, "shots"))
	if e := firstErr.Load(); e != nil {
		log.Printf("first failure: %s", *e)
	}

	hb := stats["heartbeat"]
	total := hb.n() + stats["screenshot"].n() + stats["proof"].n()
	fmt.Printf("%d screens enrolled in %s; %d rounds of 15 minutes compressed into %s each; %d uploads in flight at most; %d failed.\n\n",
		n, enrolTime.Round(time.Second), rounds, round, workers, failures.Load())
	fmt.Println("| Measure | Value |")
	fmt.Println("|---|---:|")
	fmt.Printf("| Paced uploads (heartbeats, screenshots ~%d KB, proofs) | %d in %s: %.0f/s (heartbeats %.0f/s = %.0f× the real rate of %.1f/s) |\n",
		len(shot)/1024, total, paced.Round(time.Second), float64(total)/paced.Seconds(), float64(hb.n())/paced.Seconds(),
		float64(hb.n())/paced.Seconds()/(float64(n)/900), float64(n)/900)
	for _, k := range []string{"heartbeat", "screenshot", "proof"} {
		s := stats[k]
		fmt.Printf("| %s latency p50 / p99 / max (%d) | %s / %s / %s |\n", k, s.n(), ms(s.q(0.5)), ms(s.q(0.99)), ms(s.q(1)))
	}
	fmt.Printf("| Monitor CPU in the paced rounds | %.1f s for %d uploads: %.2f ms an upload |\n", pacedCPU.Seconds(), total,
		float64(pacedCPU)/float64(time.Millisecond)/float64(total))
	fmt.Printf("| Burst: %d heartbeats, %d at a time | %s: **%.0f heartbeats/s**; p50 %s, p99 %s |\n", n, burstWorkers,
		burstTime.Round(time.Millisecond), float64(n)/burstTime.Seconds(), ms(burst.q(0.5)), ms(burst.q(0.99)))
	perBeat := float64(burstCPU) / float64(n)
	fmt.Printf("| Monitor CPU a heartbeat (burst) | %.2f ms: one core takes %.0f heartbeats/s, %.0f× what 10,000 screens send |\n",
		perBeat/float64(time.Millisecond), float64(time.Second)/perBeat, float64(time.Second)/perBeat/(10000.0/900))
	fmt.Printf("| All-screens page, %d screens, 50 a page (%d loads, %d KB) | p50 %s, p99 %s |\n", n, page.n(), pageBytes/1024, ms(page.q(0.5)), ms(page.q(0.99)))
	fmt.Printf("| Monitor RSS, peak / at the end | %s / %s |\n", mib(rss.peak.Load()), mib(rss.last.Load()))
	fmt.Printf("| Disk after the run: monitor.db / screenshots | %s / %s |\n", mib(dbSize), mib(shotsSize))
	return nil
}

// prepare runs build on every job, on all cores.
func prepare[J any](jobs []J, build func(*J) error) error {
	var wg gosync.WaitGroup
	errs := make(chan error, 1)
	next := atomic.Int64{}
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(jobs)); i = next.Add(1) - 1 {
				if err := build(&jobs[i]); err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// heartbeat is a display screen's heartbeat with 20 notices in rotation.
func heartbeat(d *device) ([]byte, error) {
	now := time.Now()
	h := wire.Heartbeat{At: now, Started: now.Add(-72 * time.Hour), Program: "0.1.0", Mode: "display", Location: d.village,
		Place: "东湾村", Interval: 900, Feed: wire.Feed{ID: "qinghe-town", Version: 42, IssuedAt: now.Add(-time.Hour), Expires: now.Add(29 * 24 * time.Hour), StaleAfter: 72 * 3600},
		Sync: wire.Sync{LastSuccess: now.Add(-5 * time.Minute), LastAttempt: now.Add(-5 * time.Minute)}, DiskFree: 40 << 30, DiskTotal: 64 << 30,
		OnHours: "07:00-22:00", Lit: true}
	for i := range 20 {
		h.Notices = append(h.Notices, wire.Notice{ID: fmt.Sprintf("land-2026-%03d", i), Title: "东湾村三组集体土地征收补偿安置方案公告（第" + strconv.Itoa(i) + "号）"})
	}
	return json.Marshal(h)
}

// proofBody is the device's next proof upload: six more hours of 20
// notices in its display log (a log of its own, on a clock of its own),
// cut to what follows the monitor's copy.
func (d *device) proofBody(dir string) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.log == nil {
		d.clock = time.Now().Add(-7 * 24 * time.Hour)
		ldir := filepath.Join(dir, feed.KeyID(d.pub))
		if err := os.MkdirAll(ldir, 0o700); err != nil {
			return nil, err
		}
		l, err := proof.Open(ldir, d.key, func() time.Time { return d.clock })
		if err != nil {
			return nil, err
		}
		d.log = l
		l.ProgramUp()
	}
	var ids []string
	for i := range 20 {
		ids = append(ids, fmt.Sprintf("land-2026-%03d", (i+rand.IntN(3))%25))
	}
	d.log.ScreenOn(true)
	d.log.Showing("display", ids)
	d.clock = d.clock.Add(6 * time.Hour)
	d.log.Tick()
	return d.cut(d.clock)
}

func upload(c *http.Client, base, kind string, d *device, body []byte) (wire.Answer, error) {
	req, err := http.NewRequest(http.MethodPost, base+wire.Path(kind), bytes.NewReader(body))
	if err != nil {
		return wire.Answer{}, err
	}
	wire.Sign(req.Header, d.key, kind, d.counter.Add(1), body)
	resp, err := c.Do(req)
	if err != nil {
		return wire.Answer{}, err
	}
	defer resp.Body.Close()
	var ans wire.Answer
	json.NewDecoder(io.LimitReader(resp.Body, wire.MaxAnswer)).Decode(&ans)
	if resp.StatusCode != http.StatusOK {
		return ans, fmt.Errorf("%s: %d %s", kind, resp.StatusCode, ans.Error)
	}
	return ans, nil
}

func login(c *http.Client, base string) error {
	resp, err := c.Get(base + "login")
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(b)
	if m == nil {
		return errors.New("no login form")
	}
	resp, err = c.PostForm(base+"login", url.Values{"csrf": {string(m[1])}, "name": {"bench"}, "password": {password}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// screenshotJPEG is a screenshot-like JPEG as the agent sends: 960×540,
// a header bar, lines of "text", a table.
func screenshotJPEG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 960, 540))
	r := rand.New(rand.NewPCG(7, 7))
	for y := range 540 {
		for x := range 960 {
			c := color.RGBA{245, 244, 240, 255}
			switch {
			case y < 50:
				c = color.RGBA{12, 60, 145, 255}
			case y > 90 && y < 470 && (y/24)%2 == 0 && y%24 > 4 && y%24 < 20 && x > 40 && x < 40+(y/24*37%880) && (x/9+y/24)%5 != 0 && r.IntN(8) > 0:
				c = color.RGBA{30, 30, 30, 255}
			}
			img.Set(x, y, c)
		}
	}
	b, err := agent.EncodeShot(img)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

type latencies struct {
	mu gosync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }
func (l *latencies) n() int              { l.mu.Lock(); defer l.mu.Unlock(); return len(l.d) }

func (l *latencies) q(p float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	s := slices.Clone(l.d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// rssPeak samples the process's resident memory every 200 ms.
type rssPeak struct {
	pid        int
	peak, last atomic.Int64
}

func (r *rssPeak) watch() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if v := readRSS(r.pid); v > 0 {
				r.last.Store(v)
				if v > r.peak.Load() {
					r.peak.Store(v)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return func() { cancel(); <-done }
}

func readRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func dirSize(p string) int64 {
	var n int64
	filepath.Walk(p, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func ptr(s string) *string { return &s }

// cpuTime is the user and system time a process has used (/proc, in
// clock ticks of 10 ms).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// the fields after the command name, which is in parentheses
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}
