package publish

import (
	"bytes"
	"crypto/ed25519"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

var testNow = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

const feedYAML = `id: qinghe-town
title: 青禾镇政务公开
timezone: Asia/Shanghai
categories:
  - {id: land, name: 土地征收}
  - {id: school, name: 义务入学}
locations:
  - {code: "310118901", name: 青禾镇}
  - {code: "310118901202", name: 柳塘村}
`

// landLines is the item file items/land/land-001.md, one entry per line,
// so a test can change one line and know its number (index + 1).
var landLines = []string{
	"---",          // 1
	"id: land-001", // 2
	"title: 柳塘村四组拟征收土地预公告", // 3
	"category: land",              // 4
	"agency: 青禾镇人民政府",             // 5
	"published: 2026-11-18",       // 6
	`locations: ["310118901202"]`, // 7
	"doc_no: 青禾府〔2026〕21号",        // 8
	"valid_from: 2026-11-18",      // 9
	"valid_until: 2026-12-01",     // 10
	"posting_days: 14",            // 11
	"attachments: [map.png]",      // 12
	"---",                         // 13
	"为实施柳塘路拓宽改建工程，镇人民政府拟征收柳塘村四组部分集体土地。", // 14
	"",                // 15
	"![示意图](map.png)", // 16
}

const landFile = "items/land/land-001.md"

const schoolItem = `---
id: school-2027-001
title: 2027年秋季义务教育入学登记
category: school
agency: 青禾镇教育办公室
published: 2026-11-01
locations: all
priority: pinned
normative: true
valid_from: 2026-11-01
contact: 镇教育办 021-5xxx-xx01
url: https://example.gov.cn/qinghe/school/2027-001
---
登记时间：2026年12月1日至12月15日。

| 材料 | 份数 |
|------|------|
| 户口簿 | 1 |
`

var mapPNG = []byte("\x89PNG\r\n\x1a\n fake image bytes")

// writeSource writes a valid source folder into dir: feed.yaml, two items
// and one attachment, with land-001.md made from lines.
func writeSource(t testing.TB, dir string, lines []string) {
	t.Helper()
	writeFiles(t, dir, map[string]string{
		"feed.yaml":                   feedYAML,
		landFile:                      strings.Join(lines, "\n") + "\n",
		"items/land/map.png":          string(mapPNG),
		"items/school/school-2027.md": schoolItem,
		"README.md":                   "# Not an item\nNo front matter here.\n",
	})
}

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// withLine returns landLines with line n (1-based) replaced by s.
func withLine(n int, s string) []string {
	l := append([]string(nil), landLines...)
	l[n-1] = s
	return l
}

// withoutLine returns landLines without line n; the lines after it move up.
func withoutLine(n int) []string {
	l := append([]string(nil), landLines[:n-1]...)
	return append(l, landLines[n:]...)
}

// withExtra returns landLines with s inserted before the closing '---'
// (it becomes line 13).
func withExtra(s ...string) []string {
	l := append([]string(nil), landLines[:12]...)
	l = append(l, s...)
	return append(l, landLines[12:]...)
}

// build does what the publish command does: parse, then publish.
func build(src, out string, opt Options) (*Result, error) {
	s, err := ParseSource(src)
	if err != nil {
		return nil, err
	}
	return Publish(s, out, opt)
}

// snapshot is every file and folder under dir, with content and mode.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			snap[rel] = "dir " + info.Mode().String()
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		snap[rel] = info.Mode().String() + " " + string(data)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return snap
}

func sameSnapshot(t testing.TB, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if w, ok := after[k]; !ok {
			t.Errorf("%s was removed", k)
		} else if w != v {
			t.Errorf("%s was changed", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s was created", k)
		}
	}
}

// screenRead reads a published feed as a screen would and returns the
// verified manifest and its items by id.
func screenRead(t testing.TB, out string, pub ed25519.PublicKey, tr feed.Trust) (*feed.Verified, map[string]*feed.Item, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(out, feed.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))))
	if err != nil {
		t.Fatalf("signature of the manifest: %v", err)
	}
	tr.Key = pub
	v, err := feed.Verify(raw, sig, tr)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	for _, o := range v.Objects() {
		f, err := os.Open(filepath.Join(out, filepath.FromSlash(o.Path())))
		if err != nil {
			t.Fatalf("object %s: %v", o.SHA256, err)
		}
		data, err := feed.ReadLimited(feed.NewObjectReader(f, o), feed.MaxAttachmentSize, "object")
		f.Close()
		if err != nil {
			t.Fatalf("object %s: %v", o.SHA256, err)
		}
		if err := feed.CheckObject(data, o); err != nil {
			t.Fatalf("object %s: %v", o.SHA256, err)
		}
	}
	items := map[string]*feed.Item{}
	for _, ref := range v.Items {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(ref.Path())))
		if err != nil {
			t.Fatal(err)
		}
		it, err := feed.DecodeItem(data, ref, v.Manifest)
		if err != nil {
			t.Fatalf("DecodeItem %s: %v", ref.ID, err)
		}
		items[it.ID] = it
	}
	return v, items, raw
}
