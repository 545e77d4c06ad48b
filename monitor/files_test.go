package monitor

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/monitor/wire"
	"gongkai/proof"
)

// The files an administrator hands the monitor's commands: an archive to
// verify (with or without the monitor's key), a device.pub to enroll;
// missing, oversized and wrong files are one line of error each.
func TestCommandFiles(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "屏幕", "310118901201")
	pl := newProofLog(t, d.key, m.clock)
	pl.run(30*time.Minute, "land-1")
	if code, ans := m.sendProof(t, d, pl.export(), wire.Chain{}); code != 200 {
		t.Fatalf("proof: %d %s", code, ans.Error)
	}
	data, err := m.Archive("land-1")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	archive := write("archive.json", data)
	monitorPub := write("monitor.pub", feed.EncodePublicKey(m.PublicKey()))
	otherPub := write("other.pub", feed.EncodePublicKey(newDevice(t).pub))
	big := write("big.json", bytes.Repeat([]byte(" "), proof.MaxExportSize+1))
	if a, err := VerifyArchiveFile(archive, monitorPub); err != nil || a.Notice.ID != "land-1" {
		t.Fatalf("pinned: %v", err)
	}
	if _, err := VerifyArchiveFile(archive, ""); err != nil {
		t.Fatalf("unpinned: %v", err)
	}
	for _, c := range []struct{ name, path, key, want string }{
		{"missing", filepath.Join(dir, "none.json"), "", "none.json"}, // and the system's words for it
		{"oversized", big, "", "over"},
		{"other key", archive, otherPub, ""},
		{"key not a key", archive, archive, "monitor key " + archive},
		{"no key file", archive, filepath.Join(dir, "none.pub"), "monitor key: "},
	} {
		_, err := VerifyArchiveFile(c.path, c.key)
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}

	devicePub := write("device.pub", proof.EncodeDevicePublicKey(d.pub))
	if pub, err := ReadDeviceKey(devicePub); err != nil || !pub.Equal(d.pub) {
		t.Errorf("device key: %v", err)
	}
	long := write("long.pub", bytes.Repeat([]byte("#\n"), 4<<10))
	if _, err := ReadDeviceKey(long); err == nil || !strings.HasPrefix(err.Error(), long+": device key: over 4 KB") {
		t.Errorf("oversized device key: %v", err)
	}
}

func TestParsePrefixes(t *testing.T) {
	got, err := ParsePrefixes(" 127.0.0.1/8, ::1/128,,")
	if err != nil || len(got) != 2 || got[1] != netip.MustParsePrefix("::1/128") {
		t.Errorf("%v %v", got, err)
	}
	if _, err := ParsePrefixes("127.0.0.1"); err == nil || !strings.Contains(err.Error(), `--trusted-proxy "127.0.0.1"`) {
		t.Errorf("no prefix length: %v", err)
	}
}

func TestReadPasswordLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"geheim-1234\r\nmore\n", "geheim-1234"},
		{"no newline at end", "no newline at end"},
	} {
		if got, err := ReadPasswordLine(strings.NewReader(c.in)); err != nil || got != c.want {
			t.Errorf("%q: %q %v", c.in, got, err)
		}
	}
	if _, err := ReadPasswordLine(strings.NewReader("")); err == nil {
		t.Error("empty input")
	}
	if _, err := ReadPasswordLine(nil); err == nil || !strings.Contains(err.Error(), "standard input") {
		t.Errorf("no stdin: %v", err)
	}
}

// Run serves until its context ends and says where; beside it, the
// commands' EnrollFile and SetPasswordHeld say the monitor holds its
// data, and after it they work.
func TestRunAndHeldCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "monitor")
	devicePub := filepath.Join(t.TempDir(), "device.pub")
	d := newDevice(t)
	os.WriteFile(devicePub, proof.EncodeDevicePublicKey(d.pub), 0o600)

	ctx, cancel := context.WithCancel(t.Context())
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, dir, "127.0.0.1:0", nil, io.Discard, w) }()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "monitor listening on http://127.0.0.1:") || !strings.Contains(line, "(data "+dir+", key ") {
		t.Fatalf("line %q %v", line, err)
	}
	if _, err := EnrollFile(dir, devicePub, "东湾村村委会大厅", "310118901201"); err == nil || !strings.Contains(err.Error(), "登记屏幕") {
		t.Errorf("enrol beside the running monitor: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if pub, err := EnrollFile(dir, devicePub, "东湾村村委会大厅", "310118901201"); err != nil || !pub.Equal(d.pub) {
		t.Fatalf("enrol: %v", err)
	}
	if err := SetPasswordHeld(dir, "clerk", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
}
