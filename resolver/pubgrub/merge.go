package pubgrub

import (
	"reflect"
	"slices"
)

// canCompare reports whether a cause (or a Merger's key) can be compared, as
// facts are told apart; one that cannot (it holds a slice: the rows it cites) is
// a fact of its own, never merged with another. nil, no cause, compares. The
// type decides, without a look at the value (which would cost an allocation per
// edge): a cause holding an interface must hold comparable values in it.
func canCompare(c any) bool { return c == nil || reflect.TypeOf(c).Comparable() }

// addUnavailable records that version v of p cannot be used, widening an earlier
// record with the same cause to cover v.
func (s *solver[P, V, S]) addUnavailable(p pkgID, v V, cause Cause) *incompat[V, S] {
	key := unavailableKey{p, cause}
	var old *incompat[V, S]
	if canCompare(cause) {
		old = s.unavailableHeads[key]
	}
	var members []int
	if old != nil {
		members = old.members
	}
	members = s.withVersion(p, members, v)
	in := &incompat[V, S]{terms: []term[V, S]{positive[V](p, s.widen(p, members))}, kind: KindUnavailable, cause: cause, members: members}
	if canCompare(cause) {
		s.unavailableHeads[key] = in
	}
	if old != nil {
		s.replace(old, in)
	} else {
		s.add(in)
	}
	return in
}

// addDependency records that version v of p needs d, and returns the
// incompatibility that states it; fresh is false when one that v already
// contributed states it unchanged (the same edge given again). Dependencies with
// the same target, range and cause are collapsed across versions of p (solver.md
// "Decision Making"): "p 1.0 || 1.1 depends on q >=2" is one incompatibility, so
// the store grows with distinct requirements, not versions, and reports can say
// "p >=1.0,<1.2 depends on q >=2". A nil incompatibility restricts nothing.
func (s *solver[P, V, S]) addDependency(p pkgID, v V, d Dependency[P, S]) (in *incompat[V, S], fresh bool) {
	q := s.id(d.Package)
	dt := negative[V](q, d.Range)
	if d.Constrains {
		dt = positive[V](q, d.Range.Complement())
	}
	if dt.isNone() {
		return nil, false // a constraint to every version restricts nothing
	}
	self := s.vs.Exactly(v)
	if q == p {
		// A version that depends on its own package: fine if v is in range,
		// otherwise v can never be used.
		t := positive[V](p, self).intersect(dt)
		if t.isNone() {
			return nil, false
		}
		in := &incompat[V, S]{terms: []term[V, S]{t}, kind: KindDependency, depender: p, dependerRange: self, dependee: q, dependeeRange: d.Range, constrains: d.Constrains, cause: d.Cause}
		s.add(in)
		return in, true
	}
	merger, isMerger := d.Cause.(Merger)
	key := headKey{depender: p, dependee: q, constrains: d.Constrains, rng: d.Range.String(), cause: d.Cause}
	if isMerger {
		key.cause = merger.MergeKey()
	}
	if (isMerger && key.cause == nil) || !canCompare(key.cause) {
		in := s.newDependency(p, self, q, dt, d, d.Cause)
		in.members = s.withVersion(p, nil, v)
		s.add(in)
		return in, true
	}
	heads := s.depHeads[key]
	for i, old := range heads {
		if !old.dependeeRange.Equal(d.Range) {
			continue
		}
		members := s.withVersion(p, old.members, v)
		cause, changed := old.cause, false
		if isMerger {
			cause, changed = old.cause.(Merger).Merge(d.Cause)
		}
		if len(members) == len(old.members) && !changed {
			return old, false
		}
		in := s.newDependency(p, s.widen(p, members), q, dt, d, cause)
		in.members = members
		heads[i] = in
		s.replace(old, in)
		return in, true
	}
	in = s.newDependency(p, self, q, dt, d, d.Cause)
	in.members = s.withVersion(p, nil, v)
	s.depHeads[key] = append(heads, in)
	s.add(in)
	return in, true
}

func (s *solver[P, V, S]) newDependency(p pkgID, versions S, q pkgID, dt term[V, S], d Dependency[P, S], cause Cause) *incompat[V, S] {
	terms := []term[V, S]{positive[V](p, versions)}
	if !dt.isAny() {
		terms = append(terms, dt)
	}
	return &incompat[V, S]{terms: terms, kind: KindDependency, depender: p, dependerRange: versions, dependee: q, dependeeRange: d.Range, constrains: d.Constrains, cause: cause}
}

// withVersion adds v's index in p's ascending version list to members (sorted
// indices), returning a new slice.
func (s *solver[P, V, S]) withVersion(p pkgID, members []int, v V) []int {
	i := s.index(p, v)
	j, found := slices.BinarySearch(members, i)
	if found {
		return members
	}
	return slices.Insert(slices.Clone(members), j, i)
}

// widen turns a set of listed versions of p into a set that holds exactly
// those of p's listed versions, as few spans as runs (solver.md "Decision
// Making": dependers' ranges bound by the versions that exist).
func (s *solver[P, V, S]) widen(p pkgID, members []int) S {
	sorted := s.states[p].sorted
	r := s.vs.Empty()
	for k := 0; k < len(members); {
		end := k
		for end+1 < len(members) && members[end+1] == members[end]+1 {
			end++
		}
		r = r.Union(s.vs.Span(sorted, members[k], members[end]))
		k = end + 1
	}
	return r
}
