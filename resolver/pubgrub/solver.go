package pubgrub

import (
	"context"
	"fmt"
	"slices"
	"sort"
)

// pkgID indexes the solver's per-package tables. IDs are handed out in order of
// first appearance, so "lower ID" is the deterministic tie-break everywhere.
type pkgID int32

// An assignment is one entry of the partial solution: a decision (cause nil) or a
// derivation caused by an incompatibility.
type assignment[V any, S Set[V, S]] struct {
	t     term[V, S]
	level int
	cause *incompat[V, S]
	stamp int // unique across the solve, so caches can tell package states apart
}

// pkgState is what the partial solution says about one package.
type pkgState[V any, S Set[V, S]] struct {
	// hist lists the package's assignments in order, each with the intersection of
	// all of them up to that point; the last entry is what is known now.
	hist    []histEntry[V, S]
	decided bool
	version V

	versions  []V // from the Provider, in preference order
	sorted    []V // the same, ascending
	listed    bool
	countAt   int  // stamp of the state candidates was computed for
	candidate int  // how many versions that state allows (at least, if !exact)
	exact     bool // candidate is the full count
}

type histEntry[V any, S Set[V, S]] struct {
	idx int // into solver.assigns
	acc term[V, S]
}

// versionDeps records what one package version contributed to the store.
type versionDeps[P comparable, V any, S Set[V, S]] struct {
	requires  []Dependency[P, S] // as the Provider gave them
	incompats []*incompat[V, S]
}

// headKey is what makes two edges of versions of one package the same fact:
// edges with different keys never merge, so that finding an edge's head looks at
// its key's few heads rather than at every edge between the two packages.
type headKey struct {
	depender, dependee pkgID
	constrains         bool
	rng                string
	cause              any // the cause, or a Merger's MergeKey
}

type unavailableKey struct {
	pkg   pkgID
	cause Cause
}

type solver[P comparable, V any, S Set[V, S]] struct {
	ctx      context.Context
	vs       Versions[V, S]
	prov     Provider[P, V, S]
	maxSteps int
	steps    int

	root        pkgID
	rootVersion V

	pkgs   []P
	ids    map[P]pkgID
	states []pkgState[V, S]
	byPkg  [][]*incompat[V, S] // incompatibilities to propagate, per package, oldest first
	store  []*incompat[V, S]   // every incompatibility ever added, for the final check
	seq    int
	// fetched holds what each version of a package contributed, by its index in
	// the package's ascending version list.
	fetched [][]*versionDeps[P, V, S]

	depHeads         map[headKey][]*incompat[V, S]
	unavailableHeads map[unavailableKey]*incompat[V, S]

	assigns []assignment[V, S]
	level   int
	stamp   int
	// contradicted lists, per decision level, the incompatibilities found
	// contradicted at that level, to clear their memo on backtracking.
	contradicted [][]*incompat[V, S]
}

// Solve finds versions for root's transitive dependencies such that every
// dependency and constraint holds, asking prov for facts as it goes; vs is the
// version scheme.
//
// Exactly one of the results is non-nil. A *Solution is checked against every
// incompatibility the solve learned before it is returned. A *NoSolution proves that
// no solution exists and carries the derivation tree. An error is an operational
// failure: the Provider's errors (wrapped; use errors.Is/As to inspect them),
// ctx's error, or ErrStepLimit; it never means "no solution".
func Solve[P comparable, V any, S Set[V, S]](ctx context.Context, vs Versions[V, S], prov Provider[P, V, S], root P, version V, opts Options) (*Solution[P, V, S], *NoSolution[P, V, S], error) {
	s := newSolver(ctx, vs, prov, root, version, opts)
	next := s.root
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		failure, err := s.propagate(next)
		if err != nil {
			return nil, nil, err
		}
		if failure != nil {
			return nil, s.noSolution(failure), nil
		}
		p, done, err := s.decide()
		if err != nil {
			return nil, nil, err
		}
		if done {
			sol, err := s.solution()
			if err != nil {
				return nil, nil, err
			}
			return sol, nil, nil
		}
		next = p
	}
}

