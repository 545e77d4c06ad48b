package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"gongkai/sync"
)

// progressLine is the one-line progress display of sync on a terminal,
// rewritten in place with \r. On anything but a terminal (a log file, a
// pipe, a test) it prints nothing: a script wants only the summary.
type progressLine struct {
	w     io.Writer // nil when not a terminal
	last  time.Time
	stage sync.Stage
	shown bool
}

func newProgressLine(w io.Writer) *progressLine {
	if !isTerminal(w) {
		return &progressLine{}
	}
	return &progressLine{w: w}
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

// show is a sync.Options.Progress callback. Download events come once per
// object; redrawing at most ten times a second keeps a slow terminal (a
// serial console) from slowing the sync.
func (p *progressLine) show(e sync.Event) {
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
		text = fmt.Sprintf("downloading %d/%d objects, %s of %s", e.Objects, e.TotalObjects, sizeText(e.Bytes), sizeText(e.TotalBytes))
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

// clear removes the progress line before the summary or error is printed.
func (p *progressLine) clear() {
	if p.w != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
