package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/proof"
)

// demoEnds are the last days of the demo's posting periods on 东湾村's
// screen, as the law counts them: ui's demoPeriods says the screens show
// the same ("9月28日至10月15日"). 10 working days from 2026-09-28 end on
// 10-15 with the State Council's 2026 arrangement (10-01..07 off, Saturday
// 10-10 worked); Monday–Friday would end them on 10-09.
var demoEnds = map[string]string{
	"land-2026-016": "2026-10-15",
	"land-2026-017": "2026-12-09",
}

// list --json, report --json, the certificate and the A4 poster give every
// notice's period the same end date.
func TestPeriodsAgree(t *testing.T) {
	for _, tool := range []string{"pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (scripts/deps.sh installs poppler-utils)", tool)
		}
	}
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)

	var listed []struct {
		ID              string  `json:"id"`
		PostingDays     int     `json:"posting_days"`
		PostingWorkdays int     `json:"posting_workdays"`
		PeriodEnd       *string `json:"period_end"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "list", "--data", data, "--json", "--at", "2026-11-25")), &listed); err != nil {
		t.Fatal(err)
	}
	ends := map[string]string{}
	for _, l := range listed {
		if (l.PostingDays > 0 || l.PostingWorkdays > 0) != (l.PeriodEnd != nil) {
			t.Errorf("list: %s has posting %d/%d and period_end %v", l.ID, l.PostingDays, l.PostingWorkdays, l.PeriodEnd)
		}
		if l.PeriodEnd != nil {
			ends[l.ID] = *l.PeriodEnd
		}
	}
	for id, want := range demoEnds {
		if ends[id] != want {
			t.Errorf("list: %s ends %q, want %s", id, ends[id], want)
		}
	}

	var rep []proof.NoticeReport
	if err := json.Unmarshal([]byte(mustRun(t, "report", "--data", data, "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	reported := map[string]proof.NoticeReport{}
	for _, n := range rep {
		reported[n.ID] = n
	}
	for id, end := range ends {
		n, ok := reported[id]
		if !ok || n.PeriodEnd == nil || *n.PeriodEnd != end {
			t.Errorf("report: %s ends %v, the list says %s", id, n.PeriodEnd, end)
		}
		if n.CalendarNote != "" {
			t.Errorf("report: %s has a calendar note though 2026 is loaded: %q", id, n.CalendarNote)
		}
	}
	if n := reported["land-2026-016"]; n.PostingWorkdays != 10 || n.PeriodDays != 18 || n.Period != "公示期 10 个工作日：2026年9月28日至2026年10月15日" {
		t.Errorf("report of the pre-announcement: %+v", n)
	}

	text := func(pdf string) string {
		out, err := exec.Command("pdftotext", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", pdf, err)
		}
		return strings.Join(strings.Fields(string(out)), "")
	}
	cn := func(d string) string {
		day, _ := time.Parse(time.DateOnly, d)
		return fmt.Sprintf("%d年%d月%d日", day.Year(), day.Month(), day.Day())
	}
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pdf")
	mustRun(t, "report", "--data", data, "--out", cert)
	certText := text(cert)
	for id, end := range ends {
		poster := filepath.Join(dir, id+".pdf")
		mustRun(t, "export-pdf", "--data", data, "--item", id, "--out", poster)
		if got := text(poster); !strings.Contains(got, "至"+cn(end)) {
			t.Errorf("poster of %s does not end the period on %s: %.400s", id, cn(end), got)
		}
		if !strings.Contains(certText, "至"+cn(end)) {
			t.Errorf("certificate does not end %s on %s", id, cn(end))
		}
	}
	if got := text(filepath.Join(dir, "land-2026-016.pdf")); !strings.Contains(got, "10个工作日（2026年9月28日至2026年10月15日）") {
		t.Errorf("poster of the pre-announcement: %.600s", got)
	}
}

// publish refuses a period under the kind's legal minimum in one line
// naming the file, the law and the minimum; it warns (and publishes) when
// a kind that needs a period has none, and when working days have no
// calendar to be counted with.
func TestPublishLegalMinimums(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS("../assets/demo")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(src, "items", "land", "land-2026-016.md")
	orig, _ := os.ReadFile(file)
	out := filepath.Join(t.TempDir(), "feed")

	os.WriteFile(file, []byte(strings.Replace(string(orig), "posting_workdays: 10", "posting_workdays: 7", 1)), 0o644)
	_, errOut, code := run(t, "publish", "--key", "../assets/demokey/publisher.key", "--src", src, "--out", out)
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "items/land/land-2026-016.md:12:") ||
		!strings.Contains(errOut, "at least 10 working days") || !strings.Contains(errOut, "第二十六条") {
		t.Errorf("7 working days: exit %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Error("a refused source was published")
	}

	os.WriteFile(file, []byte(strings.Replace(string(orig), "posting_workdays: 10\n", "", 1)), 0o644)
	os.Remove(filepath.Join(src, "calendar.yaml"))
	stdout, errOut, code := run(t, "publish", "--key", "../assets/demokey/publisher.key", "--src", src, "--out", out)
	if code != 0 || !strings.Contains(stdout, "published") ||
		!strings.Contains(errOut, "warning: items/land/land-2026-016.md:11: a 征收土地预公告 (kind land-pre-announcement) has no posting period") ||
		!strings.Contains(errOut, "has no calendar.yaml") {
		t.Errorf("no period, no calendar: exit %d %q %q", code, stdout, errOut)
	}
}
