package smoke

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/demo"
	"gongkai/proof"
)

// displayRun is how long TestDisplayProofMatchesTheRun keeps the screen up:
// about a minute, and not a multiple of the log's 30 s heartbeat, so a
// final interval lost at shutdown would show (ending at the last heartbeat,
// some 15 s early). tolerance is how far the recorded seconds may be from
// the measured run: the log counts whole seconds from ProgramUp (once the
// window is made) to its Close on the way out, the wall clock here also
// the process starting and stopping.
const (
	displayRun = 75 * time.Second
	tolerance  = 5 // seconds
	dwell      = 500 * time.Millisecond
)

// TestDisplayProofMatchesTheRun runs the real kiosk in display mode under
// Xvfb for a minute on the demo feed, with a short dwell so the notices
// rotate, stops it as systemd does (SIGTERM), and checks that the proof of
// display it recorded matches the run: program up and screen on for about
// the measured time; each notice of the rotation in it (shown_seconds) for
// about as long, which is its coverage (posted all along, as a sheet on a
// paper board); and its displayed_seconds the time it was the slide on
// show, so that they add up to about the run (see proof/FORMAT.md).
func TestDisplayProofMatchesTheRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real window for a minute (skipped with -short)")
	}
	if runtime.GOOS != "linux" {
		t.Skip("Xvfb test runs on Linux")
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Skip("Xvfb not found: run make deps (scripts/deps.sh) to install it")
	}
	dir := t.TempDir()
	bin := buildGongkai(t, dir)
	display := startXvfb(t)

	data := filepath.Join(dir, "screen")
	if _, err := demo.Install(context.Background(), data, nil); err != nil {
		t.Fatal(err)
	}
	// The file keeps mode = "touch": --mode display below must be what the
	// log records (shown, not available).
	// a notice stays a dwell per page it has (several for the demo's
	// long ones), so the dwell is short for the run to see every notice
	setDwell(t, data, dwell)
	var listed []struct {
		ID string `json:"id"`
	}
	gongkaiJSON(t, bin, &listed, "list", "--data", data, "--json")
	if len(listed) < 3 {
		t.Fatalf("the demo screen shows %d notices; the rotation wants several", len(listed))
	}

	var out lockedBuffer
	start := time.Now()
	kiosk, exited := startKiosk(t, bin, []string{"DISPLAY=" + display}, &out, "kiosk", "--data", data, "--mode", "display")
	select {
	case err := <-exited:
		t.Fatalf("the kiosk exited after %s: %v\n%s", time.Since(start).Round(time.Second), err, out.String())
	case <-time.After(displayRun):
	}
	if err := kiosk.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the kiosk stopped with %v after SIGTERM\n%s", err, out.String())
		}
	case <-time.After(20 * time.Second):
		_ = kiosk.Process.Kill()
		<-exited
		t.Fatalf("the kiosk did not stop within 20 s of SIGTERM\n%s", out.String())
	}
	wall := int64(time.Since(start).Round(time.Second) / time.Second)

	// Program up and screen on, from the chain of a verified export.
	export := filepath.Join(dir, "proof.json")
	gongkai(t, bin, "report", "--data", data, "--out", export)
	raw, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := proof.DevicePublicKey(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proof.VerifyExport(raw, pub); err != nil {
		t.Fatalf("the export does not verify: %v", err)
	}
	recs, err := proof.RecordsOf(raw)
	if err != nil {
		t.Fatal(err)
	}
	ev := proof.NewEvidence(recs)
	program, screen := seconds(ev.Program), seconds(ev.Screen)

	// Each notice, from the report.
	var notices []proof.NoticeReport
	gongkaiJSON(t, bin, &notices, "report", "--data", data, "--json")
	shown, displayed := map[string]int64{}, map[string]int64{}
	var sumShown, sumDisplayed int64
	for _, n := range notices {
		if n.AvailableSeconds != 0 {
			t.Errorf("%s: %d s available (touch mode) in a display-mode run", n.ID, n.AvailableSeconds)
		}
		if n.DisplayedSeconds != n.OnScreenSeconds+n.AvailableSeconds {
			t.Errorf("%s: displayed %d s, on screen %d s", n.ID, n.DisplayedSeconds, n.OnScreenSeconds)
		}
		if n.ShownSeconds > 0 {
			shown[n.ID] = n.ShownSeconds
			sumShown += n.ShownSeconds
		}
		displayed[n.ID] = n.DisplayedSeconds
		sumDisplayed += n.DisplayedSeconds
	}
	t.Logf("wall %d s; recorded: program up %d s, screen on %d s; %d notices in the rotation, %d s each on average (%d s in all); displayed %d s in all: %v",
		wall, program, screen, len(shown), sumShown/int64(max(1, len(shown))), sumShown, sumDisplayed, displayed)

	near := func(what string, got int64) {
		t.Helper()
		if got < wall-tolerance || got > wall+tolerance {
			t.Errorf("%s: %d s recorded for a run of %d s (tolerance %d s)", what, got, wall, tolerance)
		}
	}
	near("program up", program)
	near("screen on", screen)
	// One slide at a time: the notices' displayed seconds add up to the run.
	near("displayed, all notices together", sumDisplayed)
	for _, l := range listed {
		s, ok := shown[l.ID]
		if !ok {
			t.Errorf("%s is in the rotation but has no shown seconds", l.ID)
			continue
		}
		near(l.ID+" in the rotation", s)
		// The run is two cycles or more: every notice came on show.
		if displayed[l.ID] <= 0 {
			t.Errorf("%s: no displayed seconds in %d s of a rotation at a %v dwell per page", l.ID, wall, dwell)
		}
	}
	if len(shown) != len(listed) {
		t.Errorf("%d notices have shown seconds, the screen lists %d", len(shown), len(listed))
	}
}

func seconds(spans []proof.Span) int64 {
	var n int64
	for _, s := range spans {
		n += s.End - s.Start
	}
	return n
}

// gongkai runs a command of the built binary and returns its stdout.
func gongkai(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("gongkai %v: %v\n%s", args, err, stderr.String())
	}
	return stdout
}

func gongkaiJSON(t *testing.T, bin string, v any, args ...string) {
	t.Helper()
	if err := json.Unmarshal(gongkai(t, bin, args...), v); err != nil {
		t.Fatalf("gongkai %v: %v", args, err)
	}
}

// setDwell sets the display's time per slide in the screen's config.
func setDwell(t *testing.T, data string, d time.Duration) {
	t.Helper()
	cfg, err := config.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dwell = config.Duration{Duration: d}
	if err := config.Save(data, cfg); err != nil {
		t.Fatal(err)
	}
}