// newSolver is a solve that knows only that the root's version is needed.
func newSolver[P comparable, V any, S Set[V, S]](ctx context.Context, vs Versions[V, S], prov Provider[P, V, S], root P, version V, opts Options) *solver[P, V, S] {
	s := &solver[P, V, S]{
		ctx:              ctx,
		vs:               vs,
		prov:             prov,
		maxSteps:         opts.MaxSteps,
		rootVersion:      version,
		ids:              map[P]pkgID{},
		depHeads:         map[headKey][]*incompat[V, S]{},
		unavailableHeads: map[unavailableKey]*incompat[V, S]{},
	}
	if s.maxSteps <= 0 {
		s.maxSteps = DefaultMaxSteps
	}
	s.root = s.id(root)
	st := &s.states[s.root]
	st.versions, st.sorted, st.listed = []V{version}, []V{version}, true
	s.add(&incompat[V, S]{terms: []term[V, S]{negative[V](s.root, vs.Exactly(version))}, kind: KindRoot})
	return s
}

func (s *solver[P, V, S]) id(p P) pkgID {
	if id, ok := s.ids[p]; ok {
		return id
	}
	id := pkgID(len(s.pkgs))
	s.ids[p] = id
	s.pkgs = append(s.pkgs, p)
	s.states = append(s.states, pkgState[V, S]{countAt: -1})
	s.byPkg = append(s.byPkg, nil)
	s.fetched = append(s.fetched, nil)
	return id
}

func (s *solver[P, V, S]) step() error {
	s.steps++
	if s.steps > s.maxSteps {
		return fmt.Errorf("%w (%d steps)", ErrStepLimit, s.maxSteps)
	}
	return nil
}

// known returns the intersection of every assignment about p, if there is any.
func (s *solver[P, V, S]) known(p pkgID) (term[V, S], bool) {
	h := s.states[p].hist
	if len(h) == 0 {
		return term[V, S]{}, false
	}
	return h[len(h)-1].acc, true
}

func (s *solver[P, V, S]) assign(t term[V, S], cause *incompat[V, S]) {
	s.stamp++
	idx := len(s.assigns)
	s.assigns = append(s.assigns, assignment[V, S]{t: t, level: s.level, cause: cause, stamp: s.stamp})
	acc := t
	if k, ok := s.known(t.pkg); ok {
		acc = k.intersect(t)
	}
	st := &s.states[t.pkg]
	st.hist = append(st.hist, histEntry[V, S]{idx: idx, acc: acc})
}

func (s *solver[P, V, S]) decideVersion(p pkgID, v V) {
	s.level++
	s.assign(positive[V](p, s.vs.Exactly(v)), nil)
	s.states[p].decided = true
	s.states[p].version = v
}

// backtrack removes every assignment above level.
func (s *solver[P, V, S]) backtrack(level int) {
	for n := len(s.assigns); n > 0 && s.assigns[n-1].level > level; n-- {
		a := s.assigns[n-1]
		st := &s.states[a.t.pkg]
		st.hist = st.hist[:len(st.hist)-1]
		if a.cause == nil {
			st.decided = false
		}
		s.assigns = s.assigns[:n-1]
	}
	for l := level + 1; l < len(s.contradicted); l++ {
		for _, in := range s.contradicted[l] {
			in.contradicted = false
		}
		s.contradicted[l] = s.contradicted[l][:0]
	}
	s.level = level
}

// markContradicted remembers that the partial solution contradicts in: it stays
// so until the solver backtracks below the current level.
func (s *solver[P, V, S]) markContradicted(in *incompat[V, S]) {
	for len(s.contradicted) <= s.level {
		s.contradicted = append(s.contradicted, nil)
	}
	in.contradicted = true
	s.contradicted[s.level] = append(s.contradicted[s.level], in)
}

