package pubgrub

// Kind says what kind of fact an incompatibility is.
type Kind uint8

const (
	// KindRoot: the root package must be selected at its one version.
	KindRoot Kind = iota
	// KindNoVersions: no version of the package lies in the range.
	KindNoVersions
	// KindDependency: the depender versions need the dependee range (or, for a
	// constraint, forbid versions of the dependee outside it).
	KindDependency
	// KindUnavailable: the versions cannot be used, for a cause the Provider gave.
	KindUnavailable
	// KindDerived: it follows from two other incompatibilities by resolution.
	KindDerived
)

// incompat is a set of terms that must not all hold in a solution (solver.md
// "Incompatibility"), with its cause. Terms are kept one per package, in a fixed
// order (depender before dependee, then by first appearance), and never include a
// term that always holds.
type incompat[V any, S Set[V, S]] struct {
	terms []term[V, S]
	kind  Kind
	seq   int // creation order: deterministic identity for reports

	// contradicted is set while the partial solution contradicts a term; the
	// solver clears it when it backtracks below the level it was found at
	// (pubgrub-rs keeps the same memo), so propagation skips it meanwhile.
	contradicted bool

	// KindDependency: versions dependerRange of depender need dependee in
	// dependeeRange (constrains: forbid it outside), because of cause.
	depender      pkgID
	dependerRange S
	dependee      pkgID
	dependeeRange S
	constrains    bool
	// KindDependency and KindUnavailable: the Provider's cause.
	cause Cause

	// members lists (as indices into the package's ascending version list) the
	// versions a dependency or unavailability was recorded for, so later versions
	// with the same edge can widen it.
	members []int

	// KindDerived.
	left, right *incompat[V, S]
}

func (in *incompat[V, S]) termFor(p pkgID) (term[V, S], bool) {
	for _, t := range in.terms {
		if t.pkg == p {
			return t, true
		}
	}
	return term[V, S]{}, false
}

// resolve applies the generalized resolution rule (solver.md "Conflict
// Resolution"): from {t1, q} and {t2, r}, where t1 and t2 are about pkg, it derives
// {t1 ∪ t2, q, r}, dropping t1 ∪ t2 when it always holds. Terms of other packages
// that appear in both are intersected: an incompatibility is a conjunction.
func resolve[V any, S Set[V, S]](conflict, cause *incompat[V, S], pkg pkgID) []term[V, S] {
	terms := make([]term[V, S], 0, len(conflict.terms)+len(cause.terms))
	add := func(t term[V, S]) {
		for i := range terms {
			if terms[i].pkg == t.pkg {
				terms[i] = terms[i].intersect(t)
				return
			}
		}
		terms = append(terms, t)
	}
	// A missing term is "any": then the union always holds and drops out.
	t1, ok1 := conflict.termFor(pkg)
	t2, ok2 := cause.termFor(pkg)
	if ok1 && ok2 {
		if u := t1.union(t2); !u.isAny() {
			terms = append(terms, u)
		}
	}
	for _, t := range conflict.terms {
		if t.pkg != pkg {
			add(t)
		}
	}
	for _, t := range cause.terms {
		if t.pkg != pkg {
			add(t)
		}
	}
	return terms
}
