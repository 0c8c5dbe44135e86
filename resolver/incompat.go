package resolver

import "github.com/depsolve/depsolve/pep440"

// Cause says why an incompatibility holds.
type Cause uint8

const (
	// CauseRoot: the root package must be selected at its one version.
	CauseRoot Cause = iota
	// CauseNoVersions: no version of the package lies in the range.
	CauseNoVersions
	// CauseDependency: the depender versions need the dependee range (or, for a
	// constraint, forbid versions of the dependee outside it).
	CauseDependency
	// CauseUnavailable: the versions cannot be used, for a reason the Provider gave.
	CauseUnavailable
	// CauseDerived: it follows from two other incompatibilities by resolution.
	CauseDerived
)

// incompat is a set of terms that must not all hold in a solution (solver.md
// "Incompatibility"), with its cause. Terms are kept one per package, in a fixed
// order (depender before dependee, then by first appearance), and never include a
// term that always holds.
type incompat struct {
	terms []term
	kind  Cause
	seq   int // creation order: deterministic identity for reports

	// contradicted is set while the partial solution contradicts a term; the
	// solver clears it when it backtracks below the level it was found at
	// (pubgrub-rs keeps the same memo), so propagation skips it meanwhile.
	contradicted bool

	// CauseDependency: versions dependerRange of depender need dep.
	depender      pkgID
	dependerRange pep440.Range
	dependee      pkgID
	dep           Dependency

	// CauseUnavailable.
	reason Unavailable

	// members lists (as indices into the package's ascending version list) the
	// versions a dependency or unavailability was recorded for, so later versions
	// with the same edge can widen it.
	members []int

	// CauseDerived.
	left, right *incompat
}

func (in *incompat) termFor(p pkgID) (term, bool) {
	for _, t := range in.terms {
		if t.pkg == p {
			return t, true
		}
	}
	return term{}, false
}

// resolve applies the generalized resolution rule (solver.md "Conflict
// Resolution"): from {t1, q} and {t2, r}, where t1 and t2 are about pkg, it derives
// {t1 ∪ t2, q, r}, dropping t1 ∪ t2 when it always holds. Terms of other packages
// that appear in both are intersected: an incompatibility is a conjunction.
func resolve(conflict, cause *incompat, pkg pkgID) []term {
	terms := make([]term, 0, len(conflict.terms)+len(cause.terms))
	add := func(t term) {
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
