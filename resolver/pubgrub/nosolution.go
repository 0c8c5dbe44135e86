package pubgrub

import "slices"

// NoSolution is the proof that the root's requirements cannot all be met: the
// derivation tree of the incompatibility that rules out the root. It is a
// result, not an error.
type NoSolution[P comparable, V, S any] struct {
	// Root is the final incompatibility: it has no terms, or only the root's.
	Root        *Incompatibility[P, S]
	RootPackage P
	RootVersion V
	// Listed holds, for every package the solver listed, its versions in
	// ascending order (an empty list for a package with none), so that reports
	// can describe version sets by the versions that exist.
	Listed map[P][]V
}

// An Incompatibility is a set of terms that cannot all hold in a solution, with
// the reason it holds. Derived incompatibilities share causes: the tree is a DAG,
// and a node that is used twice is the same pointer.
type Incompatibility[P comparable, S any] struct {
	Terms []Term[P, S]
	Kind  Kind

	// KindDependency: DependerRange of Depender need Dependency.
	Depender      P
	DependerRange S
	Dependency    Dependency[P, S]

	// KindUnavailable: why the package versions in Terms cannot be used.
	Unavailable Cause

	// KindDerived: the two incompatibilities this one was derived from.
	Left, Right *Incompatibility[P, S]
}

// A Term is a statement about one package: positive "Package is selected at a
// version in Range", or negative "Package is not selected in Range".
type Term[P comparable, S any] struct {
	Package  P
	Positive bool
	Range    S
}

// Versions returns the listed versions of p in ascending order, or nil if the
// solver never listed p.
func (ns *NoSolution[P, V, S]) Versions(p P) []V { return ns.Listed[p] }

// External returns the external incompatibilities (the facts) of the tree, each
// once, in the order a depth-first walk meets them.
func (ns *NoSolution[P, V, S]) External() []*Incompatibility[P, S] {
	var out []*Incompatibility[P, S]
	seen := map[*Incompatibility[P, S]]bool{}
	var walk func(in *Incompatibility[P, S])
	walk = func(in *Incompatibility[P, S]) {
		if seen[in] {
			return
		}
		seen[in] = true
		if in.Kind == KindDerived {
			walk(in.Left)
			walk(in.Right)
			return
		}
		out = append(out, in)
	}
	walk(ns.Root)
	return out
}

func (s *solver[P, V, S]) noSolution(failure *incompat[V, S]) *NoSolution[P, V, S] {
	ns := &NoSolution[P, V, S]{RootPackage: s.pkgs[s.root], RootVersion: s.rootVersion, Listed: map[P][]V{}}
	for id := range s.states {
		st := &s.states[id]
		if !st.listed {
			continue
		}
		ns.Listed[s.pkgs[id]] = slices.Clone(st.sorted)
	}
	memo := map[*incompat[V, S]]*Incompatibility[P, S]{}
	var convert func(in *incompat[V, S]) *Incompatibility[P, S]
	convert = func(in *incompat[V, S]) *Incompatibility[P, S] {
		if out := memo[in]; out != nil {
			return out
		}
		out := &Incompatibility[P, S]{Kind: in.kind}
		for _, t := range in.terms {
			out.Terms = append(out.Terms, Term[P, S]{Package: s.pkgs[t.pkg], Positive: t.pos, Range: t.r})
		}
		switch in.kind {
		case KindDependency:
			out.Depender, out.DependerRange = s.pkgs[in.depender], in.dependerRange
			out.Dependency = Dependency[P, S]{Package: s.pkgs[in.dependee], Range: in.dependeeRange, Constrains: in.constrains, Cause: in.cause}
		case KindUnavailable:
			out.Unavailable = in.cause
		case KindDerived:
			out.Left, out.Right = convert(in.left), convert(in.right)
		}
		memo[in] = out
		return out
	}
	ns.Root = convert(failure)
	return ns
}
