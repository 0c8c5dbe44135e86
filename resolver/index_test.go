package resolver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// fakeIndex is an in-memory Index for tests.
type fakeIndex struct {
	projects map[string][]fakeRelease // by PEP 503 name
	metadata int                      // Metadata calls, to check laziness
}

type fakeRelease struct {
	Release
	md Metadata
}

func newFakeIndex() *fakeIndex { return &fakeIndex{projects: map[string][]fakeRelease{}} }

func (f *fakeIndex) add(name string, r fakeRelease) {
	name = pep508.NormalizeName(name)
	f.projects[name] = append(f.projects[name], r)
}

func (f *fakeIndex) Releases(_ context.Context, name string) ([]Release, error) {
	var out []Release
	for _, r := range f.projects[name] {
		out = append(out, r.Release)
	}
	return out, nil
}

func (f *fakeIndex) Metadata(_ context.Context, name string, v pep440.Version) (Metadata, error) {
	f.metadata++
	for _, r := range f.projects[name] {
		if r.Version.Equal(v) {
			return r.md, nil
		}
	}
	return Metadata{}, fmt.Errorf("fake index: no %s %s", name, v)
}

// targetEnvironment is a Linux x86_64 CPython marker environment for python.
func targetEnvironment(python string) pep508.Environment {
	v := pep440.MustParse(python)
	rel := v.Release()
	short := fmt.Sprintf("%d.%d", rel[0], rel[1])
	full := python
	if len(rel) < 3 {
		full = short + ".0"
	}
	return pep508.Environment{
		"implementation_name": "cpython", "implementation_version": full, "os_name": "posix",
		"platform_machine": "x86_64", "platform_python_implementation": "CPython",
		"platform_release": "6.0.0", "platform_system": "Linux", "platform_version": "#1 SMP",
		"python_full_version": full, "python_version": short, "sys_platform": "linux",
	}
}

