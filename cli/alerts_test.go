package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/sync/synctest"
)

// The alerts commands end to end: a clerk's alert file and a national
// warning published beside the demo feed, a screen's sync and status
// showing them, a cancel, and a notice publication re-signing the alerts.
func TestPublishAlertCommands(t *testing.T) {
	data, feedDir := demoScreen(t)
	key := "../assets/demokey/publisher.key"
	dir := t.TempDir()
	end := time.Now().Add(3 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")
	alert := filepath.Join(dir, "water.md")
	if err := os.WriteFile(alert, []byte("---\nid: water-cut\ntitle: 今晚停水\nagency: 自来水厂\nend: "+end+"\nlocations: [\""+synctest.Town+"\"]\n---\n今晚停水。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "publish", "--key", key, "--out", feedDir, "--alert", alert)
	if !strings.Contains(out, "published alerts version 1: 1 in force") {
		t.Fatalf("publish --alert said %q", out)
	}
	capData, err := os.ReadFile("../publish/testdata/cap/rainstorm.xml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	capText := strings.NewReplacer("2026-12-06T10:00:00+08:00", now.Add(-time.Minute).Format(time.RFC3339),
		"2026-12-06T22:00:00+08:00", now.Add(2*time.Hour).Format(time.RFC3339),
		"310118105000", synctest.Village).Replace(string(capData))
	capFile := filepath.Join(dir, "warning.xml")
	if err := os.WriteFile(capFile, []byte(capText), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, "publish", "--key", key, "--out", feedDir, "--alert-from", capFile); !strings.Contains(out, "version 2: 2 in force") {
		t.Fatalf("publish --alert-from said %q", out)
	}
	if out := mustRun(t, "sync", "--data", data); !strings.Contains(out, "alerts version 2") {
		t.Fatalf("sync said %q", out)
	}
	var st struct {
		AlertsVersion int64    `json:"alerts_version"`
		AlertsInForce []string `json:"alerts_in_force"`
	}
	status := func() {
		t.Helper()
		st.AlertsInForce = nil
		if err := json.Unmarshal([]byte(mustRun(t, "status", "--data", data, "--json")), &st); err != nil {
			t.Fatal(err)
		}
	}
	status()
	if st.AlertsVersion != 2 || len(st.AlertsInForce) != 2 || !slices.Contains(st.AlertsInForce, "water-cut") {
		t.Fatalf("status %+v", st)
	}
	mustRun(t, "publish", "--key", key, "--out", feedDir, "--cancel-alert", "water-cut")
	// A notice publication re-signs the alerts (version 4), keeping them alive.
	if out := mustRun(t, "publish", "--key", key, "--src", "../assets/demo", "--out", feedDir); !strings.Contains(out, "alerts version 4 re-signed: 1 in force") {
		t.Fatalf("publish of notices said %q", out)
	}
	mustRun(t, "sync", "--data", data)
	status()
	if st.AlertsVersion != 4 || len(st.AlertsInForce) != 1 || st.AlertsInForce[0] == "water-cut" {
		t.Fatalf("after the cancel: %+v", st)
	}
	// Refusals are one line, and change nothing.
	before, _ := os.ReadFile(filepath.Join(feedDir, "alerts.json"))
	for _, args := range [][]string{
		{"--cancel-alert", "no-such"},
		{"--alert-from", filepath.Join(dir, "missing.xml")},
		{"--alert", alert, "--out", t.TempDir()},
	} {
		_, errOut, code := run(t, append([]string{"publish", "--key", key, "--out", feedDir}, args...)...)
		if code != 1 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(feedDir, "alerts.json")); string(after) != string(before) {
		t.Error("a refused publication changed the alerts")
	}
}
