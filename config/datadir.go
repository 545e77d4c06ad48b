package config

import (
	"os"
	"path/filepath"
)

// DefaultDataDir is where a screen keeps its data when no --data says:
// the OS user data directory, as the command contract says.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "gongkai")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "gongkai")
	}
	return "gongkai-data"
}
