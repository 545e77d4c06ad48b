package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/proof"
)

func TestReportCommand(t *testing.T) {
	data, _ := demoScreen(t)
	fi, err := os.Stat(filepath.Join(data, proof.DeviceKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("init made no 0600 device.key: %v %v", fi, err)
	}
	mustRun(t, "sync", "--data", data)

	// Two hours of the land notice in touch mode, on an injected clock.
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 10, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	log, err := proof.Open(data, key, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	log.ProgramUp()
	log.Showing("touch", []string{"land-2026-017"})
	clock = clock.Add(2 * time.Hour)
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}

	var rep []proof.NoticeReport
	if err := json.Unmarshal([]byte(mustRun(t, "report", "--data", data, "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	var land *proof.NoticeReport
	for i := range rep {
		if rep[i].ID == "land-2026-017" {
			land = &rep[i]
		}
	}
	if land == nil || land.DisplayedSeconds != 7200 || land.PostingDays != 30 || land.Status == "" || land.Title == "" {
		t.Fatalf("report: %+v", land)
	}
	if out := mustRun(t, "report", "--data", data, "--item", "land-2026-017"); !strings.Contains(out, "7200 s") {
		t.Errorf("text report: %q", out)
	}

	export := filepath.Join(t.TempDir(), "proof.json")
	mustRun(t, "report", "--data", data, "--out", export)
	if out := mustRun(t, "report", "--verify", export, "--data", data); !strings.HasPrefix(out, "ok:") {
		t.Errorf("verify: %q", out)
	}
	raw, _ := os.ReadFile(export)
	tampered := strings.Replace(string(raw), `"displayed_seconds": 7200`, `"displayed_seconds": 72000`, 1)
	if tampered == string(raw) {
		t.Fatal("export does not hold the report")
	}
	os.WriteFile(export, []byte(tampered), 0o644)
	_, errOut, code := run(t, "report", "--verify", export)
	if code != 1 || !strings.Contains(errOut, "export altered") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("tampered export: exit %d %q", code, errOut)
	}

	// A report can only go to .json or .pdf (the certificate: TestReportCertificatePDF).
	_, errOut, code = run(t, "report", "--data", data, "--out", filepath.Join(t.TempDir(), "x.txt"))
	if code != 1 || strings.Count(errOut, "\n") != 1 {
		t.Errorf("report --out x.txt: exit %d %q", code, errOut)
	}
}
