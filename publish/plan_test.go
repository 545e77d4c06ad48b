package publish

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
)

// planOf parses src and plans it against out, as `publish --dry-run`.
func planOf(t *testing.T, src, out string) (*Plan, *Source) {
	t.Helper()
	s, err := ParseSource(src)
	if err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(s, out)
	if err != nil {
		t.Fatal(err)
	}
	return p, s
}

// changes is a plan's changes as "what id" strings.
func changes(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, c.What+" "+c.ID)
	}
	return out
}

const extraItem = `---
id: roads-001
title: 柳塘路施工期间交通管制
category: land
agency: 青禾镇人民政府
published: 2026-11-10
locations: ["310118901201"]
---
施工期间请绕行。
`

// The plan against the folder's feed: everything is added the first
// time, nothing changes when nothing changed, and each kind of change is
// named with the places whose screens see it. Planning writes nothing.
func TestPlan(t *testing.T) {
	src, out := t.TempDir(), filepath.Join(t.TempDir(), "feed")
	writeSource(t, src, landLines)
	writeFiles(t, src, map[string]string{"items/roads.md": extraItem})
	p, _ := planOf(t, src, out)
	if want := []string{"added land-001", "added roads-001", "added school-2027-001"}; !slices.Equal(changes(p), want) || p.Previous != 0 {
		t.Fatalf("first plan %q (previous %d), want %q", changes(p), p.Previous, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("planning made the feed folder")
	}
	pub := Options{Key: testKey(1), Now: testNow}
	if _, err := build(src, out, pub); err != nil {
		t.Fatal(err)
	}
	p, _ = planOf(t, src, out)
	if len(p.Changes) != 0 || p.Unchanged != 3 || p.Previous != 1 {
		t.Fatalf("unchanged source: %q, unchanged %d", changes(p), p.Unchanged)
	}

	// land-001 moves from 柳塘村 to 东湾村 and gets a new text; school is
	// withdrawn; roads is deleted; a town-wide notice is new; the map
	// (an attachment) of nothing else changes.
	land := withLine(7, `locations: ["310118901201"]`)
	land[13] = "拟征收范围调整。"
	writeSource(t, src, land)
	os.Remove(filepath.Join(src, "items", "roads.md"))
	school := strings.Replace(schoolItem, "priority: pinned\n", "priority: pinned\nwithdrawn: 登记改期，另行通知\n", 1)
	town := strings.NewReplacer("roads-001", "town-001", `["310118901201"]`, `["310118901"]`).Replace(extraItem)
	writeFiles(t, src, map[string]string{"items/school/school-2027.md": school, "items/town.md": town})
	before := snapshot(t, out)
	p, s := planOf(t, src, out)
	sameSnapshot(t, before, snapshot(t, out))
	want := []string{"changed land-001", "removed roads-001", "withdrawn school-2027-001", "added town-001"}
	if !slices.Equal(changes(p), want) || p.Unchanged != 0 {
		t.Fatalf("plan %q, unchanged %d, want %q", changes(p), p.Unchanged, want)
	}
	if c := p.Changes[0]; !slices.Equal(c.Locations, []string{"310118901201", "310118901202"}) || c.Title != "柳塘村四组拟征收土地预公告" {
		t.Errorf("moved notice: %+v", c)
	}
	if c := p.Changes[1]; c.Title != "柳塘路施工期间交通管制" || !slices.Equal(c.Locations, []string{"310118901201"}) {
		t.Errorf("removed notice: %+v", c)
	}

	// by place: feed.yaml declares the town and 柳塘村; 东湾村 is not
	// declared, so only the plan without places names it.
	byPlace := func(places []feed.Place) map[string][]string {
		m := map[string][]string{}
		for _, pc := range p.ByPlace(places) {
			for _, c := range pc.Changes {
				m[pc.Place.Code] = append(m[pc.Place.Code], c.What+" "+c.ID)
			}
		}
		return m
	}
	got := byPlace(s.Feed.Locations)
	if w := []string{"withdrawn school-2027-001", "added town-001"}; !slices.Equal(got["310118901"], w) {
		t.Errorf("town screens: %q, want %q", got["310118901"], w)
	}
	if w := []string{"changed land-001", "withdrawn school-2027-001", "added town-001"}; !slices.Equal(got["310118901202"], w) {
		t.Errorf("柳塘村 screens: %q, want %q", got["310118901202"], w)
	}
	got = byPlace(nil)
	if w := []string{"changed land-001", "removed roads-001", "withdrawn school-2027-001", "added town-001"}; !slices.Equal(got["310118901201"], w) || !slices.Equal(got["all"], []string{"withdrawn school-2027-001"}) {
		t.Errorf("by location: %q", got)
	}

	// an attachment's bytes alone change the notice
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, src, map[string]string{"items/land/map.png": string(mapPNG) + "v2"})
	if p, _ := planOf(t, src, out); !slices.Equal(changes(p), []string{"changed land-001"}) {
		t.Errorf("new map: %q", changes(p))
	}
}

