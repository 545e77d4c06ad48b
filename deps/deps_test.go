// Package deps holds the check that every outside program Gongkai's code,
// tests, build and `make run` call is installed by scripts/deps.sh, so a
// fresh machine passes `make test` (make fresh-check proves the list on a
// bare Debian root; this keeps the next program from slipping in).
//
// It reads, without running anything but `make -n`: every exec.Command,
// exec.CommandContext and exec.LookPath in the Go code whose program is a
// literal (or a constant, or ranges over a literal list), the commands of
// the make targets a newcomer and CI run (deps, build, run, test,
// bench-short) with the scripts they call, and .ci/run. Each program must
// be in the map below, and its packages in deps.sh's want list.
package deps

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Not Debian packages a test can ask deps.sh for.
const (
	toolchain = "(Go-toolchain)"        // /usr/local/go, as go.dev installs it
	needed    = "(README-prerequisite)" // make must be there to run deps.sh
)

// programs maps each outside program to the Debian packages that provide
// it (space-separated: all are needed). A new program goes here and its
// packages into the want list of scripts/deps.sh.
var programs = map[string]string{
	// Called by our Go code and tests.
	"Xvfb":      "xvfb",
	"xwininfo":  "x11-utils",
	"import":    "imagemagick",
	"xdotool":   "xdotool",
	"nginx":     "nginx-light",
	"curl":      "curl",
	"pdftoppm":  "poppler-utils",
	"tesseract": "tesseract-ocr tesseract-ocr-chi-sim", // -l chi_sim
	"pdftotext": "poppler-utils",
	"prlimit":   "util-linux",
	"mount":     "mount",
	"umount":    "mount",
	"chromium":  "chromium",
	"pandoc":    "pandoc",
	"espeak-ng": "espeak-ng",
	"sox":       "sox libsox-fmt-mp3", // mp3 for the audio publish makes
	"play":      "sox",
	"aplay":     "alsa-utils",
	// Called by the make recipes and scripts.
	"xvfb-run": "xvfb xauth",
	"git":      "git",
	"go":       toolchain,
	"gofmt":    toolchain,
	"make":     needed,
	// The Debian base system: every install has them.
	"sh": "dash", "bash": "bash", "env": "coreutils", "id": "coreutils",
	"cat": "coreutils", "cut": "coreutils", "sort": "coreutils", "mkdir": "coreutils",
	"rm": "coreutils", "mv": "coreutils", "cp": "coreutils", "dirname": "coreutils",
	"timeout": "coreutils", "find": "findutils", "grep": "grep", "sed": "sed",
	"awk": "mawk", "dpkg-query": "dpkg", "apt-get": "apt", "sudo": needed,
}

// What the go command itself calls or reads while building and testing:
// cgo (gcc, pkg-config, the GL/X headers of Fyne's window driver), VCS
// stamping from .git (git), module downloads over HTTPS (ca-certificates).
var buildNeeds = []string{"gcc", "pkg-config", "libgl1-mesa-dev", "xorg-dev", "git", "ca-certificates"}

// The Debian base system (Essential or Priority: required): on every
// install, so deps.sh does not list them.
var base = []string{"dash", "bash", "coreutils", "findutils", "grep", "sed", "mawk", "dpkg", "apt", "mount", "util-linux"}

// A call of an outside program, and where it is made.
type call struct {
	prog  string
	where string
}

func TestDepsInstallsEveryProgram(t *testing.T) {
	root := repoRoot(t)
	want := readWant(t, filepath.Join(root, "scripts", "deps.sh"))
	calls := goCalls(t, root)
	if len(calls) == 0 {
		t.Fatal("found no exec.Command or exec.LookPath in the Go code: the scan is broken")
	}
	calls = append(calls, makeCalls(t, root)...)
	var names []string
	for _, c := range calls {
		names = append(names, c.prog)
	}
	slices.Sort(names)
	t.Logf("outside programs called: %s", strings.Join(slices.Compact(names), " "))
	for _, p := range check(calls, want) {
		t.Error(p)
	}
}

