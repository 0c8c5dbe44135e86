package pep440

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Generators of versions and specifiers near the boundaries that matter: every
// base release is combined with dev, pre, post and local parts, so that the
// versions just below, at and just above each bound are drawn often.

var (
	genReleases = []string{"0", "0.0", "1", "1.0", "1.0.0", "1.1", "1.0.1", "2", "2.0.1", "10.4", "1!1.0", "1!0"}
	genSuffixes = []string{
		"", "", "", ".dev0", ".dev1", "a0", "a1", "a1.dev0", "a1.post0", "b2", "rc1",
		"rc1.post1.dev0", ".post0", ".post0.dev0", ".post1", ".post1.dev2",
	}
	genLocals = []string{"", "", "", "+cu121", "+1", "+a.0", "+0a", "+cu118"}
)

func genVersionText(r *rand.Rand, local bool) string {
	s := genReleases[r.IntN(len(genReleases))] + genSuffixes[r.IntN(len(genSuffixes))]
	if local {
		s += genLocals[r.IntN(len(genLocals))]
	}
	return s
}

func genVersion(r *rand.Rand) Version { return MustParse(genVersionText(r, true)) }

func genSpecifierText(r *rand.Rand) string {
	ops := []string{"==", "!=", "<", "<=", ">", ">=", "~=", "==*", "!=*", "==="}
	switch op := ops[r.IntN(len(ops))]; op {
	case "==*", "!=*":
		return op[:2] + genReleases[r.IntN(len(genReleases))] + ".*"
	case "~=":
		return op + []string{"1.0", "1.1", "1.0.0", "2.0.1", "1!1.0"}[r.IntN(5)] + genSuffixes[r.IntN(len(genSuffixes))]
	case "==", "!=", "===":
		return op + genVersionText(r, true)
	default:
		return op + genVersionText(r, false)
	}
}

func genSpecifierSet(t testing.TB, r *rand.Rand) SpecifierSet {
	var texts []string
	for range 1 + r.IntN(3) {
		texts = append(texts, genSpecifierText(r))
	}
	return mustSet(t, strings.Join(texts, ","))
}

// genRange returns a Range made with the set operations, not only one set's.
func genRange(t testing.TB, r *rand.Rand) Range {
	a := genSpecifierSet(t, r).Range()
	switch r.IntN(6) {
	case 0:
		return a.Union(genSpecifierSet(t, r).Range())
	case 1:
		return a.Complement()
	case 2:
		return a.Difference(Exactly(genVersion(r)))
	case 3:
		return a.Union(Exactly(genVersion(r)))
	}
	return a
}

// oracle decides a clause by PEP 440's wording, with plain comparisons instead
// of the interval construction Range uses.
func oracle(t testing.TB, s Specifier, v Version) bool {
	spec := s.version
	if s.wildcard {
		// Prefix match: v's release, padded with zeros, starts with the prefix.
		ok := v.Epoch() == spec.Epoch() && releasePrefix(v, spec)
		return ok == (s.op == "==")
	}
	public := v.Public()
	switch s.op {
	case "===":
		return s.valid && strings.EqualFold(s.text, spec.String()) && v.Compare(spec) == 0
	case "==", "!=":
		var eq bool
		if spec.Local() != "" {
			eq = v.Compare(spec) == 0
		} else {
			eq = public.Compare(spec) == 0
		}
		return eq == (s.op == "==")
	case ">=":
		return v.Compare(spec) >= 0
	case "<=":
		return public.Compare(spec) <= 0
	case "~=":
		p := spec.p()
		prefix := Version{v: newVersion(version{epoch: p.epoch, release: p.release[:len(p.release)-1]})}
		return v.Compare(spec) >= 0 && v.Epoch() == spec.Epoch() && releasePrefix(v, prefix)
	case "<":
		if v.Compare(spec) >= 0 {
			return false
		}
		if spec.IsPrerelease() {
			return true
		}
		// packaging 26: <V is < V.dev0, so no pre-release of V itself.
		return v.Compare(MustParse(spec.String()+".dev0")) < 0
	case ">":
		if public.Compare(spec) <= 0 {
			return false
		}
		if spec.IsPostrelease() || spec.IsDevrelease() {
			return true
		}
		// Not a post-release of V (same epoch, release and pre-release part).
		return !(v.IsPostrelease() && v.BaseVersion().Equal(spec.BaseVersion()) && samePre(v, spec))
	}
	t.Fatalf("oracle: unknown operator in %s", s)
	return false
}

