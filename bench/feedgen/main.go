// Command feedgen writes a publisher source folder of N generated notices
// (bench/corpus) for the screen and torture benchmarks, with every date
// moved so that the validity windows lie around today.
//
//	go run ./bench/feedgen -n 10000 -out DIR
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gongkai/bench/corpus"
)

func main() {
	n := flag.Int("n", 10_000, "number of notices")
	out := flag.String("out", "", "source folder to write (replaced)")
	flag.Parse()
	if *out == "" {
		log.Fatal("feedgen: --out is required")
	}
	if err := write(*out, *n); err != nil {
		log.Fatal("feedgen: ", err)
	}
}

func write(dir string, n int) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "items"), 0o755); err != nil {
		return err
	}
	var y strings.Builder
	y.WriteString("id: bench-town\ntitle: 金泽镇政务公开\ntimezone: Asia/Shanghai\ncategories:\n" +
		"  - {id: land, name: 土地征收}\n  - {id: school, name: 义务入学}\n  - {id: village, name: 村务居务}\n" +
		"locations:\n  - {code: \"" + corpus.Town + "\", name: 金泽镇}\n")
	for i := range 15 {
		fmt.Fprintf(&y, "  - {code: \"%s\", name: 第%d村}\n", corpus.Village(i), i+1)
	}
	if err := os.WriteFile(filepath.Join(dir, "feed.yaml"), []byte(y.String()), 0o644); err != nil {
		return err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	shift := int(today.Sub(corpus.Now.Truncate(24*time.Hour)).Hours() / 24)
	move := func(d string) string {
		if d == "" {
			return ""
		}
		t, _ := time.Parse(time.DateOnly, d)
		return t.AddDate(0, 0, shift).Format(time.DateOnly)
	}
	for _, it := range corpus.Notices(n, 7) {
		var b strings.Builder
		fmt.Fprintf(&b, "---\nid: %s\ntitle: %q\ncategory: %s\nagency: %q\npublished: %s\nlocations: [%q]\npriority: %s\n",
			it.ID, it.Title, it.Category, it.Agency, move(it.Published), it.Locations[0], it.Priority)
		if it.DocNo != "" {
			fmt.Fprintf(&b, "doc_no: %q\n", it.DocNo)
		}
		if it.ValidFrom != "" {
			fmt.Fprintf(&b, "valid_from: %s\nvalid_until: %s\n", move(it.ValidFrom), move(it.ValidUntil))
		}
		if it.Withdrawn != "" {
			fmt.Fprintf(&b, "withdrawn: %q\n", it.Withdrawn)
		}
		fmt.Fprintf(&b, "---\n%s\n", it.Body)
		if err := os.WriteFile(filepath.Join(dir, "items", it.ID+".md"), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
