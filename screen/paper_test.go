package screen

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/demo"
	"gongkai/paper"
	"gongkai/proof"
	"gongkai/store"
)

// demoScreen is a screen on the demo feed, synced, its store open.
func demoScreen(t *testing.T) (data string, cfg *config.Config, st *store.Store) {
	t.Helper()
	data = t.TempDir()
	if _, err := demo.Install(t.Context(), data, nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = store.Open(data, store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return data, cfg, st
}

// The admin panel's 公示期 and 打印海报 pages get the kiosk's own display
// log (never a second open) and the same report, export and poster as the
// report and export-pdf commands.
func TestPaper(t *testing.T) {
	data, cfg, st := demoScreen(t)
	now := time.Now()
	var log *proof.Log // nil until the log is open, as in the kiosk
	p := Paper{Log: func() *proof.Log { return log }, Store: st, Config: func() *config.Config { return cfg },
		Clock: func() time.Time { return now }}

	if _, err := p.Compliance(); !errors.Is(err, ErrNoDisplayLog) {
		t.Fatalf("no log open: %v", err)
	}
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		t.Fatal(err)
	}
	log, err = proof.Open(data, key, p.Clock) // as the screen runtime does
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	log.ProgramUp()
	log.Showing(config.ModeTouch, []string{"land-2026-017"})
	now = now.Add(time.Hour)
	log.Tick()

	rep, err := p.Compliance()
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
	export, cert, err := p.ExportReport()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proof.VerifyExport(export, log.PublicKey()); err != nil {
		t.Errorf("export: %v", err)
	}
	if !bytes.HasPrefix(cert, []byte("%PDF-")) {
		t.Error("certificate is no PDF")
	}

	if pdf, err := p.Poster("land-2026-017"); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("poster: %v", err)
	}
	var notHere paper.NotHereError
	if _, err := p.Poster("land-2026-021"); !errors.As(err, &notHere) {
		t.Errorf("another village's poster: %v", err)
	}
}

func TestHours(t *testing.T) {
	c := &config.Config{Mode: config.ModeDisplay, DisplayOn: "07:00", DisplayOff: "21:30"}
	if h := Hours(c); h != (proof.Hours{On: 7 * time.Hour, Off: 21*time.Hour + 30*time.Minute}) {
		t.Errorf("display: %v", h)
	}
	c.Mode = config.ModeTouch // lit all day, whatever the hours say
	if h := Hours(c); h != (proof.Hours{}) {
		t.Errorf("touch: %v", h)
	}
}

// OpenReport opens the display log for a command, and says the kiosk may
// hold it when it cannot.
func TestOpenReport(t *testing.T) {
	data, cfg, st := demoScreen(t)
	log, build, err := OpenReport(data, cfg, st, "land-2026-017", proof.Hours{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := log.Report(build)
	if err != nil || len(rep.Notices) != 1 || rep.Notices[0].ID != "land-2026-017" {
		t.Fatalf("report: %+v %v", rep.Notices, err)
	}
	cert := filepath.Join(t.TempDir(), "cert.pdf")
	if _, err := paper.WriteCertificate(cert, log, build); err != nil {
		t.Fatal(err)
	}
	if pdf, _ := os.ReadFile(cert); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Error("certificate is no PDF")
	}
	// the kiosk's log is this one, still open
	if _, _, err := OpenReport(data, cfg, st, "", proof.Hours{}); !errors.Is(err, proof.ErrLocked) || !strings.Contains(err.Error(), "is the kiosk running on "+data) {
		t.Errorf("log held: %v", err)
	}
	log.Close()
}

// WritePoster writes this screen's notice; another village's is an error
// that points to the list, and writes nothing.
func TestWritePoster(t *testing.T) {
	data, cfg, st := demoScreen(t)
	dir := t.TempDir()
	var warn bytes.Buffer
	title, size, err := WritePoster(data, cfg, st, "land-2026-017", filepath.Join(dir, "land.pdf"), &warn)
	if err != nil || title == "" || size < 1000 {
		t.Fatalf("poster: %q %d %v", title, size, err)
	}
	if pdf, _ := os.ReadFile(filepath.Join(dir, "land.pdf")); int64(len(pdf)) != size || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Error("the file is not the poster")
	}
	other := filepath.Join(dir, "other.pdf")
	if _, _, err := WritePoster(data, cfg, st, "land-2026-021", other, &warn); err == nil || !strings.Contains(err.Error(), "gongkai list --data "+data) {
		t.Errorf("another village's: %v", err)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Error("a PDF was written for another village's notice")
	}
}
