package sync

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"gongkai/feed"
)

// maxDirEntries bounds how much of one folder FindFeeds reads: a stick
// full of photos must not stall the kiosk's polling.
const maxDirEntries = 1000

// FindFeeds lists the feeds under root, at most maxDepth folders down
// (root itself is depth 0): folders holding a manifest.json, and .zip or
// .tar bundle files. Hidden and system folders are skipped and symbolic
// links are not followed. It only looks at names and file types; whether
// a feed is genuine is for Preview to say. Sorted; nil when none.
func FindFeeds(root string, maxDepth int) []string {
	var out []string
	var walk func(dir string, depth int)
	walk = func(dir string, depth int) {
		f, err := os.Open(dir)
		if err != nil {
			return
		}
		entries, _ := f.ReadDir(maxDirEntries)
		f.Close()
		for _, e := range entries {
			name := e.Name()
			switch {
			case e.Type().IsRegular() && name == feed.ManifestFile:
				out = append(out, dir)
			case e.Type().IsRegular() && IsBundle(name) && !strings.HasPrefix(name, "."):
				out = append(out, filepath.Join(dir, name))
			case e.IsDir() && depth < maxDepth && !skipDir(name):
				walk(filepath.Join(dir, name), depth+1)
			}
		}
	}
	walk(root, 0)
	slices.Sort(out)
	return out
}

// skipDir: folders no feed is copied into by a person, which on a big
// disk are also the slow ones.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "$") ||
		name == "System Volume Information" || name == feed.ObjectDir || name == feed.SigDir
}

// DefaultVolumeRoots are where removable volumes get mounted: udisks
// (/media/USER/LABEL, /run/media/USER/LABEL), usbmount and hand mounts
// (/media/LABEL, /mnt/X), and on Windows the drive letters D: to Z:.
func DefaultVolumeRoots() []string {
	if runtime.GOOS == "windows" {
		var roots []string
		for c := 'D'; c <= 'Z'; c++ {
			roots = append(roots, string(c)+`:\`)
		}
		return roots
	}
	return []string{"/media/*", "/media/*/*", "/run/media/*/*", "/mnt/*"}
}

// volumes expands the root patterns into the folders that exist now.
func volumes(roots []string) []string {
	var out []string
	for _, pat := range roots {
		matches, err := filepath.Glob(pat)
		if err != nil {
			continue
		}
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() {
				out = append(out, m)
			}
		}
	}
	return out
}

// scanVolumes lists every feed on the mounted volumes, each once.
func scanVolumes(roots []string) map[string]bool {
	found := map[string]bool{}
	for _, v := range volumes(roots) {
		for _, f := range FindFeeds(v, 2) {
			found[f] = true
		}
	}
	return found
}

// WatchVolumes polls roots (glob patterns of mount points; nil for
// DefaultVolumeRoots) every interval and sends the feeds that appeared
// since the last poll, sorted. The first poll reports what is already
// mounted, since a clerk may plug the stick in before the kiosk starts. A
// feed that disappears (the stick pulled out) is forgotten, so plugging it
// in again reports it again. It never imports anything: the receiver
// offers the feed to the admin, who previews and confirms. Polling, not
// fsnotify: mount points come and go, and a poll every few seconds costs
// nothing. The channel closes when ctx ends.
func WatchVolumes(ctx context.Context, roots []string, every time.Duration) <-chan []string {
	if roots == nil {
		roots = DefaultVolumeRoots()
	}
	if every <= 0 {
		every = 3 * time.Second
	}
	ch := make(chan []string, 1)
	go func() {
		defer close(ch)
		w := &volumeWatch{roots: roots}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if fresh := w.poll(); len(fresh) > 0 {
				select {
				case ch <- fresh:
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// volumeWatch remembers what the last poll saw.
type volumeWatch struct {
	roots []string
	known map[string]bool
}

// poll returns the feeds present now that were not at the last poll.
func (w *volumeWatch) poll() []string {
	now := scanVolumes(w.roots)
	var fresh []string
	for f := range now {
		if !w.known[f] {
			fresh = append(fresh, f)
		}
	}
	w.known = now
	slices.Sort(fresh)
	return fresh
}
