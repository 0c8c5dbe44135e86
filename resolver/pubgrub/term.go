package pubgrub

// A term is a statement about one package (solver.md "Term"). A positive term
// "p ∈ r" holds when p is selected at a version in r. A negative term "not p ∈ r"
// holds when p is not selected at all, or is selected outside r. So, as sets of
// outcomes, positive(r) = r and negative(r) = complement(r) ∪ {not selected}; the
// operations below are set operations over that reading.
type term[V any, S Set[V, S]] struct {
	pkg pkgID
	pos bool
	r   S
}

func positive[V any, S Set[V, S]](p pkgID, r S) term[V, S] {
	return term[V, S]{pkg: p, pos: true, r: r}
}
func negative[V any, S Set[V, S]](p pkgID, r S) term[V, S] {
	return term[V, S]{pkg: p, pos: false, r: r}
}

func (t term[V, S]) negate() term[V, S] { return term[V, S]{pkg: t.pkg, pos: !t.pos, r: t.r} }

// isAny reports whether t holds in every outcome (not p ∈ ∅).
func (t term[V, S]) isAny() bool { return !t.pos && t.r.IsEmpty() }

// isNone reports whether t holds in no outcome (p ∈ ∅).
func (t term[V, S]) isNone() bool { return t.pos && t.r.IsEmpty() }

// contains reports whether selecting version v of the package satisfies t.
func (t term[V, S]) contains(v V) bool { return t.r.Contains(v) == t.pos }

func (t term[V, S]) intersect(o term[V, S]) term[V, S] {
	switch {
	case t.pos && o.pos:
		return positive[V](t.pkg, t.r.Intersect(o.r))
	case t.pos:
		return positive[V](t.pkg, t.r.Difference(o.r))
	case o.pos:
		return positive[V](t.pkg, o.r.Difference(t.r))
	default:
		return negative[V](t.pkg, t.r.Union(o.r))
	}
}

func (t term[V, S]) union(o term[V, S]) term[V, S] {
	switch {
	case t.pos && o.pos:
		return positive[V](t.pkg, t.r.Union(o.r))
	case t.pos:
		return negative[V](t.pkg, o.r.Difference(t.r))
	case o.pos:
		return negative[V](t.pkg, t.r.Difference(o.r))
	default:
		return negative[V](t.pkg, t.r.Intersect(o.r))
	}
}

// subsetOf reports whether every outcome satisfying t satisfies o ("t satisfies o").
func (t term[V, S]) subsetOf(o term[V, S]) bool { return relate(t, o) == satisfied }

// relation is how what the partial solution knows about a package relates to a term.
type relation uint8

const (
	satisfied    relation = iota // every remaining outcome satisfies the term
	contradicted                 // no remaining outcome satisfies it
	inconclusive
)

// relate computes the relation with one intersection (it is the solver's
// innermost operation): with i = known.r ∩ t.r, "known ⊆ t" and "known ∩ t = ∅"
// reduce to comparing i with one of the ranges.
func relate[V any, S Set[V, S]](known, t term[V, S]) relation {
	i := known.r.Intersect(t.r)
	switch {
	case known.pos && t.pos: // K ⊆ T; K ∩ T = ∅
		if i.Equal(known.r) {
			return satisfied
		}
		if i.IsEmpty() {
			return contradicted
		}
	case known.pos: // K ∩ T = ∅; K ⊆ T
		if i.IsEmpty() {
			return satisfied
		}
		if i.Equal(known.r) {
			return contradicted
		}
	case t.pos: // never (known allows "not selected"); T ⊆ K
		if i.Equal(t.r) {
			return contradicted
		}
	default: // T ⊆ K; never
		if i.Equal(t.r) {
			return satisfied
		}
	}
	return inconclusive
}
