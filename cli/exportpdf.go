package cli

import (
	"fmt"
	"path/filepath"
	"strings"

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
	title, size, err := screen.WritePoster(*data, cfg, st, *id, *out, env.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %s (%s)\n", *out, title, screen.SizeText(size))
	return nil
}
