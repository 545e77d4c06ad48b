package cli

import (
	"fmt"

	"gongkai/docx"
	"gongkai/markdown"
)

func init() {
	register("import-docx", "print a Word .docx or .txt file as a notice's Markdown body: FILE", runImportDocx)
}

// runImportDocx is the studio's Word import for a terminal: the body goes
// to stdout (to paste under a notice's front matter), notes to stderr.
func runImportDocx(env *Env, args []string) error {
	fs := newFlags(env, "import-docx")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "gongkai import-docx: name one .docx or .txt file")
		return errUsage
	}
	d, err := docx.File(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, d.Markdown)
	if d.Pictures > 0 {
		fmt.Fprintf(env.Stderr, "note: %d pictures were not imported; add them to the notice as attachments\n", d.Pictures)
	}
	for _, p := range markdown.Check(d.Markdown, 3) {
		fmt.Fprintf(env.Stderr, "warning: line %d of the body: %s\n", p.Line, p.Msg)
	}
	return nil
}
