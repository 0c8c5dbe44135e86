package resolver

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

var update = flag.Bool("update", false, "rewrite the solution and explanation sections of testdata/*/*.txtar")

// A universe is a solver test in the text DSL of testdata/core/*.txtar:
//
//	-- universe --
//	root 1.0.0: foo >=1.0,<2.0; constrain bar <3
//	foo 1.0.0: bar >=2.0; baz
//	foo 1.1.0: unavailable needs a compiler
//	bar 2.0.0
//	baz 1.0.0: qux none
//	-- root --
//	root 1.0.0
//
// Each universe line is "name version", optionally followed by ": " and items
// separated by "; ": "name [specifiers]" requires name (any version if no
// specifiers, no version at all if "none"), "constrain name specifiers" restricts
// name if something else selects it, "unavailable reason" makes the version
// unusable. Versions are offered newest first. The expected outcome is a
// "solution" section (one "name version" line per package, with "<- requirers")
// or an "explanation" section (the report's Text); -update rewrites either, but
// never turns one into the other. A "facts" section lists strings the
// explanation must contain.
type universe struct {
	versions map[Package][]pep440.Version // descending
	deps     map[Package]map[string]Dependencies
}

func (u *universe) Versions(_ context.Context, p Package) ([]pep440.Version, error) {
	return u.versions[p], nil
}

func (u *universe) Dependencies(_ context.Context, p Package, v pep440.Version) (Dependencies, error) {
	return u.deps[p][v.String()], nil
}

func parseUniverse(text string) (*universe, error) {
	u := &universe{versions: map[Package][]pep440.Version{}, deps: map[Package]map[string]Dependencies{}}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, items, _ := strings.Cut(line, ":")
		name, vtext, ok := strings.Cut(strings.TrimSpace(head), " ")
		if !ok {
			return nil, fmt.Errorf("universe line %d: want \"name version\", got %q", n+1, head)
		}
		v, err := pep440.Parse(vtext)
		if err != nil {
			return nil, fmt.Errorf("universe line %d: %v", n+1, err)
		}
		p := Package{Name: name}
		if u.deps[p] == nil {
			u.deps[p] = map[string]Dependencies{}
		}
		if _, seen := u.deps[p][v.String()]; !seen {
			u.versions[p] = append(u.versions[p], v)
		}
		deps := u.deps[p][v.String()]
		for item := range strings.SplitSeq(items, ";") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if reason, ok := strings.CutPrefix(item, "unavailable "); ok {
				deps.Unavailable = statedReason(reason)
				continue
			}
			d := Dependency{}
			if rest, ok := strings.CutPrefix(item, "constrain "); ok {
				d.Constrains, item = true, rest
			}
			dname, spec, _ := strings.Cut(item, " ")
			d.Package = Package{Name: dname}
			switch spec = strings.TrimSpace(spec); spec {
			case "none":
				d.Range = pep440.Empty()
			default:
				set, err := pep440.ParseSpecifierSet(spec)
				if err != nil {
					return nil, fmt.Errorf("universe line %d: %v", n+1, err)
				}
				d.Range = set.Range()
			}
			deps.Requires = append(deps.Requires, d)
		}
		u.deps[p][v.String()] = deps
	}
	for p := range u.versions {
		slices.SortFunc(u.versions[p], func(a, b pep440.Version) int { return b.Compare(a) })
	}
	return u, nil
}

// check verifies a solution against the universe independently of the solver:
// every selected version's requirements and constraints hold, and nothing
// unavailable was selected.
func (u *universe) check(root Package, rootVersion pep440.Version, sol *Solution) error {
	selected := map[Package]pep440.Version{root: rootVersion}
	for _, s := range sol.Packages {
		selected[s.Package] = s.Version
	}
	for p, v := range selected {
		known := false
		for _, w := range u.versions[p] {
			known = known || w.Equal(v)
		}
		if !known {
			return fmt.Errorf("%s %s does not exist", p, v)
		}
		deps := u.deps[p][v.String()]
		if deps.Unavailable != nil {
			return fmt.Errorf("%s %s is unavailable", p, v)
		}
		for _, d := range deps.Requires {
			w, ok := selected[d.Package]
			switch {
			case !ok && !d.Constrains:
				return fmt.Errorf("%s %s needs %s, which is not selected", p, v, d.Package)
			case ok && !d.Range.Contains(w):
				return fmt.Errorf("%s %s needs %s %s, got %s", p, v, d.Package, d.Range, w)
			}
		}
	}
	return nil
}

