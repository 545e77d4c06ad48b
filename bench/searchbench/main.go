// Command searchbench measures search and Apply at 100,000 and 1,000,000
// notices for scripts/bench.sh (the search section of BENCHMARKS.md). It
// works on the store directly, with the corpus every peer uses
// (bench/corpus, seed 7):
//
//	searchbench build -n N -data DIR    provision a screen (init, then one
//	                                    Apply of N notices, dates moved so
//	                                    validity lies around today); prints
//	                                    "build N APPLY-MS DB-BYTES"
//	searchbench rawput -n N -db FILE    the same item bytes put into a bare
//	                                    bbolt file in one transaction;
//	                                    prints "rawput N MS"
//	searchbench cold -data DIR QUERY    in this new process: open, then the
//	                                    first page of 20 and the count;
//	                                    prints "cold QUERY OPEN-MS PAGE-MS COUNT-MS HITS
//	                                    PAGE-CPU-MS PAGE-FAULTS" (the page's CPU
//	                                    time and page faults, all threads: what
//	                                    a loaded machine does not inflate)
//	searchbench open -data DIR          in this new process: the read-write
//	                                    open a kiosk or sync makes at start;
//	                                    prints "open MS CPU-MS MAJOR-FAULTS
//	                                    MINOR-FAULTS" (drop the page cache
//	                                    first for a cold figure)
//	searchbench queries                 the query classes: "CLASS QUERY" lines
//	searchbench run -runs R -- CMD...   runs a command R times; prints
//	                                    "run MEDIAN-MS MAX-MS PEAK-RSS-MB MEDIAN-CPU-MS"
//	                                    (the whole command, as a user meets
//	                                    it; peak resident set of the worst)
//	searchbench lists -data DIR         the kiosk's reads of whole lists,
//	                                    the read of every visible record
//	                                    they replace beside each; prints
//	                                    "lists READ MS ALLOC-MB RESULTS"
//	                                    (median of 5; heap allocated by one)
//	searchbench warm -data DIR          every query class, page of 20, count
//	                                    and all hits, repeated; prints
//	                                    "warm CLASS KIND P50-MS P99-MS HITS"
//	                                    and each query's count,
//	                                    "hits CLASS QUERY N"
//
// A screen at 1,000,000 notices cannot go through publish and sync in a
// benchmark's time (a million files, each fsynced); build applies the same
// signed update those would, without the files.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/bench/corpus"
	"gongkai/boltfile"
	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: searchbench build|rawput|cold|warm ...")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	n := fs.Int("n", 100_000, "notices")
	data := fs.String("data", "", "screen data directory")
	db := fs.String("db", "", "bbolt file (rawput)")
	rounds := fs.Int("rounds", 25, "warm: rounds of each query")
	runs := fs.Int("runs", 10, "run: times to run the command")
	_ = fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "build":
		err = build(*data, *n)
	case "feed":
		err = writeFeed(*data, *n)
	case "rawput":
		err = rawput(*db, *n)
	case "cold":
		err = cold(*data, fs.Args())
	case "warm":
		err = warm(*data, *rounds)
	case "lists":
		err = lists(*data)
	case "open":
		err = openRW(*data)
	case "queries":
		for _, c := range corpus.Queries {
			for _, q := range c.Queries {
				fmt.Printf("%s\t%s\n", c.Name, q)
			}
		}
	case "run":
		err = run(*runs, fs.Args())
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		log.Fatal("searchbench: ", err)
	}
}

// today moves the corpus's dates (around corpus.Now) to around today, as
// bench/feedgen does, so a kiosk started on the screen shows them.
func shift(d string, days int) feed.Date {
	if d == "" {
		return ""
	}
	t, _ := time.Parse(time.DateOnly, d)
	return feed.Date(t.AddDate(0, 0, days).Format(time.DateOnly))
}

// daysToToday is how far the corpus's dates move.
func daysToToday() int {
	return int(time.Now().UTC().Truncate(24*time.Hour).Sub(corpus.Now.Truncate(24*time.Hour)).Hours() / 24)
}

// atFile keeps, beside the store, the moment searches are run at: the
// corpus's own (corpus.Now), moved as the dates were, so every peer sees
// the same notices as visible.
const atFile = "searchbench.at"

