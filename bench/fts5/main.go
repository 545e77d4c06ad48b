// Command fts5 is the search benchmark's peer: SQLite FTS5 with the trigram
// tokenizer (modernc.org/sqlite, pure Go) over the same 100,000 generated
// notices (gongkai/bench/corpus) and the same queries as the store's
// BenchmarkSearch. It lives in its own module so SQLite stays out of the
// program's.
//
// Trigram FTS5 cannot index queries under three characters: MATCH finds
// nothing for them. They are timed both ways — MATCH (fast, wrong) and the
// LIKE scan SQLite falls back to (right, reads every row) — and each class's
// hits are compared with a brute-force reference.
//
// Pinyin has no place in SQLite: the peer gets two extra indexed columns,
// the full pinyin and the pinyin initials of each notice's text, and ASCII
// queries (spaces removed) match either.
//
// Output: tab-separated lines, the reference count of every query, then
// one line per class and limit:
//
//	size BYTES (of the database)
//	ref CLASS QUERY HITS
//	fts5 CLASS LIMIT P50-MS P99-MS HITS/OP REF-HITS/OP CORRECT
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mozillazg/go-pinyin"
	_ "modernc.org/sqlite"

	"gongkai/bench/corpus"
)

func main() {
	n := flag.Int("n", 100_000, "notices")
	dbPath := flag.String("db", "", "SQLite database, built on first use (default /tmp/gongkai-fts5-bench-v2-N.db)")
	minTime := flag.Duration("time", time.Second, "time per class and limit")
	apply := flag.Bool("apply", false, "time building the database against plain inserts of the same rows, and stop")
	flag.Parse()
	log.SetFlags(0)
	if *apply {
		if err := applyRatio(*n); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *dbPath == "" {
		*dbPath = fmt.Sprintf("/tmp/gongkai-fts5-bench-v2-%d.db", *n)
	}

	notices := corpus.Notices(*n, 7)
	db, err := open(*dbPath, notices)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if fi, err := os.Stat(*dbPath); err == nil {
		fmt.Printf("size\t%d\n", fi.Size())
	}

	screen, day := corpus.Village(0), corpus.Now.Format(time.DateOnly)
	refs := newReference(notices)
	for _, class := range corpus.Queries {
		for _, q := range class.Queries {
			fmt.Printf("ref\t%s\t%s\t%d\n", class.Name, q, refs.count(q, screen, day, 0))
		}
	}
	for _, limit := range []int{20, 0} {
		for _, class := range corpus.Queries {
			methods := []string{"match"}
			if short(class) {
				methods = append(methods, "like")
			}
			for _, m := range methods {
				var wall []time.Duration
				hits, ref, n := 0, 0, 0
				for start := time.Now(); time.Since(start) < *minTime || n < 2*len(class.Queries); n++ {
					q := class.Queries[n%len(class.Queries)]
					t0 := time.Now()
					h, err := search(db, m, q, screen, day, limit)
					wall = append(wall, time.Since(t0))
					if err != nil {
						log.Fatalf("%s %q: %v", m, q, err)
					}
					hits += h
					ref += refs.count(q, screen, day, limit)
				}
				name := class.Name
				if m == "like" {
					name += "-like"
				}
				correct := "yes"
				if hits != ref {
					correct = "no"
				}
				fmt.Printf("fts5\t%s\t%d\t%.3f\t%.3f\t%.1f\t%.1f\t%s\n", name, limit, pct(wall, 0.5), pct(wall, 0.99),
					float64(hits)/float64(n), float64(ref)/float64(n), correct)
			}
		}
	}
}

func short(c corpus.QueryClass) bool {
	return c.Name == "1char" || c.Name == "2chars"
}

func pct(d []time.Duration, p float64) float64 {
	slices.Sort(d)
	return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
}

const schema = `
CREATE TABLE notices (id TEXT, loc TEXT, valid_from TEXT, valid_until TEXT, withdrawn TEXT, published TEXT);
CREATE VIRTUAL TABLE fts USING fts5(text, py, ini, tokenize = 'trigram');
CREATE INDEX by_published ON notices(published);
`

// open opens the database, building it (one transaction, as Apply does)
// when it is not complete.
func open(path string, notices []corpus.Notice) (*sql.DB, error) {
	if _, err := os.Stat(path + ".complete"); err == nil {
		return sql.Open("sqlite", "file:"+path+"?mode=ro")
	}
	os.Remove(path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := db.Exec(schema); err != nil {
		return nil, err
	}
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	ins, _ := tx.Prepare(`INSERT INTO notices(rowid, id, loc, valid_from, valid_until, withdrawn, published) VALUES (?,?,?,?,?,?,?)`)
	insFTS, _ := tx.Prepare(`INSERT INTO fts(rowid, text, py, ini) VALUES (?,?,?,?)`)
	for i, n := range notices {
		text := text(n)
		py, ini := pinyinOf(text)
		if _, err := ins.Exec(i+1, n.ID, n.Locations[0], n.ValidFrom, n.ValidUntil, n.Withdrawn, n.Published); err != nil {
			return nil, err
		}
		if _, err := insFTS.Exec(i+1, text, py, ini); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	log.Printf("fts5: built %d notices in %s", len(notices), time.Since(start).Round(time.Millisecond))
	db.Close()
	if err := os.WriteFile(path+".complete", nil, 0o644); err != nil {
		return nil, err
	}
	return sql.Open("sqlite", "file:"+path+"?mode=ro")
}

// applyRatio prints what the FTS5 peer's index costs over the rows it
// indexes, as Apply is measured against raw bbolt puts: the database built
// as open builds it (one transaction, rows and trigram index) against the
// same rows inserted into plain tables, each into a new file; pinyin is
// worked out before either clock starts. Output:
//
//	apply N FTS5-MS PLAIN-MS
func applyRatio(n int) error {
	notices := corpus.Notices(n, 7)
	type row struct{ text, py, ini string }
	rows := make([]row, len(notices))
	for i, nt := range notices {
		rows[i].text = text(nt)
		rows[i].py, rows[i].ini = pinyinOf(rows[i].text)
	}
	build := func(schema string) (time.Duration, error) {
		path := fmt.Sprintf("%s/gongkai-fts5-apply-%d.db", os.TempDir(), os.Getpid())
		os.Remove(path)
		defer os.Remove(path)
		db, err := sql.Open("sqlite", path)
		if err != nil {
			return 0, err
		}
		defer db.Close()
		start := time.Now()
		if _, err := db.Exec(schema); err != nil {
			return 0, err
		}
		tx, err := db.Begin()
		if err != nil {
			return 0, err
		}
		ins, _ := tx.Prepare(`INSERT INTO notices(rowid, id, loc, valid_from, valid_until, withdrawn, published) VALUES (?,?,?,?,?,?,?)`)
		insFTS, _ := tx.Prepare(`INSERT INTO fts(rowid, text, py, ini) VALUES (?,?,?,?)`)
		for i, nt := range notices {
			if _, err := ins.Exec(i+1, nt.ID, nt.Locations[0], nt.ValidFrom, nt.ValidUntil, nt.Withdrawn, nt.Published); err != nil {
				return 0, err
			}
			if _, err := insFTS.Exec(i+1, rows[i].text, rows[i].py, rows[i].ini); err != nil {
				return 0, err
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		return time.Since(start), nil
	}
	indexed, err := build(schema)
	if err != nil {
		return err
	}
	plain, err := build(`CREATE TABLE notices (id TEXT, loc TEXT, valid_from TEXT, valid_until TEXT, withdrawn TEXT, published TEXT);
CREATE TABLE fts (text TEXT, py TEXT, ini TEXT);`)
	if err != nil {
		return err
	}
	fmt.Printf("apply\t%d\t%.0f\t%.0f\n", n, float64(indexed.Microseconds())/1000, float64(plain.Microseconds())/1000)
	return nil
}

// text is what the store searches: title, topic (the category's name, as
// bench/feedgen and bench/searchbench declare them), agency, document
// number, body.
func text(n corpus.Notice) string {
	return n.Title + "\n" + corpus.CategoryNames[n.Category] + "\n" + n.Agency + "\n" + n.DocNo + "\n" + n.Body
}

var pyArgs = pinyin.NewArgs()

// pinyinOf gives the full pinyin (syllables run together) and the initials
// of the Han characters of s; other characters are dropped.
func pinyinOf(s string) (full, initials string) {
	var f, i strings.Builder
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			continue
		}
		if p := pinyin.SinglePinyin(r, pyArgs); len(p) > 0 && p[0] != "" {
			f.WriteString(p[0])
			i.WriteByte(p[0][0])
		}
	}
	return f.String(), i.String()
}

func visibleSQL() string {
	return `n.withdrawn = '' AND (n.loc = 'all' OR ? LIKE n.loc || '%')
		AND (n.valid_from = '' OR n.valid_from <= ?) AND (n.valid_until = '' OR n.valid_until >= ?)`
}

// search runs q for the screen on day, newest first, and counts the hits.
func search(db *sql.DB, method, q, screen, day string, limit int) (int, error) {
	lim := ""
	if limit > 0 {
		lim = fmt.Sprintf(" LIMIT %d", limit)
	}
	var rows *sql.Rows
	var err error
	switch {
	case method == "like":
		rows, err = db.Query(`SELECT n.id FROM fts JOIN notices n ON n.rowid = fts.rowid
			WHERE fts.text LIKE ? AND `+visibleSQL()+` ORDER BY n.published DESC`+lim,
			"%"+q+"%", screen, day, day)
	case isASCII(q):
		p := strings.ReplaceAll(q, " ", "")
		rows, err = db.Query(`SELECT n.id FROM fts JOIN notices n ON n.rowid = fts.rowid
			WHERE fts MATCH ? AND `+visibleSQL()+` ORDER BY n.published DESC`+lim,
			fmt.Sprintf(`py:"%s" OR ini:"%s"`, p, p), screen, day, day)
	default:
		rows, err = db.Query(`SELECT n.id FROM fts JOIN notices n ON n.rowid = fts.rowid
			WHERE fts MATCH ? AND `+visibleSQL()+` ORDER BY n.published DESC`+lim,
			`text:"`+q+`"`, screen, day, day)
	}
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// reference counts by brute force the visible notices whose text holds q
// (pinyin queries: the peer's own pinyin columns), once per query.
type reference struct {
	notices      []corpus.Notice
	text, py, in []string
	memo         map[string]int
}

func newReference(notices []corpus.Notice) *reference {
	r := &reference{notices: notices, memo: map[string]int{}}
	for _, n := range notices {
		t := text(n)
		py, ini := pinyinOf(t)
		r.text, r.py, r.in = append(r.text, t), append(r.py, py), append(r.in, ini)
	}
	return r
}

func (r *reference) count(q, screen, day string, limit int) int {
	key := fmt.Sprint(q, "|", limit)
	if h, ok := r.memo[key]; ok {
		return h
	}
	hits := 0
	p := strings.ReplaceAll(q, " ", "")
	for i, n := range r.notices {
		if n.Withdrawn != "" || !(n.Locations[0] == "all" || strings.HasPrefix(screen, n.Locations[0])) ||
			(n.ValidFrom != "" && n.ValidFrom > day) || (n.ValidUntil != "" && n.ValidUntil < day) {
			continue
		}
		match := strings.Contains(r.text[i], q)
		if isASCII(q) {
			match = strings.Contains(r.py[i], p) || strings.Contains(r.in[i], p)
		}
		if match {
			hits++
			if limit > 0 && hits == limit {
				break
			}
		}
	}
	r.memo[key] = hits
	return hits
}

func isASCII(s string) bool {
	for _, r := range s {
		if r >= 0x80 {
			return false
		}
	}
	return true
}
