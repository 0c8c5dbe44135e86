package pep440

import (
	"fmt"
	"slices"
	"strings"
)

// Specifier is one version clause, such as ">=1.0", "==2.1.*" or "~=1.4.2".
type Specifier struct {
	op       string
	text     string  // normalized version text, ".*" included; === keeps its text as written
	version  Version // the version; for wildcards the release prefix
	wildcard bool
	valid    bool // false only for === with text that is not a version
}

// ParseSpecifier parses one clause of PEP 440's version specifier grammar,
// surrounding white space allowed. The error is a *ParseError.
func ParseSpecifier(s string) (Specifier, error) {
	spec, err := parseSpecifierAt(s, s, 0)
	if err != nil {
		return Specifier{}, err
	}
	return spec, nil
}

var operators = []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

// parseSpecifierAt parses s, which starts at byte off of input (for errors).
func parseSpecifierAt(input, s string, off int) (Specifier, error) {
	fail := func(at int, format string, args ...any) (Specifier, error) {
		return Specifier{}, &ParseError{Input: input, Offset: off + at, Msg: fmt.Sprintf(format, args...)}
	}
	body, lead := trimSpace(s)
	var op string
	for _, o := range operators {
		if strings.HasPrefix(body, o) {
			op = o
			break
		}
	}
	if op == "" {
		return fail(lead, "expected an operator (==, !=, <=, >=, <, >, ~=, ===), found %s", describeAt(body, 0))
	}
	rest, gap := trimSpace(body[len(op):])
	at := lead + len(op) + gap // offset of the version text in s
	spec := Specifier{op: op}

	if op == "===" {
		if i := strings.IndexFunc(rest, func(r rune) bool { return isSpace(r) || r == ';' || r == ')' }); i >= 0 {
			return fail(at+i, "unexpected %s in an arbitrary version", describeAt(rest, i))
		}
		spec.text = rest
		if v, err := Parse(rest); err == nil {
			spec.version, spec.valid = v, true
		}
		return spec, nil
	}

	p, n, msg := scanVersion(rest, op == "==" || op == "!=")
	if msg != "" {
		return fail(at+n, "%s", msg)
	}
	if (op == "==" || op == "!=") && strings.HasPrefix(rest[n:], ".*") &&
		p.preKind == preNone && !p.hasPost && !p.hasDev && p.local == "" && n+2 == len(rest) {
		spec.wildcard = true
		n += 2
	}
	if n < len(rest) {
		switch {
		case strings.HasPrefix(rest[n:], ".*"):
			if op == "==" || op == "!=" {
				return fail(at+n, "a wildcard must follow the release number directly and end the specifier")
			}
			return fail(at+n, "%s does not allow a wildcard", op)
		case rest[n] == '+':
			return fail(at+n, "%s does not allow a local version label", op)
		}
		return fail(at+n, "unexpected %s", describeAt(rest, n))
	}
	if op == "~=" && len(p.release) < 2 {
		return fail(at, "~= needs a release with at least two numbers")
	}
	spec.version, spec.valid = Version{v: newVersion(p)}, true
	written := rest[:n]
	if spec.wildcard {
		written = rest[:n-2]
	}
	switch {
	case isNormalRelease(written):
		// Nearly every clause is written so; the text as written costs nothing.
		spec.text = rest[:n]
	case spec.wildcard:
		spec.text = spec.version.String() + ".*"
	default:
		spec.text = spec.version.String()
	}
	return spec, nil
}

// isNormalRelease reports whether s is a release number as Version.String writes
// it: numbers without leading zeros, separated by single dots.
func isNormalRelease(s string) bool {
	for num := range strings.SplitSeq(s, ".") {
		if num == "" || !isDigits(num) || num[0] == '0' && len(num) > 1 {
			return false
		}
	}
	return true
}

// Operator returns "==", "!=", "<", "<=", ">", ">=", "~=" or "===".
func (s Specifier) Operator() string { return s.op }

