package resolver

import (
	"slices"

	"github.com/depsolve/depsolve/pep440"
)

// NoSolution is the proof that the root's requirements cannot all be met: the
// derivation tree of the incompatibility that rules out the root. It is a result,
// not an error; Lines and Text explain it.
type NoSolution struct {
	// Root is the final incompatibility: it has no terms, or only the root's.
	Root        *Incompatibility
	RootPackage Package
	RootVersion pep440.Version
	// VirtualNames names the virtual packages in the report; Resolve sets it from
	// Problem.VirtualNames.
	VirtualNames VirtualNames

	// versions holds, for every package the solver listed, its versions in
	// ascending order, so reports can describe version sets by the versions
	// that exist ("foo >=1.0,<1.2" rather than "foo ==1.0 || ==1.1").
	versions map[Package][]pep440.Version
}

// An Incompatibility is a set of terms that cannot all hold in a solution, with
// the reason it holds. Derived incompatibilities share causes: the tree is a DAG,
// and a node that is used twice is the same pointer.
type Incompatibility struct {
	Terms []Term
	Cause Cause

	// CauseDependency: DependerRange of Depender need Dependency.
	Depender      Package
	DependerRange pep440.Range
	Dependency    Dependency

	// CauseUnavailable: why the package versions in Terms cannot be used.
	Unavailable Unavailable

	// CauseDerived: the two incompatibilities this one was derived from.
	Left, Right *Incompatibility
}

// A Term is a statement about one package: positive "Package is selected at a
// version in Range", or negative "Package is not selected in Range".
type Term struct {
	Package  Package
	Positive bool
	Range    pep440.Range
}

// Versions returns the listed versions of p in ascending order, or nil if the
// solver never listed p.
func (ns *NoSolution) Versions(p Package) []pep440.Version { return ns.versions[p] }

// External returns the external incompatibilities (the facts) of the tree, each
// once, in the order a depth-first walk meets them.
func (ns *NoSolution) External() []*Incompatibility {
	var out []*Incompatibility
	seen := map[*Incompatibility]bool{}
	var walk func(in *Incompatibility)
	walk = func(in *Incompatibility) {
		if seen[in] {
			return
		}
		seen[in] = true
		if in.Cause == CauseDerived {
			walk(in.Left)
			walk(in.Right)
			return
		}
		out = append(out, in)
	}
	walk(ns.Root)
	return out
}

func (s *solver) noSolution(failure *incompat) *NoSolution {
	ns := &NoSolution{RootPackage: s.pkgs[s.root], RootVersion: s.rootVersion, versions: map[Package][]pep440.Version{}}
	for id := range s.states {
		st := &s.states[id]
		if !st.listed {
			continue
		}
		vs := slices.Clone(st.versions)
		slices.SortFunc(vs, pep440.Version.Compare)
		ns.versions[s.pkgs[id]] = vs
	}
	memo := map[*incompat]*Incompatibility{}
	var convert func(in *incompat) *Incompatibility
	convert = func(in *incompat) *Incompatibility {
		if out := memo[in]; out != nil {
			return out
		}
		out := &Incompatibility{Cause: in.kind, Unavailable: in.reason}
		for _, t := range in.terms {
			out.Terms = append(out.Terms, Term{Package: s.pkgs[t.pkg], Positive: t.pos, Range: t.r})
		}
		switch in.kind {
		case CauseDependency:
			out.Depender, out.DependerRange, out.Dependency = s.pkgs[in.depender], in.dependerRange, in.dep
		case CauseDerived:
			out.Left, out.Right = convert(in.left), convert(in.right)
		}
		memo[in] = out
		return out
	}
	ns.Root = convert(failure)
	return ns
}