func releasePrefix(v, prefix Version) bool {
	rv, rp := v.Release(), prefix.Release()
	for i, n := range rp {
		got := 0
		if i < len(rv) {
			got = rv[i]
		}
		if got != n {
			return false
		}
	}
	return true
}

func samePre(a, b Version) bool {
	la, na, oka := a.Pre()
	lb, nb, okb := b.Pre()
	return la == lb && na == nb && oka == okb
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(440, 508)) }

func TestContainsMatchesOracle(t *testing.T) {
	r := newRand()
	for range 3000 {
		set := genSpecifierSet(t, r)
		rng := set.Range()
		for range 20 {
			v := genVersion(r)
			want := true
			for _, spec := range set.Specifiers() {
				if oracle(t, spec, v) != spec.Contains(v) {
					t.Errorf("%s: Contains(%s) = %v, oracle says %v (range %s)", spec, v, spec.Contains(v), oracle(t, spec, v), spec.Range())
				}
				want = want && oracle(t, spec, v)
			}
			if got := set.Contains(v); got != want {
				t.Errorf("%s: Contains(%s) = %v, want %v", set, v, got, want)
			}
			if got := rng.Contains(v); got != want {
				t.Errorf("%s: Range %s Contains(%s) = %v, want %v", set, rng, v, got, want)
			}
			if set.Allows(v, PrereleasesInclude) && !want {
				t.Errorf("%s: Allows(%s) but not Contains", set, v)
			}
		}
		if t.Failed() {
			return
		}
	}
}

func TestRangeAlgebraMembership(t *testing.T) {
	r := newRand()
	for range 2000 {
		a, b := genRange(t, r), genRange(t, r)
		inter, union, diff, comp := a.Intersect(b), a.Union(b), a.Difference(b), a.Complement()
		for range 20 {
			v := genVersion(r)
			ina, inb := a.Contains(v), b.Contains(v)
			check := func(name string, rr Range, want bool) {
				t.Helper()
				if rr.Contains(v) != want {
					t.Errorf("A = %s, B = %s: %s = %s contains %s: %v, want %v", a, b, name, rr, v, !want, want)
				}
			}
			check("A∩B", inter, ina && inb)
			check("A∪B", union, ina || inb)
			check("A∖B", diff, ina && !inb)
			check("¬A", comp, !ina)
		}
		if t.Failed() {
			return
		}
	}
}

func TestRangeLaws(t *testing.T) {
	r := newRand()
	for range 2000 {
		a, b, c := genRange(t, r), genRange(t, r), genRange(t, r)
		laws := []struct {
			name        string
			left, right Range
		}{
			{"¬¬A = A", a.Complement().Complement(), a},
			{"¬(A∪B) = ¬A∩¬B", a.Union(b).Complement(), a.Complement().Intersect(b.Complement())},
			{"¬(A∩B) = ¬A∪¬B", a.Intersect(b).Complement(), a.Complement().Union(b.Complement())},
			{"A∪B = B∪A", a.Union(b), b.Union(a)},
			{"A∩B = B∩A", a.Intersect(b), b.Intersect(a)},
			{"(A∪B)∪C = A∪(B∪C)", a.Union(b).Union(c), a.Union(b.Union(c))},
			{"(A∩B)∩C = A∩(B∩C)", a.Intersect(b).Intersect(c), a.Intersect(b.Intersect(c))},
			{"A∩(B∪C) = (A∩B)∪(A∩C)", a.Intersect(b.Union(c)), a.Intersect(b).Union(a.Intersect(c))},
			{"(A∩B)∪(A∖B) = A", a.Intersect(b).Union(a.Difference(b)), a},
			{"A∪¬A = *", a.Union(a.Complement()), Full()},
			{"A∩¬A = ∅", a.Intersect(a.Complement()), Empty()},
			{"A∪A = A", a.Union(a), a},
		}
		for _, law := range laws {
			if !law.left.Equal(law.right) {
				t.Errorf("%s fails for A = %s, B = %s, C = %s: %s vs %s", law.name, a, b, c, law.left, law.right)
			}
		}
		if !a.Intersect(b).Subset(a) || !a.Subset(a.Union(b)) {
			t.Errorf("A∩B ⊆ A ⊆ A∪B fails for A = %s, B = %s", a, b)
		}
		if a.Subset(b) != a.Difference(b).IsEmpty() || a.Disjoint(b) != a.Intersect(b).IsEmpty() {
			t.Errorf("Subset/Disjoint disagree with Difference/Intersect for A = %s, B = %s", a, b)
		}
		if t.Failed() {
			return
		}
	}
}