// A previous item whose object is missing still counts as changed or
// removed (with less said about it); a damaged manifest is an error.
func TestPlanDamagedFeed(t *testing.T) {
	src, out := t.TempDir(), filepath.Join(t.TempDir(), "feed")
	writeSource(t, src, landLines)
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow}); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(out, "objects"))
	os.Remove(filepath.Join(src, "items", "school", "school-2027.md"))
	p, _ := planOf(t, src, out)
	if !slices.Equal(changes(p), []string{"removed school-2027-001"}) || p.Changes[0].Title != "" || p.Unchanged != 1 {
		t.Fatalf("plan %+v", p)
	}
	os.WriteFile(filepath.Join(out, feed.ManifestFile), []byte("{not json"), 0o644)
	s, _ := ParseSource(src)
	if _, err := MakePlan(s, out); err == nil || !strings.Contains(err.Error(), "previous publication") {
		t.Fatalf("damaged manifest: %v", err)
	}
}

// A clerk's recording counts: the same recording is no change, another
// recording, a recording added or one taken away changes the notice,
// while speech made with --speak is not a change (it is made only when
// publishing).
func TestPlanSeesARecording(t *testing.T) {
	root := t.TempDir()
	src, out := filepath.Join(root, "src"), filepath.Join(root, "out")
	tone := func(hz string) string {
		wav := filepath.Join(root, hz+".wav")
		if err := exec.Command("sox", "-n", "-r", "16000", "-c", "1", wav, "synth", "2", "sine", hz).Run(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(wav)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	low, high := tone("440"), tone("880")
	writeSource(t, src, withExtra("audio: clerk.wav"))
	writeFiles(t, src, map[string]string{"items/land/clerk.wav": low})
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow, Speak: true}); err != nil {
		t.Fatal(err)
	}
	if p, _ := planOf(t, src, out); len(p.Changes) != 0 || p.Unchanged != 2 {
		t.Fatalf("same recording, speech elsewhere: %q, unchanged %d", changes(p), p.Unchanged)
	}
	writeFiles(t, src, map[string]string{"items/land/clerk.wav": high})
	if p, _ := planOf(t, src, out); !slices.Equal(changes(p), []string{"changed land-001"}) {
		t.Fatalf("another recording: %q", changes(p))
	}
	writeSource(t, src, landLines)
	if p, _ := planOf(t, src, out); !slices.Equal(changes(p), []string{"changed land-001"}) {
		t.Fatalf("recording taken away: %q", changes(p))
	}
	if _, err := build(src, out, Options{Key: testKey(1), Now: testNow.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	writeSource(t, src, withExtra("audio: clerk.wav"))
	if p, _ := planOf(t, src, out); !slices.Equal(changes(p), []string{"changed land-001"}) {
		t.Fatalf("recording added: %q", changes(p))
	}
	writeFiles(t, src, map[string]string{"items/land/clerk.wav": "not a recording"})
	if _, err := MakePlan(mustParse(t, src), out); err == nil || !strings.Contains(err.Error(), "land-001.md:13:") {
		t.Fatalf("a broken recording: %v, want its file and line", err)
	}
}

func mustParse(t *testing.T, src string) *Source {
	t.Helper()
	s, err := ParseSource(src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
