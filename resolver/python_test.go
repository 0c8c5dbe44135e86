package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
)

func pythonFile(t *testing.T, name string) *Problem {
	t.Helper()
	a, err := readArchive(filepath.Join("testdata/python", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	return parsePythonProblem(t, a)
}

// Versions that Requires-Python on the index page rules out are never asked
// for metadata.
func TestMetadataIsLazy(t *testing.T) {
	pb := pythonFile(t, "requires-python-backtrack")
	if _, _, err := Resolve(context.Background(), pb); err != nil {
		t.Fatal(err)
	}
	if n := pb.Index.(*fakeIndex).metadata; n != 1 {
		t.Errorf("read metadata %d times, want 1 (numpy 2.0.2 only)", n)
	}
}

type failingIndex struct{ *fakeIndex }

var errIndexDown = errors.New("index down")

func (f failingIndex) Metadata(context.Context, string, pep440.Version) (Metadata, error) {
	return Metadata{}, errIndexDown
}

// Operational failures are errors, distinct from "no solution".
func TestOperationalErrors(t *testing.T) {
	pb := pythonFile(t, "extras")
	pb.Index = failingIndex{pb.Index.(*fakeIndex)}
	res, ns, err := Resolve(context.Background(), pb)
	if !errors.Is(err, errIndexDown) || res != nil || ns != nil {
		t.Errorf("got %v, %v, %v; want only an error wrapping %v", res, ns, err, errIndexDown)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Resolve(ctx, pythonFile(t, "extras")); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: got %v", err)
	}

	pb = pythonFile(t, "requires-python-backtrack")
	pb.MaxSteps = 1
	if _, _, err := Resolve(context.Background(), pb); !errors.Is(err, ErrStepLimit) {
		t.Errorf("step limit: got %v, want ErrStepLimit", err)
	}
}

// Input the resolver cannot use is reported with its origin; a requirement or
// constraint that is wrong is a *RequirementError, which says what to do.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name        string
		change      func(*Problem)
		want        string
		requirement bool  // a *RequirementError
		cause       error // its Err, for errors.Is
	}{
		{"no python", func(pb *Problem) { pb.Virtual = nil }, "no @python", false, nil},
		{"url", func(pb *Problem) {
			pb.Requirements[0].Requirement = mustRequirement(t, "app @ https://example.com/app-1.0-py3-none-any.whl")
		}, "requirements.txt:1: app @ https://example.com/app-1.0-py3-none-any.whl: direct URL references are not resolved from an index; require app by version (app==VERSION)", true, ErrDirectURL},
		{"url constraint", func(pb *Problem) {
			pb.Constraints = []Requirement{{Requirement: mustRequirement(t, "app @ https://example.com/app-1.0.tar.gz"), Origin: input.Position{File: "constraints.txt", Line: 2}}}
		}, "constraints.txt:2: app @ https://example.com/app-1.0.tar.gz: a constraint cannot be a direct URL reference", true, ErrDirectURL},
		{"undefined comparison", func(pb *Problem) {
			pb.Requirements[0].Requirement = mustRequirement(t, `app ; os_name == "posix" and "3" ~= "x"`)
		}, `requirements.txt:1: app; os_name == "posix" and "3" ~= "x": its marker compares "3" ~= "x", which PEP 508 does not define`, true, nil},
		{"kernel", func(pb *Problem) {
			delete(pb.Environment, "platform_version")
			pb.Requirements[0].Requirement = mustRequirement(t, `app ; platform_version == "#1 SMP"`)
		}, "requirements.txt:1: app; platform_version == \"#1 SMP\": whether it applies depends on platform_version, the kernel of the machine that installs it", true, nil},
		{"unknown platform", func(pb *Problem) {
			delete(pb.Environment, "sys_platform")
			pb.Constraints = []Requirement{{Requirement: mustRequirement(t, `app<2 ; sys_platform == "win32"`), Origin: input.Position{File: "constraints.txt", Line: 1}}}
		}, "constraints.txt:1: app<2; sys_platform == \"win32\": whether it applies depends on sys_platform, which is undefined because the target's platform is unknown; set the target's platform", true, nil},
		{"extras outside a lock", func(pb *Problem) {
			pb.Requirements[0].Requirement = mustRequirement(t, `app ; sys_platform == "win32" and "gpu" in extras`)
		}, "requirements.txt:1: app; sys_platform == \"win32\" and \"gpu\" in extras: its marker reads extras, which only a lock file defines (PEP 751); fix the marker", true, nil},
		{"virtual name", func(pb *Problem) { pb.Virtual = append(pb.Virtual, Virtual{Name: "driver"}) }, "must start with @", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := pythonFile(t, "extras")
			tc.change(pb)
			_, _, err := Resolve(context.Background(), pb)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
			var re *RequirementError
			if errors.As(err, &re) != tc.requirement {
				t.Errorf("errors.As(*RequirementError) = %v, want %v", !tc.requirement, tc.requirement)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("errors.Is(%v) is false", tc.cause)
			}
		})
	}
}

