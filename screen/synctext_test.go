package screen

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gongkai/sync"
)

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	// Not a terminal: nothing at all.
	p := NewProgressLine(&buf)
	p.Show(sync.Event{Stage: sync.StageChecking, Source: "x"})
	p.Clear()
	if buf.Len() != 0 {
		t.Errorf("progress on a non-terminal: %q", buf.String())
	}
	p = &ProgressLine{w: &buf}
	p.Show(sync.Event{Stage: sync.StageChecking, Source: "http://feed.example/qinghe/"})
	p.Show(sync.Event{Stage: sync.StageDownloading, Objects: 3, TotalObjects: 10, Bytes: 3 << 20, TotalBytes: 20 << 20})
	p.Show(sync.Event{Stage: sync.StageDownloading, Objects: 4, TotalObjects: 10}) // too soon: skipped
	p.Show(sync.Event{Stage: sync.StageDownloading, Objects: 10, TotalObjects: 10, Bytes: 20 << 20, TotalBytes: 20 << 20})
	p.Show(sync.Event{Stage: sync.StageApplying, Version: 7})
	p.Show(sync.Event{Stage: sync.StageDone})
	p.Clear()
	want := "\rchecking http://feed.example/qinghe/\x1b[K" +
		"\rdownloading 3/10 objects, 3072 KiB of 20.0 MiB\x1b[K" +
		"\rdownloading 10/10 objects, 20.0 MiB of 20.0 MiB\x1b[K" +
		"\rapplying version 7\x1b[K" +
		"\r\x1b[K"
	if got := buf.String(); got != want {
		t.Errorf("progress line:\n%q\nwant\n%q", got, want)
	}
	if strings.Contains(buf.String(), "\n") {
		t.Error("progress wrote a newline")
	}
}

func TestSizeText(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0.0 KiB"}, {1536, "1.5 KiB"}, {10 << 10, "10 KiB"}, {3 << 20, "3072 KiB"},
		{10 << 20, "10.0 MiB"}, {20<<20 + 100<<10, "20.1 MiB"},
	} {
		if got := SizeText(c.n); got != c.want {
			t.Errorf("SizeText(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestSyncSummary(t *testing.T) {
	r := sync.Result{Version: 3, Unchanged: true, Repaired: 2}
	if got := SyncSummary(r); got != "unchanged (version 3); 2 damaged attachment(s) fetched again" {
		t.Errorf("unchanged: %q", got)
	}
	r = sync.Result{Version: 4, BytesFetched: 2048, Duration: 1500 * time.Millisecond}
	r.Changes.Added, r.Changes.Changed, r.Changes.Removed = 1, 2, 3
	if got := SyncSummary(r); got != "updated to version 4: 1 added, 2 changed, 3 removed, 2.0 KiB fetched in 1.5s" {
		t.Errorf("updated: %q", got)
	}
}

// SyncByHand syncs from the configured sources, then polls alerts; with
// no source at all it says how to give one.
func TestSyncByHand(t *testing.T) {
	f := newRuntime(t)
	cfg := f.rt.Config()
	var out, errOut bytes.Buffer
	for _, want := range []string{"updated to version 1: 1 added", "unchanged (version 1)"} {
		out.Reset()
		if err := SyncByHand(t.Context(), f.st, cfg, f.data, nil, &out, &errOut); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), want) || strings.Contains(out.String(), "alerts") || errOut.Len() != 0 {
			t.Errorf("stdout %q stderr %q, want %q", out.String(), errOut.String(), want)
		}
	}
	empty := *cfg
	empty.Sources = nil
	if err := SyncByHand(t.Context(), f.st, &empty, f.data, nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "gongkai init --source") {
		t.Errorf("no source: %v", err)
	}
}

func TestParseAt(t *testing.T) {
	tz := time.FixedZone("CST", 8*3600)
	for in, want := range map[string]string{
		"2026-11-20":                "2026-11-20T00:00:00+08:00",
		"2026-11-20T09:00:00Z":      "2026-11-20T09:00:00Z",
		"2026-11-20T09:00:00+08:00": "2026-11-20T09:00:00+08:00",
		"20.11.2026":                "",
		"":                          "",
	} {
		got, err := ParseAt(in, tz)
		if want == "" {
			if err == nil || !strings.Contains(err.Error(), "want a date YYYY-MM-DD") {
				t.Errorf("%q: %v %v", in, got, err)
			}
		} else if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("%q: %v %v, want %s", in, got, err, want)
		}
	}
}
