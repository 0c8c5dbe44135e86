package resolver

import (
	"context"
	"fmt"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

// TestRepeatedRequirements: the root requires q >=1.0 on 100,000 lines, and q ==1.0.N
// on 100,000 more. The repeats make one incompatibility, not 100,000 that propagation
// would go over each time; the pins are one head each, found by key rather than by
// scanning the heads before them (2 minutes at that size).
func TestRepeatedRequirements(t *testing.T) {
	const n = 100_000
	u := newUniverse()
	u.put("q", "1.0")
	var deps []Dependency
	for i := range n {
		d := requires("q", ">=1.0")
		d.Origin = fmt.Sprintf("requirements.txt:%d", i+1)
		deps = append(deps, d)
	}
	for i := range n {
		d := requires("q", fmt.Sprintf("==1.0.%d", i))
		d.Origin = fmt.Sprintf("pins.txt:%d", i+1)
		deps = append(deps, d)
	}
	u.put("root", "1", deps...)
	u.sortVersions()
	root, v := Package{Name: "root"}, pep440.MustParse("1")
	s := newSolver(context.Background(), u, root, v, Options{})
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
	sol, ns, err := Solve(context.Background(), u, root, v, Options{})
	if err != nil || sol != nil || ns == nil {
		t.Fatalf("got %v, %v, %v; want no solution", sol, ns, err)
	}
}
