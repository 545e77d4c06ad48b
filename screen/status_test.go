package screen

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/store"
)

// TestStatusNoticesAndCheck: a synced screen's status, its notices as
// rows and as a table, and the check of its store.
func TestStatusNoticesAndCheck(t *testing.T) {
	f := newRuntime(t)
	if _, err := f.rt.SyncNow(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	cfg := f.rt.Config()
	s, err := StatusOf(f.data, cfg, f.st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 || s.Items != 1 || s.LastSync == nil || s.LastSync != s.LastSuccess && *s.LastSync != *s.LastSuccess ||
		s.LastError != nil || s.Stale || s.Demo || s.AlertsInForce == nil || s.LocationName != "东湾村" {
		t.Errorf("status: %+v", s)
	}
	var text bytes.Buffer
	s.WriteText(&text)
	for _, want := range []string{"feed:          测试镇政务公开 (", "), version 1\n", "location:      东湾村 (310118901201)\n",
		"notices:       1 shown now\n", "last error:    none\n", "publisher key: " + s.KeyFingerprint + "\n"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("status text lacks %q:\n%s", want, text.String())
		}
	}

	items, err := f.st.Visible(cfg.Location, "", f.st.Now(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Notices(f.st, items)
	if err != nil || len(rows) != 1 || rows[0].ID != "land-001" || rows[0].CategoryName == "" || rows[0].ValidFrom != nil {
		t.Fatalf("notices: %+v %v", rows, err)
	}
	var table bytes.Buffer
	WriteNoticeTable(&table, f.st, items)
	if want := "land-001  " + rows[0].CategoryName + "  normal  -                       东湾村三组土地征收公告\n"; table.String() != want {
		t.Errorf("table:\n%q\nwant\n%q", table.String(), want)
	}
	table.Reset()
	WriteNoticeTable(&table, f.st, nil)
	if table.String() != "(no notices)\n" {
		t.Errorf("empty table: %q", table.String())
	}

	f.rt.Close()
	f.st.Close() // check opens the store itself
	res, err := Check(f.data)
	if err != nil || len(res.Problems) != 0 || res.Items != 1 {
		t.Errorf("check of a sound store: %+v %v", res, err)
	}
	if err := os.WriteFile(filepath.Join(f.data, "store.db"), bytes.Repeat([]byte{0xff}, 64<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Check(f.data); !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "gongkai sync --data") {
		t.Errorf("check of a damaged store: %v", err)
	}
	// Open moves the damaged store aside, says so, and starts afresh.
	var warn bytes.Buffer
	_, st, err := Open(f.data, &warn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !strings.Contains(warn.String(), "was damaged; it was moved aside") {
		t.Errorf("warning: %q", warn.String())
	}
	if _, _, err := OpenToRead(f.data, &warn); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "is the kiosk") {
		t.Errorf("a store in use: %v", err)
	}
}

func TestStatusTextOptionalLines(t *testing.T) {
	at, errText := "2026-11-20T09:00:00+08:00", "connection \x1b[31mrefused"
	for _, c := range []struct {
		name      string
		s         Status
		want, not []string
	}{
		{"never synced", Status{},
			[]string{"feed:          none yet (run gongkai sync)\n", "last sync:     never\n", "last attempt:  never from -\n", "expires:       -\n"},
			[]string{"alerts:", "repaired:", "fetched:", "sources:", "report upload:", "STALE", "DEMO"}},
		{"everything", Status{Version: 3, Epoch: 2, Stale: true, Demo: true, BytesFetched: 2048, Sources: []string{"a", "b"},
			LastError: &errText, AlertsVersion: 4, AlertsInForce: []string{"x"}, LastRepair: &at, RepairedAttachments: 2,
			LastUploadError: &errText, LastUploadAttempt: &at},
			[]string{"version 3 of epoch 2 (reset 2 times by the publisher)\n", "last error:    connection [31mrefused\n",
				"alerts:        version 4, 1 in force here; last poll never, error none\n",
				"repaired:      2 damaged attachment(s) fetched again, at " + at + "\n", "fetched:       2.0 KiB by the last attempt\n",
				"sources:       a, b\n", "(STALE: the feed has expired", "(DEMO KEY: demonstration content only)\n",
				"report upload: off (no report_url)\n", "last upload:   never\n", "upload error:  connection [31mrefused, at " + at + "\n"},
			nil},
	} {
		var b bytes.Buffer
		c.s.WriteText(&b)
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: lacks %q:\n%s", c.name, w, b.String())
			}
		}
		if strings.Contains(b.String(), "\x1b") {
			t.Errorf("%s: an escape code from outside reaches the terminal:\n%q", c.name, b.String())
		}
		for _, w := range c.not {
			if strings.Contains(b.String(), w) {
				t.Errorf("%s: has %q:\n%s", c.name, w, b.String())
			}
		}
	}
}

func TestCrashReason(t *testing.T) {
	for _, c := range []struct{ stderr, want string }{
		{"goroutine 1\npanic: runtime error: index out of range\n\ngoroutine 7", "panic: runtime error: index out of range"},
		{"unexpected fault address 0x7f00\nfatal error: fault\n", "unexpected fault address 0x7f00"},
		{"fatal error: out of memory  \n", "fatal error: out of memory"},
		{"nothing a crash says\n", "signal: killed"},
	} {
		if got := CrashReason(c.stderr, "signal: killed"); got != c.want {
			t.Errorf("CrashReason(%q) = %q, want %q", c.stderr, got, c.want)
		}
	}
}
