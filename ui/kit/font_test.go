package kit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"gongkai/assets"
)

// shippedGlyphs reports whether the fonts the program carries draw r: the
// theme's font, then Noto Sans (Fyne's own Latin face, kept in assets), as
// Fyne looks them up before it turns to the system's fonts.
func shippedGlyphs(t *testing.T) func(r rune) bool {
	t.Helper()
	var faces []*sfnt.Font
	for _, b := range [][]byte{assets.Font, assets.LatinFont} {
		f, err := sfnt.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		faces = append(faces, f)
	}
	var buf sfnt.Buffer
	return func(r rune) bool {
		for _, f := range faces {
			if i, err := f.GlyphIndex(&buf, r); err == nil && i != 0 {
				return true
			}
		}
		return false
	}
}

// Every character the screens' own words use is drawn from a font the
// program ships. One only the system has is an empty box on a kiosk
// without that font (⌫ and Ⅲ were, on a Linux without DejaVu) and has
// other widths elsewhere (the search line ran out of its box on Windows).
func TestScreensDrawOnlyShippedGlyphs(t *testing.T) {
	has := shippedGlyphs(t)
	seen := map[rune]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && (lit.Kind == token.STRING || lit.Kind == token.CHAR) {
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					s = lit.Value
				}
				for _, r := range s {
					if unicode.IsGraphic(r) && r != ' ' && seen[r] == "" {
						seen[r] = path
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 500 {
		t.Fatalf("only %d characters found in the screens' code: is the walk in the right folder?", len(seen))
	}
	for r, path := range seen {
		if !has(r) {
			t.Errorf("%q (U+%04X, in %s) is in no shipped font", r, r, path)
		}
	}
}

// The symbols township notices use beside Chinese — water classes,
// numbered points, limits, units — are drawn from a shipped font too.
// Not yet: circled numbers past ⑩ and parenthesized ones (⑴); DejaVu
// Sans lacks them, and the fonts that have them are under the OFL, whose
// glyphs cannot be merged into a font under other licences.
func TestNoticeSymbolsAreShipped(t *testing.T) {
	has := shippedGlyphs(t)
	for _, r := range "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ①②③④⑤⑥⑦⑧⑨⑩≥≤≠≈±×÷√∞℃°‰%㎡㎞㎏№→←↑↓※△▲□■○●◎☆★√“”‘’—…·、，。：；！？（）【】《》￥" {
		if !has(r) {
			t.Errorf("%q (U+%04X) is in no shipped font", r, r)
		}
	}
}