func TestRangeStringRoundTrip(t *testing.T) {
	r := newRand()
	for range 3000 {
		a := genRange(t, r)
		for _, x := range []Range{a, a.Complement()} {
			s := x.String()
			back, err := parseRangeString(s)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			if !back.Equal(x) {
				t.Fatalf("String %q reads back as %s", s, back)
			}
		}
	}
}

// parseRangeString reads what Range.String writes: specifier clauses, the
// extension clauses it documents, and interval notation.
func parseRangeString(s string) (Range, error) {
	switch s {
	case "*":
		return Full(), nil
	case "∅":
		return Empty(), nil
	}
	out := Empty()
	for part := range strings.SplitSeq(s, " || ") {
		rng := Full()
		for part != "" {
			var clause Range
			var err error
			if part[0] == '(' || part[0] == '[' {
				end := strings.IndexAny(part, ")]")
				clause, err = parseInterval(part[:end+1])
				part = part[end+1:]
			} else {
				var text string
				text, part, _ = strings.Cut(part, ", ")
				clause, err = parseClause(text)
			}
			if err != nil {
				return Range{}, err
			}
			part = strings.TrimPrefix(part, ", ")
			rng = rng.Intersect(clause)
		}
		out = out.Union(rng)
	}
	return out, nil
}

func parseClause(text string) (Range, error) {
	if v, ok := strings.CutPrefix(text, "!=="); ok {
		return Exactly(MustParse(v)).Complement(), nil
	}
	for _, op := range []string{"<=", ">=", "<", ">"} {
		if v, ok := strings.CutPrefix(text, op); ok && strings.Contains(v, "+") {
			x := MustParse(v)
			return map[string]Range{
				"<=": span(noBound(), bound{x, inclusive}), ">=": span(atLeast(x), noBound()),
				"<": span(noBound(), below(x)), ">": span(above(x), noBound()),
			}[op], nil
		}
	}
	spec, err := ParseSpecifier(text)
	if err != nil {
		return Range{}, err
	}
	return spec.Range(), nil
}

func parseInterval(text string) (Range, error) {
	lo, hi, ok := strings.Cut(text[1:len(text)-1], ", ")
	if !ok {
		return Range{}, fmt.Errorf("bad interval %q", text)
	}
	point := func(s string) Version {
		if base, ok := strings.CutSuffix(s, ".post∞"); ok {
			return MustParse(base).afterPostsBound()
		}
		return MustParse(s)
	}
	var l, h bound
	if lo != "-∞" {
		l = bound{point(lo), map[byte]boundKind{'[': inclusive, '(': exclusive}[text[0]]}
	}
	if hi != "+∞" {
		h = bound{point(hi), map[byte]boundKind{']': inclusive, ')': exclusive}[text[len(text)-1]]}
	}
	return span(l, h), nil
}