func searchAt(dir string) (time.Time, error) {
	b, err := os.ReadFile(filepath.Join(dir, atFile))
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339, string(b))
}

// update signs one manifest of n notices with a new key.
func update(n int) (store.Update, []byte, error) {
	u, pub, _, err := signedUpdate(n)
	return u, pub, err
}

// signedUpdate is update with the manifest's signature file.
func signedUpdate(n int) (u store.Update, pubText, sig []byte, err error) {
	pub, priv, err := feed.GenerateKey()
	if err != nil {
		return store.Update{}, nil, nil, err
	}
	days := daysToToday()
	issued := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	m := &feed.Manifest{
		FeedID: "bench-town", Title: "金泽镇政务公开", Version: 1, IssuedAt: issued,
		Expires: issued.AddDate(1, 0, 0), Timezone: "Asia/Shanghai",
		Categories: []feed.Category{{ID: "land", Name: corpus.CategoryNames["land"]}, {ID: "school", Name: corpus.CategoryNames["school"]},
			{ID: "village", Name: corpus.CategoryNames["village"]}},
		Locations: []feed.Place{{Code: corpus.Town, Name: "金泽镇"}},
	}
	for i := range 15 {
		m.Locations = append(m.Locations, feed.Place{Code: corpus.Village(i), Name: fmt.Sprintf("第%d村", i+1)})
	}
	objs := make(map[string][]byte, n)
	for _, c := range corpus.Notices(n, 7) {
		it := feed.Item{ID: c.ID, Title: c.Title, Category: c.Category, Agency: c.Agency, DocNo: c.DocNo,
			Published: shift(c.Published, days), ValidFrom: shift(c.ValidFrom, days), ValidUntil: shift(c.ValidUntil, days),
			Locations: c.Locations, Withdrawn: c.Withdrawn, Priority: c.Priority, Body: c.Body}
		raw, err := feed.EncodeItem(&it)
		if err != nil {
			return store.Update{}, nil, nil, err
		}
		sum := feed.Sum(raw)
		objs[sum] = raw
		m.Items = append(m.Items, feed.ItemRef{ID: it.ID, Object: feed.Object{SHA256: sum, Size: int64(len(raw))}})
	}
	// Sharded as publish shards a feed this large (over feed.ShardAbove).
	raw, shards, err := feed.EncodeSharded(m, feed.ShardCount(n))
	if err != nil {
		return store.Update{}, nil, nil, err
	}
	sig = feed.Sign(raw, priv)
	v, err := feed.Verify(raw, sig, feed.Trust{Key: pub, Now: issued})
	if err != nil {
		return store.Update{}, nil, nil, err
	}
	if err := v.Expand(shards); err != nil {
		return store.Update{}, nil, nil, err
	}
	// as sync hands them to Apply: checked and decoded as they were fetched
	checked := make(map[string]*feed.CheckedItem, len(objs))
	for _, ref := range v.Items {
		if checked[ref.SHA256], err = feed.CheckItem(objs[ref.SHA256], ref, v.Manifest); err != nil {
			return store.Update{}, nil, nil, err
		}
	}
	return store.Update{Manifest: v, Items: objs, Checked: checked, Source: "searchbench", At: issued}, feed.EncodePublicKey(pub), sig, nil
}

