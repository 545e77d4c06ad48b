package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/config"
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
	log, clock := openTestLog(t, data)
	log.Showing("touch", []string{"land-2026-017"})
	*clock = clock.Add(2 * time.Hour)
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

// A display screen is dark outside its configured hours, and that time is
// excused: the report takes those hours from the screen's configuration, as
// the admin panel does, unless --hours says otherwise.
func TestReportUsesTheScreensOnHours(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	if out := mustRun(t, "report", "--data", data); !strings.Contains(out, "on-hours always on") {
		t.Errorf("touch screen: %q", firstLine(out))
	}
	c, err := config.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	c.Mode, c.DisplayOn, c.DisplayOff = config.ModeDisplay, "07:00", "22:00"
	if err := config.Save(data, c); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{nil, "on-hours 07:00-22:00"},
		{[]string{"--hours", "08:00-20:00"}, "on-hours 08:00-20:00"},
		{[]string{"--hours", "00:00-00:00"}, "on-hours always on"},
	} {
		if out := mustRun(t, append([]string{"report", "--data", data}, tc.flags...)...); !strings.Contains(out, tc.want) {
			t.Errorf("report %v: %q, want %q", tc.flags, firstLine(out), tc.want)
		}
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// In display mode a notice is displayed while it is the slide on show, not
// all the time it is in the rotation; a screen that also ran in touch mode
// adds its available time.
func TestReportDisplayModeSeconds(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	log, clock := openTestLog(t, data)
	log.Showing("touch", []string{"land-2026-017"})
	*clock = clock.Add(time.Hour)
	log.Showing("display", []string{"land-2026-017", "school-2026-014"})
	for range 20 { // 20 cycles: land 15 s, school 15 s
		log.OnScreen("land-2026-017")
		*clock = clock.Add(15 * time.Second)
		log.OnScreen("school-2026-014")
		*clock = clock.Add(15 * time.Second)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	var rep []proof.NoticeReport
	if err := json.Unmarshal([]byte(mustRun(t, "report", "--data", data, "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]proof.NoticeReport{}
	for _, n := range rep {
		got[n.ID] = n
	}
	land, school := got["land-2026-017"], got["school-2026-014"]
	if land.DisplayedSeconds != 3600+300 || land.OnScreenSeconds != 300 || land.ShownSeconds != 600 || land.AvailableSeconds != 3600 {
		t.Errorf("land: %+v, want 3600 s available + 300 s on screen, 600 s in the rotation", land)
	}
	if school.DisplayedSeconds != 300 || school.ShownSeconds != 600 {
		t.Errorf("school: %+v, want 300 s on screen of 600 s in the rotation", school)
	}
	if out := mustRun(t, "report", "--data", data, "--item", "school-2026-014"); !strings.Contains(out, "(300 s), in the rotation 10m0s") {
		t.Errorf("text report: %q", out)
	}
}

// openTestLog opens data's display log on a clock the test moves, at 09:00
// on 10 November 2026, with the program up.
func openTestLog(t *testing.T, data string) (*proof.Log, *time.Time) {
	t.Helper()
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
	return log, &clock
}