// Version returns the version text, normalized, with ".*" for wildcards; for
// "===" it is the text as written.
func (s Specifier) Version() string { return s.text }

// String returns the operator and version: "==2.1.*", ">=1.0rc1".
func (s Specifier) String() string { return s.op + s.text }

// Equal reports whether s and t are the same clause after normalization, ignoring
// trailing zeros in the release except for ~= (where they matter): ==1.0 equals
// ==1.0.0, ~=1.0 does not equal ~=1.0.0.
func (s Specifier) Equal(t Specifier) bool {
	if s.op != t.op || s.wildcard != t.wildcard || s.valid != t.valid {
		return false
	}
	switch {
	case s.op == "===":
		return s.text == t.text
	case s.wildcard || s.op == "~=":
		return s.text == t.text
	}
	return s.version.Compare(t.version) == 0
}

// Contains reports whether v is in the set the clause describes; pre-releases are
// members (see SpecifierSet.Allows for the candidate policy). It is
// s.Range().Contains(v).
func (s Specifier) Contains(v Version) bool { return s.Range().Contains(v) }

// NamesPrerelease reports whether the clause names a pre-release and so opts in
// to pre-releases (PEP 440): >=1.0rc1 does, !=1.0rc1 and ==1.0.* do not.
func (s Specifier) NamesPrerelease() bool {
	if s.op == "!=" || s.wildcard || !s.valid {
		return false
	}
	return s.version.IsPrerelease()
}

// Range returns the versions the clause admits:
//
//	==V       [V, V.afterLocals): V and V+anything
//	==V+l     {V+l}
//	==P.*     [P.dev0, P'.dev0) where P' is P with its last number plus one
//	~=P.N     [P.N, P'.dev0)
//	>=V       [V, ∞)
//	<=V       (-∞, V.afterLocals)
//	<V        (-∞, V.dev0), or (-∞, V) when V is a pre-release
//	>V        above V, V+local and V.postN (V.dev(N+1) and up when V is a dev
//	          release, V.post(N+1).dev0 when a post-release)
//	!=…       the complement of the == form
//	===T      {T} when T is a version, else nothing
//
// V.afterLocals is the least version above every V+local: V.post0.dev0,
// V.post(N+1).dev0 when V is a post-release, V.dev(N+1) when a dev release.
func (s Specifier) Range() Range {
	v := s.version
	if s.wildcard {
		p := v.p()
		eq := span(atLeast(v.withDev0()), below(nextPrefixDev0(p.epoch, p.release)))
		if s.op == "!=" {
			return eq.Complement()
		}
		return eq
	}
	switch s.op {
	case "===":
		// pip (packaging) compares the text with a candidate's normalized version
		// text: ===1.26.04 matches no version, not 1.26.4.
		if !s.valid || !strings.EqualFold(s.text, v.String()) {
			return Empty()
		}
		return Exactly(v)
	case "==":
		return equalRange(v)
	case "!=":
		return equalRange(v).Complement()
	case ">=":
		return span(atLeast(v), noBound())
	case "<=":
		return span(noBound(), below(v.afterLocals()))
	case "<":
		if v.IsPrerelease() {
			return span(noBound(), below(v))
		}
		return span(noBound(), below(v.withDev0()))
	case ">":
		p := v.p()
		switch {
		case p.hasDev || p.hasPost:
			return span(atLeast(v.afterLocals()), noBound())
		case p.preKind != preNone:
			return span(atLeast(v.nextPreDev0()), noBound())
		}
		return span(above(v.afterPostsBound()), noBound())
	case "~=":
		p := v.p()
		return span(atLeast(v), below(nextPrefixDev0(p.epoch, p.release[:len(p.release)-1])))
	}
	return Empty() // the zero Specifier
}

func equalRange(v Version) Range {
	if v.Local() != "" {
		return Exactly(v)
	}
	return span(atLeast(v), below(v.afterLocals()))
}

