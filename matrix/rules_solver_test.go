package matrix

import (
	"context"
	goflag "flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// goflag: the target tests have a helper named flag.
var update = goflag.Bool("update", false, "rewrite the solution and explanation sections of testdata/matrix/*.txtar")

// The solver-level tests of the matrix: each testdata/matrix/*.txtar is one universe,
// solved by the real resolver with the real (embedded) matrix applied to a target.
//
//	-- target --
//	python 3.11.9
//	platform linux x86_64
//	driver 470.82.01
//	gpu GeForce RTX 5090        (a name the matrix resolves, or a capability; repeatable)
//	cpu                         (--cpu: no GPU)
//	one-cuda-family policy.toml:12  (a platform policy's rules.one-cuda-family, at its line)
//	-- index --
//	torch 2.5.1: filelock; requires-python >=3.9
//	torch 2.5.1+cu118: filelock
//	filelock 3.16.1
//	-- requirements --
//	torch==2.5.1
//	-- facts --
//	525.60.13                   (strings the explanation must contain)
//	-- explanation --           (or -- solution --: "name version" lines)
//	-- advisories --            (optional, after a solution: AdvisoriesFor and
//	                             SolutionAdvisories of it, each line "pkg version: [code] text [row]")
//
// The target is built as the CLI builds it from the flags --python, --platform
// (linux_x86_64, win_amd64), --driver, --gpu, --cuda ("cuda 12.4.1") and --cpu; markers
// are evaluated in the target's environment. The explanation is followed by the hints, one
// "hint: " line each.
// Index lines are "name version", then optionally ": " and items separated by "; ": a
// requirement of the version, or "requires-python SPEC". -update rewrites the solution or
// explanation section (and the advisories) but never turns one into the other, and never
// touches facts: those are the acceptance criteria. A file with an "untargeted" section is also solved for a
// target that knows nothing but Python, and must give the same solution.
func TestMatrixUniverses(t *testing.T) {
	m, _, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/matrix/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no universes in testdata/matrix (%v)", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			comment, names, sections := parseSections(string(text))
			pb, facts := universeProblem(t, m, sections, true)
			got, solved := solveUniverse(t, pb)
			if want, ok := sections["advisories"]; ok {
				if !solved {
					t.Fatal("advisories are of a solution")
				}
				advisories := universeAdvisories(t, pb)
				if advisories != want && *update {
					sections["advisories"] = advisories
					if err := os.WriteFile(file, []byte(formatSections(comment, names, sections)), 0o644); err != nil {
						t.Fatal(err)
					}
				} else if advisories != want {
					t.Errorf("advisories:\n%s\nwant:\n%s", advisories, want)
				}
			}
			want, key := sections["solution"], "solution"
			if _, ok := sections["explanation"]; ok {
				want, key = sections["explanation"], "explanation"
			}
			if (key == "solution") != solved {
				t.Fatalf("want a %s, got:\n%s", key, got)
			}
			for _, fact := range facts {
				if !strings.Contains(got, fact) {
					t.Errorf("the %s does not contain %q:\n%s", key, fact, got)
				}
			}
			if _, ok := sections["untargeted"]; ok {
				plain, _ := universeProblem(t, m, sections, false)
				if again, ok := solveUniverse(t, plain); !ok || again != got {
					t.Errorf("without a target:\n%s\nwith it:\n%s", again, got)
				}
			}
			if got == want {
				return
			}
			if !*update {
				t.Errorf("%s:\n%s\nwant:\n%s", key, got, want)
				return
			}
			sections[key] = got
			if err := os.WriteFile(file, []byte(formatSections(comment, names, sections)), 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// universeProblem builds the resolver problem of a universe, with the target built from
// flags as the CLI builds it; without targeted, the target knows only its Python version.
func universeProblem(t *testing.T, m *Matrix, sections map[string]string, targeted bool) (*resolver.Problem, []string) {
	t.Helper()
	idx := &universeIndex{releases: map[string][]universeRelease{}}
	for _, line := range sectionLines(sections["index"]) {
		if err := idx.add(line); err != nil {
			t.Fatalf("index: %q: %v", line, err)
		}
	}
	pb := &resolver.Problem{Index: idx, VirtualNames: VirtualDisplay}
	var decl target.Declaration
	var oneFamily *input.Position
	for _, line := range sectionLines(sections["target"]) {
		key, value, _ := strings.Cut(line, " ")
		switch key {
		case "python":
			decl.Python = target.Flag("--python", value)
		case "platform":
			decl.Platform = target.Flag("--platform", strings.ReplaceAll(value, " ", "_"))
		case "driver":
			if targeted {
				decl.Driver = target.Flag("--driver", value)
			}
		case "gpu":
			if targeted {
				decl.GPUs = append(decl.GPUs, target.FlagGPUs("--gpu", []string{value})...)
			}
		case "cuda":
			if targeted {
				decl.CUDA = target.Flag("--cuda", value)
			}
		case "cpu":
			if targeted {
				decl.CPU = target.Toggle{Set: true, On: true, Origin: target.Origin{From: target.FromFlag, Detail: "--cpu"}}
			}
		case "one-cuda-family":
			file, lineNo, _ := strings.Cut(value, ":")
			n, err := strconv.Atoi(lineNo)
			if err != nil {
				t.Fatalf("target: %q: want one-cuda-family FILE:LINE", line)
			}
			oneFamily = &input.Position{File: file, Line: n}
		default:
			t.Fatalf("target: unknown line %q", line)
		}
	}
	tgt, err := target.Build(m.Catalog(), target.Defaults{}, decl)
	if err != nil {
		t.Fatalf("target: %v", err)
	}
	if len(tgt.Notes) > 0 {
		t.Fatalf("target: %q", tgt.Notes)
	}
	pb.Environment = tgt.MarkerEnvironment()
	pb.Virtual = tgt.Virtuals()
	for i, line := range sectionLines(sections["requirements"]) {
		r, err := pep508.ParseRequirement(line)
		if err != nil {
			t.Fatalf("requirements: %v", err)
		}
		pb.Requirements = append(pb.Requirements, resolver.Requirement{Requirement: r, Origin: input.Position{File: "requirements.txt", Line: i + 1}})
	}
	tm := m.ForTarget(tgt)
	if oneFamily != nil {
		tm.OneCUDAFamily(*oneFamily)
	}
	pb.Matrix = tm
	return pb, sectionLines(sections["facts"])
}

// solveUniverse is the solution ("name version" lines) or the explanation of pb and its
// hints ("hint: " lines).
func solveUniverse(t *testing.T, pb *resolver.Problem) (string, bool) {
	t.Helper()
	res, ns, err := resolver.Resolve(context.Background(), pb)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	if ns != nil {
		hints, err := pb.Hints(context.Background(), ns)
		if err != nil {
			t.Fatalf("hints: %v", err)
		}
		var b strings.Builder
		b.WriteString(ns.Text() + "\n")
		for _, h := range hints {
			b.WriteString("hint: " + h + "\n")
		}
		return b.String(), false
	}
	var b strings.Builder
	for _, p := range res.Packages {
		fmt.Fprintf(&b, "%s %s\n", p.Name, p.Version)
	}
	return b.String(), true
}

// universeAdvisories are the advisories of pb's solution, one "name version: text [row]"
// line each; an advisory about the whole solution has no "name version: ", and one that
// cites no row no "[row]".
func universeAdvisories(t *testing.T, pb *resolver.Problem) string {
	t.Helper()
	res, _, err := resolver.Resolve(context.Background(), pb)
	if err != nil || res == nil {
		t.Fatalf("resolve: %v", err)
	}
	var b strings.Builder
	tm := pb.Matrix.(*TargetMatrix)
	for _, a := range append(tm.AdvisoriesFor(res.Version), tm.SolutionAdvisories(res.Packages)...) {
		code := ""
		if a.Code != "" {
			code = a.Code + " "
		}
		if a.Package != "" || a.Version != "" {
			fmt.Fprintf(&b, "%s %s: ", a.Package, a.Version)
		}
		b.WriteString(code + a.Text)
		if a.Cite.File != "" {
			fmt.Fprintf(&b, " [%s:%d]", a.Cite.File, a.Cite.Line)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// parseSections reads a txtar archive: a comment, then "-- name --" lines each starting
// a section that runs to the next one.
func parseSections(text string) (comment string, names []string, sections map[string]string) {
	sections = map[string]string{}
	cur := ""
	var b strings.Builder
	flush := func() {
		if cur == "" {
			comment = b.String()
		} else {
			sections[cur] = b.String()
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		trimmed := strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			flush()
			cur = strings.TrimSpace(trimmed[3 : len(trimmed)-3])
			names = append(names, cur)
			continue
		}
		b.WriteString(line)
	}
	flush()
	return comment, names, sections
}

func formatSections(comment string, names []string, sections map[string]string) string {
	var b strings.Builder
	b.WriteString(comment)
	for _, name := range names {
		fmt.Fprintf(&b, "-- %s --\n%s", name, sections[name])
	}
	return b.String()
}

func sectionLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// universeIndex is an in-memory resolver.Index.
type universeIndex struct {
	releases map[string][]universeRelease
}

type universeRelease struct {
	resolver.Release
	md resolver.Metadata
}

func (x *universeIndex) add(line string) error {
	head, items, _ := strings.Cut(line, ":")
	name, version, ok := strings.Cut(strings.TrimSpace(head), " ")
	if !ok {
		return fmt.Errorf(`want "name version[: items]"`)
	}
	v, err := pep440.Parse(version)
	if err != nil {
		return err
	}
	rel := universeRelease{Release: resolver.Release{Version: v}}
	for _, item := range strings.Split(items, ";") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
		case strings.HasPrefix(item, "requires-python "):
			spec, err := pep440.ParseSpecifierSet(strings.TrimPrefix(item, "requires-python "))
			if err != nil {
				return err
			}
			rel.RequiresPython, rel.md.RequiresPython = spec, spec
		default:
			r, err := pep508.ParseRequirement(item)
			if err != nil {
				return err
			}
			rel.md.RequiresDist = append(rel.md.RequiresDist, r)
		}
	}
	key := pep508.NormalizeName(name)
	x.releases[key] = append(x.releases[key], rel)
	return nil
}

func (x *universeIndex) Releases(_ context.Context, name string) ([]resolver.Release, error) {
	var out []resolver.Release
	for _, r := range x.releases[name] {
		out = append(out, r.Release)
	}
	return out, nil
}

func (x *universeIndex) Metadata(_ context.Context, name string, v pep440.Version) (resolver.Metadata, error) {
	for _, r := range x.releases[name] {
		if r.Version.Compare(v) == 0 {
			return r.md, nil
		}
	}
	return resolver.Metadata{}, fmt.Errorf("universe: no %s %s", name, v)
}
