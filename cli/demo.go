package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"gongkai/config"
	"gongkai/demo"
	"gongkai/pin"
)

func init() {
	register("demo", "the kiosk on the embedded demo feed (the default): [--data DIR] [--fullscreen]", runDemo)
}

// runDemo installs the embedded demo feed through the real publish and sync
// path, then runs the kiosk on it.
func runDemo(env *Env, args []string) error {
	fs := newFlags(env, "demo")
	data := fs.String("data", filepath.Join(config.DefaultDataDir(), "demo"), "data directory of the demo screen")
	full := fs.Bool("fullscreen", false, "fill the screen, no window frame")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	res, err := demo.Install(context.Background(), *data, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "demo feed (fictional 青禾镇, screen at 东湾村) version %d in %s\n", res.Version, *data)
	if err := demo.SetPIN(*data); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "admin panel: hold the top-left corner 3 s, then tap it 5 times; demo PIN %s\n", pin.Demo)
	kargs := []string{"--data", *data}
	if *full {
		kargs = append(kargs, "--fullscreen")
	}
	return runKiosk(env, kargs)
}
