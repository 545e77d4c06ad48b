package agent

import (
	"bytes"
	"context"
	"image"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/config"
	"gongkai/proof"
)

// TestForScreenAndStart: a screen gets an agent with a device key made for
// it, which starts and stops; a screen whose key cannot be made gets none,
// says so in its log, and the nil agent starts nothing.
func TestForScreenAndStart(t *testing.T) {
	data := t.TempDir()
	var logged bytes.Buffer
	lg := slog.New(slog.NewTextHandler(&logged, nil))
	cfg := func() *config.Config { return &config.Config{} }
	a := ForScreen(Options{Data: data, Config: cfg, Logger: lg})
	if a == nil {
		t.Fatalf("no agent: %s", logged.String())
	}
	if _, err := os.Stat(filepath.Join(data, proof.DevicePubFile)); err != nil {
		t.Errorf("device key: %v", err)
	}
	a.Start(func(context.Context) (image.Image, error) { return nil, nil })()

	notADir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notADir, nil, 0o600)
	if a := ForScreen(Options{Data: notADir, Config: cfg, Logger: lg}); a != nil {
		t.Error("an agent without a device key")
	}
	if !strings.Contains(logged.String(), "monitor agent off") {
		t.Errorf("log: %q", logged.String())
	}
	var none *Agent
	none.Start(nil)()
}
