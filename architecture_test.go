package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// layers is ARCHITECTURE.md's "who may import whom" as the code keeps it:
// a package may import only packages of a lower layer, so the arrows point
// one way (ui → sync → store → feed) and nothing points back up. A new
// package goes here, and into ARCHITECTURE.md, in the same change.
var layers = map[string]int{
	// 0: the wire format and the small parts everything may use
	"feed": 0, "assets": 0, "atomicfile": 0, "cjk": 0,
	"markdown": 0, "logs": 0, "watchdog": 0, "diskerr": 0, "diskspace": 0,
	"docx": 0, // a clerk's Word or text file as a notice's Markdown body
	// 1: rules over the wire format: posting periods, playing its audio;
	// the one way to open a bbolt file (which tells a read-only disk by
	// diskerr)
	"period": 1, "playback": 1, "keyfile": 1, "boltfile": 1,
	// 2: one concern each, on disk or on paper
	"config": 2, "pin": 2, "store": 2, "proof": 2, "publish": 2,
	// 3: moving data: sync (sources → verified store), paper (PDFs),
	// the monitor's wire format
	"sync": 3, "paper": 3, "monitor/wire": 3, "drafts": 3,
	// 4: what runs around the screen, and the running screen itself
	"sync/synctest": 4, "demo": 4, "monitor": 4, "monitor/agent": 4, "screen": 4,
	// the screens' words, below the kit that draws them
	"ui/words": 4,
	// 5–7: the window: the kit every screen shares; the screens of each
	// user (villager, display, admin) and the urgent alerts over them,
	// which never import each other (nor the screens' test fixtures,
	// imported by tests only); the window that ties them together and to
	// the runtime
	"ui/kit": 5, "ui/villager": 6, "ui/display": 6, "ui/admin": 6, "ui/alert": 6, "ui/uitest": 6,
	"ui": 7,
	// 6–8: the clerks' studio, beside the screens' window (neither imports
	// the other): what its pages share; its pages, which never import each
	// other; the window that holds them
	"ui/studio/page": 6, "ui/studio/preview": 7, "ui/studio/keys": 7, "ui/studio/bodyedit": 7,
	"ui/studio/settings": 7, "ui/studio": 8,
	// 8: the kiosk program (window, runtime, agent, log put together);
	// 9: flags and wiring; 10: the program
	"kiosk": 8, "cli": 9, "": 10,
	// tools and whole-program tests: above everything, imported by nothing
	"bench/barewindow": 11, "bench/corpus": 10, "bench/feedgen": 11, "bench/monitorload": 11,
	"bench/searchbench": 11, "bench/fts5": 11, "deps": 11, "reliability": 11, "smoke": 11,
	"store/internal/genpinyin": 11,
}

// fyneTestHome is the one production file that may import Fyne's test
// package: Fyne 2.7.1 paints off-screen only through it (the file says why).
const fyneTestHome = "ui/offscreen.go"

// TestImportsPointDown reads the imports of every package's non-test
// files and fails on one that imports a package of its own or a higher
// layer, or on a package the table does not know; and on production code
// that imports Fyne's test package outside fyneTestHome.
func TestImportsPointDown(t *testing.T) {
	imports := map[string]map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "third_party") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			pkg = ""
		}
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p == "fyne.io/fyne/v2/test" && filepath.ToSlash(path) != fyneTestHome {
				t.Errorf("%s imports fyne.io/fyne/v2/test: production code paints off-screen only through %s", path, fyneTestHome)
			}
			if p == "gongkai" || strings.HasPrefix(p, "gongkai/") {
				imports[pkg][strings.TrimPrefix(strings.TrimPrefix(p, "gongkai"), "/")] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 20 {
		t.Fatalf("found only %d packages: the walk is broken", len(imports))
	}
	for _, pkg := range slices.Sorted(maps.Keys(imports)) {
		from, ok := layers[pkg]
		if !ok {
			t.Errorf("package %q is not in the layers of architecture_test.go (and ARCHITECTURE.md)", pkg)
			continue
		}
		for _, dep := range slices.Sorted(maps.Keys(imports[pkg])) {
			to, ok := layers[dep]
			if ok && to < from {
				continue
			}
			t.Errorf("%s (layer %d) imports %s (layer %d): imports point down only", name(pkg), from, name(dep), to)
		}
	}
}

func name(pkg string) string {
	if pkg == "" {
		return "gongkai"
	}
	return pkg
}
