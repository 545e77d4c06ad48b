package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/store"
	"gongkai/sync/synctest"
)

// crashItems is one of two contents of a feed big enough for a sync to
// take a while: n items (500 unless GONGKAI_TORTURE_ITEMS says otherwise)
// for four kinds of location, some with attachments. Content B changes half
// of A's items and attachments, removes some and adds others, so each
// switch rewrites much of the store.
func crashItems(b bool, n int) []synctest.Item {
	locs := [][]string{{synctest.Village}, {synctest.OtherVillage}, {synctest.Town}, {"all"}}
	var items []synctest.Item
	lo, hi := 0, n
	if b {
		lo, hi = n*2/25, n+n*3/25
	}
	for i := lo; i < hi; i++ {
		edition := "A"
		if b && i%2 == 0 {
			edition = "B"
		}
		it := synctest.Item{
			ID:        fmt.Sprintf("n-%04d", i),
			Title:     fmt.Sprintf("第%d号公告（%s版）东湾村土地征收补偿", i, map[string]string{"A": "甲", "B": "乙"}[edition]),
			Category:  []string{"land", "village", "policy"}[i%3],
			Locations: locs[i%4],
			Body:      fmt.Sprintf("正文 %d %s。", i, edition) + string(bytes.Repeat([]byte("依据有关规定现予公告。"), 40)),
		}
		if i%20 == 0 {
			data := make([]byte, 24<<10+i)
			r := rand.New(rand.NewPCG(uint64(i), uint64(len(edition))))
			for j := range data {
				data[j] = byte(r.Uint32())
			}
			copy(data, edition)
			it.Attachments = map[string][]byte{fmt.Sprintf("n-%04d.bin", i): data}
		}
		items = append(items, it)
	}
	return items
}

