package resolver

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/depsolve/depsolve/pep440"
)

// A Solution is a version for every package the root needs, directly or not.
type Solution struct {
	// Packages is sorted by name, then extra; the root is not in it.
	Packages []Selected
}

// Selected is one package of a solution and why it is there.
type Selected struct {
	Package Package
	Version pep440.Version
	// RequiredBy lists the selected versions (the root included) that require
	// Package, with the origin of each edge; sorted by package, then origin.
	RequiredBy []Requirer
}

// A Requirer is one edge into a selected package.
type Requirer struct {
	Package Package
	Version pep440.Version
	Origin  string // Dependency.Origin of the edge
	// Specifier is the versions the edge allows, as written (Dependency.Display);
	// "" for any version.
	Specifier string
}

// Version returns the version selected for p, if p is in the solution.
func (s *Solution) Version(p Package) (pep440.Version, bool) {
	i, ok := slices.BinarySearchFunc(s.Packages, p, func(sel Selected, p Package) int { return comparePackages(sel.Package, p) })
	if !ok {
		return pep440.Version{}, false
	}
	return s.Packages[i].Version, true
}

// edgeSpecifier is the range of d as the user reads it.
func edgeSpecifier(d Dependency) string {
	if d.Display == "" && !d.Range.IsFull() {
		return d.Range.String()
	}
	return d.Display
}

func comparePackages(a, b Package) int {
	return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Extra, b.Extra))
}

// holds reports whether term t is true of the decisions.
func (s *solver) holds(t term) bool {
	st := &s.states[t.pkg]
	if !st.decided {
		return !t.pos
	}
	return t.contains(st.version)
}

// solution builds the answer from the decisions, after checking it against every
// incompatibility in the store: a bug in propagation must surface as an error,
// never as a wrong answer.
func (s *solver) solution() (*Solution, error) {
	for _, in := range s.store {
		violated := true
		for _, t := range in.terms {
			if !s.holds(t) {
				violated = false
				break
			}
		}
		if violated {
			return nil, fmt.Errorf("resolver: internal error: the selected versions violate incompatibility #%d", in.seq)
		}
	}
	index := map[pkgID]int{}
	sol := &Solution{}
	for id := range s.states {
		p := pkgID(id)
		if st := &s.states[p]; st.decided && p != s.root {
			index[p] = len(sol.Packages)
			sol.Packages = append(sol.Packages, Selected{Package: s.pkgs[p], Version: st.version})
		}
	}
	for id := range s.states {
		p := pkgID(id)
		st := &s.states[p]
		if !st.decided {
			continue
		}
		vd := s.fetched[p][st.version.String()]
		for _, d := range vd.deps.Requires {
			q, ok := s.ids[d.Package]
			if !ok || d.Constrains || q == p {
				continue
			}
			if i, ok := index[q]; ok {
				sel := &sol.Packages[i]
				sel.RequiredBy = append(sel.RequiredBy, Requirer{Package: s.pkgs[p], Version: st.version, Origin: d.Origin, Specifier: edgeSpecifier(d)})
			}
		}
	}
	for i := range sol.Packages {
		sel := &sol.Packages[i]
		slices.SortFunc(sel.RequiredBy, func(a, b Requirer) int {
			return cmp.Or(comparePackages(a.Package, b.Package), cmp.Compare(a.Origin, b.Origin))
		})
		sel.RequiredBy = slices.CompactFunc(sel.RequiredBy, func(a, b Requirer) bool {
			return comparePackages(a.Package, b.Package) == 0 && a.Origin == b.Origin
		})
	}
	slices.SortFunc(sol.Packages, func(a, b Selected) int { return comparePackages(a.Package, b.Package) })
	return sol, nil
}
