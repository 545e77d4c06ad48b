package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gongkai/config"
	"gongkai/screen"
	"gongkai/store"
)

// The commands of a screen: provisioning, sync, and what an administrator
// asks of a screen from a terminal or a script.
func init() {
	register("init", "provision a screen: --data DIR --location CODE --pubkey FILE [--pin-file FILE] [--source URL|PATH]...", runInit)
	register("sync", "sync once: --data DIR [--source URL|PATH]", runSync)
	register("list", "what this screen shows: --data DIR [--json] [--at TIME]", runList)
	register("search", "search notices: --data DIR [--json] QUERY", runSearch)
	register("status", "state of this screen: --data DIR [--json]", runStatus)
	register("check", "integrity of database and attachments: --data DIR", runCheck)
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func runInit(env *Env, args []string) error {
	fs := newFlags(env, "init")
	data := dataFlag(fs)
	location := fs.String("location", "", "division code of this screen, 6-12 digits (e.g. 310118901201)")
	pubkey := fs.String("pubkey", "", "the publisher's publisher.pub to pin")
	pinFile := fs.String("pin-file", "", pinFileUsage)
	var sources stringList
	fs.Var(&sources, "source", "feed URL or folder, tried in order (repeatable)")
	if err := parse(fs, args, 0, "location", "pubkey"); err != nil {
		return err
	}
	p, err := screen.Provision(*data, config.Config{Location: *location, Sources: sources}, *pubkey, *pinFile)
	if err != nil {
		return err
	}
	p.WriteText(env.Stdout)
	return nil
}

// openScreen opens the screen in data (screen.Open), warnings on stderr.
func openScreen(env *Env, data string) (*config.Config, *store.Store, error) {
	return screen.Open(data, env.Stderr)
}

func runSync(env *Env, args []string) error {
	fs := newFlags(env, "sync")
	data := dataFlag(fs)
	source := fs.String("source", "", "feed URL or folder (default: the configured sources, in order)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	var sources []string
	if *source != "" {
		sources = []string{*source}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return screen.SyncByHand(ctx, st, cfg, *data, sources, env.Stdout, env.Stderr)
}

func printItems(w io.Writer, st *store.Store, items []store.Summary, asJSON bool) error {
	if !asJSON {
		screen.WriteNoticeTable(w, st, items)
		return nil
	}
	out, err := screen.Notices(st, items)
	if err != nil {
		return err
	}
	return screen.WriteNoticesJSON(w, out)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runList(env *Env, args []string) error {
	fs := newFlags(env, "list")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	atFlag := fs.String("at", "", "show what the screen shows at this time: YYYY-MM-DD or RFC 3339 (default now)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, st, err := screen.OpenToRead(*data, env.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	items, err := screen.Shown(st, cfg, *atFlag)
	if err != nil {
		return err
	}
	return printItems(env.Stdout, st, items, *asJSON)
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("search QUERY --json" as well as "search --json QUERY").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runSearch(env *Env, args []string) error {
	fs := newFlags(env, "search")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(pos, " "))
	if query == "" {
		fmt.Fprintf(env.Stderr, "%s: QUERY is required\n", fs.Name())
		return errUsage
	}
	cfg, st, err := screen.OpenToRead(*data, env.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	items, err := st.Find(query, cfg.Location, st.Now(time.Now()))
	if err != nil {
		return err
	}
	return printItems(env.Stdout, st, items, *asJSON)
}

func runStatus(env *Env, args []string) error {
	fs := newFlags(env, "status")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, st, err := screen.OpenToRead(*data, env.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	out, err := screen.StatusOf(*data, cfg, st, time.Now())
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.Stdout, out)
	}
	out.WriteText(env.Stdout)
	return nil
}

// runCheck runs the check in a child process of the same binary, where a
// crash on a damaged file is one more finding (screen.CheckInChild).
func runCheck(env *Env, args []string) error {
	fs := newFlags(env, "check")
	data := dataFlag(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if _, err := config.Load(*data); err != nil {
		return err
	}
	exe, err := os.Executable()
	if screen.InCheckChild() || err != nil {
		return screen.WriteCheck(*data, env.Stdout, env.Stderr)
	}
	verdict, err := screen.CheckInChild(*data, exe, []string{"check", "--data", *data}, env.Stdout, env.Stderr)
	if err != nil {
		return err
	}
	return exitCode(verdict)
}
