package pep440

import "strings"

// Prereleases is the pre-release policy of one query, as packaging's
// prereleases=None/True/False argument.
type Prereleases uint8

const (
	// PrereleasesDefault is PEP 440's rule: pre-releases are candidates when a
	// clause names one, or when no final release is left (see Filter).
	PrereleasesDefault Prereleases = iota
	// PrereleasesInclude admits pre-releases like any version (pip --pre).
	PrereleasesInclude
	// PrereleasesExclude admits no pre-release.
	PrereleasesExclude
)

func (p Prereleases) String() string {
	switch p {
	case PrereleasesInclude:
		return "include"
	case PrereleasesExclude:
		return "exclude"
	}
	return "default"
}

// Allows reports whether v is acceptable alone, as packaging 26's
// SpecifierSet.contains: v must satisfy every clause, and with
// PrereleasesExclude must not be a pre-release. With PrereleasesDefault a
// pre-release is accepted: a single version has no alternative, so PEP 440's
// "unless nothing else matches" applies. (For packaging's installed=True, pass
// PrereleasesInclude when v is a pre-release.) A === clause compares the text v
// was parsed from (Original), case-insensitively, as packaging does with a
// string; Contains compares versions instead.
func (s SpecifierSet) Allows(v Version, prereleases Prereleases) bool {
	if prereleases == PrereleasesExclude && v.IsPrerelease() {
		return false
	}
	return s.matches(candidate{text: v.Original(), v: v, ok: true})
}

// Filter returns the versions of vs that are candidates for s, in their order,
// as packaging 26's SpecifierSet.filter: with PrereleasesDefault, pre-releases
// are kept only if a clause names a pre-release or no final release in vs
// satisfies s. === clauses compare text, as in Allows.
func (s SpecifierSet) Filter(vs []Version, prereleases Prereleases) []Version {
	items := make([]candidate, len(vs))
	for i, v := range vs {
		items[i] = candidate{text: v.Original(), v: v, ok: true}
	}
	var out []Version
	for _, i := range s.filter(items, prereleases) {
		out = append(out, vs[i])
	}
	return out
}

// FilterText is Filter for version texts, which need not be PEP 440 versions (an
// index may list "0.9.7.2.g16a294b"): such a text satisfies only === clauses
// with the same text, and an empty set, and is never a pre-release.
func (s SpecifierSet) FilterText(texts []string, prereleases Prereleases) []string {
	items := make([]candidate, len(texts))
	for i, t := range texts {
		v, err := Parse(t)
		items[i] = candidate{text: t, v: v, ok: err == nil}
	}
	var out []string
	for _, i := range s.filter(items, prereleases) {
		out = append(out, texts[i])
	}
	return out
}

// candidate is an item to filter: its text, and its version if the text is one.
type candidate struct {
	text string
	v    Version
	ok   bool
}

func (c candidate) isPrerelease() bool { return c.ok && c.v.IsPrerelease() }

func (s SpecifierSet) matches(c candidate) bool {
	if len(s.specs) == 0 {
		return true
	}
	if !c.ok || !s.std.Contains(c.v) {
		// A text that is no version can still be ===T when every clause is.
		if c.ok || !s.arbitrary {
			return false
		}
		for _, spec := range s.specs {
			if spec.op != "===" {
				return false
			}
		}
	}
	if s.arbitrary {
		lower := strings.ToLower(c.text)
		for _, spec := range s.specs {
			if spec.op == "===" && strings.ToLower(spec.text) != lower {
				return false
			}
		}
	}
	return true
}

// filter returns the indexes of the items that pass, in order.
func (s SpecifierSet) filter(items []candidate, prereleases Prereleases) []int {
	if prereleases == PrereleasesDefault && s.NamesPrerelease() {
		prereleases = PrereleasesInclude
	}
	var out, buffered []int
	foundFinal := false
	for i, c := range items {
		if !s.matches(c) {
			continue
		}
		switch {
		case prereleases == PrereleasesInclude:
			out = append(out, i)
		case prereleases == PrereleasesExclude:
			if !c.isPrerelease() {
				out = append(out, i)
			}
		case !c.ok:
			// Texts that are not versions cannot be pre-releases: they are kept,
			// at the place of the first final release if one comes after them.
			if foundFinal {
				out = append(out, i)
			} else {
				buffered = append(buffered, i)
			}
		case !c.v.IsPrerelease():
			if !foundFinal {
				foundFinal = true
				out = appendNonVersions(out, buffered, items)
			}
			out = append(out, i)
		case !foundFinal:
			buffered = append(buffered, i)
		}
	}
	if prereleases == PrereleasesDefault && !foundFinal {
		out = append(out, buffered...)
	}
	return out
}

// appendNonVersions appends the buffered items that are not versions.
func appendNonVersions(out, buffered []int, items []candidate) []int {
	for _, i := range buffered {
		if !items[i].ok {
			out = append(out, i)
		}
	}
	return out
}

// Satisfiable reports whether some candidate could pass Allows, as the negation
// of packaging 26's SpecifierSet.is_unsatisfiable for a set built with the given
// pre-release policy: with PrereleasesExclude the set must admit a final
// release. Unlike Range().IsEmpty(), it counts === clauses on texts that are not
// versions (===foobar is satisfiable by the text "foobar").
func (s SpecifierSet) Satisfiable(prereleases Prereleases) bool {
	if len(s.specs) == 0 {
		return true
	}
	if s.std.IsEmpty() {
		return false
	}
	var arbitrary []Specifier
	for _, spec := range s.specs {
		if spec.op == "===" {
			arbitrary = append(arbitrary, spec)
		}
	}
	if len(arbitrary) > 0 {
		// The only candidate is the text of the === clauses.
		first := strings.ToLower(arbitrary[0].text)
		for _, spec := range arbitrary[1:] {
			if strings.ToLower(spec.text) != first {
				return false
			}
		}
		v, err := Parse(arbitrary[0].text)
		if err != nil {
			return len(arbitrary) == len(s.specs)
		}
		return s.Allows(v, prereleases)
	}
	return prereleases != PrereleasesExclude || s.std.hasFinal()
}

// hasFinal reports whether r holds a version that is not a pre-release.
func (r Range) hasFinal() bool {
	for _, iv := range r.ivs {
		var least Version // the least final release the interval could hold
		switch {
		case !iv.lo.isBounded():
			least = Version{}
		case iv.lo.isPoint():
			return true // versions above V.post∞ are dense, with finals among them
		case !iv.lo.v.IsPrerelease():
			if iv.lo.kind == exclusive {
				return true // V+local for a long enough label lies in the interval
			}
			least = iv.lo.v
		default:
			least = leastFinalAbove(iv.lo.v)
		}
		if !(interval{lo: atLeast(least), hi: iv.hi}).isEmpty() {
			return true
		}
	}
	return false
}

// leastFinalAbove returns the least release above the pre-release v that is not a
// pre-release: 1.0a1.post2 -> 1.0, 1.0.post1.dev3 -> 1.0.post1.
func leastFinalAbove(v Version) Version {
	q := *v.p()
	q.local, q.text, q.hasDev, q.dev = "", "", false, number{}
	if q.preKind != preNone {
		q.preKind, q.pre, q.hasPost, q.post = preNone, number{}, false, number{}
	}
	return Version{v: newVersion(q)}
}