// add puts a new incompatibility in the store and the propagation index.
func (s *solver[P, V, S]) add(in *incompat[V, S]) {
	s.seq++
	in.seq = s.seq
	s.store = append(s.store, in)
	for _, t := range in.terms {
		s.byPkg[t.pkg] = append(s.byPkg[t.pkg], in)
	}
}

// replace swaps old for its widened version new in the propagation index; old
// stays in the store, where it is still true.
func (s *solver[P, V, S]) replace(old, new *incompat[V, S]) {
	s.seq++
	new.seq = s.seq
	s.store = append(s.store, new)
	for _, t := range new.terms {
		list := s.byPkg[t.pkg]
		found := false
		for i, in := range list {
			if in == old {
				list[i] = new
				found = true
				break
			}
		}
		if !found {
			s.byPkg[t.pkg] = append(list, new)
		}
	}
}

// relation of the partial solution to an incompatibility: satisfied, contradicted,
// or inconclusive; when exactly one term is inconclusive and the rest satisfied
// ("almost satisfied"), unsat is that term's index, else -1.
func (s *solver[P, V, S]) relation(in *incompat[V, S]) (rel relation, unsat int) {
	unsat = -1
	for i, t := range in.terms {
		k, ok := s.known(t.pkg)
		r := inconclusive
		if ok {
			r = relate(k, t)
		}
		switch r {
		case contradicted:
			return contradicted, -1
		case inconclusive:
			if unsat >= 0 {
				return inconclusive, -1
			}
			unsat = i
		}
	}
	if unsat < 0 {
		return satisfied, -1
	}
	return inconclusive, unsat
}

// propagate is unit propagation (solver.md "Unit Propagation") starting from
// package start. It returns the incompatibility that proves failure, if any.
func (s *solver[P, V, S]) propagate(start pkgID) (*incompat[V, S], error) {
	changed := []pkgID{start}
	queued := map[pkgID]bool{start: true}
	for len(changed) > 0 {
		p := changed[len(changed)-1]
		changed = changed[:len(changed)-1]
		delete(queued, p)
		list := s.byPkg[p]
		for i := len(list) - 1; i >= 0; i-- {
			in := list[i]
			if in.contradicted {
				continue
			}
			rel, unsat := s.relation(in)
			if rel == contradicted {
				s.markContradicted(in)
				continue
			}
			if rel == satisfied {
				cause, failed, err := s.resolveConflict(in)
				if err != nil {
					return nil, err
				}
				if failed {
					return cause, nil
				}
				rel, unsat = s.relation(cause)
				if rel != inconclusive || unsat < 0 {
					return nil, fmt.Errorf("resolver: internal error: learned incompatibility is not almost satisfied after backjumping")
				}
				t := cause.terms[unsat]
				s.assign(t.negate(), cause)
				changed = append(changed[:0], t.pkg)
				queued = map[pkgID]bool{t.pkg: true}
				break
			}
			if unsat >= 0 {
				t := in.terms[unsat]
				s.assign(t.negate(), in)
				if !queued[t.pkg] {
					queued[t.pkg] = true
					changed = append(changed, t.pkg)
				}
			}
		}
	}
	return nil, nil
}

// terminal reports whether in says that the root cannot be selected.
func (s *solver[P, V, S]) terminal(in *incompat[V, S]) bool {
	switch len(in.terms) {
	case 0:
		return true
	case 1:
		t := in.terms[0]
		return t.pkg == s.root && t.contains(s.rootVersion)
	}
	return false
}

// satisfierIndex returns the index of the earliest assignment after which the
// partial solution satisfies t. Accumulated terms only narrow, so once
// satisfied a term stays satisfied: binary search finds the first entry.
func (s *solver[P, V, S]) satisfierIndex(t term[V, S]) int {
	h := s.states[t.pkg].hist
	i := sort.Search(len(h), func(i int) bool { return h[i].acc.subsetOf(t) })
	if i == len(h) {
		return -1
	}
	return h[i].idx
}