// check returns one line per program not accounted for.
func check(calls []call, want map[string]bool) []string {
	var problems []string
	seen := map[string]bool{}
	for _, c := range calls {
		if seen[c.prog] {
			continue
		}
		seen[c.prog] = true
		pkgs, ok := programs[c.prog]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s calls %q, an outside program deps does not know: add its Debian package to the want list in scripts/deps.sh and the program to the programs map in deps/deps_test.go", c.where, c.prog))
			continue
		}
		for _, p := range strings.Fields(pkgs) {
			if p != toolchain && p != needed && !slices.Contains(base, p) && !want[p] {
				problems = append(problems, fmt.Sprintf("%s calls %q (package %s), which scripts/deps.sh does not install: add %s to its want list", c.where, c.prog, p, p))
			}
		}
	}
	for _, p := range buildNeeds {
		if !want[p] {
			problems = append(problems, fmt.Sprintf("the go command needs %s to build and test, which scripts/deps.sh does not install: add it to its want list", p))
		}
	}
	return problems
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return root
}

// readWant returns the packages of deps.sh's want=( … ) list.
func readWant(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := parseWant(string(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return want
}

var wantList = regexp.MustCompile(`(?m)^want=\(([^)]*)\)`)

func parseWant(script string) (map[string]bool, error) {
	m := wantList.FindStringSubmatch(script)
	if m == nil {
		return nil, fmt.Errorf("no want=( … ) list")
	}
	want := map[string]bool{}
	for _, f := range strings.Fields(stripComments(m[1])) {
		if !strings.HasPrefix(f, `"$`) && !strings.HasPrefix(f, "$") {
			want[f] = true
		}
	}
	return want, nil
}

// goCalls returns the outside programs the Go code under root names.
func goCalls(t *testing.T, root string) []call {
	t.Helper()
	var calls []call
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "third_party" || name == "testdata" || name == "bin" || name == "dist" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		cs, err := execCalls(rel, src)
		if err != nil {
			return err
		}
		calls = append(calls, cs...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

// execCalls returns the programs named by exec.Command, exec.CommandContext
// and exec.LookPath in one Go file: literal names, constants, and the
// values of a range over a literal list (for _, tool := range []string{…}).
// A name computed at run time (a path, os.Args[0]) is not an outside
// program, or was found by a LookPath this sees.
func execCalls(filename string, src []byte) ([]call, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	pkg := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "os/exec" {
			pkg = "exec"
			if imp.Name != nil {
				pkg = imp.Name.Name
			}
		}
	}
	if pkg == "" {
		return nil, nil
	}
	// Names bound to literal strings anywhere in the file: constants,
	// variables and range variables over literal lists.
	bound := map[string][]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if i < len(n.Values) {
					if s, ok := stringLit(n.Values[i]); ok {
						bound[id.Name] = append(bound[id.Name], s)
					}
				}
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						if s, ok := stringLit(n.Rhs[i]); ok {
							bound[id.Name] = append(bound[id.Name], s)
						}
					}
				}
			}
		case *ast.RangeStmt:
			id, ok := n.Value.(*ast.Ident)
			lit, ok2 := n.X.(*ast.CompositeLit)
			if ok && ok2 {
				for _, e := range lit.Elts {
					if s, ok := stringLit(e); ok {
						bound[id.Name] = append(bound[id.Name], s)
					}
				}
			}
		}
		return true
	})
	var calls []call
	ast.Inspect(f, func(n ast.Node) bool {
		ce, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := ce.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != pkg {
			return true
		}
		arg := 0
		switch sel.Sel.Name {
		case "Command", "LookPath":
		case "CommandContext":
			arg = 1
		default:
			return true
		}
		if len(ce.Args) <= arg {
			return true
		}
		where := fset.Position(ce.Pos()).String()
		var names []string
		if s, ok := stringLit(ce.Args[arg]); ok {
			names = []string{s}
		} else if id, ok := ce.Args[arg].(*ast.Ident); ok {
			names = bound[id.Name]
		}
		for _, s := range names {
			// A path is our own binary or one found at run time.
			if !strings.Contains(s, "/") {
				calls = append(calls, call{s, where})
			}
		}
		return true
	})
	return calls, nil
}

func stringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

