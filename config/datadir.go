package config

import (
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDataDir is where a screen keeps its data when no --data says:
// the OS user data directory, as the command contract says. On Windows
// that is the user's local application data (%LOCALAPPDATA%\Gongkai),
// which only that user, the administrators and the system can read —
// as a 0600 device key needs, since file modes mean nothing there.
// Elsewhere it is the XDG data home.
func DefaultDataDir() string {
	if runtime.GOOS == "windows" {
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "Gongkai")
		}
	} else if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "gongkai")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "gongkai")
	}
	return "gongkai-data"
}