// A PEP 751 lock's package is required when its marker holds for the extras and
// dependency groups the lock is installed with; it is not part of the install
// otherwise.
func TestLockSelection(t *testing.T) {
	for _, tc := range []struct {
		marker string
		lock   LockSelection
		want   bool // httpx is in the solution
	}{
		{`"gpu" in extras`, LockSelection{Extras: []string{"GPU"}}, true},
		{`"gpu" in extras`, LockSelection{Extras: []string{"cpu"}}, false},
		{`"dev" in dependency_groups and python_version >= "3.12"`, LockSelection{Groups: []string{"dev"}}, true},
		{`"dev" in dependency_groups`, LockSelection{}, false},
		// A variable the target lacks does not matter where the selection decides.
		{`"gpu" in extras and platform_release >= "5"`, LockSelection{}, false},
	} {
		pb := pythonFile(t, "extras")
		delete(pb.Environment, "platform_release")
		pb.Requirements = append(pb.Requirements, Requirement{
			Requirement: mustRequirement(t, "httpx==0.27.0 ; "+tc.marker), Origin: input.Position{File: "pylock.toml", Line: 9}, Lock: &tc.lock})
		res, ns, err := Resolve(context.Background(), pb)
		if err != nil || ns != nil {
			t.Fatalf("%s with %+v: %v, %v", tc.marker, tc.lock, ns, err)
		}
		if _, got := res.Version("httpx"); got != tc.want {
			t.Errorf("%s with %+v: httpx selected = %v, want %v", tc.marker, tc.lock, got, tc.want)
		}
	}
}

// The structured lines carry numbers and references for the JSON report.
func TestLinesJSON(t *testing.T) {
	a, err := readArchive("testdata/core/pub-doc_branching-error-reporting.txtar")
	if err != nil {
		t.Fatal(err)
	}
	ui, _ := section(a, "universe")
	u, err := parseUniverse(string(a.Files[ui].Data))
	if err != nil {
		t.Fatal(err)
	}
	_, ns, err := Solve(context.Background(), u, Package{Name: "root"}, pep440.MustParse("1.0.0"), Options{})
	if err != nil || ns == nil {
		t.Fatalf("want no solution, got %v", err)
	}
	data, err := json.Marshal(ns.Lines())
	if err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	if err := json.Unmarshal(data, &lines); err != nil {
		t.Fatal(err)
	}
	if lines[1]["number"] != float64(1) || lines[2]["break"] != true {
		t.Errorf("line 2 should be numbered and line 3 should start a branch:\n%s", data)
	}
	found := false
	for _, l := range lines {
		for _, p := range l["premises"].([]any) {
			found = found || p.(map[string]any)["ref"] == float64(1)
		}
	}
	if !found {
		t.Errorf("no premise refers to line 1:\n%s", data)
	}
}

// Identical input gives identical bytes, hints included.
func TestPythonDeterministic(t *testing.T) {
	files, _ := filepath.Glob("testdata/python/*.txtar")
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		first := runPythonProblem(t, pythonFile(t, name))
		for range 3 {
			if got := runPythonProblem(t, pythonFile(t, name)); got != first {
				t.Fatalf("%s: run gave\n%s\nfirst run gave\n%s", name, got, first)
			}
		}
	}
}

