package resolver

import (
	"cmp"
	"slices"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver/pubgrub"
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
	Origin  input.Position // where the edge was written (edgeOrigin); zero for a package's metadata
	// Specifier is the versions the edge allows, as written (edgeSpecifier); "" for
	// any version.
	Specifier string
}

// edgeSpecifier is the range of d as the user reads it.
func edgeSpecifier(d Dependency) string {
	if c, ok := d.Cause.(EdgeCause); ok && c.Written() != "" {
		return c.Written()
	}
	if d.Range.IsFull() {
		return ""
	}
	return d.Range.String()
}

func comparePackages(a, b Package) int {
	return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Extra, b.Extra))
}

// edgeOrigin is where an edge was written, for a lockfile's "# via": the line
// of a requirement.
func edgeOrigin(c pubgrub.Cause) input.Position {
	switch c := c.(type) {
	case UserRequirement:
		return c.Origin
	case UserConstraint:
		return c.Origin
	case ProjectRequirement:
		return c.Origin
	}
	return input.Position{}
}

// solution turns the core's decisions into a Solution: the root left out, each
// package with the selected versions whose edges (not constraints) require it.
func solution(sol *pubgrub.Solution[Package, pep440.Version, pep440.Range], root Package) *Solution {
	index := map[Package]int{}
	out := &Solution{}
	for _, sel := range sol.Packages {
		if sel.Package != root {
			index[sel.Package] = len(out.Packages)
			out.Packages = append(out.Packages, Selected{Package: sel.Package, Version: sel.Version})
		}
	}
	for _, sel := range sol.Packages {
		for _, d := range sel.Requires {
			i, ok := index[d.Package]
			if !ok || d.Constrains || d.Package == sel.Package {
				continue
			}
			by := &out.Packages[i]
			by.RequiredBy = append(by.RequiredBy, Requirer{Package: sel.Package, Version: sel.Version, Origin: edgeOrigin(d.Cause), Specifier: edgeSpecifier(d)})
		}
	}
	for i := range out.Packages {
		sel := &out.Packages[i]
		slices.SortFunc(sel.RequiredBy, func(a, b Requirer) int {
			return cmp.Or(comparePackages(a.Package, b.Package), input.Compare(a.Origin, b.Origin))
		})
		sel.RequiredBy = slices.CompactFunc(sel.RequiredBy, func(a, b Requirer) bool {
			return comparePackages(a.Package, b.Package) == 0 && a.Origin == b.Origin
		})
	}
	slices.SortFunc(out.Packages, func(a, b Selected) int { return comparePackages(a.Package, b.Package) })
	return out
}
