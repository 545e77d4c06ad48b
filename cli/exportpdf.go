package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"gongkai/atomicfile"
	"gongkai/paper"
	"gongkai/screen"
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
	if err := parse(fs, args, 0, "item", "out"); err != nil {
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

	pdf, sum, today, err := paper.NoticePoster(st, cfg.Location, *id, st.Now(time.Now()))
	var notHere paper.NotHereError
	switch {
	case errors.As(err, &notHere):
		return fmt.Errorf("%w; gongkai list --data %s shows the notices here", err, *data)
	case err != nil:
		return screen.StoreError(*data, err)
	}
	if !today {
		fmt.Fprintf(env.Stderr, "gongkai: note: %s is not shown on this screen today (valid %s..%s)\n", *id, sum.ValidFrom, sum.ValidUntil)
	}
	if err := atomicfile.Write(*out, pdf); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %s (%s)\n", *out, sum.Title, screen.SizeText(int64(len(pdf))))
	return nil
}