// resolveConflict is solver.md "Conflict Resolution": starting from an
// incompatibility the partial solution satisfies, it derives prior causes until
// one can be made almost satisfied by backjumping, learns it and backjumps. It
// reports failed when the derivation reaches the root.
func (s *solver[P, V, S]) resolveConflict(in *incompat[V, S]) (*incompat[V, S], bool, error) {
	original := in
	for {
		if err := s.step(); err != nil {
			return nil, false, err
		}
		if s.terminal(in) {
			return in, true, nil
		}
		satIdx, satTerm := -1, term[V, S]{}
		for _, t := range in.terms {
			if i := s.satisfierIndex(t); i > satIdx {
				satIdx, satTerm = i, t
			}
		}
		if satIdx < 0 {
			return nil, false, fmt.Errorf("resolver: internal error: conflict without a satisfier")
		}
		sat := s.assigns[satIdx]
		prevIdx := -1
		for _, t := range in.terms {
			if t.pkg != satTerm.pkg {
				prevIdx = max(prevIdx, s.satisfierIndex(t))
			}
		}
		// The satisfier may satisfy its term only together with earlier assignments
		// of the same package; the earliest of those is then a previous satisfier too.
		if !sat.t.subsetOf(satTerm) {
			h := s.states[satTerm.pkg].hist
			before := sort.Search(len(h), func(i int) bool { return h[i].idx >= satIdx })
			i := sort.Search(before, func(i int) bool { return h[i].acc.intersect(sat.t).subsetOf(satTerm) })
			if i < before {
				prevIdx = max(prevIdx, h[i].idx)
			}
		}
		prevLevel := 0
		if prevIdx >= 0 {
			prevLevel = s.assigns[prevIdx].level
		}
		// Level 1 is the root's decision: not going below it keeps the root's
		// requirements in the derivations, which reads better (solver.md). A
		// conflict at level 0 (the root's requirements conflict before it is
		// decided) is resolved down to the root instead.
		if sat.level >= 1 {
			prevLevel = max(prevLevel, 1)
		}
		if sat.cause == nil || prevLevel != sat.level {
			if in != original {
				s.add(in)
			}
			s.backtrack(prevLevel)
			return in, false, nil
		}
		in = &incompat[V, S]{
			terms: resolve(in, sat.cause, satTerm.pkg),
			kind:  KindDerived,
			left:  in,
			right: sat.cause,
		}
	}
}

// decide is solver.md "Decision Making". It returns the package to propagate
// from next, or done when every required package has a version.
func (s *solver[P, V, S]) decide() (pkgID, bool, error) {
	p, ok, err := s.pick()
	if err != nil || !ok {
		return 0, !ok, err
	}
	if err := s.step(); err != nil {
		return 0, false, err
	}
	k, _ := s.known(p)
	var v V
	found := false
	for _, c := range s.states[p].versions {
		if k.r.Contains(c) {
			v, found = c, true
			break
		}
	}
	if !found {
		nv := k
		if len(s.states[p].versions) == 0 {
			// Nothing exists at all: say so once, for every range.
			nv = positive[V](p, s.vs.Full())
		}
		s.add(&incompat[V, S]{terms: []term[V, S]{nv}, kind: KindNoVersions})
		return p, false, nil
	}
	vd, err := s.dependencies(p, v)
	if err != nil {
		return 0, false, err
	}
	// Decide only if no new incompatibility would be satisfied at once; otherwise
	// propagation from p rules v out and explains why.
	for _, in := range vd.incompats {
		if s.satisfiedWith(in, p, v) {
			return p, false, nil
		}
	}
	s.decideVersion(p, v)
	return p, false, nil
}

// satisfiedWith reports whether in would be satisfied if p were decided at v.
func (s *solver[P, V, S]) satisfiedWith(in *incompat[V, S], p pkgID, v V) bool {
	for _, t := range in.terms {
		if t.pkg == p {
			if !t.contains(v) {
				return false
			}
			continue
		}
		k, ok := s.known(t.pkg)
		if !ok || relate(k, t) != satisfied {
			return false
		}
	}
	return true
}

