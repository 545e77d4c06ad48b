package screen

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
	"gongkai/sync"
)

// What a terminal shows of a sync run by hand (gongkai sync): the summary
// line, and the progress line while it runs.

// SyncSummary is the one line that says what a sync did.
func SyncSummary(r sync.Result) string {
	repaired := ""
	if r.Repaired > 0 {
		repaired = fmt.Sprintf("; %d damaged attachment(s) fetched again", r.Repaired)
	}
	if r.Unchanged {
		return fmt.Sprintf("unchanged (version %d)%s", r.Version, repaired)
	}
	return fmt.Sprintf("updated to version %d: %d added, %d changed, %d removed, %s fetched in %.1fs%s",
		r.Version, r.Changes.Added, r.Changes.Changed, r.Changes.Removed, SizeText(r.BytesFetched), r.Duration.Seconds(), repaired)
}

// SizeText says a number of bytes in KiB or MiB, with three digits or so.
func SizeText(n int64) string {
	switch {
	case n < 10<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	case n < 10<<20:
		return fmt.Sprintf("%d KiB", (n+512)>>10)
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}

// ProgressLine is the one-line progress display of sync on a terminal,
// rewritten in place with \r. On anything but a terminal (a log file, a
// pipe, a test) it prints nothing: a script wants only the summary.
type ProgressLine struct {
	w     io.Writer // nil when not a terminal
	last  time.Time
	stage sync.Stage
	shown bool
}

// NewProgressLine shows progress on w when w is a terminal.
func NewProgressLine(w io.Writer) *ProgressLine {
	if !isTerminal(w) {
		return &ProgressLine{}
	}
	return &ProgressLine{w: w}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Show is a sync.Options.Progress callback. Download events come once per
// object; redrawing at most ten times a second keeps a slow terminal (a
// serial console) from slowing the sync.
func (p *ProgressLine) Show(e sync.Event) {
	if p.w == nil {
		return
	}
	now := time.Now()
	if e.Stage == p.stage && e.Stage == sync.StageDownloading && now.Sub(p.last) < 100*time.Millisecond &&
		e.Objects < e.TotalObjects {
		return
	}
	p.stage, p.last = e.Stage, now
	var text string
	switch e.Stage {
	case sync.StageChecking:
		text = "checking " + e.Source
	case sync.StageVerifying:
		text = "verifying the manifest"
	case sync.StageDownloading:
		text = fmt.Sprintf("downloading %d/%d objects, %s of %s", e.Objects, e.TotalObjects, SizeText(e.Bytes), SizeText(e.TotalBytes))
	case sync.StageApplying:
		text = fmt.Sprintf("applying version %d", e.Version)
	case sync.StageFailed:
		text = "failed: " + e.Source
	default:
		return
	}
	if r := []rune(text); len(r) > 78 {
		text = string(r[:77]) + "…"
	}
	// \x1b[K clears what a longer previous line left behind.
	fmt.Fprintf(p.w, "\r%s\x1b[K", text)
	p.shown = true
}

// Clear removes the progress line before the summary or error is printed.
func (p *ProgressLine) Clear() {
	if p.w != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// SyncByHand is gongkai sync: the notices from sources (in order; nil:
// the configured ones), then the alerts, with progress on stderr when it
// is a terminal, and what they did on stdout. The notices decide the
// error: an alerts poll that failed is one line on stderr, and status
// keeps it — a clerk syncing by hand (or from a USB folder) expects the
// warnings with the notices.
func SyncByHand(ctx context.Context, st *store.Store, cfg *config.Config, data string, sources []string, stdout, stderr io.Writer) error {
	if sources == nil {
		sources = cfg.Sources
	}
	if len(sources) == 0 {
		return fmt.Errorf("no source to sync from: give --source URL|PATH, or provision sources with gongkai init --source")
	}
	p := NewProgressLine(stderr)
	res, err := sync.RunSources(ctx, st, cfg, data, sources, sync.Options{Progress: p.Show})
	p.Clear()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, SyncSummary(res))
	a, err := sync.PollAlertSources(ctx, st, cfg, data, sources, time.Now())
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "alerts: "+feed.Printable(strings.TrimPrefix(err.Error(), "sync: "), feed.MaxErrorText))
	case !a.None:
		fmt.Fprintf(stdout, "alerts version %d\n", a.Version)
	}
	return nil
}
