package publish

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

const alertFile = `---
id: water-cut-1120
title: 今晚停水通知
agency: 青禾镇自来水厂
end: 2026-11-21 06:00
locations: ["310118901202"]
instruction: 请提前储水
---
因管道抢修，今晚停水。
`

// publishedFeed is a feed published at testNow in a temporary folder.
func publishedFeed(t *testing.T) string {
	t.Helper()
	src, out := t.TempDir(), t.TempDir()
	writeSource(t, src, landLines)
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow}); err != nil {
		t.Fatal(err)
	}
	return out
}

func readAlerts(t *testing.T, out string, tr feed.Trust) *feed.VerifiedAlerts {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(out, feed.AlertsFile))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
	if err != nil {
		t.Fatal(err)
	}
	tr.Key = testKey(1).Public().(ed25519.PublicKey)
	v, err := feed.VerifyAlerts(raw, sig, tr)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// An alert published beside the feed: signed, its own version sequence,
// the manifest untouched; ended alerts drop out, a cancel removes one.
func TestPublishAlerts(t *testing.T) {
	out := publishedFeed(t)
	manifest, _ := os.ReadFile(filepath.Join(out, feed.ManifestFile))
	al, err := ParseAlertFile("water.md", []byte(alertFile), shanghai, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 21, 6, 0, 0, 0, shanghai); !al.End.Equal(want) || !al.Start.Equal(testNow) || al.Priority != feed.AlertUrgent {
		t.Fatalf("parsed %+v", al)
	}
	res, err := PublishAlerts(out, AlertChange{Add: []feed.Alert{al}}, Options{Key: testKey(1), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 1 || res.Alerts != 1 {
		t.Fatalf("first: %+v", res)
	}
	v := readAlerts(t, out, feed.Trust{Now: testNow, FeedID: "qinghe-town"})
	if v.Alerts.Alerts[0].Instruction != "请提前储水" || v.Alerts.Alerts[0].Body != "因管道抢修，今晚停水。" {
		t.Fatalf("stored %+v", v.Alerts.Alerts[0])
	}
	if now, _ := os.ReadFile(filepath.Join(out, feed.ManifestFile)); !bytes.Equal(now, manifest) {
		t.Fatal("publishing an alert changed the manifest")
	}
	// A second alert an hour later; the first is still in force.
	second := al
	second.ID, second.Start, second.End = "typhoon", testNow, testNow.Add(2*time.Hour)
	res, err = PublishAlerts(out, AlertChange{Add: []feed.Alert{second}}, Options{Key: testKey(1), Now: testNow.Add(time.Hour)})
	if err != nil || res.Version != 2 || res.Alerts != 2 {
		t.Fatalf("second: %+v %v", res, err)
	}
	// Three hours on, typhoon has ended: it drops; water-cut is cancelled.
	res, err = PublishAlerts(out, AlertChange{Cancel: []string{"water-cut-1120"}}, Options{Key: testKey(1), Now: testNow.Add(3 * time.Hour)})
	if err != nil || res.Version != 3 || res.Alerts != 0 || res.Dropped != 1 {
		t.Fatalf("cancel: %+v %v", res, err)
	}
	if _, err := PublishAlerts(out, AlertChange{Cancel: []string{"nope"}}, Options{Key: testKey(1), Now: testNow.Add(4 * time.Hour)}); err == nil || !strings.Contains(err.Error(), "no such alert") {
		t.Fatalf("cancel of an unknown alert: %v", err)
	}
	// The clock rules of the manifest hold for alerts.
	if _, err := PublishAlerts(out, AlertChange{}, Options{Key: testKey(1), Now: testNow}); !errors.Is(err, ErrClock) {
		t.Fatalf("clock behind the last alerts: %v", err)
	}
	// An alert that has already ended is refused.
	old := al
	old.End = testNow.Add(time.Hour)
	if _, err := PublishAlerts(out, AlertChange{Add: []feed.Alert{old}}, Options{Key: testKey(1), Now: testNow.Add(5 * time.Hour)}); err == nil || !strings.Contains(err.Error(), "already past") {
		t.Fatalf("ended alert: %v", err)
	}
	// No feed in out: refused, nothing written.
	empty := t.TempDir()
	if _, err := PublishAlerts(empty, AlertChange{Add: []feed.Alert{al}}, Options{Key: testKey(1), Now: testNow}); err == nil || !strings.Contains(err.Error(), "publish the notices first") {
		t.Fatalf("no feed: %v", err)
	}
	if files, _ := os.ReadDir(empty); len(files) != 0 {
		t.Fatalf("wrote %v", files)
	}
}

func TestParseAlertFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, says string }{
		{"no end", strings.Replace(alertFile, "end: 2026-11-21 06:00\n", "", 1), `water.md:1: required field "end"`},
		{"bad time", strings.Replace(alertFile, "2026-11-21 06:00", "tomorrow", 1), "water.md:5: end \"tomorrow\": not a time"},
		{"end before start", strings.Replace(alertFile, "end: 2026-11-21 06:00", "start: 2026-11-21 07:00\nend: 2026-11-21 06:00", 1), "is not after start"},
		{"bad priority", strings.Replace(alertFile, "id: water", "priority: pinned\nid: water", 1), "water.md:2: priority"},
		{"bad location", strings.Replace(alertFile, `["310118901202"]`, `["abc"]`, 1), "water.md:6:"},
		{"bidi title", strings.Replace(alertFile, "今晚停水通知", "今晚\u202e停水", 1), "bidi"},
		{"no front matter", "just text\n", "water.md:1: must start"},
		{"unknown key", strings.Replace(alertFile, "id: water", "colour: red\nid: water", 1), "water.md:2: YAML"},
		{"oversized", alertFile + strings.Repeat("水", MaxSourceFile), "over"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAlertFile("water.md", []byte(tc.file), shanghai, testNow)
			if err == nil || !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line saying %q", err, tc.says)
			}
		})
	}
}

// Two versions of the same size published in one second must differ in
// what a web server makes their validators of (mtime in seconds, size),
// or a screen's conditional request keeps the older one.
func TestPublishAlertsMtimeMovesOn(t *testing.T) {
	out := publishedFeed(t)
	al, err := ParseAlertFile("water.md", []byte(alertFile), shanghai, testNow)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(out, feed.AlertsFile)
	var last time.Time
	for i := range 3 {
		al.End = al.End.Add(time.Minute) // same size, other bytes
		if _, err := PublishAlerts(out, AlertChange{Add: []feed.Alert{al}}, Options{Key: testKey(1), Now: testNow.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		m := fi.ModTime().Truncate(time.Second)
		if !m.After(last) {
			t.Fatalf("version %d has modification second %s, not after the last %s", i+1, m, last)
		}
		last = m
	}
}
