package resolver

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

type resolvelibFile struct {
	Environment map[string]string                                 `json:"environment"`
	Cases       []resolvelibCase                                  `json:"cases"`
	Indexes     map[string]map[string]map[string]resolvelibRecord `json:"indexes"`
}

type resolvelibRecord struct {
	Dependencies resolvelibDeps `json:"dependencies"`
}

// resolvelibDeps is a list of requirement strings; one snapshot record has an
// empty object instead, which means none.
type resolvelibDeps []string

func (d *resolvelibDeps) UnmarshalJSON(b []byte) error {
	if string(b) == "{}" {
		*d = nil
		return nil
	}
	return json.Unmarshal(b, (*[]string)(d))
}

type resolvelibCase struct {
	Name      string             `json:"name"`
	Index     string             `json:"index"`
	Requested []string           `json:"requested"`
	Expected  resolvelibExpected `json:"expected"`
	// Standard is "same as expected" (a string) or the expectation under
	// standard marker evaluation.
	Standard json.RawMessage `json:"expected_standard_markers"`
}

type resolvelibExpected struct {
	Satisfiable bool              `json:"satisfiable"`
	Resolved    map[string]string `json:"resolved"`
	Conflicted  []string          `json:"conflicted"`
}

// want is the expectation under standard PEP 508 marker evaluation, which is what
// depsolve does (the upstream harness drops every dependency with a marker).
func (c resolvelibCase) want() resolvelibExpected {
	var std resolvelibExpected
	if json.Unmarshal(c.Standard, &std) == nil {
		return std
	}
	return c.Expected
}

var resolvelibData = sync.OnceValues(func() (*resolvelibFile, error) {
	f, err := os.Open("testdata/conformance/resolvelib-cases.json.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var data resolvelibFile
	if err := json.NewDecoder(z).Decode(&data); err != nil {
		return nil, err
	}
	return &data, nil
})

// resolvelibIndex builds a fake index from a snapshot. Versions that are not PEP
// 440 are left out; a version whose dependency list has an invalid entry is
// unavailable, with the parse error as the reason (the README lists both).
func resolvelibIndex(snapshot map[string]map[string]resolvelibRecord) *fakeIndex {
	idx := newFakeIndex()
	for _, name := range slices.Sorted(maps.Keys(snapshot)) {
		for _, vtext := range slices.Sorted(maps.Keys(snapshot[name])) {
			v, err := pep440.Parse(vtext)
			if err != nil {
				continue
			}
			r := fakeRelease{Release: Release{Version: v}}
			for _, dep := range snapshot[name][vtext].Dependencies {
				req, err := pep508.ParseRequirement(dep)
				if err != nil {
					r.md = Metadata{Unavailable: "its metadata is invalid: " + err.Error()}
					break
				}
				r.md.RequiresDist = append(r.md.RequiresDist, req)
			}
			idx.add(name, r)
		}
	}
	return idx
}

func resolvelibProblem(tb testing.TB, data *resolvelibFile, c resolvelibCase, idx Index) *Problem {
	env := pep508.Environment(maps.Clone(data.Environment))
	pb := &Problem{
		Index:       idx,
		Environment: env,
		Virtual:     []Virtual{{Name: "@python", Version: pep440.MustParse(env["python_full_version"])}},
	}
	for i, s := range c.Requested {
		pb.Requirements = append(pb.Requirements, Requirement{Requirement: mustRequirement(tb, s), Origin: input.Position{File: "requested", Line: i + 1}})
	}
	return pb
}

// TestResolvelib runs resolvelib's functional cases: real PyPI metadata from 2020.
func TestResolvelib(t *testing.T) {
	data, err := resolvelibData()
	if err != nil {
		t.Fatal(err)
	}
	indexes := map[string]*fakeIndex{}
	for _, c := range data.Cases {
		t.Run(c.Name, func(t *testing.T) {
			idx := indexes[c.Index]
			if idx == nil {
				idx = resolvelibIndex(data.Indexes[c.Index])
				indexes[c.Index] = idx
			}
			want := c.want()
			res, ns, err := Resolve(context.Background(), resolvelibProblem(t, data, c, idx))
			if err != nil {
				t.Fatal(err)
			}
			if !want.Satisfiable {
				if ns == nil {
					t.Fatalf("want no solution, got:\n%s", formatResolution(res))
				}
				// resolvelib names the requirements that no candidate satisfies; the
				// derivation must state both that nothing matches and who asks.
				for _, name := range want.Conflicted {
					var missing, required bool
					for _, in := range ns.External() {
						switch {
						case in.Kind == pubgrub.KindNoVersions && in.Terms[0].Package.Name == name:
							missing = true
						case in.Kind == pubgrub.KindDependency && in.Dependency.Package.Name == name:
							required = true
						}
					}
					if !missing || !required {
						t.Errorf("the explanation does not show that nothing satisfies the requirements on %s:\n%s", name, ns.Text())
					}
				}
				t.Logf("explanation:\n%s", ns.Text())
				return
			}
			if ns != nil {
				t.Fatalf("want a solution, got none:\n%s", ns.Text())
			}
			got := map[string]pep440.Version{}
			for _, p := range res.Packages {
				got[p.Name] = p.Version
			}
			for name, v := range want.Resolved {
				if g, ok := got[name]; !ok || !g.Equal(pep440.MustParse(v)) {
					t.Errorf("%s: got %v, want %s", name, g, v)
				}
				delete(got, name)
			}
			for name, v := range got {
				t.Errorf("unexpected %s %s", name, v)
			}
		})
	}
}

// BenchmarkResolvelib times whole resolutions on the real snapshots, from the
// in-memory index (built once, outside the timer) to the pins.
func BenchmarkResolvelib(b *testing.B) {
	data, err := resolvelibData()
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"cheroot", "chalice", "with-without-extras", "different-extras", "conflict-with-dependency"} {
		i := slices.IndexFunc(data.Cases, func(c resolvelibCase) bool { return c.Name == name })
		c := data.Cases[i]
		idx := resolvelibIndex(data.Indexes[c.Index])
		b.Run(c.Index, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Resolve(context.Background(), resolvelibProblem(b, data, c, idx)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
