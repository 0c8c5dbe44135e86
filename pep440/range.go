package pep440

import (
	"slices"
	"strings"
)

// Range is a set of versions: sorted, disjoint intervals kept in one canonical
// form, so that two Ranges holding the same versions are Equal. Pre-releases are
// members like any other version; the candidate policy is Allows and Filter, not
// Range. The zero Range is empty.
type Range struct {
	ivs []interval
}

type boundKind uint8

const (
	unbounded boundKind = iota
	inclusive
	exclusive
)

// A bound is a point on the version line and whether it belongs to the interval.
// Canonical form: a bound at the afterPosts point (not a version) is always
// exclusive, and a lower bound at 0.dev0, the least version, is unbounded.
type bound struct {
	v    Version
	kind boundKind
}

type interval struct{ lo, hi bound }

// Full returns the range of every version. Ranges never change their intervals,
// so every full Range shares one.
func Full() Range { return Range{ivs: fullIntervals} }

var fullIntervals = []interval{{}}

// Empty returns the range of no version.
func Empty() Range { return Range{} }

// Exactly returns the range holding v only: Exactly(2.5.1) does not hold
// 2.5.1+cu121 (compare the specifier ==2.5.1, which does).
func Exactly(v Version) Range {
	return makeRange(interval{bound{v, inclusive}, bound{v, inclusive}})
}

func atLeast(v Version) bound   { return bound{v, inclusive} }
func above(v Version) bound     { return bound{v, exclusive} }
func below(v Version) bound     { return bound{v, exclusive} }
func noBound() bound            { return bound{} }
func span(lo, hi bound) Range   { return makeRange(interval{lo, hi}) }
func (b bound) isPoint() bool   { return b.kind != unbounded && b.v.p().afterPosts }
func (b bound) isBounded() bool { return b.kind != unbounded }

// makeRange canonicalizes sorted, disjoint intervals.
func makeRange(ivs ...interval) Range {
	out := make([]interval, 0, len(ivs))
	for _, iv := range ivs {
		iv.lo, iv.hi = canonicalLower(iv.lo), canonicalUpper(iv.hi)
		if iv.isEmpty() {
			continue
		}
		if n := len(out); n > 0 && touches(out[n-1].hi, iv.lo) {
			if cmpUpper(iv.hi, out[n-1].hi) > 0 {
				out[n-1].hi = iv.hi
			}
			continue
		}
		out = append(out, iv)
	}
	if len(out) == 0 {
		return Range{}
	}
	return Range{ivs: out}
}

func canonicalLower(b bound) bound {
	switch {
	case b.kind == unbounded:
		return bound{}
	case b.isPoint():
		b.kind = exclusive
	case b.kind == inclusive && b.v.Compare(minVersion) == 0:
		return bound{}
	}
	return b
}

func canonicalUpper(b bound) bound {
	switch {
	case b.kind == unbounded:
		return bound{}
	case b.isPoint():
		b.kind = exclusive
	}
	return b
}

// isEmpty reports whether no version lies in the interval. Versions are dense
// (between any two there is another, e.g. with a longer local label), so only
// the order of the bounds and the least version 0.dev0 matter.
func (iv interval) isEmpty() bool {
	if !iv.hi.isBounded() {
		return false
	}
	if !iv.lo.isBounded() {
		return iv.hi.kind == exclusive && iv.hi.v.Compare(minVersion) <= 0
	}
	c := iv.lo.v.Compare(iv.hi.v)
	return c > 0 || c == 0 && !(iv.lo.kind == inclusive && iv.hi.kind == inclusive)
}

// cmpLower orders lower bounds: at one point an inclusive bound starts first.
func cmpLower(a, b bound) int {
	switch {
	case !a.isBounded() && !b.isBounded():
		return 0
	case !a.isBounded():
		return -1
	case !b.isBounded():
		return 1
	}
	if c := a.v.Compare(b.v); c != 0 {
		return c
	}
	switch {
	case a.kind == b.kind:
		return 0
	case a.kind == inclusive:
		return -1
	}
	return 1
}

// cmpUpper orders upper bounds: at one point an exclusive bound ends first.
func cmpUpper(a, b bound) int {
	switch {
	case !a.isBounded() && !b.isBounded():
		return 0
	case !a.isBounded():
		return 1
	case !b.isBounded():
		return -1
	}
	if c := a.v.Compare(b.v); c != 0 {
		return c
	}
	switch {
	case a.kind == b.kind:
		return 0
	case a.kind == exclusive:
		return -1
	}
	return 1
}

