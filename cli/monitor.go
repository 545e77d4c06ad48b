package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"gongkai/feed"
	"gongkai/monitor"
)

// The township's monitor (巡检台): the server, and the commands an
// administrator runs beside it.
func init() {
	register("monitor", "the township's monitor: --listen ADDR --data DIR | enroll --data DIR --device FILE --village CODE --name NAME | user --data DIR --name NAME | verify [--key monitor.pub] FILE.json", runMonitor)
}

func runMonitor(env *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "enroll":
			return runMonitorEnroll(env, args[1:])
		case "user":
			return runMonitorUser(env, args[1:])
		case "verify":
			return runMonitorVerify(env, args[1:])
		}
	}
	fs := newFlags(env, "monitor")
	listen := fs.String("listen", "127.0.0.1:8090", "address to serve on (behind nginx: a loopback address)")
	data := fs.String("data", "", "the monitor's data directory (monitor.db, keys, screenshots)")
	proxies := fs.String("trusted-proxy", "127.0.0.1/8,::1/128", "addresses (CIDR, comma-separated) whose X-Forwarded-Proto/-For are believed")
	if err := parse(fs, args, 0, "data"); err != nil {
		return err
	}
	trusted, err := monitor.ParsePrefixes(*proxies)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return monitor.Run(ctx, *data, *listen, trusted, env.Stderr, env.Stdout)
}

func runMonitorEnroll(env *Env, args []string) error {
	fs := newFlags(env, "monitor enroll")
	data := fs.String("data", "", "the monitor's data directory")
	device := fs.String("device", "", "the screen's device.pub (from its data directory)")
	village := fs.String("village", "", "division code the screen stands at, 6 to 12 digits")
	name := fs.String("name", "", "the screen's name, e.g. 东湾村村委会大厅")
	if err := parse(fs, args, 0, "data", "device", "village", "name"); err != nil {
		return err
	}
	pub, err := monitor.EnrollFile(*data, *device, *name, *village)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "enrolled %s: %s (%s)\n", feed.Fingerprint(pub), *name, *village)
	return nil
}

// runMonitorUser sets an operator's password, read from the first line of
// stdin (never a flag: it would show in the process list and the shell's
// history).
func runMonitorUser(env *Env, args []string) error {
	fs := newFlags(env, "monitor user")
	data := fs.String("data", "", "the monitor's data directory")
	name := fs.String("name", "", "the operator's login name")
	if err := parse(fs, args, 0, "data", "name"); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "password for %s (one line, at least 10 characters): ", *name)
	password, err := monitor.ReadPasswordLine(env.Stdin)
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return err
	}
	if err := monitor.SetPasswordHeld(*data, *name, password); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "password set for %s\n", *name)
	return nil
}

// runMonitorVerify checks a notice's archive (downloaded from the notice's page).
func runMonitorVerify(env *Env, args []string) error {
	fs := newFlags(env, "monitor verify")
	key := fs.String("key", "", "the monitor's monitor.pub the archive must be signed by")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "monitor verify: name the archive FILE.json")
		return errUsage
	}
	a, err := monitor.VerifyArchiveFile(fs.Arg(0), *key)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ok: %s is intact: notice %s, %d screens, each report signed by its device and countersigned by monitor %s\n",
		fs.Arg(0), a.Notice.ID, len(a.Screens), a.MonitorFingerprint())
	if *key == "" {
		fmt.Fprintln(env.Stdout, "note: no --key given; compare the monitor fingerprint with the monitor's monitor.pub")
	}
	return nil
}
