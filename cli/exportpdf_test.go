package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A notice of this screen prints as a poster with the font embedded and
// the map attached; another village's notice and an unknown id do not.
func TestExportPDFCommand(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	dir := t.TempDir()

	out := filepath.Join(dir, "land.pdf")
	if got := mustRun(t, "export-pdf", "--data", data, "--item", "land-2026-017", "--out", out); !strings.HasPrefix(got, "wrote "+out) {
		t.Errorf("stdout: %q", got)
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("/FontFile2")) {
		t.Error("not a PDF with an embedded font")
	}
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n < 2 {
		t.Errorf("%d images, want the QR code and the map", n)
	}

	for id, want := range map[string]string{
		"land-2026-021": "no notice \"land-2026-021\" for this screen", // the other village's
		"no-such-item":  "no notice \"no-such-item\" for this screen",
	} {
		_, errOut, code := run(t, "export-pdf", "--data", data, "--item", id, "--out", filepath.Join(dir, id+".pdf"))
		if code != 1 || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: exit %d %q", id, code, errOut)
		}
		if _, err := os.Stat(filepath.Join(dir, id+".pdf")); err == nil {
			t.Errorf("%s: a PDF was written", id)
		}
	}
	if _, errOut, code := run(t, "export-pdf", "--data", data, "--item", "land-2026-017", "--out", filepath.Join(dir, "x.png")); code != 1 || !strings.Contains(errOut, "want a .pdf") {
		t.Errorf("--out x.png: exit %d %q", code, errOut)
	}
}

// report --out FILE.pdf writes the certificate.
func TestReportCertificatePDF(t *testing.T) {
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	out := filepath.Join(t.TempDir(), "cert.pdf")
	if got := mustRun(t, "report", "--data", data, "--out", out); !strings.Contains(got, "certificate") {
		t.Errorf("stdout: %q", got)
	}
	pdf, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("/FontFile2")) {
		t.Errorf("certificate: %v, %d bytes", err, len(pdf))
	}
}
