package cli

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/proof"
	"gongkai/sync/synctest"
)

// rawScreen provisions a screen at the village for a feed made by hand
// (synctest.PublishRaw) and syncs it.
func rawScreen(t *testing.T, raw synctest.Raw) (data, feedDir string) {
	t.Helper()
	priv, pub := synctest.NewKey(t)
	dir := t.TempDir()
	feedDir, data = filepath.Join(dir, "feed"), filepath.Join(dir, "screen")
	pubFile := filepath.Join(dir, "publisher.pub")
	if err := os.WriteFile(pubFile, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	synctest.PublishRaw(t, feedDir, priv, raw)
	mustRun(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", pubFile, "--source", feedDir)
	mustRun(t, "sync", "--data", data)
	return data, feedDir
}

// Text from outside reaches the terminal as one printable line: a title
// with escape sequences in `list`, a hostile server's status line in the
// error of `sync` and in `status` (real processes, real output).
func TestOutsideTextIsPrintedInert(t *testing.T) {
	title := "东湾村\x1b]0;owned\x07\x1b[2J公告\u202E" + strings.Repeat("长", 500)
	data, _ := rawScreen(t, synctest.Raw{Items: []feed.Item{synctest.RawItem("esc", title, nil)}})
	out, _, code := runProcess(t, "list", "--data", data)
	if code != 0 || strings.ContainsAny(out, "\x1b\x07\u202E") || !strings.Contains(out, "东湾村 ]0;owned [2J公告") {
		t.Errorf("list prints the title raw: %q", out)
	}
	if len([]rune(strings.TrimSpace(out))) > feed.MaxLineText+80 {
		t.Errorf("list prints a title of %d characters", len([]rune(out)))
	}

	url := synctest.RawHTTPServer(t, "503 \x1b[2J\x1b]2;pwned\x07"+strings.Repeat("Unavailable ", 500))
	_, errOut, code := runProcess(t, "sync", "--data", data, "--source", url)
	if code == 0 || strings.ContainsAny(errOut, "\x1b\x07") || strings.Count(errOut, "\n") != 1 || len(errOut) > 4*feed.MaxErrorText {
		t.Errorf("sync against a hostile server: exit %d, stderr %d bytes: %.200q", code, len(errOut), errOut)
	}
	out, _, _ = runProcess(t, "status", "--data", data)
	if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, "server answered 503") {
		t.Errorf("status: %.400q", out)
	}
}

// An empty store.db is damage like any other: the command says so, moves
// it aside, and the next sync rebuilds the content.
func TestEmptyDatabaseIsReported(t *testing.T) {
	data, _ := rawScreen(t, synctest.Raw{Items: []feed.Item{synctest.RawItem("a", "东湾村公告", nil)}})
	if err := os.WriteFile(filepath.Join(data, "store.db"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runProcess(t, "status", "--data", data)
	if code != 0 || !strings.Contains(errOut, "was damaged; it was moved aside") {
		t.Errorf("status with an empty store.db: exit %d, stderr %q", code, errOut)
	}
	if aside, _ := filepath.Glob(filepath.Join(data, "store.db.damaged-*")); len(aside) != 1 {
		t.Errorf("the empty file is not kept aside: %v", aside)
	}
	if out := mustRun(t, "sync", "--data", data); !strings.HasPrefix(out, "updated to version 1: 1 added") {
		t.Errorf("sync after the reset: %q", out)
	}
}

// A deleted attachment is fetched again by the next sync of an unchanged
// feed, and sync and status say so.
func TestSyncSaysItRepaired(t *testing.T) {
	it := synctest.RawItem("map", "征收范围图", func(it *feed.Item) {
		it.Attachments = []feed.Attachment{{Name: "data.csv", Type: "text/csv"}}
	})
	csv := []byte("科目,金额\n道路维修,12000\n")
	data, _ := rawScreen(t, synctest.Raw{Items: []feed.Item{it}, Attachments: map[string][]byte{"data.csv": csv}})
	blob := filepath.Join(data, "blobs", feed.Sum(csv)[:2], feed.Sum(csv))
	if err := os.Remove(blob); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runProcess(t, "check", "--data", data); code == 0 || !strings.Contains(errOut, "missing") {
		t.Fatalf("check does not report the deleted attachment: %q", errOut)
	}
	out, _, code := runProcess(t, "sync", "--data", data)
	if code != 0 || out != "unchanged (version 1); 1 damaged attachment(s) fetched again\n" {
		t.Errorf("sync: exit %d %q", code, out)
	}
	if out := mustRun(t, "check", "--data", data); !strings.HasPrefix(out, "ok:") {
		t.Errorf("check after the sync: %q", out)
	}
	if out := mustRun(t, "status", "--data", data); !strings.Contains(out, "repaired:      1 damaged attachment(s) fetched again") {
		t.Errorf("status does not say so:\n%s", out)
	}
}

// The forger of issue 22, with the screen's files: reads device.key,
// lengthens a display interval by 30 days in an export, chains and signs
// it again as proof/FORMAT.md describes. `report --verify --device` says
// ok (the device key alone cannot tell); with the chain head the report
// printed before (as on the certificate) as --anchor, it says altered.
func TestForgedProofNeedsTheAnchor(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	log, clock := openTestLog(t, data)
	log.Showing("touch", []string{"land-2026-017"})
	*clock = clock.Add(2 * time.Hour)
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	text := mustRun(t, "report", "--data", data)
	m := regexp.MustCompile(`chain head: entry ([0-9]+), code ([0-9a-f-]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the report prints no chain head:\n%s", text)
	}
	anchor := m[1] + ":" + m[2]
	export := filepath.Join(t.TempDir(), "proof.json")
	if out := mustRun(t, "report", "--data", data, "--out", export); !strings.Contains(out, "code "+m[2]) {
		t.Errorf("the export does not name the head the report printed: %q", out)
	}
	pdf := filepath.Join(cmp.Or(os.Getenv("GONGKAI_SHOTS"), t.TempDir()), "certificate.pdf")
	mustRun(t, "report", "--data", data, "--out", pdf)
	if txt, err := exec.Command("pdftotext", "-layout", pdf, "-").Output(); err == nil {
		if !strings.Contains(string(txt), "第 "+m[1]+" 条") || !strings.Contains(string(txt), m[2]) {
			t.Errorf("the certificate does not print the chain head %s:\n%.600s", anchor, txt)
		}
	}

	raw, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	keyFile, err := os.ReadFile(filepath.Join(data, proof.DeviceKeyFile)) // what the kiosk's user can read
	if err != nil {
		t.Fatal(err)
	}
	key, err := feed.ParsePrivateKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	forged := forgeExport(t, raw, key, func(e *proof.Entry) bool {
		if e.Kind == proof.KindAvailable && e.Item == "land-2026-017" {
			e.End += 30 * 24 * 3600
			return true
		}
		return false
	})
	path := filepath.Join(t.TempDir(), "forged.json")
	if err := os.WriteFile(path, forged, 0o644); err != nil {
		t.Fatal(err)
	}
	devicePub := filepath.Join(data, proof.DevicePubFile)
	if out, errOut, code := runProcess(t, "report", "--verify", path, "--device", devicePub); code != 0 {
		t.Fatalf("the forgery does not even pass the device key (exit %d %s): FORMAT.md overstates the forger", code, errOut)
	} else if !strings.Contains(out, "--anchor") {
		t.Errorf("verify without an anchor does not say what it cannot tell: %q", out)
	}
	_, errOut, code := runProcess(t, "report", "--verify", path, "--device", devicePub, "--anchor", anchor)
	if code != 1 || !strings.Contains(errOut, "export altered") || !strings.Contains(errOut, "rewritten") {
		t.Errorf("verify --anchor %s of the forgery: exit %d %q", anchor, code, errOut)
	}
	if out, _, code := runProcess(t, "report", "--verify", export, "--device", devicePub, "--anchor", anchor); code != 0 || !strings.Contains(out, "anchored head") {
		t.Errorf("verify --anchor of the genuine export: exit %d %q", code, out)
	}
}

// forgeExport changes the first entry edit accepts and chains and signs
// the export again with key, following proof/FORMAT.md as a forger would
// (no summaries: the chain is young).
func forgeExport(t *testing.T, raw []byte, key ed25519.PrivateKey, edit func(*proof.Entry) bool) []byte {
	t.Helper()
	var x proof.Export
	if err := json.Unmarshal(raw, &x); err != nil {
		t.Fatal(err)
	}
	recs, err := proof.RecordsOf(raw)
	if err != nil || len(recs.Summaries) > 0 {
		t.Fatalf("records: %v, %d summaries", err, len(recs.Summaries))
	}
	edited := false
	var prev proof.Hash
	for i := range recs.Entries {
		e := &recs.Entries[i]
		if !edited {
			edited = edit(e)
		}
		e.Prev = prev
		prev = e.Hash()
		x.Entries[i].End = time.Unix(e.End, 0).UTC().Format(time.RFC3339)
		x.Entries[i].Prev, x.Entries[i].Hash = e.Prev.String(), prev.String()
	}
	if !edited {
		t.Fatal("nothing to forge")
	}
	body := binary.BigEndian.AppendUint64([]byte("gongkai-display-head/1\x00"), x.Head.Seq)
	x.Head.Hash = prev.String()
	x.Head.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, append(body, prev[:]...)))
	var compact bytes.Buffer
	if err := json.Compact(&compact, x.Report); err != nil {
		t.Fatal(err)
	}
	msg := append(append([]byte("gongkai-display-report/1\x00"), prev[:]...), compact.Bytes()...)
	x.ReportSig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
	out, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
