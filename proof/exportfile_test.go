package proof

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/feed"
)

// An export written by WriteExport checks from its file, pinned and
// anchored at the head WriteExport named; a missing, oversized or changed
// file and a bad anchor are one line of error each.
func TestExportFile(t *testing.T) {
	_, l := sampleExport(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "export.json")
	build := func(Records) (Report, error) { return Report{Device: "x"}, nil }
	head, err := l.WriteExport(path, build)
	if err != nil {
		t.Fatal(err)
	}
	c, err := CheckExportFile(path, l.PublicKey(), []string{head.String()})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	c.WriteText(&text)
	if !c.Pinned || c.Anchors != 1 || !strings.HasPrefix(text.String(), "ok: "+path+" is intact: device "+feed.Fingerprint(l.PublicKey())) ||
		!strings.Contains(text.String(), "passes through 1 anchored head(s)") || strings.Contains(text.String(), "no --device") {
		t.Errorf("check %+v:\n%s", c, text.String())
	}
	if c, err := CheckExportFile(path, nil, nil); err != nil || c.Pinned {
		t.Fatalf("unpinned: %v", err)
	} else {
		text.Reset()
		c.WriteText(&text)
		if !strings.Contains(text.String(), "note: no --device given") || !strings.Contains(text.String(), "--anchor ENTRY:CODE") {
			t.Errorf("unpinned, unanchored:\n%s", text.String())
		}
	}

	raw, _ := os.ReadFile(path)
	big, changed := filepath.Join(dir, "big.json"), filepath.Join(dir, "changed.json")
	os.WriteFile(big, append(raw, bytes.Repeat([]byte(" "), MaxExportSize)...), 0o600)
	os.WriteFile(changed, bytes.Replace(raw, []byte(`"notices"`), []byte(`"noticez"`), 1), 0o600)
	for _, c := range []struct {
		name, path string
		anchors    []string
		is         error
	}{
		{"missing", filepath.Join(dir, "none.json"), nil, os.ErrNotExist},
		{"oversized", big, nil, feed.ErrTooLarge},
		{"changed", changed, nil, ErrAltered},
		{"bad anchor", path, []string{"x"}, nil},
	} {
		_, err := CheckExportFile(c.path, l.PublicKey(), c.anchors)
		if err == nil || strings.Contains(err.Error(), "\n") || c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