func mustRequirement(t testing.TB, s string) pep508.Requirement {
	t.Helper()
	r, err := pep508.ParseRequirement(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return r
}

func formatResolution(res *Resolution) string {
	var b strings.Builder
	for _, p := range res.Packages {
		name := p.Name
		if len(p.Extras) > 0 {
			name += "[" + strings.Join(p.Extras, ",") + "]"
		}
		fmt.Fprintf(&b, "%s==%s", name, p.Version)
		if len(p.Via) > 0 {
			fmt.Fprintf(&b, "  # via %s", strings.Join(p.Via, ", "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestPythonDSL runs testdata/python/*.txtar: Python problems over a fake index.
//
//	-- index --
//	torch 2.5.1+cu124
//	    requires-python >=3.9
//	    numpy
//	    triton ==3.1.0 ; platform_machine == "x86_64"
//	torch 2.4.0 yanked
//	foo 1.0 unavailable no wheel for cp311 manylinux_2_17_x86_64
//	bar 1.0 metadata-unavailable metadata needs a build
//	-- matrix --
//	torch >=2.5,<2.6 | @driver >=525.60.13 | CUDA 12.4 builds need driver >= 525.60.13 | data/cuda.toml:12
//	-- target --
//	@python 3.11.9 from --python
//	@driver 470.82.01 detected by nvidia-smi
//	@gpu:0 6.1 [Tesla P100] from --gpu
//	-- requirements.txt --
//	torch==2.5.1
//	-- constraints.txt --
//	numpy<2
//	-- pyproject.toml --
//	[project]
//	requires-python = ">=3.12"
//	-- options --
//	pre
//	prefer numpy 1.26.4
//	unset platform_release
//
// Index lines name a version, optionally followed by "yanked", "unavailable
// REASON" or "metadata-unavailable REASON"; indented lines below a version are
// "requires-python SPEC", "provides-extra NAME" or a Requires-Dist entry. A
// target line is a virtual package, its version, an optional [label] and the
// origin; the marker environment is CPython's on Linux x86_64 for its @python,
// less the variables "unset" options name. Each
// requirements line has the origin "requirements.txt:N"; a pyproject.toml's
// requires-python line is a requirement on @python Of "the project". The "result" section
// is the golden output (-update rewrites it, but never from a solution to a conflict or an
// error, or back): the pins with "# via", or the explanation and its hints. The "facts"
// section, which every conflict has and -update never touches, lists strings the result
// must contain, or with "! " must not (checkFacts).
func TestPythonDSL(t *testing.T) {
	files, err := filepath.Glob("testdata/python/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/python/*.txtar files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := readArchive(file)
			if err != nil {
				t.Fatal(err)
			}
			pb := parsePythonProblem(t, a)
			got := runPythonProblem(t, pb)
			ri, ok := section(a, "result")
			if !ok {
				t.Fatal("no result section")
			}
			want := string(a.Files[ri].Data)
			if gotKind, wantKind := resultKind(got), resultKind(want); gotKind != wantKind {
				t.Fatalf("want %s, got %s:\n%s", wantKind, gotKind, got)
			}
			checkFacts(t, a, got)
			if got == want {
				return
			}
			if *update {
				a.Files[ri].Data = []byte(got)
				if err := os.WriteFile(file, a.format(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("got:\n%s\nwant:\n%s", got, a.Files[ri].Data)
		})
	}
}

// resultKind is what a result section says: a solution, no solution or an error.
// -update rewrites a result only within its kind: a fix that turns a solution into a
// conflict must change the expectation by hand.
func resultKind(result string) string {
	switch {
	case strings.HasPrefix(result, "no solution\n"):
		return "no solution"
	case strings.HasPrefix(result, "error: "):
		return "an error"
	}
	return "a solution"
}

// checkFacts checks the facts section, the acceptance criteria that -update never
// touches: each line is a string the result must contain, or, after "! ", must not.
// Every conflict states its facts: a golden alone would let -update accept any
// explanation.
func checkFacts(t *testing.T, a *archive, got string) {
	t.Helper()
	fi, ok := section(a, "facts")
	if !ok {
		if resultKind(got) == "no solution" {
			t.Fatal("a conflict needs a facts section: the strings its explanation and hints must contain")
		}
		return
	}
	for fact := range strings.SplitSeq(strings.TrimSpace(string(a.Files[fi].Data)), "\n") {
		if absent, ok := strings.CutPrefix(fact, "! "); ok {
			if strings.Contains(got, absent) {
				t.Errorf("the result states %q:\n%s", absent, got)
			}
		} else if !strings.Contains(got, fact) {
			t.Errorf("the result does not state %q:\n%s", fact, got)
		}
	}
}

func runPythonProblem(t *testing.T, pb *Problem) string {
	t.Helper()
	res, ns, err := Resolve(context.Background(), pb)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	if res != nil {
		return formatResolution(res)
	}
	var b strings.Builder
	b.WriteString("no solution\n")
	b.WriteString(ns.Text() + "\n")
	hints, err := pb.Hints(context.Background(), ns)
	if err != nil {
		t.Fatalf("hints: %v", err)
	}
	for _, h := range hints {
		b.WriteString("hint: " + h + "\n")
	}
	return b.String()
}

func parsePythonProblem(t *testing.T, a *archive) *Problem {
	t.Helper()
	idx := newFakeIndex()
	pb := &Problem{Index: idx, VirtualNames: testVirtualNames}
	sectionLines := func(name string) []string {
		i, ok := section(a, name)
		if !ok {
			return nil
		}
		return strings.Split(strings.TrimRight(string(a.Files[i].Data), "\n"), "\n")
	}
	var cur *fakeRelease
	var curName string
	flush := func() {
		if cur != nil {
			idx.add(curName, *cur)
		}
		cur = nil
	}
	for _, line := range sectionLines("index") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			if cur == nil {
				t.Fatalf("index: indented line %q before any version", line)
			}
			item := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(item, "requires-python "):
				set, err := pep440.ParseSpecifierSet(strings.TrimPrefix(item, "requires-python "))
				if err != nil {
					t.Fatal(err)
				}
				cur.RequiresPython, cur.md.RequiresPython = set, set
			case strings.HasPrefix(item, "provides-extra "):
				cur.md.ProvidesExtra = append(cur.md.ProvidesExtra, strings.TrimPrefix(item, "provides-extra "))
			default:
				cur.md.RequiresDist = append(cur.md.RequiresDist, mustRequirement(t, item))
			}
			continue
		}
		flush()
		fields := strings.Fields(line)
		if len(fields) < 2 {
			t.Fatalf("index: want \"name version ...\", got %q", line)
		}
		curName = fields[0]
		cur = &fakeRelease{Release: Release{Version: pep440.MustParse(fields[1])}}
		if len(fields) > 2 {
			rest := strings.Join(fields[3:], " ")
			switch fields[2] {
			case "yanked":
				cur.Yanked = true
			case "unavailable":
				cur.Unavailable = rest
			case "metadata-unavailable":
				cur.md.Unavailable = rest
			default:
				t.Fatalf("index: unknown flag %q", fields[2])
			}
		}
	}
	flush()
	for _, line := range sectionLines("target") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		v := Virtual{Name: fields[0], Version: pep440.MustParse(fields[1]), Origin: strings.Join(fields[2:], " ")}
		if rest, ok := strings.CutPrefix(v.Origin, "["); ok {
			v.Label, v.Origin, _ = strings.Cut(rest, "]")
			v.Origin = strings.TrimSpace(v.Origin)
		}
		if v.Name == "@python" {
			pb.Environment = targetEnvironment(fields[1])
		}
		pb.Virtual = append(pb.Virtual, v)
	}
	userLines := func(file string) []Requirement {
		var out []Requirement
		for n, line := range sectionLines(file) {
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			out = append(out, Requirement{Requirement: mustRequirement(t, line), Origin: input.Position{File: file, Line: n + 1}})
		}
		return out
	}
	pb.Requirements = userLines("requirements.txt")
	for n, line := range sectionLines("pyproject.toml") {
		spec, ok := strings.CutPrefix(line, "requires-python = ")
		if !ok {
			continue
		}
		set, err := pep440.ParseSpecifierSet(strings.Trim(spec, `"`))
		if err != nil {
			t.Fatal(err)
		}
		pb.Requirements = append(pb.Requirements, Requirement{
			Requirement: pep508.Requirement{Name: "@python", Specifier: set},
			Origin:      input.Position{File: "pyproject.toml", Line: n + 1}, Of: "the project",
		})
	}
	pb.Constraints = userLines("constraints.txt")
	rules := map[string][]matrixRow{}
	for _, line := range sectionLines("matrix") {
		parts := strings.Split(line, "|")
		if len(parts) != 4 {
			continue
		}
		pkg := strings.Fields(parts[0])
		set, err := pep440.ParseSpecifierSet(strings.Join(pkg[1:], ""))
		if err != nil {
			t.Fatal(err)
		}
		target := strings.Fields(parts[1])
		need, err := pep440.ParseSpecifierSet(strings.Join(target[1:], ""))
		if err != nil {
			t.Fatal(err)
		}
		rules[pkg[0]] = append(rules[pkg[0]], matrixRow{versions: set, rule: Rule{
			Package: target[0], Range: need.Range(), Display: strings.Join(target[1:], " "),
			Reason: strings.TrimSpace(parts[2]), Cites: citedRow(t, strings.TrimSpace(parts[3])),
		}})
	}
	if len(rules) > 0 {
		pb.Matrix = fakeMatrix(rules)
	}
	for _, line := range sectionLines("options") {
		fields := strings.Fields(line)
		switch {
		case len(fields) == 1 && fields[0] == "pre":
			pb.Prereleases = PrereleasesAllow
		case len(fields) == 2 && fields[0] == "unset":
			delete(pb.Environment, fields[1])
		case len(fields) == 3 && fields[0] == "prefer":
			if pb.Preferred == nil {
				pb.Preferred = map[string]pep440.Version{}
			}
			pb.Preferred[fields[1]] = pep440.MustParse(fields[2])
		case len(fields) > 0:
			t.Fatalf("options: unknown %q", line)
		}
	}
	return pb
}

// testVirtualNames names the virtual packages of the test problems as the CLI's
// definer (matrix.VirtualDisplay) does, for goldens that read like the CLI's.
func testVirtualNames(name string) string {
	switch name {
	case "@python":
		return "Python"
	case "@driver":
		return "NVIDIA driver"
	case "@cuda":
		return "CUDA"
	}
	if i, ok := strings.CutPrefix(name, "@gpu:"); ok {
		return "GPU " + i + " compute capability"
	}
	return strings.TrimPrefix(name, "@")
}

type matrixRow struct {
	versions pep440.SpecifierSet
	rule     Rule
}

// fakeMatrix maps a project name to rows that apply to the versions in a set.
type fakeMatrix map[string][]matrixRow

func (m fakeMatrix) Rules(name string, v pep440.Version) []Rule {
	var out []Rule
	for _, row := range m[name] {
		if row.versions.Contains(v) {
			out = append(out, row.rule)
		}
	}
	return out
}

// citedRow is a matrix row of a test universe, "data/cuda.toml:12 (NVIDIA CUDA 12.4
// release notes, Table 3)", as the citation a matrix gives: the row, and what it cites.
func citedRow(t *testing.T, text string) []Citation {
	t.Helper()
	row, refs, hasRefs := strings.Cut(text, " (")
	file, line, ok := strings.Cut(row, ":")
	n, err := strconv.Atoi(line)
	if !ok || err != nil {
		t.Fatalf("matrix row %q: want file:line", text)
	}
	c := Citation{Row: input.Position{File: file, Line: n}}
	if hasRefs {
		c.Sources = []Reference{{Title: strings.TrimSuffix(refs, ")")}}
	}
	return []Citation{c}
}
