package proof

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// WriteExport writes the log's signed export (Export) to path; the
// chain head it ends at is for the operator to note beside it.
func (l *Log) WriteExport(path string, build func(Records) (Report, error)) (HeadRef, error) {
	export, err := l.Export(build)
	if err != nil {
		return HeadRef{}, err
	}
	if err := atomicfile.Write(path, export); err != nil {
		return HeadRef{}, fmt.Errorf("writing %s: %w", path, err)
	}
	return Records{Head: l.Head()}.HeadRef(), nil
}

// FileCheck is what CheckExportFile found: the export at Path verified,
// through Anchors heads seen outside the screen, Pinned when the device
// key was given rather than taken from the export.
type FileCheck struct {
	Path    string
	Anchors int
	Pinned  bool
	*Verified
}

// CheckExportFile checks the export at path (a file from outside: a USB
// stick, a mail): signed by pinned (nil: by whichever key signed it) and
// passing through every anchor ENTRY:CODE.
func CheckExportFile(path string, pinned ed25519.PublicKey, anchors []string) (*FileCheck, error) {
	var heads []HeadRef
	for _, a := range anchors {
		h, err := ParseAnchor(a)
		if err != nil {
			return nil, err
		}
		heads = append(heads, h)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := feed.ReadLimited(f, MaxExportSize, path)
	if err != nil {
		return nil, err
	}
	v, err := VerifyAnchored(raw, pinned, heads)
	if err != nil {
		return nil, err
	}
	return &FileCheck{Path: path, Anchors: len(heads), Pinned: pinned != nil, Verified: v}, nil
}

// WriteText says what the check proves, and what it cannot without an
// anchor or a pinned device key.
func (c *FileCheck) WriteText(w io.Writer) {
	fmt.Fprintf(w, "ok: %s is intact: device %s, %d daily summaries and %d entries up to signed head entry %d (code %s), report of %d notices\n",
		c.Path, feed.Fingerprint(c.Device), c.Summaries, c.Entries, c.Head.Seq, HeadCode(c.Head.Hash), len(c.Report.Notices))
	if c.Anchors > 0 {
		fmt.Fprintf(w, "ok: it passes through %d anchored head(s) seen outside the screen\n", c.Anchors)
	} else {
		fmt.Fprintln(w, "note: the device key alone cannot tell a chain rewritten on the screen; check it against a head seen outside it with --anchor ENTRY:CODE (certificate, monitor receipt)")
	}
	if !c.Pinned {
		fmt.Fprintln(w, "note: no --device given; compare the device fingerprint with the screen's admin status")
	}
}
