package config

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestDefaultDataDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Setenv("LOCALAPPDATA", `C:\Users\clerk\AppData\Local`)
		t.Setenv("XDG_DATA_HOME", `C:\xdg`) // not Windows' convention: ignored
		if got := DefaultDataDir(); got != `C:\Users\clerk\AppData\Local\Gongkai` {
			t.Errorf("with LOCALAPPDATA: %q", got)
		}
		return
	}
	t.Setenv("XDG_DATA_HOME", "/srv/xdg")
	if got := DefaultDataDir(); got != filepath.Join("/srv/xdg", "gongkai") {
		t.Errorf("with XDG_DATA_HOME: %q", got)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/clerk")
	if got := DefaultDataDir(); got != filepath.Join("/home/clerk", ".local", "share", "gongkai") {
		t.Errorf("from HOME: %q", got)
	}
}
