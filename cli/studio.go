package cli

import "gongkai/ui/studio"

func init() {
	register("studio", "the clerks' desktop window (发布台): write, check, preview, approve and publish notices: [--src DIR]", runStudio)
}

func runStudio(env *Env, args []string) error {
	fs := newFlags(env, "studio")
	src := fs.String("src", "", "the source folder (feed.yaml and notices); an empty folder becomes a new one")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return studio.Run(studio.Options{Src: *src})
}
