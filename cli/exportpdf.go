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

	pdf, sum, today, err := posterPDF(st, cfg.Location, *id, st.Now(time.Now()))
	var notHere notHereError
	switch {
	case errors.As(err, &notHere):
		return fmt.Errorf("%w; gongkai list --data %s shows the notices here", err, *data)
	case err != nil:
		return storeError(*data, err)
	}
	if !today {
		fmt.Fprintf(env.Stderr, "gongkai: note: %s is not shown on this screen today (valid %s..%s)\n", *id, sum.ValidFrom, sum.ValidUntil)
	}
	if err := atomicfile.Write(*out, pdf); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %s (%s)\n", *out, sum.Title, sizeText(int64(len(pdf))))
	return nil
}

// notHereError: the notice is not one of this screen's.
type notHereError struct{ id, location string }

func (e notHereError) Error() string {
	return fmt.Sprintf("no notice %q for this screen (%s)", e.id, e.location)
}

// posterPDF prints notice id of the screen at location as an A4 poster,
// at trusted time now. The export-pdf command and the admin panel share
// it. Only a notice meant for this screen is printed: another village's
// notice is never reachable from here, as on the screen itself. One not
// valid today (to be posted soon, or just expired) still prints, read as
// on a day it is shown (today is then false); a withdrawn one does not.
func posterPDF(st *store.Store, location, id string, now time.Time) (pdf []byte, sum *store.Summary, today bool, err error) {
	targeting, err := st.Targeting(location)
	if err != nil {
		return nil, nil, false, err
	}
	for i := range targeting {
		if targeting[i].ID == id {
			sum = &targeting[i]
		}
	}
	tz := st.Location()
	switch {
	case sum == nil:
		return nil, nil, false, notHereError{id, location}
	case sum.Withdrawn != "":
		return nil, sum, false, fmt.Errorf("notice %s was withdrawn (%s): it is not printed", id, oneLine(sum.Withdrawn))
	}
	at := now
	today = store.IsVisible(sum, location, at, tz)
	if !today {
		if t, err := sum.ValidFrom.Time(tz); err == nil && at.Before(t) {
			at = t
		}
		if t, err := sum.ValidUntil.Time(tz); err == nil && !at.Before(t.AddDate(0, 0, 1)) {
			at = t
		}
	}
	it, err := st.Item(id, location, at)
	if errors.Is(err, store.ErrNotFound) {
		return nil, sum, false, notHereError{id, location}
	} else if err != nil {
		return nil, sum, false, err
	}
	var buf bytes.Buffer
	blob := func(sha string) (string, error) {
		if !st.HasBlob(sha) {
			return "", fmt.Errorf("not synced yet")
		}
		return st.BlobPath(sha), nil
	}
	cal, err := st.Calendar()
	if err != nil {
		return nil, sum, false, err
	}
	if err := paper.Poster(&buf, it, cal, st.PlaceName(location), blob); err != nil {
		return nil, sum, false, err
	}
	return buf.Bytes(), sum, today, nil
}
