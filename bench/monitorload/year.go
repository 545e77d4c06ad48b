package main

import (
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
	"gongkai/monitor"
	"gongkai/monitor/wire"
	"gongkai/proof"
)

// year is a year of n screens on a simulated clock, in this process: a
// heartbeat every 2 hours (the state is overwritten; what grows — events, uptime
// — is per day), a proof upload every 6 hours from a real display log
// whose 20-notice rotation changes each time (and which rolls its entries
// into daily summaries after 35 days, as on a screen), and, in the last
// ten days, an hourly screenshot (the monitor keeps 24 and one a day for
// a week: the steady state). It prints the disk per screen after a year,
// by bucket, and the proof uploads' latency against a mature chain.
func year(dir string, n, days int) error {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	started := clock
	now := func() time.Time { return clock }
	mdir := filepath.Join(dir, "monitor")
	srv, err := monitor.Open(mdir, monitor.Options{Clock: now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	client := hs.Client()
	base := hs.URL + "/"
	devs := make([]*device, n)
	for i := range devs {
		pub, key, _ := feed.GenerateKey()
		d := &device{key: key, pub: pub, village: "310118901201"}
		if err := srv.Enroll(pub, fmt.Sprintf("屏幕%d", i), d.village, "bench"); err != nil {
			return err
		}
		ldir := filepath.Join(dir, "logs", feed.KeyID(pub))
		os.MkdirAll(ldir, 0o700)
		if d.log, err = proof.Open(ldir, key, now); err != nil {
			return err
		}
		d.log.ProgramUp()
		d.log.ScreenOn(true)
		devs[i] = d
	}
	shot := screenshotJPEG()
	mature := &latencies{}
	var proofBytes, proofs int
	rnd := rand.New(rand.NewPCG(1, 1))
	for day := range days {
		for hour := range 24 {
			clock = clock.Add(time.Hour)
			for _, d := range devs {
				d.log.Tick()
				if hour%2 == 0 { // the state is overwritten: every other hour grows the same
					body, _ := heartbeatAt(d, clock, started)
					if _, err := upload(client, base, "heartbeat", d, body); err != nil {
						return fmt.Errorf("day %d: %w", day, err)
					}
				}
				if day >= days-10 {
					if _, err := upload(client, base, "screenshot", d, shot); err != nil {
						return fmt.Errorf("day %d: %w", day, err)
					}
				}
				if hour%6 == 5 {
					var ids []string
					for i := range 20 {
						ids = append(ids, fmt.Sprintf("land-2026-%03d", (i+rnd.IntN(5))%25))
					}
					d.log.Showing("display", ids)
					body, err := d.cut(clock)
					if err != nil {
						return err
					}
					t := time.Now()
					ans, err := upload(client, base, "proof", d, body)
					if err != nil {
						return fmt.Errorf("day %d proof: %w", day, err)
					}
					if day >= days-30 {
						mature.add(time.Since(t))
					}
					proofBytes += len(body)
					proofs++
					d.chain = ans.Chain
				}
			}
		}
		if day%30 == 29 {
			log.Printf("day %d of %d", day+1, days)
		}
	}
	for _, d := range devs {
		d.log.Close()
	}
	srv.Close()

	sizes, err := bucketBytes(filepath.Join(mdir, "monitor.db"))
	if err != nil {
		return err
	}
	db := fileSize(filepath.Join(mdir, "monitor.db"))
	shots := dirSize(filepath.Join(mdir, "shots"))
	var logs int64
	for _, d := range devs {
		logs += fileSize(filepath.Join(dir, "logs", feed.KeyID(d.pub), "display.db"))
	}
	per := func(b int64) string { return fmt.Sprintf("%.0f KiB", float64(b)/float64(n)/1024) }
	fmt.Printf("%d screens, %d simulated days: a heartbeat every 2 hours, a proof upload every 6 hours (20 notices, the set changing each time), hourly screenshots the last 10 days.\n\n", n, days)
	fmt.Println("| Per screen after the year | Bytes |")
	fmt.Println("|---|---:|")
	fmt.Printf("| monitor.db file (bbolt pages, free pages included) | %s |\n", per(db))
	names := make([]string, 0, len(sizes))
	for k := range sizes {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if sizes[k] > 0 {
			fmt.Printf("| — in bucket %s (keys and values) | %s |\n", k, per(sizes[k]))
		}
	}
	fmt.Printf("| screenshots kept (24 hourly + 7 daily, with thumbnails) | %s |\n", per(shots))
	fmt.Printf("| the screen's own display.db, for comparison | %s |\n", per(logs))
	fmt.Printf("| proof upload, mean compressed size | %.1f KiB |\n", float64(proofBytes)/float64(proofs)/1024)
	fmt.Printf("| proof upload latency, last 30 days (35 days of entries and summaries held): p50 / p99 | %s / %s |\n", ms(mature.q(0.5)), ms(mature.q(0.99)))
	return nil
}

func heartbeatAt(d *device, at, started time.Time) ([]byte, error) {
	body, err := heartbeat(d)
	if err != nil {
		return nil, err
	}
	var h wire.Heartbeat
	json.Unmarshal(body, &h)
	h.At, h.Started = at, started
	return json.Marshal(h)
}

// cut is the device's export cut to follow the monitor's copy.
func (d *device) cut(at time.Time) ([]byte, error) {
	full, err := d.log.Export(func(proof.Records) (proof.Report, error) {
		return proof.NewReport(d.pub, nil, time.UTC, proof.Hours{}, at), nil
	})
	if err != nil {
		return nil, err
	}
	up := wire.ProofUpload{Export: full}
	if d.chain != (wire.Chain{}) {
		var x proof.Export
		json.Unmarshal(full, &x)
		x.Summaries = slices.DeleteFunc(x.Summaries, func(s proof.SummaryJSON) bool { return s.FirstSeq <= d.chain.Summarized })
		x.Entries = slices.DeleteFunc(x.Entries, func(e proof.EntryJSON) bool { return e.Seq <= d.chain.Seq })
		raw, err := wire.Marshal(x)
		if err != nil {
			return nil, err
		}
		up = wire.ProofUpload{Base: d.chain, Export: raw}
	}
	return wire.EncodeProof(up)
}

// bucketBytes sums the keys and values of each bucket of a bbolt file.
func bucketBytes(path string) (map[string]int64, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := map[string]int64{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out[string(name)] += int64(len(k) + len(v))
				return nil
			})
		})
	})
	return out, err
}