// TestSyncSurvivesKill kills real sync processes with SIGKILL at random
// moments. After each kill the store must be sound (Check finds nothing)
// and hold exactly the old version or the new one, whole; and the next
// sync must complete. GONGKAI_TORTURE=N runs N rounds instead of 40, on a
// feed of GONGKAI_TORTURE_ITEMS items (500); make torture runs 500 on 3,000.
func TestSyncSurvivesKill(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	rounds := 40
	if testing.Short() {
		rounds = 8
	}
	if n, err := strconv.Atoi(os.Getenv("GONGKAI_TORTURE")); err == nil && n > 0 {
		rounds = n
	}
	var deadline time.Time // GONGKAI_TORTURE_MINUTES caps the run; the summary says how many rounds fit
	if m, err := strconv.Atoi(os.Getenv("GONGKAI_TORTURE_MINUTES")); err == nil && m > 0 {
		deadline = time.Now().Add(time.Duration(m) * time.Minute)
	}
	items := 500
	if n, err := strconv.Atoi(os.Getenv("GONGKAI_TORTURE_ITEMS")); err == nil && n > 0 {
		items = n
	}
	priv, pub := synctest.NewKey(t)
	keyPath := filepath.Join(t.TempDir(), "publisher.pub")
	if err := os.WriteFile(keyPath, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	src, feedDir, data := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "screen")
	contents := [2][]synctest.Item{crashItems(false, items), crashItems(true, items)}
	want := map[int64]expectation{}
	publishNext := func(b int) int64 {
		synctest.WriteSource(t, src, contents[b])
		res := synctest.Publish(t, src, feedDir, priv, time.Time{})
		m := synctest.ReadManifest(t, feedDir)
		exp := expectation{sums: synctest.Sums(m), visible: synctest.VisibleIDs(contents[b], synctest.Village), titles: map[string]string{}}
		for _, it := range contents[b] {
			exp.titles[it.ID] = it.Title
		}
		want[res.Version] = exp
		return res.Version
	}

	publishNext(0)
	mustRun(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", keyPath, "--source", feedDir)
	mustRun(t, "sync", "--data", data)
	verifyScreen(t, data, want, 1, 1)

	// Calibrate: how long an uninterrupted switch of content takes here,
	// so the kills spread over the whole of a sync.
	publishNext(1)
	start := time.Now()
	if out, errOut, code := runProcess(t, "sync", "--data", data); code != 0 {
		t.Fatalf("calibration sync: exit %d %q %q", code, out, errOut)
	}
	span := time.Since(start) * 5 / 4
	verifyScreen(t, data, want, 2, 2)

	var old, new, unfinished int
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	done := 0
	for round := range rounds {
		if !deadline.IsZero() && time.Now().After(deadline) {
			t.Logf("GONGKAI_TORTURE_MINUTES reached after %d of %d rounds", round, rounds)
			break
		}
		done++
		prev := int64(round + 2)
		next := publishNext(round % 2)
		cmd := exec.Command(os.Args[0], "sync", "--data", data)
		cmd.Env = append(os.Environ(), "GONGKAI_CLI_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rnd.Int64N(int64(span))))
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if !cmd.ProcessState.Exited() {
			unfinished++
		}
		switch verifyScreen(t, data, want, prev, next) {
		case prev:
			old++
		case next:
			new++
		}
		if t.Failed() {
			t.Fatalf("round %d: store not sound after a kill", round)
		}
		if out, errOut, code := run(t, "sync", "--data", data); code != 0 {
			t.Fatalf("round %d: sync after the kill: exit %d %q %q", round, code, out, errOut)
		}
		verifyScreen(t, data, want, next, next)
	}
	leftovers, _ := filepath.Glob(filepath.Join(data, "blobs", "*", ".tmp-*"))
	t.Logf("%d rounds: %d killed mid-run; store held the old version %d times, the new %d times (span %s); %d temporary files left by kills",
		done, unfinished, old, new, span, len(leftovers))
	// one line for scripts/torture.sh; reached only when every round was sound
	t.Logf("kill-summary: rounds=%d items=%d killed=%d old=%d new=%d span=%s leftovers=%d unsound=0",
		done, len(contents[0]), unfinished, old, new, span.Round(time.Millisecond), len(leftovers))
}

type expectation struct {
	sums    map[string]string
	visible map[string]bool
	titles  map[string]string // by id
}

// verifyScreen opens the store as the next start of the screen would and
// checks it holds version lo or hi, whole. It returns the version found.
func verifyScreen(t *testing.T, data string, want map[int64]expectation, lo, hi int64) int64 {
	t.Helper()
	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Errorf("opening the store: %v", err)
		return 0
	}
	defer st.Close()
	if problems, err := st.Check(); err != nil || len(problems) > 0 {
		t.Errorf("Check: %v %q", err, problems)
	}
	s, _ := st.State()
	if s.Version != lo && s.Version != hi {
		t.Errorf("store holds version %d, want %d or %d", s.Version, lo, hi)
		return s.Version
	}
	w := want[s.Version]
	sums, err := st.ItemSums()
	if err != nil || !mapsEqual(sums, w.sums) {
		t.Errorf("version %d: stored items (%d) are not that version's (%d): %v", s.Version, len(sums), len(w.sums), err)
	}
	vis, err := st.Visible(synctest.Village, "", st.Now(time.Now()))
	if err != nil {
		t.Error(err)
	}
	var got, exp []string
	for _, v := range vis {
		got = append(got, v.ID)
	}
	for id := range w.visible {
		exp = append(exp, id)
	}
	slices.Sort(got)
	slices.Sort(exp)
	if !slices.Equal(got, exp) {
		t.Errorf("version %d: %d items visible, want %d", s.Version, len(got), len(exp))
	}
	// Search answers from the surviving version's index: each edition's
	// notices, and all of them by a pinyin query, with true counts.
	for _, q := range []struct{ query, in string }{{"甲版", "（甲版）"}, {"乙版", "（乙版）"}, {"tdzs", "土地征收"}} {
		var want []string
		for id := range w.visible {
			if strings.Contains(w.titles[id], q.in) {
				want = append(want, id)
			}
		}
		hits, err := st.Search(q.query, synctest.Village, st.Now(time.Now()), 0)
		if err != nil {
			t.Errorf("search %q: %v", q.query, err)
		}
		var found []string
		for _, h := range hits {
			found = append(found, h.ID)
		}
		slices.Sort(want)
		slices.Sort(found)
		n, err := st.SearchCount(q.query, synctest.Village, st.Now(time.Now()))
		if !slices.Equal(found, want) || n != len(want) || err != nil {
			t.Errorf("version %d: search %q finds %d (count %d, %v), want %d", s.Version, q.query, len(found), n, err, len(want))
		}
	}
	// Every attachment a visible item names is there and readable.
	for _, v := range vis {
		it, err := st.Item(v.ID, synctest.Village, st.Now(time.Now()))
		if err != nil {
			t.Errorf("item %s: %v", v.ID, err)
			continue
		}
		for _, a := range it.Attachments {
			if !st.HasBlob(a.SHA256) {
				t.Errorf("item %s: attachment %s missing", v.ID, a.Name)
			}
		}
	}
	return s.Version
}

func mapsEqual[K, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
