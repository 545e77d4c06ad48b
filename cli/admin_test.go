package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/paper"
	"gongkai/proof"
	"gongkai/screen"
	"gongkai/ui/admin"
)

// The admin panel's 公示期 and 打印海报 pages get the kiosk's own display
// log (never a second open) and the same report, export and poster as the
// report and export-pdf commands.
func TestWirePaper(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	cfg, st, err := openScreen(&Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	clock := func() time.Time { return now }
	var a admin.Deps
	var log *proof.Log // nil until the log is open, as in the kiosk
	wirePaper(&a, func() *proof.Log { return log }, st, func() *config.Config { return cfg }, clock)

	if _, err := a.Compliance(); !errors.Is(err, screen.ErrNoDisplayLog) {
		t.Fatalf("no log open: %v", err)
	}
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		t.Fatal(err)
	}
	log, err = proof.Open(data, key, clock) // as the screen runtime does
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	log.ProgramUp()
	log.Showing(config.ModeTouch, []string{"land-2026-017"})
	now = now.Add(time.Hour)
	log.Tick()

	rep, err := a.Compliance()
	if err != nil {
		t.Fatal(err)
	}
	var land *proof.NoticeReport
	for i := range rep.Notices {
		if rep.Notices[i].ID == "land-2026-017" {
			land = &rep.Notices[i]
		}
	}
	if land == nil || land.PostingDays != 30 || land.DisplayedSeconds != 3600 {
		t.Fatalf("report: %+v", land)
	}
	export, cert, err := a.ExportReport()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proof.VerifyExport(export, log.PublicKey()); err != nil {
		t.Errorf("export: %v", err)
	}
	if !bytes.HasPrefix(cert, []byte("%PDF-")) {
		t.Error("certificate is no PDF")
	}

	if pdf, err := a.Poster("land-2026-017"); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("poster: %v", err)
	}
	var notHere paper.NotHereError
	if _, err := a.Poster("land-2026-021"); !errors.As(err, &notHere) {
		t.Errorf("another village's poster: %v", err)
	}
}

func TestScreenHours(t *testing.T) {
	c := &config.Config{Mode: config.ModeDisplay, DisplayOn: "07:00", DisplayOff: "21:30"}
	if h := screen.Hours(c); h != (proof.Hours{On: 7 * time.Hour, Off: 21*time.Hour + 30*time.Minute}) {
		t.Errorf("display: %v", h)
	}
	c.Mode = config.ModeTouch // lit all day, whatever the hours say
	if h := screen.Hours(c); h != (proof.Hours{}) {
		t.Errorf("touch: %v", h)
	}
}

func TestIsMountPoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-a-stick")
	os.Mkdir(dir, 0o755)
	fi, _ := os.Stat(dir)
	if runtime.GOOS != "windows" && isMountPoint(dir, fi) {
		t.Error("a plain folder counts as a mounted volume")
	}
	if fi, err := os.Stat("/proc"); err == nil && runtime.GOOS == "linux" && !isMountPoint("/proc", fi) {
		t.Error("/proc is not seen as mounted")
	}
}
