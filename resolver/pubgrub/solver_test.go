package pubgrub

import (
	"context"
	"fmt"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

// The tests run the core over PEP 440 versions, with string package names.

type pep440Versions struct{}

func (pep440Versions) Compare(a, b pep440.Version) int       { return a.Compare(b) }
func (pep440Versions) Full() pep440.Range                    { return pep440.Full() }
func (pep440Versions) Empty() pep440.Range                   { return pep440.Empty() }
func (pep440Versions) Exactly(v pep440.Version) pep440.Range { return pep440.Exactly(v) }

// Span lists the versions one by one: exact, if not short.
func (pep440Versions) Span(listed []pep440.Version, i, j int) pep440.Range {
	r := pep440.Empty()
	for _, v := range listed[i : j+1] {
		r = r.Union(pep440.Exactly(v))
	}
	return r
}

// universe is a Provider: each version's versions and answer.
type universe struct {
	versions map[string][]pep440.Version
	deps     map[string]map[string]Dependencies[string, pep440.Range]
}

func (u *universe) Versions(_ context.Context, p string) ([]pep440.Version, error) {
	return u.versions[p], nil
}

func (u *universe) Dependencies(_ context.Context, p string, v pep440.Version) (Dependencies[string, pep440.Range], error) {
	return u.deps[p][v.String()], nil
}

func (u *universe) put(p, version string, deps Dependencies[string, pep440.Range]) {
	if u.versions == nil {
		u.versions, u.deps = map[string][]pep440.Version{}, map[string]map[string]Dependencies[string, pep440.Range]{}
	}
	v := pep440.MustParse(version)
	if u.deps[p] == nil {
		u.deps[p] = map[string]Dependencies[string, pep440.Range]{}
	}
	u.versions[p] = append(u.versions[p], v)
	u.deps[p][v.String()] = deps
}

func rangeOf(spec string) pep440.Range {
	set, err := pep440.ParseSpecifierSet(spec)
	if err != nil {
		panic(err)
	}
	return set.Range()
}

// line is a requirement written on a line of a file: the same requirement on
// another line is the same fact.
type line struct{ spec, at string }

func (l line) MergeKey() any                            { return l.spec }
func (l line) Merge(Cause) (merged Cause, changed bool) { return l, false }

// TestRepeatedRequirements: the root requires q >=1.0 on 100,000 lines, and q ==1.0.N
// on 100,000 more. The repeats make one incompatibility, not 100,000 that propagation
// would go over each time; the pins are one head each, found by key rather than by
// scanning the heads before them (2 minutes at that size).
func TestRepeatedRequirements(t *testing.T) {
	const n = 100_000
	var u universe
	u.put("q", "1.0", Dependencies[string, pep440.Range]{})
	var deps []Dependency[string, pep440.Range]
	for i := range n {
		deps = append(deps, Dependency[string, pep440.Range]{Package: "q", Range: rangeOf(">=1.0"), Cause: line{">=1.0", fmt.Sprintf("requirements.txt:%d", i+1)}})
	}
	for i := range n {
		spec := fmt.Sprintf("==1.0.%d", i)
		deps = append(deps, Dependency[string, pep440.Range]{Package: "q", Range: rangeOf(spec), Cause: line{spec, fmt.Sprintf("pins.txt:%d", i+1)}})
	}
	u.put("root", "1", Dependencies[string, pep440.Range]{Requires: deps})
	v := pep440.MustParse("1")
	s := newSolver(context.Background(), pep440Versions{}, Provider[string, pep440.Version, pep440.Range](&u), "root", v, Options{})
	vd, err := s.dependencies(s.root, v)
	if err != nil {
		t.Fatal(err)
	}
	if len(vd.incompats) != n+1 {
		t.Errorf("%d incompatibilities, want %d", len(vd.incompats), n+1)
	}
	for k, heads := range s.depHeads {
		if len(heads) > 1 {
			t.Fatalf("%d heads under one key %+v", len(heads), k)
		}
	}
	sol, ns, err := Solve(context.Background(), pep440Versions{}, Provider[string, pep440.Version, pep440.Range](&u), "root", v, Options{})
	if err != nil || sol != nil || ns == nil {
		t.Fatalf("got %v, %v, %v; want no solution", sol, ns, err)
	}
}

// The term algebra against its definition: a term is the set of outcomes
// (a version, or "not selected") it allows.
func TestTermAlgebra(t *testing.T) {
	specs := []string{"", ">=1", "<2", "==1.5", ">=1,<2", "!=1.5", ">2", "<1||>=2", "none"}
	ranges := make([]pep440.Range, len(specs))
	for i, s := range specs {
		switch s {
		case "none":
			ranges[i] = pep440.Empty()
		case "<1||>=2":
			ranges[i] = rangeOf("<1").Union(rangeOf(">=2"))
		default:
			ranges[i] = rangeOf(s)
		}
	}
	var sample []pep440.Version
	for _, s := range []string{"0.5", "1", "1.5", "1.5+local", "2.0a1", "2", "2.5", "3"} {
		sample = append(sample, pep440.MustParse(s))
	}
	// holds reports whether term t allows outcome i (len(sample) = not selected).
	holds := func(t term[pep440.Version, pep440.Range], i int) bool {
		if i == len(sample) {
			return !t.pos
		}
		return t.contains(sample[i])
	}
	var terms []term[pep440.Version, pep440.Range]
	for _, r := range ranges {
		terms = append(terms, positive[pep440.Version](0, r), negative[pep440.Version](0, r))
	}
	for _, a := range terms {
		for _, b := range terms {
			in, un := a.intersect(b), a.union(b)
			subset, disjoint := true, true
			for i := 0; i <= len(sample); i++ {
				if holds(in, i) != (holds(a, i) && holds(b, i)) {
					t.Errorf("%v ∩ %v = %v is wrong at outcome %d", a, b, in, i)
				}
				if holds(un, i) != (holds(a, i) || holds(b, i)) {
					t.Errorf("%v ∪ %v = %v is wrong at outcome %d", a, b, un, i)
				}
				subset = subset && (!holds(a, i) || holds(b, i))
				disjoint = disjoint && !(holds(a, i) && holds(b, i))
			}
			// The sample is not every version, so only check what it can refute.
			switch relate(a, b) {
			case satisfied:
				if !subset {
					t.Errorf("relate(%v, %v) = satisfied, but a sampled outcome of the first is not in the second", a, b)
				}
			case contradicted:
				if !disjoint {
					t.Errorf("relate(%v, %v) = contradicted, but a sampled outcome is in both", a, b)
				}
			}
		}
	}
}
