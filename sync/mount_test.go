package sync

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestIsMountPoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-a-stick")
	os.Mkdir(dir, 0o755)
	fi, _ := os.Stat(dir)
	if runtime.GOOS != "windows" && isMountPoint(dir, fi) {
		t.Error("a plain folder counts as a mounted volume")
	}
	if fi, err := os.Stat("/proc"); err == nil && runtime.GOOS == "linux" && !isMountPoint("/proc", fi) {
		t.Error("/proc is not seen as mounted")
	}
}