// touches reports whether an interval ending at hi and one starting at lo (not
// before the first's start) overlap or leave no version between them.
func touches(hi, lo bound) bool {
	if !hi.isBounded() || !lo.isBounded() {
		return true
	}
	c := lo.v.Compare(hi.v)
	return c < 0 || c == 0 && (hi.kind == inclusive || lo.kind == inclusive || hi.isPoint())
}

// flip turns an upper bound into the lower bound of the rest, and back.
func flip(b bound) bound {
	switch b.kind {
	case inclusive:
		b.kind = exclusive
	case exclusive:
		b.kind = inclusive
	}
	return b
}

// IsEmpty reports whether r holds no version.
func (r Range) IsEmpty() bool { return len(r.ivs) == 0 }

// IsFull reports whether r holds every version.
func (r Range) IsFull() bool {
	return len(r.ivs) == 1 && !r.ivs[0].lo.isBounded() && !r.ivs[0].hi.isBounded()
}

// Contains reports whether v is in r.
func (r Range) Contains(v Version) bool {
	// The first interval that does not end below v is the only candidate.
	i, _ := slices.BinarySearchFunc(r.ivs, v, func(iv interval, v Version) int {
		if !iv.hi.isBounded() {
			return 1
		}
		c := iv.hi.v.Compare(v)
		if c == 0 && iv.hi.kind == exclusive {
			return -1
		}
		if c == 0 {
			return 1
		}
		return c
	})
	if i == len(r.ivs) {
		return false
	}
	lo := r.ivs[i].lo
	if !lo.isBounded() {
		return true
	}
	c := lo.v.Compare(v)
	return c < 0 || c == 0 && lo.kind == inclusive
}

// Intersect returns the versions in both r and o.
func (r Range) Intersect(o Range) Range {
	// A specifier set starts from Full, and a solver's terms often are.
	switch {
	case r.IsFull():
		return o
	case o.IsFull():
		return r
	}
	// The pieces are canonical already: their bounds come from canonical
	// intervals, and a gap of r or of o separates any two of them.
	out := make([]interval, 0, len(r.ivs)+len(o.ivs))
	r.overlaps(o, func(iv interval) bool {
		out = append(out, iv)
		return true
	})
	if len(out) == 0 {
		return Range{}
	}
	return Range{ivs: out}
}

// overlaps calls yield with each non-empty intersection of an interval of r with
// one of o, in order, until yield returns false.
func (r Range) overlaps(o Range, yield func(interval) bool) {
	i, j := 0, 0
	for i < len(r.ivs) && j < len(o.ivs) {
		a, b := r.ivs[i], o.ivs[j]
		iv := interval{lo: a.lo, hi: a.hi}
		if cmpLower(b.lo, iv.lo) > 0 {
			iv.lo = b.lo
		}
		if cmpUpper(b.hi, iv.hi) < 0 {
			iv.hi = b.hi
		}
		if !iv.isEmpty() && !yield(iv) {
			return
		}
		if cmpUpper(a.hi, b.hi) < 0 {
			i++
		} else {
			j++
		}
	}
}

// Union returns the versions in r or o.
func (r Range) Union(o Range) Range {
	all := make([]interval, 0, len(r.ivs)+len(o.ivs))
	i, j := 0, 0
	for i < len(r.ivs) || j < len(o.ivs) {
		if j == len(o.ivs) || i < len(r.ivs) && cmpLower(r.ivs[i].lo, o.ivs[j].lo) <= 0 {
			all = append(all, r.ivs[i])
			i++
		} else {
			all = append(all, o.ivs[j])
			j++
		}
	}
	return makeRange(all...)
}

// Complement returns the versions not in r.
func (r Range) Complement() Range {
	out := make([]interval, 0, len(r.ivs)+1)
	lo := noBound()
	for _, iv := range r.ivs {
		if iv.lo.isBounded() {
			out = append(out, interval{lo, flip(iv.lo)})
		}
		if !iv.hi.isBounded() {
			return makeRange(out...)
		}
		lo = flip(iv.hi)
	}
	out = append(out, interval{lo, noBound()})
	return makeRange(out...)
}

// Difference returns the versions in r and not in o.
func (r Range) Difference(o Range) Range { return r.Intersect(o.Complement()) }

// Subset reports whether every version in r is in o.
func (r Range) Subset(o Range) bool { return r.Difference(o).IsEmpty() }

