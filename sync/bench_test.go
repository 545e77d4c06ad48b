package sync

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/store"
	"gongkai/sync/synctest"
)

// The benchmark feed: 10,000 items and 200 MiB of attachments (200 files
// of 1 MiB, incompressible), generated once into the OS temp folder and
// reused, since publishing it takes longer than syncing it.
const (
	benchItems       = 10_000
	benchAttachments = 200
	benchAttSize     = 1 << 20
	benchParallel    = 8
)

func benchFeed(b *testing.B) (dir string, pub []byte) {
	b.Helper()
	root := filepath.Join(os.TempDir(), "gongkai-bench-sync-v1")
	dir = filepath.Join(root, "feed")
	pubPath := filepath.Join(root, "publisher.pub")
	if pub, err := os.ReadFile(pubPath); err == nil {
		if _, err := os.Stat(filepath.Join(dir, feed.ManifestFile)); err == nil {
			return dir, pub
		}
	}
	os.RemoveAll(root)
	b.Logf("generating the benchmark feed in %s (once)", root)
	var priv ed25519.PrivateKey
	priv, pub = synctest.NewKey(b)
	src := filepath.Join(root, "src")
	r := rand.New(rand.NewPCG(1, 2))
	items := make([]synctest.Item, benchItems)
	body := strings.Repeat("本村道路维修工程已完成验收，现将有关情况公示如下。", 12)
	for i := range items {
		items[i] = synctest.Item{
			ID: fmt.Sprintf("item-%05d", i), Title: fmt.Sprintf("东湾村第%d号公告", i), Category: "village",
			Locations: []string{"all"}, Body: fmt.Sprintf("%s 编号 %d。", body, i),
		}
		if i < benchAttachments {
			data := make([]byte, benchAttSize)
			for j := 0; j < len(data); j += 8 {
				v := r.Uint64()
				for k := 0; k < 8; k++ {
					data[j+k] = byte(v >> (8 * k))
				}
			}
			items[i].Attachments = map[string][]byte{fmt.Sprintf("att-%05d.bin", i): data}
		}
	}
	synctest.WriteSource(b, src, items)
	synctest.Publish(b, src, dir, priv, time.Time{})
	if err := os.WriteFile(pubPath, pub, 0o644); err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(src)
	return dir, pub
}

// plainFetch downloads the manifest and every object of the feed with n
// parallel connections into dst, as curl or wget would: no verification,
// no store. It is the floor a sync is compared against. With dst "" the
// bytes are discarded: the network-only floor, free of the disk's noise.
func plainFetch(b *testing.B, base string, paths []string, dst string, n int) int64 {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, DisableCompression: true}}
	jobs := make(chan string)
	errs := make(chan error, n)
	total := make(chan int64, n)
	for range n {
		go func() {
			var got int64
			var first error
			for p := range jobs {
				resp, err := client.Get(base + p)
				if err != nil {
					first = err
					continue
				}
				var w int64
				if dst == "" {
					w, err = io.Copy(io.Discard, resp.Body)
				} else {
					out := filepath.Join(dst, filepath.FromSlash(p))
					os.MkdirAll(filepath.Dir(out), 0o755)
					var f *os.File
					if f, err = os.Create(out); err == nil {
						w, err = io.Copy(f, resp.Body)
						f.Close()
					}
				}
				got += w
				resp.Body.Close()
				if err != nil && first == nil {
					first = err
				}
			}
			errs <- first
			total <- got
		}()
	}
	for _, p := range paths {
		jobs <- p
	}
	close(jobs)
	var sum int64
	for range n {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
		sum += <-total
	}
	return sum
}

func feedPaths(b *testing.B, dir string) []string {
	m := synctest.ReadManifest(b, dir)
	raw, _ := os.ReadFile(filepath.Join(dir, feed.ManifestFile))
	paths := []string{feed.ManifestFile, feed.SignaturePath(feed.Sum(raw))}
	for _, o := range m.Objects() {
		paths = append(paths, o.Path())
	}
	return paths
}

