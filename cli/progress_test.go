package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/sync/synctest"
)

func TestSyncFromBundleAndStatusFields(t *testing.T) {
	root := t.TempDir()
	feedDir, bundle := filepath.Join(root, "feed"), filepath.Join(root, "usb", "qinghe.zip")
	os.MkdirAll(filepath.Dir(bundle), 0o755)
	out := mustRun(t, "publish", "--key", "../assets/demokey/publisher.key", "--src", "../assets/demo", "--out", feedDir, "--bundle", bundle)
	if !strings.Contains(out, "bundle "+bundle+": version 1") {
		t.Errorf("publish --bundle: %q", out)
	}
	data := filepath.Join(root, "screen")
	mustRun(t, "init", "--data", data, "--location", synctest.Village, "--pubkey", "../assets/demokey/publisher.pub",
		"--source", "http://127.0.0.1:1/", "--source", bundle)
	if out := mustRun(t, "sync", "--data", data); !strings.HasPrefix(out, "updated to version 1") {
		t.Errorf("sync from the bundle: %q", out)
	}
	raw := mustRun(t, "status", "--data", data, "--json")
	var s map[string]any
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"last_success", "last_sync", "last_attempt", "bytes_fetched", "expires", "stale", "sources", "source"} {
		if _, ok := s[k]; !ok {
			t.Errorf("status --json lacks %q", k)
		}
	}
	if s["source"] != bundle || s["last_success"] == nil || s["last_success"] != s["last_sync"] ||
		s["bytes_fetched"].(float64) <= 0 || s["stale"] != false || len(s["sources"].([]any)) != 2 {
		t.Errorf("status: %s", raw)
	}
	if text := mustRun(t, "status", "--data", data); !strings.Contains(text, "sources:") || !strings.Contains(text, "fetched:") {
		t.Errorf("plain status:\n%s", text)
	}
	// A hostile bundle: refused, one line, the screen keeps its content.
	bad := filepath.Join(root, "usb", "bad.tar")
	os.WriteFile(bad, []byte(strings.Repeat("\x00", 1024)), 0o644)
	_, errOut, code := run(t, "sync", "--data", data, "--source", bad)
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "bad.tar") {
		t.Errorf("hostile bundle: exit %d %q", code, errOut)
	}
	if st := status(t, data); *st.Version != 1 || st.LastError == nil {
		t.Errorf("after the hostile bundle: %+v", st)
	}
	// --bundle with a wrong extension is refused before publishing.
	_, errOut, code = run(t, "publish", "--key", "../assets/demokey/publisher.key", "--src", "../assets/demo", "--out", feedDir, "--bundle", filepath.Join(root, "x.rar"))
	if code == 0 || !strings.Contains(errOut, ".zip or .tar") {
		t.Errorf("--bundle x.rar: exit %d %q", code, errOut)
	}
}
