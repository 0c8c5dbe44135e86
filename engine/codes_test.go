package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every warning code a verdict can carry is one a policy's strict.errors may name
// (WarningCodes), and the README documents each: a code added as a constant without
// either fails here, so tools and policies can rely on the list.
func TestWarningCodesAreListedAndDocumented(t *testing.T) {
	listed := WarningCodes()
	var declared []string
	for _, dir := range []string{".", "../matrix", "../target"} {
		pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, pkg := range pkgs {
			for _, f := range pkg.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					vs, ok := n.(*ast.ValueSpec)
					if !ok {
						return true
					}
					for i, name := range vs.Names {
						if i >= len(vs.Values) || !strings.HasPrefix(name.Name, "Warning") && !strings.HasPrefix(name.Name, "Advisory") {
							continue
						}
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							code, _ := strconv.Unquote(lit.Value)
							declared = append(declared, code)
							if !slices.Contains(listed, code) {
								t.Errorf("%s (%s = %q) is not in WarningCodes", filepath.Join(dir, name.Name), name.Name, code)
							}
						}
					}
					return true
				})
			}
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9]+(?:-[a-z0-9]+)*)` \\| ").FindAllStringSubmatch(string(readme), -1) {
		documented = append(documented, m[1])
	}
	for _, code := range listed {
		if !slices.Contains(documented, code) {
			t.Errorf("warning code %q is not in README's table of codes", code)
		}
		if !slices.Contains(declared, code) {
			t.Errorf("WarningCodes lists %q, which no Warning or Advisory constant declares", code)
		}
	}
}
