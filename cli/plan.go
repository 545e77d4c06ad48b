package cli

import (
	"fmt"
	"strings"

	"gongkai/feed"
	"gongkai/publish"
)

// printPlan is publish --dry-run: the source checked as publish checks
// it, then what publishing it would change for the screens at each
// place, with nothing written.
func printPlan(env *Env, srcDir, outDir string) error {
	src, err := publish.ParseSource(srcDir)
	if err != nil {
		return err
	}
	for _, w := range src.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	p, err := publish.MakePlan(src, outDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "dry run: publishing %s over version %d would change %d notices (%d added, %d changed, %d withdrawn, %d removed), %d unchanged; nothing written\n",
		src.Feed.ID, p.Previous, len(p.Changes), p.Count(publish.Added), p.Count(publish.Changed), p.Count(publish.Withdrawn), p.Count(publish.Removed), p.Unchanged)
	for _, pc := range p.ByPlace(src.Feed.Locations) {
		fmt.Fprintln(env.Stdout, strings.TrimSpace(pc.Place.Code+" "+feed.Printable(pc.Place.Name, feed.MaxLineText)))
		for _, c := range pc.Changes {
			fmt.Fprintf(env.Stdout, "  %-9s %s %s\n", c.What, c.ID, feed.Printable(c.Title, feed.MaxLineText))
		}
	}
	return nil
}