// Disjoint reports whether no version is in both r and o.
//
// It allocates nothing: the matrix compiler and the solver ask it often.
func (r Range) Disjoint(o Range) bool {
	disjoint := true
	r.overlaps(o, func(interval) bool {
		disjoint = false
		return false
	})
	return disjoint
}

// Equal reports whether r and o hold the same versions.
func (r Range) Equal(o Range) bool {
	return slices.EqualFunc(r.ivs, o.ivs, func(a, b interval) bool {
		return cmpLower(a.lo, b.lo) == 0 && cmpUpper(a.hi, b.hi) == 0
	})
}

// Singleton returns the version when r holds exactly one (Exactly(v), or
// ==V+local); ==2.5.1 is not one, as it also holds 2.5.1+cu121.
func (r Range) Singleton() (Version, bool) {
	if len(r.ivs) != 1 {
		return Version{}, false
	}
	iv := r.ivs[0]
	if iv.lo.kind == inclusive && iv.hi.kind == inclusive && iv.lo.v.Compare(iv.hi.v) == 0 {
		return iv.lo.v, true
	}
	return Version{}, false
}

// String writes r in specifier syntax for messages: "*" (every version), "∅"
// (none), ">=1.0, <2.0", "==2.5.1" (with its local versions), "==2.5.1+cu121",
// "!=1.5", "==1.2.*", and alternatives joined by " || ": "<1.0 || >=2.0".
// Every clause means what PEP 440 says it means, so "<2.0" excludes 2.0rc1.
// Sets that PEP 440 cannot write use these extensions:
//   - "===1.0" for exactly 1.0 (without local versions), and "!==1.0" for every
//     version but exactly 1.0;
//   - "<", "<=", ">", ">=" with a local label (which PEP 440 does not allow
//     there) compare in the plain total order: ">2.0+cu121";
//   - an interval with another bound that no clause states is written as an
//     interval, "(-∞, 2.0]" or "[1.0, 2.0.post∞)", where V.post∞ is the point
//     after every post-release of V.
func (r Range) String() string {
	switch {
	case r.IsEmpty():
		return "∅"
	case r.IsFull():
		return "*"
	}
	var parts []string
	for i := 0; i < len(r.ivs); {
		lo, hi := r.ivs[i].lo, r.ivs[i].hi
		var holes []string
		for i+1 < len(r.ivs) {
			hole, ok := holeClause(hi, r.ivs[i+1].lo)
			if !ok {
				break
			}
			holes = append(holes, hole)
			i++
			hi = r.ivs[i].hi
		}
		i++
		parts = append(parts, segmentString(lo, hi, holes))
	}
	return strings.Join(parts, " || ")
}

// segmentString writes the versions from lo to hi minus the holes.
func segmentString(lo, hi bound, holes []string) string {
	if len(holes) == 0 {
		if s, ok := pinClause(lo, hi); ok {
			return s
		}
	}
	low, lowOK := lowerClauses(lo)
	high, highOK := upperClauses(hi)
	if !lowOK || !highOK {
		return strings.Join(append([]string{intervalNotation(lo, hi)}, holes...), ", ")
	}
	clauses := append(low, holes...)
	return strings.Join(append(clauses, high...), ", ")
}

// pinClause recognizes intervals that one equality clause states.
func pinClause(lo, hi bound) (string, bool) {
	if lo.kind != inclusive || !hi.isBounded() {
		return "", false
	}
	v := lo.v
	if hi.kind == inclusive && v.Compare(hi.v) == 0 {
		if v.Local() != "" {
			return "==" + v.String(), true
		}
		return "===" + v.String(), true
	}
	if v.Local() == "" && v.afterLocals().Compare(hi.v) == 0 {
		return "==" + v.String(), true
	}
	if prefix, ok := wildcardBetween(v, hi.v); ok {
		return "==" + prefix + ".*", true
	}
	return "", false
}

// holeClause recognizes a gap between an interval ending at hi and the next one
// starting at lo that one exclusion clause states.
func holeClause(hi, lo bound) (string, bool) {
	if !hi.isBounded() || !lo.isBounded() || hi.isPoint() || lo.isPoint() {
		return "", false
	}
	x := hi.v
	switch {
	case hi.kind == exclusive && lo.kind == exclusive && x.Compare(lo.v) == 0:
		if x.Local() != "" {
			return "!=" + x.String(), true
		}
		return "!==" + x.String(), true
	case hi.kind == exclusive && lo.kind == inclusive:
		if x.Local() == "" && x.afterLocals().Compare(lo.v) == 0 {
			return "!=" + x.String(), true
		}
		if prefix, ok := wildcardBetween(x, lo.v); ok {
			return "!=" + prefix + ".*", true
		}
	}
	return "", false
}

