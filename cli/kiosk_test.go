package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, ok := range map[string]bool{"1080x1920": true, "1920X1080": true, "10x10": false, "abc": false, "1080x": false} {
		if _, err := parseSize(in); (err == nil) != ok {
			t.Errorf("parseSize(%q) = %v", in, err)
		}
	}
}

func TestScreenshotNeedsOut(t *testing.T) {
	var out, errs bytes.Buffer
	if code := Main([]string{"screenshot", "--data", t.TempDir()}, &Env{Stdout: &out, Stderr: &errs}); code == 0 || !strings.Contains(errs.String(), "--out is required") {
		t.Errorf("exit %d, stderr %q", code, errs.String())
	}
}
