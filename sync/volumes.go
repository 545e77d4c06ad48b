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
// DefaultVolumeRoots) every interval while it is switched on, and sends the
// feeds present on them, sorted, each time that list changes: a stick
// plugged in, or pulled out (then the list is shorter, or empty). It never
// imports anything: the receiver offers the feeds to the admin, who
// previews and confirms. Polling, not fsnotify: mount points come and go.
//
// on switches the polling: true starts it (the first poll at once, so a
// stick plugged in beforehand is seen), false stops it, and nothing then
// wakes the watch but on and ctx. The kiosk polls only while its admin
// panel is open, so a dark screen at night, or a rotation nobody is
// administering, spends nothing looking at sticks. A nil on polls always.
// The channel closes when ctx ends.
func WatchVolumes(ctx context.Context, roots []string, every time.Duration, on <-chan bool) <-chan []string {
	if roots == nil {
		roots = DefaultVolumeRoots()
	}
	if every <= 0 {
		every = 3 * time.Second
	}
	out := make(chan []string, 1)
	w := &volumeWatch{roots: roots}
	go w.run(ctx, every, on, out)
	return out
}

// volumeWatch remembers what it last sent.
type volumeWatch struct {
	roots []string
	sent  []string
}

func (w *volumeWatch) run(ctx context.Context, every time.Duration, on <-chan bool, out chan<- []string) {
	defer close(out)
	active := on == nil
	var t *time.Ticker
	defer func() {
		if t != nil {
			t.Stop()
		}
	}()
	for {
		var tick <-chan time.Time
		if active {
			if feeds, changed := w.poll(); changed {
				select {
				case out <- feeds:
				case <-ctx.Done():
					return
				}
			}
			if t == nil {
				t = time.NewTicker(every)
			}
			tick = t.C
		} else if t != nil {
			t.Stop() // switched off: no timer left to wake the process
			t = nil
		}
		select {
		case <-tick:
		case a, ok := <-on:
			if !ok {
				on, a = nil, true
			}
			active = a
		case <-ctx.Done():
			return
		}
	}
}

// poll returns the feeds present now, and whether they differ from what
// was last sent (which they then become).
func (w *volumeWatch) poll() ([]string, bool) {
	var now []string
	for f := range scanVolumes(w.roots) {
		now = append(now, f)
	}
	slices.Sort(now)
	if slices.Equal(now, w.sent) {
		return nil, false
	}
	w.sent = now
	return slices.Clone(now), true
}

// MountedVolumes lists the removable volumes mounted now, where the admin
// panel writes exports: the folders matching DefaultVolumeRoots that are
// mount points. Unlike WatchVolumes it wants no feed on them, since an
// export usually goes to an empty stick; and a folder that is no mount
// point (/media/USER that holds the sticks, an empty /mnt/usb) is no stick.
func MountedVolumes() []string {
	var out []string
	for _, pat := range DefaultVolumeRoots() {
		matches, _ := filepath.Glob(pat)
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() && isMountPoint(m, fi) {
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