// The targets a newcomer (README: make run, make test) and CI (.ci/run)
// run, with their prerequisites.
var makeTargets = []string{"deps", "build", "run", "test", "bench-short"}

// makeCalls returns the programs the make targets' recipes, the Makefile's
// $(shell …) lines, the scripts those recipes run and .ci/run call.
func makeCalls(t *testing.T, root string) []call {
	t.Helper()
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Fatalf("make not found: %v", err)
	}
	cmd := exec.Command(mk, append([]string{"-n", "-B", "--no-print-directory", "-C", root}, makeTargets...)...)
	// Not the jobserver or flags of a make this test may run under.
	cmd.Env = append(os.Environ(), "MAKEFLAGS=", "MAKELEVEL=", "MFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make -n %s: %v", strings.Join(makeTargets, " "), err)
	}
	calls := shellCalls("make -n "+strings.Join(makeTargets, " "), string(out))

	mf, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\(shell ([^\n]*)\)`).FindAllStringSubmatch(string(mf), -1) {
		calls = append(calls, shellCalls("Makefile $(shell …)", strings.ReplaceAll(m[1], "$$", "$"))...)
	}

	// The scripts run as commands (not as arguments: bash -n only parses).
	scripts := []string{".ci/run"}
	for _, c := range calls {
		if strings.Contains(c.prog, "/") {
			scripts = append(scripts, strings.TrimPrefix(c.prog, "./"))
		}
	}
	for i := 0; i < len(scripts); i++ {
		b, err := os.ReadFile(filepath.Join(root, scripts[i]))
		if err != nil || !strings.HasPrefix(string(b), "#!") {
			continue // our own binary, or not built yet
		}
		for _, c := range shellCalls(scripts[i], string(b)) {
			if strings.Contains(c.prog, "/") && !slices.Contains(scripts, c.prog) {
				scripts = append(scripts, strings.TrimPrefix(c.prog, "./"))
			}
			calls = append(calls, c)
		}
	}
	var out2 []call
	for _, c := range calls {
		if !strings.Contains(c.prog, "/") {
			out2 = append(out2, c)
		}
	}
	return out2
}

// Shell words that are not outside programs.
var shellWords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "fi": true, "for": true, "in": true,
	"do": true, "done": true, "while": true, "until": true, "case": true, "esac": true,
	"function": true, "!": true, "time": true, "{": true, "}": true, "[": true, "[[": true, "]]": true,
	"test": true, "echo": true, "printf": true, "exit": true, "return": true, "set": true,
	"export": true, "local": true, "readonly": true, "declare": true, "unset": true, "cd": true,
	"command": true, "true": true, "false": true, "read": true, "shift": true, "wait": true,
	"trap": true, "eval": true, "exec": true, "break": true, "continue": true, "source": true,
	".": true, ":": true, "say": true, "kill": true, "pwd": true, "type": true, "ulimit": true,
}

// Keywords that may stand before a command.
var leading = map[string]bool{"!": true, "then": true, "else": true, "elif": true, "do": true,
	"if": true, "while": true, "until": true, "time": true}

var (
	arrayAssign = regexp.MustCompile(`\b[A-Za-z_][A-Za-z0-9_]*\+?=\([^)]*\)`)
	arithmetic  = regexp.MustCompile(`\$\(\([^)]*\)\)`)
	paramExp    = regexp.MustCompile(`\$\{[^}]*\}`)
	fdRedirect  = regexp.MustCompile(`[0-9]*[<>]&[0-9-]+|&>`)
	separators  = regexp.MustCompile(`\$\(|&&|\|\||[;|&()\x60\n]`)
	assignment  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	funcDef     = regexp.MustCompile(`(?m)^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)`)
)

// shellCalls returns the command words of a shell text: the first word of
// each simple command, after assignments, redirections and keywords; the
// program of `command -v X`; the commands inside "$( … )". A heuristic for
// our own small scripts: a word it misreads shows up as unknown and goes
// into the map or shellWords.
func shellCalls(where, text string) []call {
	text = stripComments(strings.ReplaceAll(text, "\\\n", " "))
	funcs := map[string]bool{}
	for _, m := range funcDef.FindAllStringSubmatch(text, -1) {
		funcs[m[1]] = true
	}
	text = funcDef.ReplaceAllString(text, "")
	text = arithmetic.ReplaceAllString(text, "0")
	text = arrayAssign.ReplaceAllString(text, "")
	text = paramExp.ReplaceAllString(text, "$V")
	text = fdRedirect.ReplaceAllString(text, " ")
	text = unquote(text)
	var calls []call
	for _, seg := range separators.Split(text, -1) {
		words := strings.Fields(seg)
	lead:
		for len(words) > 0 {
			switch w := words[0]; {
			case w == ">" || w == ">>" || w == "<" || w == "2>":
				words = words[min(2, len(words)):] // and the file
			case isRedirect(w) || assignment.MatchString(w) || leading[w]:
				words = words[1:]
			default:
				break lead
			}
		}
		if len(words) == 0 {
			continue
		}
		w := words[0]
		if w == "command" && len(words) >= 3 && words[1] == "-v" {
			w = words[2]
		} else if shellWords[w] || funcs[w] {
			continue
		}
		if w == "" || w == "Q" || w == "0" || strings.HasPrefix(w, "$") {
			continue
		}
		calls = append(calls, call{w, where})
	}
	return calls
}

func isRedirect(w string) bool {
	return strings.HasPrefix(w, ">") || strings.HasPrefix(w, "<") || strings.HasPrefix(w, "2>") || strings.HasPrefix(w, "1>")
}

// unquote replaces each quoted string by the word Q, keeping the commands
// inside "$( … )" (they run) as lines of their own at the end.
func unquote(s string) string {
	var b, inner strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return b.String() + inner.String()
			}
			b.WriteString("Q")
			i += j + 1
		case '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					continue
				}
				if strings.HasPrefix(s[j:], "$(") {
					k := strings.IndexByte(s[j:], ')')
					if k > 0 {
						inner.WriteString("\n" + s[j+2:j+k] + "\n")
						j += k
					}
				}
			}
			b.WriteString("Q")
			i = j
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String() + inner.String()
}

// stripComments drops # comments that start a word.
func stripComments(s string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		inS, inD := false, false
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case c == '\'' && !inD:
				inS = !inS
			case c == '"' && !inS:
				inD = !inD
			case c == '#' && !inS && !inD && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
				line = line[:i]
			}
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// Without any one package the code needs, the check fails naming it, and
// a program it does not know fails with the instruction to add it.
func TestCheckFailsWithoutAPackage(t *testing.T) {
	root := repoRoot(t)
	script, err := os.ReadFile(filepath.Join(root, "scripts", "deps.sh"))
	if err != nil {
		t.Fatal(err)
	}
	calls := append(goCalls(t, root), makeCalls(t, root)...)
	needs := map[string]string{} // package -> a program needing it
	for _, c := range calls {
		for _, p := range strings.Fields(programs[c.prog]) {
			if p != toolchain && p != needed && !slices.Contains(base, p) {
				needs[p] = c.prog
			}
		}
	}
	for _, p := range buildNeeds {
		needs[p] = "go"
	}
	for _, p := range []string{"poppler-utils", "tesseract-ocr-chi-sim", "xvfb", "xauth", "nginx-light", "git"} {
		if needs[p] == "" {
			t.Errorf("no call needs %s: the scan misses one", p)
		}
	}
	for pkg, prog := range needs {
		t.Run(pkg, func(t *testing.T) {
			without := regexp.MustCompile(`(?m)(^want=\([^)]*?)\s`+regexp.QuoteMeta(pkg)+`\b`).ReplaceAllString(string(script), "$1")
			want, err := parseWant(without)
			if err != nil {
				t.Fatal(err)
			}
			if want[pkg] {
				t.Fatalf("could not take %s out of deps.sh", pkg)
			}
			problems := strings.Join(check(calls, want), "\n")
			if !strings.Contains(problems, pkg) || !strings.Contains(problems, "scripts/deps.sh does not install") {
				t.Errorf("deps.sh without %s (needed by %s): check said %q", pkg, prog, problems)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	all := map[string]bool{}
	for _, p := range buildNeeds {
		all[p] = true
	}
	all["poppler-utils"] = true
	for _, tc := range []struct {
		name  string
		calls []string
		drop  string
		want  string // in the problems; "" for none
	}{
		{"known and installed", []string{"pdftoppm"}, "", ""},
		{"base system", []string{"grep", "sh", "mount"}, "", ""},
		{"toolchain and make", []string{"go", "gofmt", "make"}, "", ""},
		{"package missing", []string{"pdftoppm"}, "poppler-utils", `"pdftoppm" (package poppler-utils), which scripts/deps.sh does not install: add poppler-utils`},
		{"one of two packages missing", []string{"tesseract"}, "", "add tesseract-ocr to its want list"},
		{"unknown program", []string{"frobnicate"}, "", `"frobnicate", an outside program deps does not know: add its Debian package to the want list in scripts/deps.sh and the program to the programs map`},
		{"build needs", nil, "gcc", "the go command needs gcc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := maps.Clone(all)
			delete(want, tc.drop)
			var calls []call
			for _, c := range tc.calls {
				calls = append(calls, call{c, "x.go:1"})
			}
			got := strings.Join(check(calls, want), "\n")
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExecCalls(t *testing.T) {
	src := `package p

