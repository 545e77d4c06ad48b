package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/publish"
	"gongkai/screen"
	"gongkai/sync"
	"gongkai/sync/synctest"
)

// TestMain lets a test re-run this binary as the gongkai command (see the
// crash test): with GONGKAI_CLI_MAIN=1 it is cli.Main, nothing else. The
// check command re-runs its binary too (screen.InCheckChild).
func TestMain(m *testing.M) {
	if os.Getenv("GONGKAI_CLI_MAIN") == "1" || screen.InCheckChild() {
		os.Exit(Main(os.Args[1:], &Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}))
	}
	os.Exit(m.Run())
}

// run runs one command line in process.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, &Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
	return out.String(), errb.String(), code
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := run(t, args...)
	if code != 0 {
		t.Fatalf("gongkai %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// demoScreen publishes the embedded demo feed with the demo key and
// provisions a screen at 东湾村 that follows it.
func demoScreen(t *testing.T) (data, feedDir string) {
	t.Helper()
	feedDir, data = filepath.Join(t.TempDir(), "feed"), filepath.Join(t.TempDir(), "screen")
	mustRun(t, "publish", "--key", "../assets/demokey/publisher.key", "--src", "../assets/demo", "--out", feedDir)
	out := mustRun(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub", "--source", feedDir)
	if !strings.Contains(out, "DEMO key") {
		t.Errorf("init on the demo key does not say so: %q", out)
	}
	return data, feedDir
}

type listed struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Category    string   `json:"category"`
	ValidFrom   *string  `json:"valid_from"`
	ValidUntil  *string  `json:"valid_until"`
	Agency      string   `json:"agency"`
	Published   string   `json:"published"`
	Priority    string   `json:"priority"`
	Locations   []string `json:"locations"`
	PostingDays *int     `json:"posting_days"`
	Normative   *bool    `json:"normative"`
	DocNo       *string  `json:"doc_no"`
}

func listJSON(t *testing.T, args ...string) []listed {
	t.Helper()
	out := mustRun(t, args...)
	var items []listed
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("%s: not a JSON array: %v\n%s", strings.Join(args, " "), err, out)
	}
	return items
}

// The demo feed through the real commands: the village sees its own
// notices, the town's and those for all, never the other village's, and
// only those valid on the day asked.
func TestDemoFeedSyncAndList(t *testing.T) {
	data, _ := demoScreen(t)
	out := mustRun(t, "sync", "--data", data)
	if !regexp.MustCompile(`^updated to version 1: 25 added, 0 changed, 0 removed, [0-9.]+ KiB fetched in [0-9.]+s\n$`).MatchString(out) {
		t.Errorf("sync summary %q", out)
	}
	if out := mustRun(t, "sync", "--data", data); out != "unchanged (version 1)\n" {
		t.Errorf("second sync: %q", out)
	}

	src, err := publish.ParseSource("../assets/demo")
	if err != nil {
		t.Fatal(err)
	}
	const day = "2026-11-25"
	var want []string
	kinds := map[string]bool{}
	for _, si := range src.Items {
		it := si.Item
		reaches := false
		for _, l := range it.Locations {
			if l == feed.AllLocations || strings.HasPrefix(synctest.Village, l) {
				reaches = true
				kinds[l] = true
			}
		}
		if reaches && it.Withdrawn == "" && (it.ValidFrom == "" || string(it.ValidFrom) <= day) &&
			(it.ValidUntil == "" || day <= string(it.ValidUntil)) {
			want = append(want, it.ID)
		}
	}
	if !kinds[synctest.Village] || !kinds[synctest.Town] || !kinds[feed.AllLocations] {
		t.Fatalf("demo feed lacks a village, town or all item: %v", kinds)
	}
	items := listJSON(t, "list", "--data", data, "--json", "--at", day)
	var got []string
	for _, it := range items {
		got = append(got, it.ID)
		if it.Title == "" || it.Category == "" || it.Agency == "" || it.Published == "" || it.Priority == "" ||
			it.PostingDays == nil || it.Normative == nil || it.DocNo == nil {
			t.Errorf("item %s lacks fields: %+v", it.ID, it)
		}
		if slices.Contains(it.Locations, synctest.OtherVillage) && !slices.Contains(it.Locations, synctest.Village) {
			t.Errorf("the other village's notice %s is listed", it.ID)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("list --at %s:\n got %q\nwant %q", day, got, want)
	}
	// Pinned first: the store's order, kept by the command.
	if len(items) == 0 || items[0].Priority != "pinned" {
		t.Errorf("first listed is not pinned: %+v", items[0])
	}

	// Plain text: one aligned line per item, with the category's name.
	text := mustRun(t, "list", "--data", data, "--at", day)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != len(want) || !strings.Contains(text, "土地征收") {
		t.Errorf("plain list has %d lines for %d items:\n%s", len(lines), len(want), text)
	}
	// RFC 3339 works too; a month later fewer notices are still valid.
	later := listJSON(t, "list", "--data", data, "--json", "--at", "2027-02-01T09:00:00+08:00")
	if len(later) >= len(items) {
		t.Errorf("list at 2027-02-01 shows %d items, at %s %d", len(later), day, len(items))
	}
	if _, errOut, code := run(t, "list", "--data", data, "--at", "next week"); code == 0 || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("bad --at: exit %d, %q", code, errOut)
	}
}

func TestSearchCommand(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	hits := listJSON(t, "search", "--data", data, "--json", "土地征收")
	if len(hits) == 0 || !strings.Contains(hits[0].Title, "土地征收") {
		t.Fatalf("search 土地征收: %+v", hits)
	}
	for _, h := range hits {
		if slices.Contains(h.Locations, synctest.OtherVillage) && !slices.Contains(h.Locations, synctest.Village) {
			t.Errorf("search reached the other village's notice %s", h.ID)
		}
	}
	// Flags after the query work too, and an empty result is an empty array.
	if none := listJSON(t, "search", "--data", data, "zzzzqqq", "--json"); len(none) != 0 {
		t.Errorf("nonsense query found %+v", none)
	}
	if _, _, code := run(t, "search", "--data", data); code != 2 {
		t.Errorf("search with no query: exit %d, want 2", code)
	}
}

type statusOut struct {
	Version        *int64  `json:"version"`
	Items          *int    `json:"items"`
	LastSync       *string `json:"last_sync"`
	LastError      *string `json:"last_error"`
	LastErrorKind  *string `json:"last_error_kind"`
	FeedID         string  `json:"feed_id"`
	Location       string  `json:"location"`
	LocationName   string  `json:"location_name"`
	Source         string  `json:"source"`
	LastAttempt    *string `json:"last_attempt"`
	Expires        *string `json:"expires"`
	Stale          bool    `json:"stale"`
	TrustedTime    string  `json:"trusted_time"`
	KeyFingerprint string  `json:"key_fingerprint"`
	Demo           bool    `json:"demo"`
}

func status(t *testing.T, data string) statusOut {
	t.Helper()
	out := mustRun(t, "status", "--data", data, "--json")
	var s statusOut
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if s.Version == nil || s.Items == nil {
		t.Fatalf("status lacks version or items:\n%s", out)
	}
	return s
}

func TestStatusCommand(t *testing.T) {
	data, feedDir := demoScreen(t)
	s := status(t, data)
	if *s.Version != 0 || *s.Items != 0 || s.LastSync != nil || s.LastError != nil || !s.Demo || s.Location != synctest.Village {
		t.Errorf("status of a fresh screen: %+v", s)
	}
	mustRun(t, "sync", "--data", data)
	s = status(t, data)
	list := listJSON(t, "list", "--data", data, "--json")
	if *s.Version != 1 || *s.Items != len(list) || s.LastSync == nil || s.LastError != nil || s.FeedID != "qinghe-town" ||
		s.LocationName != "东湾村" || s.Source != feedDir || s.Expires == nil || s.Stale || s.KeyFingerprint == "" {
		t.Errorf("status after sync: %+v (list has %d)", s, len(list))
	}
	if _, err := time.Parse(time.RFC3339, *s.LastSync); err != nil {
		t.Errorf("last_sync %q is not RFC 3339", *s.LastSync)
	}
	text := mustRun(t, "status", "--data", data)
	if !strings.Contains(text, "东湾村 (310118901201)") || !strings.Contains(text, "DEMO") {
		t.Errorf("plain status:\n%s", text)
	}
}

// A feed that was valid when synced and has since expired makes the screen stale.
func TestStatusStale(t *testing.T) {
	priv, pub := synctest.NewKey(t)
	src, feedDir := t.TempDir(), t.TempDir()
	synctest.WriteSource(t, src, []synctest.Item{{ID: "a", Title: "通知", Category: "policy", Locations: []string{"all"}, Body: "x"}})
	issued := time.Now().Add(-3 * time.Hour)
	s, _ := publish.ParseSource(src)
	if _, err := publish.Publish(s, feedDir, publish.Options{Key: priv, Now: issued, Expiry: time.Hour}); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "screen")
	os.WriteFile(filepath.Join(t.TempDir(), "k"), pub, 0o644)
	keyPath := filepath.Join(t.TempDir(), "publisher.pub")
	os.WriteFile(keyPath, pub, 0o644)
	mustRun(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", keyPath)
	// Sync as the screen would have, while the feed was fresh.
	cfg, st, err := openScreen(&Env{Stderr: os.Stderr}, data)
	if err != nil {
		t.Fatal(err)
	}
	folder, _ := sync.NewFolder(feedDir)
	_, err = sync.Run(context.Background(), st, cfg, folder, sync.Options{Clock: func() time.Time { return issued.Add(time.Minute) }})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if s := status(t, data); !s.Stale || *s.Version != 1 || s.Demo {
		t.Errorf("status of an expired feed: %+v", s)
	}
	if _, errOut, code := run(t, "sync", "--data", data, "--source", feedDir); code != 1 || !strings.Contains(errOut, "expired") {
		t.Errorf("sync of the expired feed: exit %d %q", code, errOut)
	}
}

// A refused feed: exit 1, one line on stderr, the store as it was, the
// reason in status.
func TestSyncRefusedFeedKeepsStoreAndSaysWhy(t *testing.T) {
	data, feedDir := demoScreen(t)
	old := t.TempDir()
	synctest.CopyDir(t, feedDir, old)
	mustRun(t, "publish", "--key", "../assets/demokey/publisher.key", "--src", "../assets/demo", "--out", feedDir)
	mustRun(t, "sync", "--data", data)
	before := mustRun(t, "list", "--data", data, "--json")
	out, errOut, code := run(t, "sync", "--data", data, "--source", old)
	if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "version 1 is older than stored 2") {
		t.Errorf("sync of a replayed version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if after := mustRun(t, "list", "--data", data, "--json"); after != before {
		t.Error("a refused sync changed what the screen shows")
	}
	s := status(t, data)
	if *s.Version != 2 || s.LastError == nil || !strings.Contains(*s.LastError, "older than stored 2") || s.Source != old ||
		s.LastErrorKind == nil || *s.LastErrorKind != "rollback" {
		t.Errorf("status after a refused sync: %+v", s)
	}
	// The next good sync clears the error.
	mustRun(t, "sync", "--data", data)
	if s := status(t, data); s.LastError != nil {
		t.Errorf("last_error after a good sync: %q", *s.LastError)
	}
}

func TestSyncTriesSourcesInOrder(t *testing.T) {
	_, feedDir := demoScreen(t)
	data := filepath.Join(t.TempDir(), "screen")
	missing := filepath.Join(t.TempDir(), "usb-not-plugged")
	mustRun(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub",
		"--source", "http://127.0.0.1:1/qinghe/", "--source", missing, "--source", feedDir)
	if out := mustRun(t, "sync", "--data", data); !strings.HasPrefix(out, "updated to version 1") {
		t.Errorf("sync: %q", out)
	}
	if s := status(t, data); s.Source != feedDir || s.LastError != nil {
		t.Errorf("status: %+v", s)
	}
	// An unreachable HTTP source alone: a clear error, recorded.
	_, errOut, code := run(t, "sync", "--data", data, "--source", "http://127.0.0.1:1/qinghe/")
	if code != 1 || !strings.Contains(errOut, "connection refused") {
		t.Errorf("HTTP sync: exit %d %q", code, errOut)
	}
	if s := status(t, data); s.LastError == nil || !strings.Contains(*s.LastError, "connection refused") ||
		s.LastErrorKind == nil || *s.LastErrorKind != "network" {
		t.Errorf("status after HTTP attempt: %+v", s)
	}
	// Every source failing: all reasons, one line.
	data2 := filepath.Join(t.TempDir(), "screen")
	mustRun(t, "init", "--data", data2, "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub",
		"--source", missing, "--source", "http://127.0.0.1:1/")
	_, errOut, code = run(t, "sync", "--data", data2)
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "all 2 sources failed") ||
		!strings.Contains(errOut, "USB stick") || !strings.Contains(errOut, "connection refused") {
		t.Errorf("all sources failing: exit %d %q", code, errOut)
	}
}

