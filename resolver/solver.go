package resolver

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/depsolve/depsolve/pep440"
)

// pkgID indexes the solver's per-package tables. IDs are handed out in order of
// first appearance, so "lower ID" is the deterministic tie-break everywhere.
type pkgID int32

// An assignment is one entry of the partial solution: a decision (cause nil) or a
// derivation caused by an incompatibility.
type assignment struct {
	t     term
	level int
	cause *incompat
	stamp int // unique across the solve, so caches can tell package states apart
}

// pkgState is what the partial solution says about one package.
type pkgState struct {
	// hist lists the package's assignments in order, each with the intersection of
	// all of them up to that point; the last entry is what is known now.
	hist    []histEntry
	decided bool
	version pep440.Version

	versions  []pep440.Version // from the Provider, in preference order
	sorted    []pep440.Version // the same, ascending
	listed    bool
	countAt   int  // stamp of the state candidates was computed for
	candidate int  // how many versions that state allows (at least, if !exact)
	exact     bool // candidate is the full count
}

type histEntry struct {
	idx int // into solver.assigns
	acc term
}

// versionDeps records what one package version contributed to the store.
type versionDeps struct {
	deps      Dependencies
	incompats []*incompat
}

type depKey struct {
	depender, dependee pkgID
	constrains         bool
}

type unavailableKey struct {
	pkg    pkgID
	reason Unavailable
}

type solver struct {
	ctx      context.Context
	prov     Provider
	maxSteps int
	steps    int

	root        pkgID
	rootVersion pep440.Version

	pkgs   []Package
	ids    map[Package]pkgID
	states []pkgState
	byPkg  [][]*incompat // incompatibilities to propagate, per package, oldest first
	store  []*incompat   // every incompatibility ever added, for the final check
	seq    int

	depHeads         map[headKey][]*incompat
	unavailableHeads map[unavailableKey]*incompat
	atLeast          map[string]pep440.Range           // ">=V" by public version, for widen
	fetched          map[pkgID]map[string]*versionDeps // by version string as listed

	assigns []assignment
	level   int
	stamp   int
	// contradicted lists, per decision level, the incompatibilities found
	// contradicted at that level, to clear their memo on backtracking.
	contradicted [][]*incompat
}