import (
	"context"
	run "os/exec"
)

const viewer = "pdftoppm"

func f(ctx context.Context, bin string) {
	run.Command("Xvfb", "-displayfd", "3")
	run.CommandContext(ctx, "nginx", "-c", "x")
	run.LookPath(viewer)
	for _, tool := range []string{"xwininfo", "import"} {
		run.LookPath(tool)
	}
	curl := "curl"
	run.Command(curl)
	run.Command(bin, "kiosk")
	run.Command("/usr/bin/env")
	run.Command("./bin/gongkai")
}
`
	calls, err := execCalls("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range calls {
		got = append(got, c.prog+"@"+c.where)
	}
	want := []string{"Xvfb@p.go:11:2", "nginx@p.go:12:2", "pdftoppm@p.go:13:2", "xwininfo@p.go:15:3", "import@p.go:15:3", "curl@p.go:18:2"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	// Without os/exec, a Command is someone else's.
	if calls, _ := execCalls("q.go", []byte("package q\nfunc f() { exec.Command(\"x\") }\n")); len(calls) != 0 {
		t.Errorf("without os/exec: %v", calls)
	}
}

func TestShellCalls(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string
	}{
		{`set -euo pipefail # go away`, ""},
		{`want=(gcc pkg-config "$@")` + "\nmissing+=(\"$p\")", ""},
		{`if ! command -v go >/dev/null; then echo "x" >&2; exit 1; fi`, "go"},
		{`dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok" || missing+=("$p")`, "dpkg-query grep"},
		{`[ ${#missing[@]} -eq 0 ] && exit 0`, ""},
		{`if [ "$(id -u)" -ne 0 ]; then echo "Run: sudo sh -c '$cmd'" >&2; fi`, "id"},
		{`cmd="apt-get update && apt-get install x"; sh -c "$cmd" >/dev/null`, "sh"},
		{`unformatted=$(gofmt -l $(find . -name '*.go' -not -path './third_party/*')); \` + "\n" + `if [ -n "$unformatted" ]; then exit 1; fi`, "gofmt find"},
		{`if [ -n "$DISPLAY" ] || [ -n "$WAYLAND_DISPLAY" ]; then ./bin/gongkai; else xvfb-run -a -s "-screen 0 1080x1920x24" ./bin/gongkai; fi`, "./bin/gongkai xvfb-run"},
		{`FOO=1 BAR="a b" go test -race ./... 2>&1 | sort`, "go sort"},
		{"say() { echo \"$*\" >&2; }\nsay hello\ncd \"$(dirname \"$0\")/..\"", "dirname"},
		{"for p in a b; do\n\tfrob \"$p\"\ndone", "frob"},
	} {
		var got []string
		for _, c := range shellCalls("t", tc.text) {
			got = append(got, c.prog)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s\n got %q, want %q", tc.text, strings.Join(got, " "), tc.want)
		}
	}
}
