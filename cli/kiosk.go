package cli

import (
	"fmt"

	"gongkai/kiosk"
)

func init() {
	register("kiosk", "run the screen: --data DIR [--mode touch|display] [--fullscreen]", runKiosk)
	register("screenshot", "render a screen to PNG: --data DIR --out FILE.png [--screen home|item:ID|attachment:ID:N|search:QUERY|list:CAT|display[:ID[:PAGE]]|admin[:PAGE]] [--size WxH] [--text-size 标准|大|特大] [--at TIME]", runScreenshot)
	// at package init, before the init fyne package generates in main
	kiosk.SetMetadata(program())
}

func program() kiosk.Program { return kiosk.Program{Version: Version, Build: Build, Commit: Commit} }

func runKiosk(env *Env, args []string) error {
	fs := newFlags(env, "kiosk")
	data := dataFlag(fs)
	mode := fs.String("mode", "", "touch (lobby touch screen) or display (unattended bulletin); default from config")
	full := fs.Bool("fullscreen", false, "fill the screen, no window frame")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return kiosk.Run(kiosk.Options{Data: *data, Mode: *mode, Fullscreen: *full, Program: program(), Stderr: env.Stderr})
}

func runScreenshot(env *Env, args []string) error {
	fs := newFlags(env, "screenshot")
	data := dataFlag(fs)
	s := kiosk.Shot{Program: program(), Stderr: env.Stderr}
	fs.StringVar(&s.Out, "out", "", "PNG file to write")
	fs.StringVar(&s.Which, "screen", "home", "home, list:CATEGORY, item:ID, attachment:ID:N, search:QUERY, display[:ID[:PAGE]], or admin[:pin|status|sync|usb|compliance|poster|settings|log|leave]")
	fs.StringVar(&s.Size, "size", "1080x1920", "window size WxH (portrait 1080x1920, landscape 1920x1080)")
	fs.StringVar(&s.At, "at", "", "render as at this time: YYYY-MM-DD (feed time zone) or RFC 3339 (default now)")
	fs.StringVar(&s.TextSize, "text-size", "", "the touch screen's 字号 step: 标准, 大 or 特大 (also normal, large, xlarge or 0, 1, 2); default the screen's text_size")
	if err := parse(fs, args, 0, "out"); err != nil {
		return err
	}
	s.Data = *data
	size, err := kiosk.Screenshot(s)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s, %dx%d)\n", s.Out, s.Which, size.X, size.Y)
	return nil
}
