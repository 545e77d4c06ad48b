package cli

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"gongkai/atomicfile"
	"gongkai/paper"
	"gongkai/store"
)

// Paper board: a notice of this screen as an A4 poster, for the clerk to
// print where a paper board still stands.
func init() {
	register("export-pdf", "print a notice as an A4 poster: --data DIR --item ID --out FILE.pdf", runExportPDF)
}

func runExportPDF(env *Env, args []string) error {
	fs := newFlags(env, "export-pdf")
	data := dataFlag(fs)
	id := fs.String("item", "", "the notice's id (as gongkai list shows it)")
	out := fs.String("out", "", "the PDF file to write")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := required(fs, "item", "out"); err != nil {
		return err
	}
	if strings.ToLower(filepath.Ext(*out)) != ".pdf" {
		return fmt.Errorf("--out %s: want a .pdf file", *out)
	}
	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()

	// Only a notice meant for this screen is printed: another village's
	// notice is never reachable from here, as on the screen itself. One
	// not valid today (to be posted soon, or just expired) still prints,
	// read as on a day it is shown; a withdrawn one does not.
	targeting, err := st.Targeting(cfg.Location)
	if err != nil {
		return storeError(*data, err)
	}
	var sum *store.Summary
	for i := range targeting {
		if targeting[i].ID == *id {
			sum = &targeting[i]
		}
	}
	tz := st.Location()
	switch {
	case sum == nil:
		return fmt.Errorf("no notice %q for this screen (%s); gongkai list --data %s shows the notices here", *id, cfg.Location, *data)
	case sum.Withdrawn != "":
		return fmt.Errorf("notice %s was withdrawn (%s): it is not printed", *id, oneLine(sum.Withdrawn))
	}
	at := st.Now(time.Now())
	if !store.IsVisible(sum, cfg.Location, at, tz) {
		if t, err := sum.ValidFrom.Time(tz); err == nil && at.Before(t) {
			at = t
		}
		if t, err := sum.ValidUntil.Time(tz); err == nil && !at.Before(t.AddDate(0, 0, 1)) {
			at = t
		}
		fmt.Fprintf(env.Stderr, "gongkai: note: %s is not shown on this screen today (valid %s..%s)\n", *id, sum.ValidFrom, sum.ValidUntil)
	}
	it, err := st.Item(*id, cfg.Location, at)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no notice %q for this screen (%s)", *id, cfg.Location)
		}
		return storeError(*data, err)
	}
	var buf bytes.Buffer
	blob := func(sha string) (string, error) {
		if !st.HasBlob(sha) {
			return "", fmt.Errorf("not synced yet")
		}
		return st.BlobPath(sha), nil
	}
	if err := paper.Poster(&buf, it, st.PlaceName(cfg.Location), blob); err != nil {
		return err
	}
	if err := atomicfile.Write(*out, buf.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %s (%s)\n", *out, it.Title, sizeText(int64(buf.Len())))
	return nil
}
