package screen

import (
	"errors"
	"fmt"
	"io"

	"gongkai/assets"
	"gongkai/config"
	"gongkai/diskerr"
	"gongkai/feed"
	"gongkai/store"
)

// Open loads the configuration of the screen in data and opens its store,
// as the kiosk and every command that writes do. A damaged database is
// moved aside and started afresh (the next sync rebuilds it); a data
// directory that became read-only is opened read-only. Either is one
// warning line on warn.
func Open(data string, warn io.Writer) (*config.Config, *store.Store, error) {
	cfg, err := config.Load(data)
	if err != nil {
		return nil, nil, err
	}
	st, err := OpenStore(data, warn)
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

// OpenStore is Open's half that opens the store, for the kiosk, which
// loads the configuration first and opens the store beside its window.
func OpenStore(data string, warn io.Writer) (*store.Store, error) {
	st, reset, err := store.OpenOrReset(data, store.Options{})
	if diskerr.ReadOnly(err) {
		// A data directory that became read-only (a failing SD card
		// remounted by the kernel) still holds the last good content:
		// keep showing it; syncs will fail and say why.
		fmt.Fprintf(warn, "gongkai: warning: %s is read-only; showing the stored content without syncing\n", data)
		st, err = store.Open(data, store.Options{ReadOnly: true})
	}
	if err != nil {
		return nil, StoreError(data, err)
	}
	if reset {
		fmt.Fprintf(warn, "gongkai: warning: the database in %s was damaged; it was moved aside and the next sync rebuilds it\n", data)
	}
	return st, nil
}

// OpenToRead opens a screen's store read-only, for a command that only
// reads: it maps the file and reads what it asks for, where opening for
// writing reads every page of the database first (a sound store is walked
// for damage, and bbolt rebuilds its free list). A store that cannot be
// read as it is — missing, damaged, of an older schema — is opened as
// Open does, which recovers it.
func OpenToRead(data string, warn io.Writer) (*config.Config, *store.Store, error) {
	cfg, err := config.Load(data)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(data, store.Options{ReadOnly: true})
	switch {
	case err == nil:
		return cfg, st, nil
	case errors.Is(err, store.ErrLocked):
		return nil, nil, StoreError(data, err)
	}
	return Open(data, warn)
}

// StoreError adds to a store's error what the person at the terminal can
// do about it.
func StoreError(data string, err error) error {
	switch {
	case errors.Is(err, store.ErrLocked):
		return fmt.Errorf("%w (is the kiosk or another command using %s?)", err, data)
	case errors.Is(err, store.ErrDamaged):
		return fmt.Errorf("%w; run gongkai sync --data %s to rebuild it from the feed", err, data)
	}
	return err
}

// IsDemo reports whether the screen trusts the public demo key, which
// anyone can sign feeds with.
func IsDemo(cfg *config.Config) bool {
	if assets.IsDemoKey(cfg.KeyFile()) {
		return true
	}
	demo, err := feed.ParsePublicKey(assets.DemoPublicKey)
	return err == nil && demo.Equal(cfg.PublicKey())
}