func TestRangeString(t *testing.T) {
	for _, tc := range []struct{ set, want, complement string }{
		{"", "*", "∅"},
		{">=1.0,<2.0", ">=1.0, <2.0", "<=1.0, !=1.0 || >=2.0.dev0"},
		{"==2.5.1", "==2.5.1", "!=2.5.1"},
		{"==2.5.1+cu121", "==2.5.1+cu121", "!=2.5.1+cu121"},
		{"!=1.5", "!=1.5", "==1.5"},
		{"<1.0", "<1.0", ">=1.0.dev0"},
		{">1.0", ">1.0", "(-∞, 1.0.post∞)"},
		{"<=1.0", "<=1.0", ">=1.0.post0.dev0"},
		{"~=1.4.2", ">=1.4.2, <1.5", "<=1.4.2, !=1.4.2 || >=1.5.dev0"},
		{"==1.2.*", "==1.2.*", "!=1.2.*"},
		{">=1.0,!=1.5,!=1.7.*,<2.0", ">=1.0, !=1.5, !=1.7.*, <2.0", "<=1.0, !=1.0 || ==1.5 || ==1.7.* || >=2.0.dev0"},
		{">1.0a1", ">1.0a1", "<1.0a2.dev0"},
		{">1.0.post1", ">1.0.post1", "<1.0.post2"},
		{"<=1.0.post1", "<1.0.post2", ">1.0.post1"},
		{"===1.0", "===1.0", "!==1.0"},
		{"===foo", "∅", "*"},
		{"===1.0RC1", "===1.0rc1", "!==1.0rc1"}, // the normalized text, in any case
		{"===1.26.04", "∅", "*"},                // no version's normalized text is 1.26.04
		{"===1.0-rc1", "∅", "*"},
	} {
		r := mustSet(t, tc.set).Range()
		if got := r.String(); got != tc.want {
			t.Errorf("%q: Range().String() = %q, want %q", tc.set, got, tc.want)
		}
		if got := r.Complement().String(); got != tc.complement {
			t.Errorf("%q: Complement().String() = %q, want %q", tc.set, got, tc.complement)
		}
	}
	two := mustSet(t, "<1.0").Range().Union(mustSet(t, ">=2.0").Range())
	if got := two.String(); got != "<1.0 || >=2.0" {
		t.Errorf("<1.0 ∪ >=2.0 = %q", got)
	}
	hole := mustSet(t, ">=1.0,<3.0").Range().Difference(Exactly(MustParse("2.0")))
	if got := hole.String(); got != ">=1.0, !==2.0, <3.0" {
		t.Errorf(">=1.0,<3.0 without 2.0 = %q", got)
	}
}

func TestSingleton(t *testing.T) {
	for _, tc := range []struct {
		r    Range
		want string // "" when not a singleton
	}{
		{Exactly(MustParse("2.5.1")), "2.5.1"},
		{mustSet(t, "==2.5.1+cu121").Range(), "2.5.1+cu121"},
		{mustSet(t, "===1.0").Range(), "1.0"},
		{mustSet(t, "==2.5.1").Range(), ""},
		{mustSet(t, ">=1.0,<=1.0").Range(), ""},
		{Empty(), ""},
		{Full(), ""},
	} {
		v, ok := tc.r.Singleton()
		if got := map[bool]string{true: v.String()}[ok]; got != tc.want {
			t.Errorf("%s: Singleton() = %q, %v; want %q", tc.r, v, ok, tc.want)
		}
	}
}

// Disjoint answers without building the intersection: the matrix compiler asks it of
// every pair of a package's rows on every warm check.
func TestDisjointAllocatesNothing(t *testing.T) {
	spec := func(s string) Range {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			t.Fatal(err)
		}
		return set.Range()
	}
	a := spec(">=2.0,<3.0").Union(spec(">=4.0"))
	b, c := spec(">=2.5,<2.6"), spec("<1.0")
	if a.Disjoint(b) || !a.Disjoint(c) || !b.Disjoint(c) {
		t.Fatalf("Disjoint: %v %v %v, want false true true", a.Disjoint(b), a.Disjoint(c), b.Disjoint(c))
	}
	if n := testing.AllocsPerRun(100, func() { a.Disjoint(b); a.Disjoint(c) }); n != 0 {
		t.Errorf("Disjoint allocated %.0f times, want none", n)
	}
}