func TestInitCommand(t *testing.T) {
	data := filepath.Join(t.TempDir(), "screen")
	args := []string{"init", "--data", data, "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub"}
	mustRun(t, args...)
	cfgBefore, _ := os.ReadFile(filepath.Join(data, "config.toml"))
	_, errOut, code := run(t, append(args[:4:4], "310118901202", "--pubkey", "../assets/demokey/publisher.pub")...)
	if code != 1 || !strings.Contains(errOut, "already initialised") {
		t.Errorf("re-init: exit %d %q", code, errOut)
	}
	if cfgAfter, _ := os.ReadFile(filepath.Join(data, "config.toml")); !bytes.Equal(cfgBefore, cfgAfter) {
		t.Error("a refused init changed config.toml")
	}
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"init", "--data", t.TempDir(), "--pubkey", "../assets/demokey/publisher.pub"}, 2, "--location is required"},
		{[]string{"init", "--data", t.TempDir(), "--location", "3101"}, 2, "--pubkey is required"},
		{[]string{"init", "--data", t.TempDir(), "--location", "3101", "--pubkey", "../assets/demokey/publisher.pub"}, 1, "location"},
		{[]string{"init", "--data", t.TempDir(), "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.key"}, 1, "public key"},
		{[]string{"init", "--data", t.TempDir(), "--location", synctest.Village, "--pubkey", "/nonexistent"}, 1, "publisher key"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.says) {
			t.Errorf("%v: exit %d %q, want %d and %q", tc.args, code, errOut, tc.code, tc.says)
		}
	}
}

func TestCommandsOnAnUninitialisedDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range [][]string{{"sync"}, {"list"}, {"search", "x"}, {"status"}, {"check"}} {
		_, errOut, code := run(t, append(cmd, "--data", dir)...)
		if code != 1 || !strings.Contains(errOut, "not initialised") || !strings.Contains(errOut, "gongkai init --data "+dir) {
			t.Errorf("%s on an empty dir: exit %d %q", cmd[0], code, errOut)
		}
	}
}

func TestCheckCommand(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	if out := mustRun(t, "check", "--data", data); out != "ok: 25 items, 3 attachments\n" {
		t.Errorf("check: %q", out)
	}
	// A damaged attachment: named on stderr, exit 1.
	blobs, _ := filepath.Glob(filepath.Join(data, "blobs", "*", "*"))
	if len(blobs) == 0 {
		t.Fatal("no attachment files")
	}
	b, _ := os.ReadFile(blobs[0])
	b[len(b)/2] ^= 0xff
	os.WriteFile(blobs[0], b, 0o644)
	_, errOut, code := run(t, "check", "--data", data)
	if code != 1 || !strings.Contains(errOut, "attachment") || !strings.Contains(errOut, "1 problem") {
		t.Errorf("check with a damaged attachment: exit %d %q", code, errOut)
	}
}

