// Package cli is the command contract of the gongkai binary: it parses each
// command's flags, wires the packages that do the work, and turns their
// errors into one line on stderr and a non-zero exit.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"gongkai/config"
	"gongkai/feed"
)

// Version is set at build time (-ldflags "-X gongkai/cli.Version=...").
var (
	Version = "0.1.0-dev"
	Commit  = "unknown"
	Build   = "dev"
)

// Env is what a command runs with; tests hand in their own.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
}

type command struct {
	summary string
	run     func(env *Env, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(*Env, []string) error) {
	commands[name] = command{summary, run}
}

// errUsage means the flags were wrong; the flag package already said why.
var errUsage = errors.New("usage")

// exitCode ends a command with that code and no further message: the
// command has already said everything on stdout and stderr.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// Main runs one command line (without the program name) and returns the exit code.
func Main(args []string, env *Env) int {
	if len(args) == 0 {
		args = []string{"demo"}
	}
	name, rest := args[0], args[1:]
	if name == "-h" || name == "--help" || name == "help" {
		usage(env.Stdout)
		return 0
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "gongkai: unknown command %q (run 'gongkai help' for the list)\n", name)
		return 2
	}
	if err := cmd.run(env, rest); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			return 2
		}
		var code exitCode
		if errors.As(err, &code) {
			return int(code)
		}
		// "gongkai sync: sync: …" would say the command twice: the
		// error keeps its chain and its text, only the line drops the echo
		fmt.Fprintf(env.Stderr, "gongkai %s: %s\n", name, strings.TrimPrefix(oneLine(err.Error()), name+": "))
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "gongkai %s — 公开: government disclosure for village screens\n\nUsage: gongkai COMMAND [flags]\n\nCommands:\n", Version)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'gongkai COMMAND -h' for a command's flags. With no command, gongkai shows the demo kiosk.")
}

// newFlags makes a flag set that reports errors on env.Stderr.
func newFlags(env *Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("gongkai "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// parse parses flags, refuses leftover arguments beyond want positionals,
// and reports the first of the required flags (names) that is missing.
func parse(fs *flag.FlagSet, args []string, positionals int, names ...string) error {
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > positionals {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(positionals))
		return errUsage
	}
	return required(fs, names...)
}

// required reports a missing required flag; a command whose forms need
// different flags calls it after parse.
func required(fs *flag.FlagSet, names ...string) error {
	for _, n := range names {
		if f := fs.Lookup(n); f != nil && f.Value.String() == "" {
			fmt.Fprintf(fs.Output(), "%s: --%s is required\n", fs.Name(), n)
			return errUsage
		}
	}
	return nil
}

func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", config.DefaultDataDir(), "data directory of this screen")
}

// oneLine makes a message one printable line: errors quote outside text
// (a server's status line, a title), and a terminal obeys escape codes.
func oneLine(s string) string { return feed.Printable(s, feed.MaxErrorText) }

func init() {
	register("version", "print version, build and commit", func(env *Env, args []string) error {
		fs := newFlags(env, "version")
		if err := parse(fs, args, 0); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "gongkai %s (build %s, commit %s)\n", Version, Build, Commit)
		return nil
	})
}