// Matrix rows are cited by number in the premises, numbered in order of first use,
// and listed once after the chain; the JSON lines carry them.
func TestCitations(t *testing.T) {
	pb := pythonFile(t, "driver-builds")
	_, ns, err := Resolve(context.Background(), pb)
	if err != nil || ns == nil {
		t.Fatalf("want no solution, got %v", err)
	}
	var numbers []int
	for _, l := range ns.Lines() {
		for _, p := range l.Premises {
			var marks string
			for _, c := range p.Citations {
				numbers = append(numbers, c.Number)
				marks += "[" + strconv.Itoa(c.Number) + "]"
			}
			if marks != "" && !strings.HasSuffix(p.Text, " "+marks) {
				t.Errorf("premise %q does not end with %s", p.Text, marks)
			}
		}
	}
	if !slices.Equal(numbers, []int{1, 2, 3}) {
		t.Errorf("citation numbers %v, want 1, 2, 3 in order of use", numbers)
	}
	var rows []string
	for _, c := range ns.Sources() {
		rows = append(rows, c.Row.String())
	}
	if want := []string{"data/torch.toml:31", "data/cuda.toml:10", "data/cuda.toml:14"}; !slices.Equal(rows, want) {
		t.Errorf("Sources() = %q, want %q", rows, want)
	}
	text := ns.Text()
	if strings.Count(text, "data/cuda.toml:14") != 1 || !strings.Contains(text, "\n\nSources:\n[1] data/torch.toml:31\n") {
		t.Errorf("the Sources block must list each row once:\n%s", text)
	}
	data, err := json.Marshal(ns.Lines())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"citations":[{"number":1,"row":"data/torch.toml:31"}]`) {
		t.Errorf("JSON lines lack the citations:\n%s", data)
	}
}

// recordingHinter is a matrix that records what Hints asks it.
type recordingHinter struct {
	fakeMatrix
	asked []MatrixConflict
}

func (h *recordingHinter) Hints(c MatrixConflict) []MatrixHint {
	h.asked = append(h.asked, c)
	return []MatrixHint{{Text: "a hint about " + c.Package}, {Text: "a hint about " + c.Package}}
}

// A MatrixHinter is asked about each package whose rules on the target's facts rule
// out versions in the explanation, with those versions, the listed ones and the
// target; its hints follow the others, each once.
func TestMatrixHints(t *testing.T) {
	pb := pythonFile(t, "cuda-driver-too-old")
	hinter := &recordingHinter{fakeMatrix: pb.Matrix.(fakeMatrix)}
	pb.Matrix = hinter
	_, ns, err := Resolve(context.Background(), pb)
	if err != nil || ns == nil {
		t.Fatalf("want no solution, got %v", err)
	}
	hints, err := pb.Hints(context.Background(), ns)
	if err != nil {
		t.Fatal(err)
	}
	if len(hints) != 2 || hints[1] != "a hint about torch" || !strings.Contains(hints[0], "torch 2.4.1+cu121") {
		t.Errorf("hints %q: want the relaxed requirement's, then the matrix's once", hints)
	}
	if len(hinter.asked) != 1 {
		t.Fatalf("asked %d times, want once: %+v", len(hinter.asked), hinter.asked)
	}
	c := hinter.asked[0]
	str := func(vs []pep440.Version) string {
		var out []string
		for _, v := range vs {
			out = append(out, v.String())
		}
		return strings.Join(out, " ")
	}
	if c.Package != "torch" || str(c.RuledOut) != "2.5.0+cu124 2.5.1+cu124" || str(c.Listed) != "2.4.1+cu121 2.5.0+cu124 2.5.1+cu124" {
		t.Errorf("asked about %s, ruled out %q, listed %q", c.Package, str(c.RuledOut), str(c.Listed))
	}
	if len(c.Target) != 2 || c.Target[1].Name != "@driver" || c.Target[1].Origin != "detected by nvidia-smi" {
		t.Errorf("target %+v", c.Target)
	}
}

// SourcesText aligns the rows past the widest number, and more sources of a row under
// the first.
func TestSourcesText(t *testing.T) {
	if got := SourcesText(nil); got != "" {
		t.Errorf("SourcesText(nil) = %q", got)
	}
	var cites []Citation
	for n := 1; n <= 10; n++ {
		cites = append(cites, Citation{Number: n, Row: input.Position{File: "data/x.toml", Line: n}})
	}
	cites[9].Sources = []Reference{{ID: "S1", URL: "https://a"}, {ID: "S2", URL: "https://b"}}
	got := SourcesText(cites)
	want := "Sources:\n[1]  data/x.toml:1\n"
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "\n[10] data/x.toml:10 — S1 https://a\n"+strings.Repeat(" ", 22)+"S2 https://b") {
		t.Errorf("SourcesText =\n%s", got)
	}
}

// Hints acts on the kind of a cause, never on its words: an index whose reason for
// an unusable release happens to read like a yank gets no "pin it exactly" hint,
// which would not help (the pin cannot make a file appear).
func TestHintsTellCausesByType(t *testing.T) {
	idx := newFakeIndex()
	idx.add("c", fakeRelease{Release: Release{Version: pep440.MustParse("2.0.0"), Unavailable: "it was yanked from the mirror, and no wheel is left"}})
	pb := &Problem{
		Index:        idx,
		Environment:  targetEnvironment("3.11.9"),
		Virtual:      []Virtual{{Name: "@python", Version: pep440.MustParse("3.11.9")}},
		Requirements: []Requirement{{Requirement: mustRequirement(t, "c==2.0.0"), Origin: input.Position{File: "requirements.txt", Line: 1}}},
	}
	_, ns, err := Resolve(context.Background(), pb)
	if err != nil || ns == nil {
		t.Fatalf("want no solution, got %v", err)
	}
	typed := false
	for _, in := range ns.External() {
		_, ok := in.Unavailable.(NoUsableFile)
		typed = typed || ok
	}
	if !typed {
		t.Errorf("no NoUsableFile cause in:\n%s", ns.Text())
	}
	hints, err := pb.Hints(context.Background(), ns)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hints {
		if strings.Contains(h, "pin it exactly") {
			t.Errorf("hint for a release that was not yanked: %s", h)
		}
	}
}

// The resolver names no virtual package itself: the caller that defines them does
// (Problem.VirtualNames), and without one the name prints bare.
func TestVirtualNamesComeFromTheCaller(t *testing.T) {
	idx := newFakeIndex()
	idx.add("torch", fakeRelease{Release: Release{Version: pep440.MustParse("2.9.0")}})
	problem := func(names VirtualNames) *Problem {
		return &Problem{
			Index:       idx,
			Environment: targetEnvironment("3.11.9"),
			Virtual: []Virtual{
				{Name: "@python", Version: pep440.MustParse("3.11.9")},
				{Name: "@driver", Version: pep440.MustParse("470.82.01"), Origin: "from --driver"},
			},
			Requirements: []Requirement{{Requirement: mustRequirement(t, "torch"), Origin: input.Position{File: "requirements.txt", Line: 1}}},
			Matrix: fakeMatrix{"torch": {{versions: pep440.SpecifierSet{}, rule: Rule{
				Package: "@driver", Range: mustSpecifierSet(t, ">=580").Range(), Reason: "CUDA 13 builds need it", Cites: []Citation{{Row: input.Position{File: "data/cuda.toml", Line: 20}}},
			}}}},
			VirtualNames: names,
		}
	}
	for _, tc := range []struct {
		names     VirtualNames
		want, not string
	}{
		{func(name string) string { return strings.ToUpper(name[1:]) + " (as its definer calls it)" }, "your target's DRIVER (as its definer calls it) is 470.82.01", "NVIDIA"},
		{nil, "your target's driver is 470.82.01", "NVIDIA"},
	} {
		_, ns, err := Resolve(context.Background(), problem(tc.names))
		if err != nil || ns == nil {
			t.Fatalf("want no solution, got %v", err)
		}
		text := ns.Text()
		if !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
			t.Errorf("want %q and no %q in:\n%s", tc.want, tc.not, text)
		}
	}
}

func mustSpecifierSet(t *testing.T, s string) pep440.SpecifierSet {
	t.Helper()
	set, err := pep440.ParseSpecifierSet(s)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