// Ways a database file gets damaged: a disk error, a bad copy, a power cut
// on a disk that lies about fsync.
var damages = map[string]func(path string){
	"garbage": func(p string) { os.WriteFile(p, bytes.Repeat([]byte("x"), 64<<10), 0o600) },
	"truncated": func(p string) {
		fi, _ := os.Stat(p)
		os.Truncate(p, fi.Size()/3)
	},
	"empty": func(p string) { os.WriteFile(p, nil, 0o600) },
	"pages scrambled": func(p string) {
		b, _ := os.ReadFile(p)
		for i := 16 << 10; i < len(b); i += 97 {
			b[i] ^= 0x5a
		}
		os.WriteFile(p, b, 0o600)
	},
}

// check of a damaged database: a clear message, non-zero, never a crash.
// Run as a real process, so that a crash fails this test, not the binary.
func TestCheckDamagedDatabase(t *testing.T) {
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			data, _ := demoScreen(t)
			mustRun(t, "sync", "--data", data)
			damage(filepath.Join(data, "store.db"))
			_, errOut, code := runProcess(t, "check", "--data", data)
			if code != 1 || !strings.Contains(errOut, "gongkai check: ") || !strings.Contains(errOut, "gongkai sync --data") ||
				strings.Contains(errOut, "goroutine") {
				t.Fatalf("check of a %s database: exit %d %.600q", name, code, errOut)
			}
		})
	}
}

// The other commands recover from a damaged database, as the screen must:
// it is moved aside and the next sync rebuilds it.
func TestSyncRebuildsDamagedDatabase(t *testing.T) {
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			data, _ := demoScreen(t)
			mustRun(t, "sync", "--data", data)
			damage(filepath.Join(data, "store.db"))
			out, errOut, code := runProcess(t, "sync", "--data", data)
			if code != 0 || !strings.HasPrefix(out, "updated to version 1") {
				t.Fatalf("sync after damage: exit %d %q %.600q", code, out, errOut)
			}
			if out := mustRun(t, "check", "--data", data); !strings.HasPrefix(out, "ok: 25 items") {
				t.Errorf("check after rebuild: %q", out)
			}
		})
	}
}

// runProcess runs one command line as a separate gongkai process (this
// test binary, see TestMain).
func runProcess(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GONGKAI_CLI_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatal(err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}
