package config

import (
	"path/filepath"
	"testing"
)

func TestDefaultDataDir(t *testing.T) {
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
