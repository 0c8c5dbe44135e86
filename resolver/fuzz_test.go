package resolver

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

// smallUniverse builds a universe of at most 5 packages with at most 4 versions
// each from a random source: dependencies use ranges with holes, exact pins,
// empty ranges, constraints and unavailable versions, so every kind of term and
// cause shows up.
func smallUniverse(r *rand.Rand) (*universe, string) {
	specs := []string{"", ">=2", "<3", "==1", ">=1,<3", "!=2", "==4", "none", ">2,<=4", "<2||"}
	u := &universe{versions: map[Package][]pep440.Version{}, deps: map[Package]map[string]Dependencies{}}
	var text strings.Builder
	n := 1 + r.IntN(5)
	names := make([]string, n)
	for i := range names {
		names[i] = string(rune('a' + i))
	}
	dep := func() Dependency {
		d := Dependency{Package: Package{Name: names[r.IntN(n)]}, Constrains: r.IntN(6) == 0}
		switch s := specs[r.IntN(len(specs))]; s {
		case "none":
			d.Range = pep440.Empty()
		case "<2||":
			d.Range = rangeOf("<2").Union(rangeOf(">=3"))
		default:
			d.Range = rangeOf(s)
		}
		return d
	}
	root := Package{Name: "root"}
	rootDeps := Dependencies{}
	for range 1 + r.IntN(3) {
		rootDeps.Requires = append(rootDeps.Requires, dep())
	}
	u.versions[root] = []pep440.Version{pep440.MustParse("1")}
	u.deps[root] = map[string]Dependencies{"1": rootDeps}
	fmt.Fprintf(&text, "root 1: %s\n", depsText(rootDeps))
	for _, name := range names {
		p := Package{Name: name}
		u.deps[p] = map[string]Dependencies{}
		nv := r.IntN(5)
		for v := nv; v >= 1; v-- {
			ver := pep440.MustParse(fmt.Sprint(v))
			var ds Dependencies
			if r.IntN(8) == 0 {
				ds.Unavailable = statedReason("broken")
			} else {
				for range r.IntN(4) {
					ds.Requires = append(ds.Requires, dep())
				}
			}
			u.versions[p] = append(u.versions[p], ver)
			u.deps[p][ver.String()] = ds
			fmt.Fprintf(&text, "%s %s: %s\n", name, ver, depsText(ds))
		}
	}
	return u, text.String()
}

func rangeOf(spec string) pep440.Range {
	set, err := pep440.ParseSpecifierSet(spec)
	if err != nil {
		panic(err)
	}
	return set.Range()
}

func depsText(ds Dependencies) string {
	if ds.Unavailable != nil {
		return "unavailable " + unavailablePhrase(ds.Unavailable)
	}
	var parts []string
	for _, d := range ds.Requires {
		s := d.Package.Name + " " + d.Range.String()
		if d.Constrains {
			s = "constrain " + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// bruteForce reports whether any selection (each package absent or at one of
// its versions) satisfies the universe.
func (u *universe) bruteForce(root Package) bool {
	var pkgs []Package
	for p := range u.versions {
		if p != root {
			pkgs = append(pkgs, p)
		}
	}
	choice := map[Package]int{} // -1: not selected
	var try func(i int) bool
	try = func(i int) bool {
		if i == len(pkgs) {
			sol := &Solution{}
			for _, p := range pkgs {
				if c := choice[p]; c >= 0 {
					sol.Packages = append(sol.Packages, Selected{Package: p, Version: u.versions[p][c]})
				}
			}
			return u.check(root, u.versions[root][0], sol) == nil
		}
		for c := -1; c < len(u.versions[pkgs[i]]); c++ {
			choice[pkgs[i]] = c
			if try(i + 1) {
				return true
			}
		}
		return false
	}
	return try(0)
}

func checkUniverse(t *testing.T, u *universe, text string) {
	t.Helper()
	root := Package{Name: "root"}
	sol, ns, err := Solve(context.Background(), u, root, pep440.MustParse("1"), Options{})
	if err != nil {
		t.Fatalf("%v\nuniverse:\n%s", err, text)
	}
	if sol != nil {
		if err := u.check(root, pep440.MustParse("1"), sol); err != nil {
			t.Fatalf("invalid solution: %v\n%s\nuniverse:\n%s", err, formatSolution(sol), text)
		}
		return
	}
	if u.bruteForce(root) {
		t.Fatalf("no solution reported, but brute force finds one\n%s\nuniverse:\n%s", ns.Text(), text)
	}
	if len(ns.Lines()) == 0 || ns.Text() == "" {
		t.Fatalf("empty explanation\nuniverse:\n%s", text)
	}
}

// TestRandomUniverses checks the solver against brute force on small random
// universes (fixed seeds, so failures reproduce).
func TestRandomUniverses(t *testing.T) {
	for seed := range uint64(3000) {
		u, text := smallUniverse(rand.New(rand.NewPCG(seed, 0x5eed)))
		checkUniverse(t, u, text)
	}
}

func FuzzSolve(f *testing.F) {
	for _, seed := range []uint64{0, 1, 7, 42, 1234} {
		f.Add(binary.LittleEndian.AppendUint64(nil, seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var seed [16]byte
		copy(seed[:], data)
		r := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
		u, text := smallUniverse(r)
		checkUniverse(t, u, text)
	})
}
