package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

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

// Input the resolver cannot use is reported with its origin.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Problem)
		want   string
	}{
		{"no python", func(pb *Problem) { pb.Virtual = nil }, "no @python"},
		{"url", func(pb *Problem) {
			pb.Requirements[0].Requirement = mustRequirement(t, "app @ https://example.com/app-1.0-py3-none-any.whl")
		}, "requirements.txt:1: app @ https://example.com/app-1.0-py3-none-any.whl: direct URL"},
		{"marker", func(pb *Problem) {
			pb.Requirements[0].Requirement = mustRequirement(t, `app ; os_name == "posix" and "3" ~= "x"`)
		}, "requirements.txt:1"},
		{"virtual name", func(pb *Problem) { pb.Virtual = append(pb.Virtual, Virtual{Name: "driver"}) }, "must start with @"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pb := pythonFile(t, "extras")
			tc.change(pb)
			_, _, err := Resolve(context.Background(), pb)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
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