func build(dir string, n int) error {
	u, pub, err := update(n)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := config.Init(dir, config.Config{Location: corpus.Village(0)}, pub); err != nil {
		return err
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := st.Apply(u); err != nil {
		return err
	}
	took := time.Since(start)
	if err := st.Close(); err != nil {
		return err
	}
	fi, err := os.Stat(filepath.Join(dir, "store.db"))
	if err != nil {
		return err
	}
	at := corpus.Now.AddDate(0, 0, daysToToday()).Format(time.RFC3339)
	if err := os.WriteFile(filepath.Join(dir, atFile), []byte(at), 0o644); err != nil {
		return err
	}
	fmt.Printf("build\t%d\t%.0f\t%d\n", n, ms(took), fi.Size())
	return nil
}

// writeFeed writes the n notices as a signed static feed in dir/feed
// (its manifest sharded as publish would shard it) and the key in
// dir/publisher.pub: a large feed for sync to read from nginx, without
// the hours publish spends on a million Markdown files' fsyncs.
func writeFeed(dir string, n int) error {
	u, pub, sig, err := signedUpdate(n)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	root := filepath.Join(dir, "feed")
	put := func(rel string, data []byte) error {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, data, 0o644)
	}
	v := u.Manifest
	for _, ref := range v.Items {
		if err := put(ref.Path(), u.Items[ref.SHA256]); err != nil {
			return err
		}
	}
	for i, o := range v.Shards {
		if err := put(o.Path(), v.ShardBytes()[i]); err != nil {
			return err
		}
	}
	if err := put(feed.SignaturePath(v.Sum()), sig); err != nil {
		return err
	}
	if err := put(feed.ManifestFile, v.Raw()); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "publisher.pub"), pub, 0o644); err != nil {
		return err
	}
	fmt.Printf("feed\t%d\t%d shards\t%d bytes of manifest\n", n, len(v.Shards), len(v.Raw()))
	return nil
}

// rawput is the floor Apply is measured against: the same item bytes put
// into bbolt in one transaction, no checks and no indexes, with the store's
// bbolt options (as store's BenchmarkRawPut10k).
func rawput(path string, n int) error {
	u, _, err := update(n)
	if err != nil {
		return err
	}
	os.Remove(path)
	db, err := bolt.Open(path, 0o600, boltfile.Bolt(boltfile.Options{Timeout: 5 * time.Second}))
	if err != nil {
		return err
	}
	defer os.Remove(path)
	defer db.Close()
	start := time.Now()
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("items"))
		if err != nil {
			return err
		}
		for _, ref := range u.Manifest.Items {
			if err := b.Put([]byte(ref.ID), u.Items[ref.SHA256]); err != nil {
				return err
			}
		}
		return nil
	})
	fmt.Printf("rawput\t%d\t%.0f\n", n, ms(time.Since(start)))
	return err
}

func openRO(dir string) (*store.Store, *config.Config, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(dir, store.Options{ReadOnly: true})
	return st, cfg, err
}

// openAt opens the screen at dir read-only, with the moment its corpus
// is searched at.
func openAt(dir string) (*store.Store, *config.Config, time.Time, error) {
	st, cfg, err := openRO(dir)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	now, err := searchAt(dir)
	if err != nil {
		st.Close()
		return nil, nil, time.Time{}, err
	}
	return st, cfg, now, nil
}

func openRW(dir string) error {
	var r1, r2 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	t0 := time.Now()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		return err
	}
	took := time.Since(t0)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r2)
	if err := st.Close(); err != nil {
		return err
	}
	cpu := time.Duration(r2.Utime.Nano() + r2.Stime.Nano() - r1.Utime.Nano() - r1.Stime.Nano())
	fmt.Printf("open\t%.1f\t%.1f\t%d\t%d\n", ms(took), ms(cpu), r2.Majflt-r1.Majflt, r2.Minflt-r1.Minflt)
	return nil
}

func cold(dir string, queries []string) error {
	if len(queries) != 1 {
		return fmt.Errorf("cold: one query per process")
	}
	q := queries[0]
	t0 := time.Now()
	st, cfg, now, err := openAt(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	var r1, r2 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	t1 := time.Now()
	hits, err := st.SearchPage(q, cfg.Location, now, 0, 20)
	if err != nil {
		return err
	}
	t2 := time.Now()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r2)
	cpu := time.Duration(r2.Utime.Nano() + r2.Stime.Nano() - r1.Utime.Nano() - r1.Stime.Nano())
	n, err := st.SearchCount(q, cfg.Location, now)
	if err != nil {
		return err
	}
	t3 := time.Now()
	if len(hits) != min(n, 20) {
		return fmt.Errorf("%q: page of %d but %d hits", q, len(hits), n)
	}
	fmt.Printf("cold\t%s\t%.3f\t%.3f\t%.3f\t%d\t%.3f\t%d\n", q, ms(t1.Sub(t0)), ms(t2.Sub(t1)), ms(t3.Sub(t2)), n,
		ms(cpu), r2.Minflt-r1.Minflt)
	return nil
}