// pick chooses the next package to decide: among packages with a positive
// derivation and no decision, the one with the fewest allowed versions, ties going
// to the one seen first. Priority only affects speed and which solution is found,
// never correctness.
func (s *solver[P, V, S]) pick() (pkgID, bool, error) {
	best, bestCount := pkgID(-1), 0
	for id := range s.states {
		p := pkgID(id)
		st := &s.states[p]
		if st.decided || len(st.hist) == 0 {
			continue
		}
		k := st.hist[len(st.hist)-1].acc
		if !k.pos {
			continue
		}
		limit := -1
		if best >= 0 {
			limit = bestCount
		}
		n, err := s.candidates(p, k, limit)
		if err != nil {
			return 0, false, err
		}
		if best < 0 || n < bestCount {
			best, bestCount = p, n
			if n == 0 {
				break
			}
		}
	}
	return best, best >= 0, nil
}

// candidates counts the listed versions of p that k allows, caching the count per
// package state. A count that reaches limit (if not negative) stops there: the
// package cannot win, and the partial count is not cached.
func (s *solver[P, V, S]) candidates(p pkgID, k term[V, S], limit int) (int, error) {
	st := &s.states[p]
	stamp := s.assigns[st.hist[len(st.hist)-1].idx].stamp
	if st.countAt == stamp && (st.exact || (limit >= 0 && st.candidate >= limit)) {
		return st.candidate, nil
	}
	if !st.listed {
		vs, err := s.prov.Versions(s.ctx, s.pkgs[p])
		if err != nil {
			return 0, fmt.Errorf("resolver: listing versions of %v: %w", s.pkgs[p], err)
		}
		st = &s.states[p]
		st.versions, st.listed = vs, true
		st.sorted = slices.Clone(vs)
		slices.SortFunc(st.sorted, s.vs.Compare)
	}
	n := 0
	for _, v := range st.versions {
		if k.r.Contains(v) {
			n++
			if n == limit {
				st.countAt, st.candidate, st.exact = stamp, n, false
				return n, nil
			}
		}
	}
	st.countAt, st.candidate, st.exact = stamp, n, true
	return n, nil
}

// index is v's position in p's ascending version list.
func (s *solver[P, V, S]) index(p pkgID, v V) int {
	i, _ := slices.BinarySearchFunc(s.states[p].sorted, v, s.vs.Compare)
	return i
}

// dependencies asks the Provider about version v of p once, and turns the answer
// into incompatibilities.
func (s *solver[P, V, S]) dependencies(p pkgID, v V) (*versionDeps[P, V, S], error) {
	i := s.index(p, v)
	if i < len(s.fetched[p]) && s.fetched[p][i] != nil {
		return s.fetched[p][i], nil
	}
	deps, err := s.prov.Dependencies(s.ctx, s.pkgs[p], v)
	if err != nil {
		return nil, fmt.Errorf("resolver: dependencies of %v %v: %w", s.pkgs[p], v, err)
	}
	vd := &versionDeps[P, V, S]{}
	if deps.Unavailable != nil {
		vd.incompats = append(vd.incompats, s.addUnavailable(p, v, deps.Unavailable))
	} else {
		vd.requires = deps.Requires
		for _, d := range deps.Requires {
			// A fact given again (the same requirement on many lines, in one
			// file or in several) says nothing new: its incompatibility is
			// already there, and a repeat would cost propagation time.
			if in, fresh := s.addDependency(p, v, d); fresh {
				vd.incompats = append(vd.incompats, in)
			}
		}
	}
	if n := len(s.states[p].sorted); len(s.fetched[p]) < n {
		s.fetched[p] = append(s.fetched[p], make([]*versionDeps[P, V, S], n-len(s.fetched[p]))...)
	}
	s.fetched[p][i] = vd
	return vd, nil
}