// curlFetch is the same download by curl --parallel, when curl is there.
func curlFetch(b *testing.B, base string, paths []string, dst string, n int) (time.Duration, bool) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		return 0, false
	}
	var cfg strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&cfg, "url = \"%s%s\"\noutput = \"%s\"\n", base, p, filepath.Join(dst, filepath.FromSlash(p)))
	}
	cfgFile := filepath.Join(dst, "curl.cfg")
	os.WriteFile(cfgFile, []byte(cfg.String()), 0o600)
	start := time.Now()
	cmd := exec.Command(curl, "--silent", "--fail", "--create-dirs", "--parallel", "--parallel-max", fmt.Sprint(n), "--config", cfgFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Logf("curl: %v %s", err, out)
		return 0, false
	}
	return time.Since(start), true
}

func newBenchScreen(b *testing.B, pub []byte) (*store.Store, *fixture) {
	dir, cfg := synctest.InitScreen(b, pub)
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return st, &fixture{dir: dir, cfg: cfg, st: st}
}

// BenchmarkSyncNginxFirst: the first sync of 10,000 items and 200 MiB of
// attachments from nginx on loopback, against a plain parallel download of
// the same files (Go to disk, Go to nowhere, and curl --parallel to disk)
// in the same run, with the same parallelism. Metrics: seconds of each and
// the ratios of the sync to each.
func BenchmarkSyncNginxFirst(b *testing.B) {
	dir, pub := benchFeed(b)
	url, _ := startNginx(b, dir)
	paths := feedPaths(b, dir)
	var syncTime, plainTime, curlTime, discardTime time.Duration
	curlOK := true
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dst := b.TempDir()
		start := time.Now()
		plainFetch(b, url, paths, dst, benchParallel)
		plainTime += time.Since(start)
		os.RemoveAll(dst)
		start = time.Now()
		plainFetch(b, url, paths, "", benchParallel)
		discardTime += time.Since(start)
		if curlOK {
			dst := b.TempDir()
			d, ok := curlFetch(b, url, paths, dst, benchParallel)
			curlTime, curlOK = curlTime+d, ok
			os.RemoveAll(dst)
		}
		st, f := newBenchScreen(b, pub)
		src, err := NewHTTP(url, filepath.Join(f.dir, "http"), DefaultTimeouts, DefaultRetry)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start = time.Now()
		res, err := Run(context.Background(), st, f.cfg, src, Options{Parallel: benchParallel})
		syncTime += time.Since(start)
		b.StopTimer()
		if err != nil || res.Changes.Added != benchItems {
			b.Fatalf("sync: %+v %v", res, err)
		}
		st.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(syncTime.Seconds()/n, "sync-s")
	b.ReportMetric(plainTime.Seconds()/n, "gofetch-s")
	b.ReportMetric(syncTime.Seconds()/plainTime.Seconds(), "sync/gofetch")
	b.ReportMetric(discardTime.Seconds()/n, "discard-s")
	b.ReportMetric(syncTime.Seconds()/discardTime.Seconds(), "sync/discard")
	if curlOK {
		b.ReportMetric(curlTime.Seconds()/n, "curl-s")
		b.ReportMetric(syncTime.Seconds()/curlTime.Seconds(), "sync/curl")
	}
}

// BenchmarkSyncNginxUnchanged: a sync of the same big feed when nothing
// changed: one conditional request answered 304, and the stored version
// confirmed.
func BenchmarkSyncNginxUnchanged(b *testing.B) {
	dir, pub := benchFeed(b)
	url, _ := startNginx(b, dir)
	st, f := newBenchScreen(b, pub)
	defer st.Close()
	src, err := NewHTTP(url, filepath.Join(f.dir, "http"), DefaultTimeouts, DefaultRetry)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Run(context.Background(), st, f.cfg, src, Options{Parallel: benchParallel}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		res, err := Run(context.Background(), st, f.cfg, src, Options{})
		if err != nil || !res.Unchanged {
			b.Fatalf("resync: %+v %v", res, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}