func warm(dir string, rounds int) error {
	st, cfg, now, err := openAt(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, class := range corpus.Queries {
		for _, kind := range []string{"page", "count", "all"} {
			var wall []time.Duration
			hits := 0
			n := rounds
			if kind == "all" {
				n = max(3, rounds/5) // thousands of records a query
			}
			for r := range n {
				for _, q := range class.Queries {
					t0 := time.Now()
					var got int
					switch kind {
					case "page":
						h, e := st.SearchPage(q, cfg.Location, now, 0, 20)
						got, err = len(h), e
					case "count":
						got, err = st.SearchCount(q, cfg.Location, now)
					case "all":
						h, e := st.Find(q, cfg.Location, now)
						got, err = len(h), e
					}
					if err != nil {
						return err
					}
					if r > 0 { // the first round warms the pages of the file
						wall = append(wall, time.Since(t0))
						hits += got
					}
				}
			}
			fmt.Printf("warm\t%s\t%s\t%.3f\t%.3f\t%.0f\n", class.Name, kind, pct(wall, 0.5), pct(wall, 0.99), float64(hits)/float64(len(wall)))
			if kind == "count" {
				for _, q := range class.Queries {
					n, err := st.SearchCount(q, cfg.Location, now)
					if err != nil {
						return err
					}
					fmt.Printf("hits\t%s\t%s\t%d\n", class.Name, q, n)
				}
			}
		}
	}
	return nil
}

// lists times the reads a kiosk makes of whole lists — a topic's page,
// the home's important notices, the display log's ids, the display's
// rotation — beside the read of every visible record each replaced.
func lists(dir string) error {
	st, cfg, now, err := openAt(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	loc := cfg.Location
	reads := []struct {
		name string
		read func() (int, error)
	}{
		{"Visible(land): the topic read whole", func() (int, error) { l, err := st.Visible(loc, "land", now); return len(l), err }},
		{"ListPage(land, 0, 60): its first chunk", func() (int, error) { l, _, err := st.ListPage(loc, "land", now, false, 0, 60); return len(l), err }},
		{"ListPage(land, 6000, 60): a chunk 100 pages in", func() (int, error) { l, _, err := st.ListPage(loc, "land", now, false, 6000, 60); return len(l), err }},
		{"Important(30): the home", func() (int, error) { l, _, err := st.Important(loc, now, 30); return len(l), err }},
		{"Important(all)", func() (int, error) { l, _, err := st.Important(loc, now, 0); return len(l), err }},
		{"Visible: every visible record", func() (int, error) { l, err := st.Visible(loc, "", now); return len(l), err }},
		{"VisibleIDs: the display log", func() (int, error) { l, err := st.VisibleIDs(loc, now); return len(l), err }},
		{"VisibleRefs: the display's rotation", func() (int, error) { l, err := st.VisibleRefs(loc, now); return len(l), err }},
	}
	for _, r := range reads {
		var wall []time.Duration
		var alloc uint64
		n := 0
		for i := range 5 {
			var m1, m2 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m1)
			t0 := time.Now()
			if n, err = r.read(); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			wall = append(wall, time.Since(t0))
			runtime.ReadMemStats(&m2)
			if i == 0 {
				alloc = m2.TotalAlloc - m1.TotalAlloc
			}
		}
		fmt.Printf("lists\t%s\t%.1f\t%.1f\t%d\n", r.name, pct(wall, 0.5), float64(alloc)/(1<<20), n)
	}
	return nil
}

func run(runs int, argv []string) error {
	if len(argv) == 0 {
		return fmt.Errorf("run: no command")
	}
	var wall, cpu []time.Duration
	var peak int64
	for range runs {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", argv, err)
		}
		wall = append(wall, time.Since(t0))
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, int64(ru.Maxrss)) // KiB on Linux; int32 on 32-bit ARM
		}
		cpu = append(cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
	}
	fmt.Printf("run\t%.1f\t%.1f\t%.1f\t%.1f\n", pct(wall, 0.5), pct(wall, 1), float64(peak)/1024, pct(cpu, 0.5))
	return nil
}

func pct(d []time.Duration, p float64) float64 {
	slices.Sort(d)
	return ms(d[min(len(d)-1, int(p*float64(len(d))))])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