// wildcardBetween reports whether [from, to) is ==P.* for a release prefix P:
// from is P.dev0 and to is the next prefix's .dev0.
func wildcardBetween(from, to Version) (string, bool) {
	p := from.p()
	if p.preKind != preNone || p.hasPost || !p.hasDev || !p.dev.isZero() || p.local != "" {
		return "", false
	}
	for n := len(p.release); n >= 1; n-- {
		if n < len(p.release) && !p.release[n].isZero() {
			break // P.dev0 must be from itself, so what P leaves off must be zeros
		}
		if nextPrefixDev0(p.epoch, p.release[:n]).Compare(to) == 0 {
			base := Version{v: newVersion(version{epoch: p.epoch, release: p.release[:n]})}
			return base.String(), true
		}
	}
	return "", false
}

// lowerClauses states a lower bound; ok is false when no clause does.
func lowerClauses(b bound) (clauses []string, ok bool) {
	v := b.v
	switch {
	case !b.isBounded():
		return nil, true
	case b.isPoint():
		return []string{">" + v.BaseVersion().String()}, true
	case b.kind == inclusive:
		if w, ok := strictlyAboveOf(v); ok {
			return []string{">" + w.String()}, true
		}
		return []string{">=" + v.String()}, true
	case v.Local() != "":
		return []string{">" + v.String()}, true
	}
	return []string{">=" + v.String(), "!==" + v.String()}, true
}

// upperClauses states an upper bound; ok is false when no clause does.
func upperClauses(b bound) (clauses []string, ok bool) {
	v := b.v
	p := v.p()
	switch {
	case !b.isBounded():
		return nil, true
	case b.isPoint():
		return nil, false
	case p.local != "":
		if b.kind == inclusive {
			return []string{"<=" + v.String()}, true
		}
		return []string{"<" + v.String()}, true
	case b.kind == inclusive:
		return nil, false
	}
	// b is an exclusive bound at a version without a local label.
	if p.hasDev && p.dev.isZero() {
		w := *p
		w.hasDev, w.text = false, ""
		if p.hasPost && p.post.isZero() {
			// <=W stops before W.post0.dev0.
			w.hasPost = false
			return []string{"<=" + Version{v: newVersion(w)}.String()}, true
		}
		if p.preKind == preNone {
			// <W for a W that is not a pre-release stops before W.dev0.
			return []string{"<" + Version{v: newVersion(w)}.String()}, true
		}
	}
	if v.IsPrerelease() {
		return []string{"<" + v.String()}, true
	}
	return []string{"<=" + v.String(), "!=" + v.String()}, true
}

// strictlyAboveOf returns W when v is the least version that >W admits and W is
// a post-release or a pre-release, so that a range from v reads as the ">W" it
// came from: 1.0.post2.dev0 -> 1.0.post1, 1.0a2.dev0 -> 1.0a1. (>=V.dev(N+1) is
// left as written: it is the likelier spelling of its set.)
func strictlyAboveOf(v Version) (Version, bool) {
	p := v.p()
	if !p.hasDev || !p.dev.isZero() || p.local != "" {
		return Version{}, false
	}
	w := *p
	w.hasDev, w.text = false, ""
	switch {
	case p.hasPost && !p.post.isZero():
		w.post = decrement(p.post)
	case !p.hasPost && p.preKind != preNone && !p.pre.isZero():
		w.pre = decrement(p.pre)
	default:
		return Version{}, false
	}
	return Version{v: newVersion(w)}, true
}

func intervalNotation(lo, hi bound) string {
	var b strings.Builder
	switch lo.kind {
	case unbounded:
		b.WriteString("(-∞")
	case inclusive:
		b.WriteString("[" + pointString(lo.v))
	case exclusive:
		b.WriteString("(" + pointString(lo.v))
	}
	b.WriteString(", ")
	switch hi.kind {
	case unbounded:
		b.WriteString("+∞)")
	case inclusive:
		b.WriteString(pointString(hi.v) + "]")
	case exclusive:
		b.WriteString(pointString(hi.v) + ")")
	}
	return b.String()
}

func pointString(v Version) string {
	if v.p().afterPosts {
		return v.BaseVersion().String() + ".post∞"
	}
	return v.String()
}
