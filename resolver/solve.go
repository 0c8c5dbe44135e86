package resolver

import (
	"context"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

// Solve finds versions for root's transitive dependencies such that every
// dependency and constraint holds, asking prov for facts as it goes: the PubGrub
// core (pubgrub.Solve) over PEP 440 versions.
//
// Exactly one of the results is non-nil. A *NoSolution proves that no solution
// exists and carries the derivation tree. An error is an operational failure:
// the Provider's errors (wrapped; use errors.Is/As to inspect them), ctx's
// error, or ErrStepLimit; it never means "no solution".
func Solve(ctx context.Context, prov Provider, root Package, version pep440.Version, opts Options) (*Solution, *NoSolution, error) {
	sol, ns, err := pubgrub.Solve(ctx, pep440Versions{atLeast: map[string]pep440.Range{}}, prov, root, version, opts)
	switch {
	case err != nil:
		return nil, nil, err
	case ns != nil:
		return nil, &NoSolution{NoSolution: ns}, nil
	}
	return solution(sol, root), nil, nil
}

// pep440Versions is the version scheme of Python packages for the core.
type pep440Versions struct {
	atLeast map[string]pep440.Range // ">=V" by public version, for Span
}

func (pep440Versions) Compare(a, b pep440.Version) int { return a.Compare(b) }
func (pep440Versions) Full() pep440.Range              { return pep440.Full() }
func (pep440Versions) Empty() pep440.Range             { return pep440.Empty() }
func (pep440Versions) Exactly(v pep440.Version) pep440.Range {
	return pep440.Exactly(v)
}

// Span is the range holding exactly sorted[i..j] among sorted: a run from
// version a to version b is ">=a, <c" with c the next listed version, so that
// facts merged across versions read as specifiers ("foo >=1.0, <1.2 depends on
// …"). Specifiers only bound public versions (">=2.5.1" holds 2.5.1+cu121 but not
// 2.5.0+cu121), so versions that share a public version with a bound are fixed
// up one by one.
func (pv pep440Versions) Span(sorted []pep440.Version, i, j int) pep440.Range {
	if i == j {
		return pep440.Exactly(sorted[i])
	}
	a := sorted[i]
	r, ok := pv.atLeastPublic(a)
	for k := i - 1; k >= 0 && sorted[k].Public().Equal(a.Public()); k-- {
		r = r.Difference(pep440.Exactly(sorted[k]))
	}
	if j+1 < len(sorted) {
		c := sorted[j+1]
		above, ok2 := pv.atLeastPublic(c)
		ok = ok && ok2
		r = r.Difference(above)
		for k := j; k >= i && sorted[k].Public().Equal(c.Public()); k-- {
			r = r.Union(pep440.Exactly(sorted[k]))
		}
	}
	if !ok {
		// No specifier for a bound: list the versions one by one.
		r = pep440.Empty()
		for _, v := range sorted[i : j+1] {
			r = r.Union(pep440.Exactly(v))
		}
	}
	return r
}

// atLeastPublic returns [v.Public(), ∞), from the specifier ">=" v.Public().
func (pv pep440Versions) atLeastPublic(v pep440.Version) (pep440.Range, bool) {
	key := v.Public().String()
	if r, ok := pv.atLeast[key]; ok {
		return r, true
	}
	spec, err := pep440.ParseSpecifier(">=" + key)
	if err != nil {
		return pep440.Empty(), false
	}
	pv.atLeast[key] = spec.Range()
	return spec.Range(), true
}