func formatSolution(sol *Solution) string {
	var b strings.Builder
	for _, s := range sol.Packages {
		fmt.Fprintf(&b, "%s %s", s.Package, s.Version)
		if len(s.RequiredBy) > 0 {
			by := make([]string, len(s.RequiredBy))
			for i, r := range s.RequiredBy {
				by[i] = r.Package.String() + " " + r.Version.String()
			}
			fmt.Fprintf(&b, " <- %s", strings.Join(by, ", "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// archive is a txtar archive (golang.org/x/tools/txtar's format): a comment, then
// files, each introduced by a "-- name --" line. The few lines here spare the
// module a dependency on x/tools, which go-internal's txtar would pull in.
type archive struct {
	Comment []byte
	Files   []archiveFile
}

type archiveFile struct {
	Name string
	Data []byte
}

func parseArchive(data []byte) *archive {
	a := &archive{}
	cur := &a.Comment
	for line := range strings.Lines(string(data)) {
		trimmed := strings.TrimRight(line, "\r\n")
		if name, ok := strings.CutPrefix(trimmed, "-- "); ok && strings.HasSuffix(name, " --") && len(name) > 3 {
			a.Files = append(a.Files, archiveFile{Name: strings.TrimSpace(strings.TrimSuffix(name, " --"))})
			cur = &a.Files[len(a.Files)-1].Data
			continue
		}
		*cur = append(*cur, line...)
	}
	return a
}

func readArchive(file string) (*archive, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return parseArchive(data), nil
}

func (a *archive) format() []byte {
	out := append([]byte(nil), a.Comment...)
	for _, f := range a.Files {
		out = append(out, "-- "+f.Name+" --\n"...)
		out = append(out, f.Data...)
		if len(f.Data) > 0 && f.Data[len(f.Data)-1] != '\n' {
			out = append(out, '\n')
		}
	}
	return out
}

func section(a *archive, name string) (int, bool) {
	for i, f := range a.Files {
		if f.Name == name {
			return i, true
		}
	}
	return -1, false
}

func TestCoreDSL(t *testing.T) {
	files, err := filepath.Glob("testdata/core/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/core/*.txtar files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runCoreFile(t, file)
		})
	}
}

func runCoreFile(t *testing.T, file string) {
	a, err := readArchive(file)
	if err != nil {
		t.Fatal(err)
	}
	ui, ok := section(a, "universe")
	ri, ok2 := section(a, "root")
	if !ok || !ok2 {
		t.Fatal("need universe and root sections")
	}
	u, err := parseUniverse(string(a.Files[ui].Data))
	if err != nil {
		t.Fatal(err)
	}
	rname, rver, _ := strings.Cut(strings.TrimSpace(string(a.Files[ri].Data)), " ")
	root, rootVersion := Package{Name: rname}, pep440.MustParse(rver)
	sol, ns, err := Solve(context.Background(), u, root, rootVersion, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want string
	var got string
	si, wantSolution := section(a, "solution")
	ei, wantExplanation := section(a, "explanation")
	switch {
	case wantSolution == wantExplanation:
		t.Fatal("need exactly one of the solution and explanation sections")
	case wantSolution && sol == nil:
		t.Fatalf("want a solution, got none:\n%s", ns.Text())
	case wantExplanation && ns == nil:
		t.Fatalf("want no solution, got:\n%s", formatSolution(sol))
	case wantSolution:
		if err := u.check(root, rootVersion, sol); err != nil {
			t.Fatalf("invalid solution: %v\n%s", err, formatSolution(sol))
		}
		got, want = formatSolution(sol), string(a.Files[si].Data)
	default:
		got, want = ns.Text()+"\n", string(a.Files[ei].Data)
		if fi, ok := section(a, "facts"); ok {
			for fact := range strings.SplitSeq(strings.TrimSpace(string(a.Files[fi].Data)), "\n") {
				if !strings.Contains(got, fact) {
					t.Errorf("explanation does not state %q", fact)
				}
			}
		}
	}
	if got == want {
		return
	}
	if *update {
		i := si
		if wantExplanation {
			i = ei
		}
		a.Files[i].Data = []byte(got)
		if err := os.WriteFile(file, a.format(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("got:\n%s\nwant:\n%s", got, want)
}

// The solver must give identical answers on repeated runs (pubgrub-rs
// same_result_on_repeated_runs): nothing may depend on map order.
func TestDeterministic(t *testing.T) {
	files, _ := filepath.Glob("testdata/core/*.txtar")
	for _, file := range files {
		a, err := readArchive(file)
		if err != nil {
			t.Fatal(err)
		}
		ui, _ := section(a, "universe")
		ri, _ := section(a, "root")
		rname, rver, _ := strings.Cut(strings.TrimSpace(string(a.Files[ri].Data)), " ")
		var first string
		for range 5 {
			u, err := parseUniverse(string(a.Files[ui].Data))
			if err != nil {
				t.Fatal(err)
			}
			sol, ns, err := Solve(context.Background(), u, Package{Name: rname}, pep440.MustParse(rver), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var out string
			if sol != nil {
				out = formatSolution(sol)
			} else {
				out = ns.Text()
			}
			if first == "" {
				first = out
			} else if out != first {
				t.Fatalf("%s: run gave\n%s\nfirst run gave\n%s", file, out, first)
			}
		}
	}
}

// statedReason is a cause stated in words alone, as the DSL's universes write it.
type statedReason string

func (r statedReason) Phrase() string { return string(r) }
