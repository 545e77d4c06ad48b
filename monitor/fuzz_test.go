package monitor

import (
	"net/http"
	"testing"
	"time"

	"gongkai/monitor/wire"
)

// FuzzUploads: any body, signed by an enrolled screen, to any endpoint,
// is answered with a status and a line — never a panic or a 500.
func FuzzUploads(f *testing.F) {
	f.Add(0, []byte(`{"mode":"display","location":"310118901201","interval":900}`))
	f.Add(1, []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Add(2, []byte{0xff, 0xd8, 0xff, 0xc0, 0, 0x11, 8, 0xff, 0xff, 0xff, 0xff})
	m := newTestMonitorF(f)
	d := newDeviceF(f)
	if err := m.Enroll(d.pub, "屏幕", "310118901201", "fuzz"); err != nil {
		f.Fatal(err)
	}
	endpoints := []string{wire.UploadHeartbeat, wire.UploadProof, wire.UploadScreenshot}
	f.Fuzz(func(t *testing.T, which int, body []byte) {
		ep := endpoints[uint(which)%3]
		m.clock.add(time.Hour) // screenshots are spaced
		code, ans := m.upload(t, d, ep, body)
		if code == http.StatusInternalServerError || (code != http.StatusOK && ans.Error == "") {
			t.Fatalf("%s: %d %q", ep, code, ans.Error)
		}
	})
}

// FuzzVerifyArchive: any file gives an error or a verified archive.
func FuzzVerifyArchive(f *testing.F) {
	f.Add([]byte(`{"format":"gongkai-monitor-notice/1","monitor":"x","screens":[{}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if a, err := VerifyArchive(data, nil); err == nil && a.Format != ArchiveFormat {
			t.Fatal("verified an archive of another format")
		}
	})
}
