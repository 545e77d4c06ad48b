// Package demo installs the embedded demo feed into a data directory through
// the same path a real screen uses: publish with the (public, demo-only) key,
// provision, sync from the published folder. What the demo shows is
// therefore exactly what a real screen would show for the same feed.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"gongkai/assets"
	"gongkai/config"
	"gongkai/feed"
	"gongkai/pin"
	"gongkai/publish"
	"gongkai/store"
	"gongkai/sync"
)

// Location is the demo screen's place: 东湾村 of the fictional 青禾镇.
const Location = "310118901201"

// Install publishes the embedded demo into dir/feed and syncs the screen in
// dir from it, provisioning dir on first use. It runs at every start, so the
// demo never goes stale however long ago it was installed (each run is a new
// feed version; unchanged items keep their objects and are not copied again).
func Install(ctx context.Context, dir string, clock func() time.Time) (sync.Result, error) {
	return InstallFrom(ctx, dir, assets.Demo(), clock)
}

// InstallFrom is Install with another source folder than the embedded
// demo, signed with the same demo key: tests shape the content they need
// (an urgent notice valid today, a feed synced days ago).
func InstallFrom(ctx context.Context, dir string, source fs.FS, clock func() time.Time) (sync.Result, error) {
	if clock == nil {
		clock = time.Now
	}
	src := filepath.Join(dir, "demo-source")
	out := filepath.Join(dir, "demo-feed")
	if err := os.RemoveAll(src); err != nil {
		return sync.Result{}, fmt.Errorf("demo: %w", err)
	}
	if err := os.CopyFS(src, source); err != nil {
		return sync.Result{}, fmt.Errorf("demo: unpacking the demo source: %w", err)
	}
	parsed, err := publish.ParseSource(src)
	if err != nil {
		return sync.Result{}, fmt.Errorf("demo: %w", err)
	}
	key, err := feed.ParsePrivateKey(assets.DemoPrivateKey)
	if err != nil {
		return sync.Result{}, fmt.Errorf("demo: %w", err)
	}
	if _, err := publish.Publish(parsed, out, publish.Options{Key: key, Now: clock()}); err != nil {
		return sync.Result{}, fmt.Errorf("demo: %w", err)
	}
	cfg, err := config.Load(dir)
	if errors.Is(err, config.ErrNotInitialised) {
		err = config.Init(dir, config.Config{Location: Location, Sources: []string{out}}, assets.DemoPublicKey)
		if err == nil {
			cfg, err = config.Load(dir)
		}
	}
	if err != nil {
		return sync.Result{}, fmt.Errorf("demo: %w", err)
	}
	st, _, err := store.OpenOrReset(dir, store.Options{})
	if err != nil {
		return sync.Result{}, fmt.Errorf("demo: %w", err)
	}
	defer st.Close()
	folder, err := sync.NewFolder(out)
	if err != nil {
		return sync.Result{}, fmt.Errorf("demo: %w", err)
	}
	return sync.Run(ctx, st, cfg, folder, sync.Options{Clock: clock})
}

// SetPIN gives the demo screen in dir its admin PIN, public like its key
// (pin.Demo, which its PIN pad says), unless it has one: a PIN changed in
// its settings is kept.
func SetPIN(dir string) error {
	if g, err := pin.Open(dir); err == nil && !g.HasPIN() {
		return pin.Write(dir, pin.Demo)
	}
	return nil
}