// SpecifierSet is a comma-separated list of clauses that must all hold. The zero
// value has no clauses and admits every version.
type SpecifierSet struct {
	specs     []Specifier // as written
	rng       Range       // the intersection of all clauses (valid when specs is not empty)
	std       Range       // the same without === clauses, which Allows checks by text
	arbitrary bool        // some clause is ===
}

// ParseSpecifierSet parses comma-separated clauses; empty items are skipped, so ""
// (every version) and ">=1.0," are valid. The error is a *ParseError whose
// offset counts from the start of s.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var specs []Specifier
	for off := 0; off <= len(s); {
		item, _, _ := strings.Cut(s[off:], ",")
		if t, _ := trimSpace(item); t != "" {
			spec, err := parseSpecifierAt(s, item, off)
			if err != nil {
				return SpecifierSet{}, err
			}
			if specs == nil {
				// Sized once: the metadata of every release a solve looks at is
				// parsed again on each run.
				specs = make([]Specifier, 0, 1+strings.Count(s[off:], ","))
			}
			specs = append(specs, spec)
		}
		off += len(item) + 1
	}
	return specifierSetOf(specs), nil
}

// NewSpecifierSet returns the set of the given clauses.
func NewSpecifierSet(specs ...Specifier) SpecifierSet {
	return specifierSetOf(slices.Clone(specs))
}

// specifierSetOf is the set of specs, which it keeps.
func specifierSetOf(specs []Specifier) SpecifierSet {
	if len(specs) == 0 {
		return SpecifierSet{}
	}
	set := SpecifierSet{specs: specs, rng: Full(), std: Full()}
	for _, spec := range specs {
		r := spec.Range()
		set.rng = set.rng.Intersect(r)
		if spec.op == "===" {
			set.arbitrary = true
		} else {
			set.std = set.std.Intersect(r)
		}
	}
	return set
}

// String returns the clauses sorted by their text, duplicates dropped, joined by
// commas without spaces: "!=1.5,<2.0,>=1.0".
func (s SpecifierSet) String() string {
	texts := make([]string, len(s.specs))
	for i, spec := range s.specs {
		texts[i] = spec.String()
	}
	slices.Sort(texts)
	return strings.Join(slices.Compact(texts), ",")
}

// Specifiers returns the clauses in the order written.
func (s SpecifierSet) Specifiers() []Specifier { return slices.Clone(s.specs) }

// IsEmpty reports whether the set has no clauses (and so admits everything).
func (s SpecifierSet) IsEmpty() bool { return len(s.specs) == 0 }

// Equal reports whether s and t have the same clauses (Specifier.Equal), in any
// order and counting duplicates once. It compares syntax: ">=1.0,<2.0" and
// "<2.0,>=1.0.0" are equal, ">=1.0,>=0.5" and ">=1.0" are not (their Ranges are).
func (s SpecifierSet) Equal(t SpecifierSet) bool {
	contains := func(set []Specifier, x Specifier) bool {
		return slices.ContainsFunc(set, x.Equal)
	}
	for _, x := range s.specs {
		if !contains(t.specs, x) {
			return false
		}
	}
	for _, x := range t.specs {
		if !contains(s.specs, x) {
			return false
		}
	}
	return true
}

// Contains reports whether v satisfies every clause; pre-releases are members.
// It is s.Range().Contains(v).
func (s SpecifierSet) Contains(v Version) bool {
	return len(s.specs) == 0 || s.rng.Contains(v)
}

// Range returns the versions that satisfy every clause.
func (s SpecifierSet) Range() Range {
	if len(s.specs) == 0 {
		return Full()
	}
	return s.rng
}

// NamesPrerelease reports whether some clause names a pre-release.
func (s SpecifierSet) NamesPrerelease() bool {
	return slices.ContainsFunc(s.specs, Specifier.NamesPrerelease)
}
