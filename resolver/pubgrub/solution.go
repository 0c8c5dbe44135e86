package pubgrub

import "fmt"

// A Solution is a version for every package the root needs, directly or not.
type Solution[P comparable, V, S any] struct {
	// Packages lists the selected packages, the root included, in the order the
	// solver first met them.
	Packages []Selected[P, V, S]
}

// Selected is one package of a solution, with what its version requires.
type Selected[P comparable, V, S any] struct {
	Package P
	Version V
	// Requires is the Provider's answer for this version: its edges, as given.
	Requires []Dependency[P, S]
}

// holds reports whether term t is true of the decisions.
func (s *solver[P, V, S]) holds(t term[V, S]) bool {
	st := &s.states[t.pkg]
	if !st.decided {
		return !t.pos
	}
	return t.contains(st.version)
}

// solution builds the answer from the decisions, after checking it against every
// incompatibility in the store: a bug in propagation must surface as an error,
// never as a wrong answer.
func (s *solver[P, V, S]) solution() (*Solution[P, V, S], error) {
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
	sol := &Solution[P, V, S]{}
	for id := range s.states {
		p := pkgID(id)
		st := &s.states[p]
		if !st.decided {
			continue
		}
		sel := Selected[P, V, S]{Package: s.pkgs[p], Version: st.version}
		if i := s.index(p, st.version); i < len(s.fetched[p]) && s.fetched[p][i] != nil {
			sel.Requires = s.fetched[p][i].requires
		}
		sol.Packages = append(sol.Packages, sel)
	}
	return sol, nil
}