// Solve finds versions for root's transitive dependencies such that every
// dependency and constraint holds, asking prov for facts as it goes.
//
// Exactly one of the results is non-nil. A *Solution is checked against every
// incompatibility the solve learned before it is returned. A *NoSolution proves that
// no solution exists and carries the derivation tree. An error is an operational
// failure: the Provider's errors (wrapped; use errors.Is/As to inspect them),
// ctx's error, or ErrStepLimit; it never means "no solution".
func Solve(ctx context.Context, prov Provider, root Package, version pep440.Version, opts Options) (*Solution, *NoSolution, error) {
	s := newSolver(ctx, prov, root, version, opts)
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

func (s *solver) id(p Package) pkgID {
	if id, ok := s.ids[p]; ok {
		return id
	}
	id := pkgID(len(s.pkgs))
	s.ids[p] = id
	s.pkgs = append(s.pkgs, p)
	s.states = append(s.states, pkgState{countAt: -1})
	s.byPkg = append(s.byPkg, nil)
	return id
}

func (s *solver) step() error {
	s.steps++
	if s.steps > s.maxSteps {
		return fmt.Errorf("%w (%d steps)", ErrStepLimit, s.maxSteps)
	}
	return nil
}

// known returns the intersection of every assignment about p, if there is any.
func (s *solver) known(p pkgID) (term, bool) {
	h := s.states[p].hist
	if len(h) == 0 {
		return term{}, false
	}
	return h[len(h)-1].acc, true
}

func (s *solver) assign(t term, cause *incompat) {
	s.stamp++
	idx := len(s.assigns)
	s.assigns = append(s.assigns, assignment{t: t, level: s.level, cause: cause, stamp: s.stamp})
	acc := t
	if k, ok := s.known(t.pkg); ok {
		acc = k.intersect(t)
	}
	st := &s.states[t.pkg]
	st.hist = append(st.hist, histEntry{idx: idx, acc: acc})
}

func (s *solver) decideVersion(p pkgID, v pep440.Version) {
	s.level++
	s.assign(positive(p, pep440.Exactly(v)), nil)
	s.states[p].decided = true
	s.states[p].version = v
}

// backtrack removes every assignment above level.
func (s *solver) backtrack(level int) {
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
func (s *solver) markContradicted(in *incompat) {
	for len(s.contradicted) <= s.level {
		s.contradicted = append(s.contradicted, nil)
	}
	in.contradicted = true
	s.contradicted[s.level] = append(s.contradicted[s.level], in)
}

// add puts a new incompatibility in the store and the propagation index.
func (s *solver) add(in *incompat) {
	s.seq++
	in.seq = s.seq
	s.store = append(s.store, in)
	for _, t := range in.terms {
		s.byPkg[t.pkg] = append(s.byPkg[t.pkg], in)
	}
}

// replace swaps old for its widened version new in the propagation index; old
// stays in the store, where it is still true.
func (s *solver) replace(old, new *incompat) {
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
func (s *solver) relation(in *incompat) (rel relation, unsat int) {
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
func (s *solver) propagate(start pkgID) (*incompat, error) {
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
func (s *solver) terminal(in *incompat) bool {
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
func (s *solver) satisfierIndex(t term) int {
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
func (s *solver) resolveConflict(in *incompat) (*incompat, bool, error) {
	original := in
	for {
		if err := s.step(); err != nil {
			return nil, false, err
		}
		if s.terminal(in) {
			return in, true, nil
		}
		satIdx, satTerm := -1, term{}
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
		in = &incompat{
			terms: resolve(in, sat.cause, satTerm.pkg),
			kind:  CauseDerived,
			left:  in,
			right: sat.cause,
		}
	}
}

// decide is solver.md "Decision Making". It returns the package to propagate
// from next, or done when every required package has a version.
func (s *solver) decide() (pkgID, bool, error) {
	p, ok, err := s.pick()
	if err != nil || !ok {
		return 0, !ok, err
	}
	if err := s.step(); err != nil {
		return 0, false, err
	}
	k, _ := s.known(p)
	var v pep440.Version
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
			nv = positive(p, pep440.Full())
		}
		s.add(&incompat{terms: []term{nv}, kind: CauseNoVersions})
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
func (s *solver) satisfiedWith(in *incompat, p pkgID, v pep440.Version) bool {
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
func (s *solver) pick() (pkgID, bool, error) {
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
func (s *solver) candidates(p pkgID, k term, limit int) (int, error) {
	st := &s.states[p]
	stamp := s.assigns[st.hist[len(st.hist)-1].idx].stamp
	if st.countAt == stamp && (st.exact || (limit >= 0 && st.candidate >= limit)) {
		return st.candidate, nil
	}
	if !st.listed {
		vs, err := s.prov.Versions(s.ctx, s.pkgs[p])
		if err != nil {
			return 0, fmt.Errorf("resolver: listing versions of %s: %w", s.pkgs[p], err)
		}
		st = &s.states[p]
		st.versions, st.listed = vs, true
		st.sorted = slices.Clone(vs)
		slices.SortFunc(st.sorted, pep440.Version.Compare)
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

// dependencies asks the Provider about version v of p once, and turns the answer
// into incompatibilities.
func (s *solver) dependencies(p pkgID, v pep440.Version) (*versionDeps, error) {
	key := v.String()
	if vd := s.fetched[p][key]; vd != nil {
		return vd, nil
	}
	deps, err := s.prov.Dependencies(s.ctx, s.pkgs[p], v)
	if err != nil {
		return nil, fmt.Errorf("resolver: dependencies of %s %s: %w", s.pkgs[p], v, err)
	}
	vd := &versionDeps{deps: deps}
	if deps.Unavailable != nil {
		vd.incompats = append(vd.incompats, s.addUnavailable(p, v, deps.Unavailable))
	} else {
		// A requirement given again (the same line many times, in one file or in
		// several) says nothing new: its incompatibility would repeat the first's
		// terms, and every repeat would cost propagation time.
		said := make(map[repeatKey]bool, len(deps.Requires))
		for _, d := range deps.Requires {
			if k, ok := repeatKeyOf(d); ok {
				if said[k] {
					continue
				}
				said[k] = true
			}
			if in := s.addDependency(p, v, d); in != nil {
				vd.incompats = append(vd.incompats, in)
			}
		}
	}
	if s.fetched[p] == nil {
		s.fetched[p] = map[string]*versionDeps{}
	}
	s.fetched[p][key] = vd
	return vd, nil
}

// newSolver is a solve that knows only that the root's version is needed.
func newSolver(ctx context.Context, prov Provider, root Package, version pep440.Version, opts Options) *solver {
	s := &solver{
		ctx:              ctx,
		prov:             prov,
		maxSteps:         opts.MaxSteps,
		rootVersion:      version,
		ids:              map[Package]pkgID{},
		depHeads:         map[headKey][]*incompat{},
		unavailableHeads: map[unavailableKey]*incompat{},
		atLeast:          map[string]pep440.Range{},
		fetched:          map[pkgID]map[string]*versionDeps{},
	}
	if s.maxSteps <= 0 {
		s.maxSteps = DefaultMaxSteps
	}
	s.root = s.id(root)
	s.states[s.root].versions = []pep440.Version{version}
	s.states[s.root].sorted = []pep440.Version{version}
	s.states[s.root].listed = true
	s.add(&incompat{terms: []term{negative(s.root, pep440.Exactly(version))}, kind: CauseRoot})
	return s
}

// addUnavailable records that version v of p cannot be used, widening an earlier
// record with the same reason to cover v.
func (s *solver) addUnavailable(p pkgID, v pep440.Version, reason Unavailable) *incompat {
	key := unavailableKey{p, reason}
	old := s.unavailableHeads[key]
	var members []int
	if old != nil {
		members = old.members
	}
	members = s.withVersion(p, members, v)
	in := &incompat{terms: []term{positive(p, s.widen(p, members))}, kind: CauseUnavailable, reason: reason, members: members}
	s.unavailableHeads[key] = in
	if old != nil {
		s.replace(old, in)
	} else {
		s.add(in)
	}
	return in
}

// addDependency records that version v of p needs d. Dependencies with the same
// target, range and origin are collapsed across versions of p (solver.md
// "Decision Making"): "p 1.0 || 1.1 depends on q >=2" is one incompatibility, so
// the store grows with distinct requirements, not versions, and reports can say
// "p >=1.0,<1.2 depends on q >=2".
func (s *solver) addDependency(p pkgID, v pep440.Version, d Dependency) *incompat {
	q := s.id(d.Package)
	dt := negative(q, d.Range)
	if d.Constrains {
		dt = positive(q, d.Range.Complement())
	}
	if dt.isNone() {
		return nil // a constraint to every version restricts nothing
	}
	self := pep440.Exactly(v)
	if q == p {
		// A version that depends on its own package: fine if v is in range,
		// otherwise v can never be used.
		t := positive(p, self).intersect(dt)
		if t.isNone() {
			return nil
		}
		in := &incompat{terms: []term{t}, kind: CauseDependency, depender: p, dependerRange: self, dependee: q, dep: d}
		s.add(in)
		return in
	}
	key, mergeable := headKeyOf(depKey{p, q, d.Constrains}, d)
	if !mergeable {
		in := newDependency(p, self, q, dt, d)
		in.members = s.withVersion(p, nil, v)
		s.add(in)
		return in
	}
	heads := s.depHeads[key]
	for i, old := range heads {
		if !sameEdge(old.dep, d) {
			continue
		}
		members := s.withVersion(p, old.members, v)
		in := newDependency(p, s.widen(p, members), q, dt, mergeCites(old.dep, d))
		in.members = members
		heads[i] = in
		s.replace(old, in)
		return in
	}
	in := newDependency(p, self, q, dt, d)
	in.members = s.withVersion(p, nil, v)
	s.depHeads[key] = append(heads, in)
	s.add(in)
	return in
}

func newDependency(p pkgID, versions pep440.Range, q pkgID, dt term, d Dependency) *incompat {
	terms := []term{positive(p, versions)}
	if !dt.isAny() {
		terms = append(terms, dt)
	}
	return &incompat{terms: terms, kind: CauseDependency, depender: p, dependerRange: versions, dependee: q, dep: d}
}

// headKey is what sameEdge compares as strings: edges with different keys are never
// the same, so that finding an edge's head looks at its key's few heads rather than
// at every edge between the two packages.
type headKey struct {
	depKey
	display, reason, label, of string
	origin                     string // "" for cited constraints: they merge whatever rows they cite
}

// headKeyOf is d's headKey, or false for an edge that sameEdge finds the same as
// no other (a cited requirement that is not a constraint).
func headKeyOf(k depKey, d Dependency) (headKey, bool) {
	h := headKey{depKey: k, display: d.display(), reason: d.Reason, label: d.Label, of: d.Of}
	switch {
	case len(d.Cites) == 0:
		h.origin = d.Origin
	case !d.Constrains:
		return h, false
	}
	return h, true
}

// repeatKey is what an uncited edge says, its origin aside.
type repeatKey struct {
	pkg                             Package
	constrains                      bool
	rng, display, reason, label, of string
}

// repeatKeyOf is d's repeatKey; false for a cited edge, which mergeCites keeps whole.
func repeatKeyOf(d Dependency) (repeatKey, bool) {
	if len(d.Cites) > 0 {
		return repeatKey{}, false
	}
	return repeatKey{d.Package, d.Constrains, d.Range.String(), d.display(), d.Reason, d.Label, d.Of}, true
}

// sameEdge reports whether two versions' edges say the same thing. Matrix rules
// (constraints with citations) say the same thing when range and reason agree,
// whichever rows they cite: torch 2.6.0 and 2.6.0+cu126 run on the same GPUs for
// the same reason, from different build rows.
func sameEdge(a, b Dependency) bool {
	if !a.Range.Equal(b.Range) || a.display() != b.display() || a.Reason != b.Reason || a.Label != b.Label || a.Of != b.Of {
		return false
	}
	if a.Constrains && b.Constrains && len(a.Cites) > 0 && len(b.Cites) > 0 {
		return true
	}
	return a.Origin == b.Origin && len(a.Cites) == 0 && len(b.Cites) == 0
}

// mergeCites is d extended with old's citations, for an edge merged across
// versions: old's rows first, then d's new ones; Origin lists them all.
func mergeCites(old, d Dependency) Dependency {
	if len(d.Cites) == 0 {
		return d
	}
	cites := slices.Clone(old.Cites)
	for _, c := range d.Cites {
		if !slices.ContainsFunc(cites, func(o Citation) bool { return o.Row == c.Row }) {
			cites = append(cites, c)
		}
	}
	if len(cites) == len(old.Cites) {
		return old
	}
	parts := make([]string, len(cites))
	for i, c := range cites {
		parts[i] = c.String()
	}
	d.Cites, d.Origin = cites, strings.Join(parts, "; ")
	return d
}

// withVersion adds v's index in p's ascending version list to members (sorted
// indices), returning a new slice.
func (s *solver) withVersion(p pkgID, members []int, v pep440.Version) []int {
	i, _ := slices.BinarySearchFunc(s.states[p].sorted, v, pep440.Version.Compare)
	j, found := slices.BinarySearch(members, i)
	if found {
		return members
	}
	return slices.Insert(slices.Clone(members), j, i)
}

// widen turns a set of listed versions of p into a range that holds exactly
// those of p's listed versions, as few intervals as runs: a run from version a
// to version b becomes ">=a, <c" with c the next listed version (solver.md
// "Decision Making": dependers' ranges bound by the versions that exist). The
// range also holds unlisted versions inside a run, which the solver never
// selects, so every incompatibility stays true of the versions that can be.
func (s *solver) widen(p pkgID, members []int) pep440.Range {
	sorted := s.states[p].sorted
	r := pep440.Empty()
	for k := 0; k < len(members); {
		end := k
		for end+1 < len(members) && members[end+1] == members[end]+1 {
			end++
		}
		r = r.Union(s.run(sorted, members[k], members[end]))
		k = end + 1
	}
	return r
}

// run is the range holding exactly sorted[i..j] among sorted. Specifiers only
// bound public versions (">=2.5.1" holds 2.5.1+cu121 but not 2.5.0+cu121), so
// versions that share a public version with a bound are fixed up one by one.
func (s *solver) run(sorted []pep440.Version, i, j int) pep440.Range {
	if i == j {
		return pep440.Exactly(sorted[i])
	}
	a := sorted[i]
	r, ok := s.atLeastPublic(a)
	for k := i - 1; k >= 0 && sorted[k].Public().Equal(a.Public()); k-- {
		r = r.Difference(pep440.Exactly(sorted[k]))
	}
	if j+1 < len(sorted) {
		c := sorted[j+1]
		above, ok2 := s.atLeastPublic(c)
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
func (s *solver) atLeastPublic(v pep440.Version) (pep440.Range, bool) {
	key := v.Public().String()
	if r, ok := s.atLeast[key]; ok {
		return r, true
	}
	spec, err := pep440.ParseSpecifier(">=" + key)
	if err != nil {
		return pep440.Empty(), false
	}
	s.atLeast[key] = spec.Range()
	return spec.Range(), true
}
