// Package depcheck_test keeps the package layout honest: each package imports only what
// docs/internals.md allows, the solver does no I/O, and each third-party module has one
// owner.
package depcheck_test

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/depsolve/depsolve/"

// allowed lists, for each package (relative to the module), the module's own packages and
// the third-party import-path prefixes it may import outside the standard library.
// Subpackages inherit their parent's row unless they have one of their own. The CLI
// maps flags to an engine.Request and renders the result: it imports the types it
// renders and the errors it maps to exit codes, never the lockfile writers or the
// wheel-tag logic, which are the engine's.
var allowed = map[string][]string{
	"pep440":              {},
	"pep508":              {"pep440"},
	"pep425":              {"pep508"},
	"redact":              {},
	"input":               {"internal/printable"},
	"reqfile":             {"internal/runlog", "input", "internal/printable", "internal/tomlpos", "pep440", "pep508", "redact", "github.com/BurntSushi/toml"},
	"resolver":            {"input", "pep440", "pep508"},
	"resolver/pubgrub":    {},
	"cache":               {"redact", "go.etcd.io/bbolt"},
	"index":               {"internal/runlog", "internal/slim", "internal/wire", "pep425", "pep440", "pep508", "resolver", "cache", "redact", "golang.org/x/net/html", "golang.org/x/sync"},
	"data":                {},
	"target":              {"internal/runlog", "input", "internal/dotted", "internal/printable", "internal/tomlpos", "pep425", "pep440", "pep508", "redact", "resolver", "reqfile", "github.com/BurntSushi/toml"},
	"matrix":              {"input", "internal/dotted", "internal/wire", "pep425", "pep440", "pep508", "resolver", "target", "data", "cache", "github.com/BurntSushi/toml"},
	"image":               {"internal/runlog", "cache", "index/coremeta", "internal/printable", "internal/wire", "pep440", "pep508", "redact", "github.com/google/go-containerregistry", "github.com/klauspost/compress"},
	"lockfile":            {"input", "internal/tomlpos", "pep440", "pep508", "resolver", "redact", "github.com/BurntSushi/toml"},
	"engine":              {"internal/runlog", "cache", "image", "index", "internal/printable", "internal/slim", "lockfile", "matrix", "pep425", "pep440", "pep508", "policy", "redact", "reqfile", "resolver", "target", "golang.org/x/sync"},
	"policy":              {"internal/runlog", "input", "internal/printable", "internal/slim", "internal/tomlpos", "lockfile", "pep440", "pep508", "redact", "reqfile", "target", "github.com/BurntSushi/toml"},
	"internal/fakeindex":  {"pep508"},
	"internal/imagetest":  {"github.com/google/go-containerregistry"},
	"internal/wire":       {},
	"internal/dotted":     {},
	"internal/tomlpos":    {},
	"internal/printable":  {},
	"internal/slim":       {},
	"internal/treemap":    {},
	"internal/runlog":     {},
	"internal/memo":       {"internal/runlog", "internal/wire", "reqfile"},
	"cmd/depsolve":        {"engine", "cache", "index", "internal/memo", "internal/printable", "internal/runlog", "internal/slim", "internal/treemap", "matrix", "pep440", "pep508", "policy", "redact", "reqfile", "resolver", "target", "github.com/spf13/cobra", "github.com/spf13/pflag", "golang.org/x/term"},
	"scripts/matrix-gaps": {"matrix"},
	"scripts/release":     {"pep440", "github.com/google/go-containerregistry", "golang.org/x/crypto/x509roots/fallback/bundle"},
}

// forbiddenStd are standard-library packages the solver must not touch: it does no I/O.
var forbiddenStd = map[string][]string{
	"resolver":         {"net", "net/http", "os", "os/exec", "io/fs", "path/filepath"},
	"resolver/pubgrub": {"net", "net/http", "os", "os/exec", "io/fs", "path/filepath"},
}

func rowFor(pkg string) (string, []string, bool) {
	for p := pkg; p != "." && p != ""; p = filepath.Dir(p) {
		if row, ok := allowed[p]; ok {
			return p, row, true
		}
	}
	return "", nil, false
}

func TestImports(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		name := d.Name()
		// tmp/ is scratch space (.gitignore), testdata/ holds fixtures.
		if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || path == filepath.Join(root, "tmp")) {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, path)
		if p, err := build.ImportDir(path, 0); err == nil && len(p.GoFiles) > 0 {
			pkgs = append(pkgs, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(pkgs)
	if len(pkgs) == 0 {
		t.Fatal("found no packages")
	}
	// The slim build (package internal/slim) swaps files: its imports obey the table too.
	slimBuild := build.Default
	slimBuild.BuildTags = []string{"slim"}
	for _, pkg := range pkgs {
		p, err := build.ImportDir(filepath.Join(root, pkg), 0)
		if err != nil {
			t.Errorf("%s: %v", pkg, err)
			continue
		}
		if sp, err := slimBuild.ImportDir(filepath.Join(root, pkg), 0); err == nil {
			p.Imports = slices.Compact(slices.Sorted(slices.Values(append(p.Imports, sp.Imports...))))
		}
		rowName, row, ok := rowFor(pkg)
		if !ok {
			t.Errorf("%s has no row in the import table; add one (and to docs/internals.md)", pkg)
			continue
		}
		for _, imp := range p.Imports {
			for _, bad := range forbiddenStd[rowName] {
				if imp == bad {
					t.Errorf("%s imports %s: the solver does no I/O", pkg, imp)
				}
			}
			if !strings.Contains(strings.Split(imp, "/")[0], ".") {
				continue // standard library
			}
			if !permitted(pkg, imp, row) {
				t.Errorf("%s imports %s, which its row (%s) does not allow", pkg, imp, rowName)
			}
		}
	}
}

func permitted(pkg, imp string, row []string) bool {
	if strings.HasPrefix(imp, module) {
		target := strings.TrimPrefix(imp, module)
		if strings.HasPrefix(target, pkg+"/") {
			return true // a package may use its own subpackages
		}
		for _, a := range row {
			if a == target || strings.HasPrefix(target, a+"/") {
				return true
			}
		}
		return false
	}
	for _, a := range row {
		if strings.HasPrefix(imp, a) {
			return true
		}
	}
	return false
}
