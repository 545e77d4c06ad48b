package sync

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/sync/synctest"
)

// Mirror fallback: a dead server first, then nginx serving the feed.
func TestRunSourcesFallsBackToTheMirror(t *testing.T) {
	f := newFixture(t)
	web := t.TempDir()
	synctest.CopyDir(t, f.v1, web)
	url, accessLog := startNginx(t, web)
	var sources []string
	opt := Options{Progress: func(e Event) {
		if e.Stage == StageChecking {
			sources = append(sources, e.Source)
		}
	}}
	dead := "http://127.0.0.1:1/"
	res, err := RunSources(context.Background(), f.st, f.cfg, f.dir, []string{dead, url}, opt)
	if err != nil {
		t.Fatalf("RunSources: %v", err)
	}
	if res.Source != url || res.Version != 1 || res.Changes.Added != 4 {
		t.Errorf("result %+v", res)
	}
	if len(sources) != 2 || sources[0] != dead || sources[1] != url {
		t.Errorf("tried %q", sources)
	}
	if st, _ := f.st.State(); st.Source != url || st.LastError != "" {
		t.Errorf("state after fallback: source %q error %q", st.Source, st.LastError)
	}
	if n := count(accessLog(), "GET /manifest.json"); n != 1 {
		t.Errorf("%d manifest requests to the mirror", n)
	}
	// Again: the mirror answers 304.
	res, err = RunSources(context.Background(), f.st, f.cfg, f.dir, []string{dead, url}, Options{})
	if err != nil || !res.Unchanged {
		t.Errorf("second run: %+v %v", res, err)
	}
}

func TestRunSourcesAllFail(t *testing.T) {
	f := newFixture(t)
	f.mustSync(t, f.v1)
	before := f.snapshot(t)
	missing := filepath.Join(t.TempDir(), "usb")
	_, err := RunSources(context.Background(), f.st, f.cfg, f.dir, []string{missing, "ftp://x/", missing + ".zip"}, Options{})
	var se *SourcesError
	if !errors.As(err, &se) || len(se.Errs) != 3 || !errors.Is(err, ErrUnsupported) ||
		!strings.HasPrefix(err.Error(), "sync: all 3 sources failed: ") || strings.Count(err.Error(), "sync: ") != 1 {
		t.Fatalf("error %v", err)
	}
	if f.snapshot(t) != before {
		t.Error("store changed")
	}
	if st, _ := f.st.State(); !strings.Contains(st.LastError, "does not exist") {
		t.Errorf("last error %q", st.LastError)
	}
	if _, err := RunSources(context.Background(), f.st, f.cfg, f.dir, nil, Options{}); !errors.Is(err, ErrNoSource) {
		t.Errorf("no sources: %v", err)
	}
}
