package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

// lookupHints are the hints of a conflict that only the index can back: for a project
// no index has, where it was looked for and the similar names that do exist; for a
// version that does not exist, the nearest ones that do; for a project first-index took
// from an index that has nothing usable in range, the later index that has. Each names
// where its facts come from, and a similar name is offered only once the index has
// confirmed it exists: a guess is never stated as a fact. The packages the base image
// ships (imageShipped) get no nearest versions: the image's release is fixed.
func (s *session) lookupHints(ctx context.Context, ix *index.Index, ns *resolver.NoSolution, imageShipped map[string]bool) ([]string, error) {
	var hints []string
	done := map[string]bool{}
	for _, in := range ns.External() {
		if in.Kind != pubgrub.KindNoVersions && in.Kind != pubgrub.KindUnavailable || len(in.Terms) == 0 {
			continue
		}
		t := in.Terms[0]
		if !t.Positive || t.Package.IsVirtual() || t.Package.Extra != "" || done[t.Package.Name] {
			continue
		}
		if _, yanked := in.Unavailable.(resolver.Yanked); yanked {
			continue
		}
		name := t.Package.Name
		done[name] = true
		listed := ns.Versions(t.Package)
		if len(listed) == 0 {
			h, err := s.missingProjectHint(ctx, ix, name)
			if err != nil {
				return hints, err
			}
			hints = append(hints, h)
			continue
		}
		if in.Kind == pubgrub.KindNoVersions && asWritten(t.Range, writtenRanges(ns, name)) && !slices.ContainsFunc(listed, t.Range.Contains) && !imageShipped[name] {
			if h, err := nearestVersionsHint(ctx, ix, name, t.Range, listed); err != nil {
				return hints, err
			} else if h != "" {
				hints = append(hints, h)
			}
		}
		h, err := s.passedOverHint(ctx, ix, name, t.Range)
		if err != nil {
			return hints, err
		}
		if h != "" {
			hints = append(hints, h)
		}
	}
	return hints, nil
}

// asWritten reports whether a range reads as what was asked (==4.99.1, >=5,<6, a
// requirement and a constraint together), not one that earlier conflicts carved holes
// in: only those are worth the nearest versions. It is what the written ranges that
// hold it have in common, leaving out those that exclude versions (!=7.0): such a hole
// carved at the edge of another range reads as no exclusion (>=7.0.post0.dev0, <8.0 is
// >=7.0,<9 and <8.0 less !=7.0), and nobody asked for it.
func asWritten(r pep440.Range, written []pep440.Range) bool {
	text := r.String()
	if _, err := pep440.ParseSpecifierSet(text); err != nil || strings.Contains(text, "!=") {
		return false
	}
	common := pep440.Full()
	for _, w := range written {
		if r.Subset(w) && !strings.Contains(w.String(), "!=") {
			common = common.Intersect(w)
		}
	}
	return common.Equal(r)
}

// writtenRanges are the ranges the derivation's requirements and constraints on name
// state (with or without extras), as the user, a package's metadata or a rule wrote them.
func writtenRanges(ns *resolver.NoSolution, name string) []pep440.Range {
	var out []pep440.Range
	for _, in := range ns.External() {
		if in.Kind == pubgrub.KindDependency && in.Dependency.Package.Name == name {
			out = append(out, in.Dependency.Range)
		}
	}
	return out
}

// maxSuggestions bounds the similar names offered; twice as many are checked against
// the index at most.
const maxSuggestions = 3

// missingProjectHint says where a project no source has was looked for, and offers the
// similar names (of the projects this run met and of the matrix) the index has.
func (s *session) missingProjectHint(ctx context.Context, ix *index.Index, name string) (string, error) {
	locations := ix.LocationsOf(name)
	if len(locations) == 0 {
		// --no-index, and no find-links from any source: the name was not looked up.
		return fmt.Sprintf("%s was looked for nowhere: --no-index leaves the --find-links locations as the only source of packages, and none is given (flag, requirement file or depsolve.toml).", name), nil
	}
	h := fmt.Sprintf("no project named %s on %s: check the spelling", name, strings.Join(locations, ", "))
	var confirmed []string
	for i, c := range similarNames(name, append(ix.Known(), s.matrix.PackageNames()...)) {
		if len(confirmed) == maxSuggestions || i == 2*maxSuggestions {
			break
		}
		rs, err := ix.Releases(ctx, c)
		if err != nil {
			return "", err
		}
		if len(rs) > 0 {
			confirmed = append(confirmed, fmt.Sprintf("%s (%s)", c, versionSpan(rs)))
		}
	}
	if len(confirmed) > 0 {
		h += "; did you mean " + strings.Join(confirmed, " or ") + "? The index has it"
		if len(confirmed) > 1 {
			h += " each"
		}
	}
	return h + ".", nil
}

// versionSpan says which versions a listing has: "versions 4.46.0 to 5.0.0", "version 1.0".
func versionSpan(rs []resolver.Release) string {
	if len(rs) == 1 {
		return "version " + rs[0].Version.String()
	}
	return fmt.Sprintf("versions %s to %s", rs[len(rs)-1].Version, rs[0].Version) // newest first
}

// nearestVersionsHint names the listed versions on either side of a range that none
// matches: the nearest that exist to what was asked.
func nearestVersionsHint(ctx context.Context, ix *index.Index, name string, r pep440.Range, listed []pep440.Version) (string, error) {
	near := nearestVersions(r, listed)
	if len(near) == 0 {
		return "", nil
	}
	sources, err := ix.Sources(ctx, name)
	if err != nil {
		return "", err
	}
	texts := make([]string, len(near))
	for i, v := range near {
		texts[i] = v.String()
	}
	return fmt.Sprintf("%s has no version %s on %s; the nearest it has: %s.", name, r, strings.Join(sources, ", "), strings.Join(texts, ", ")), nil
}

// nearestVersions are the listed versions (ascending) just below and just above the
// gaps between them where r lies, at most four.
func nearestVersions(r pep440.Range, listed []pep440.Version) []pep440.Version {
	var out []pep440.Version
	add := func(v pep440.Version) {
		if len(out) < 4 && !slices.ContainsFunc(out, v.Equal) {
			out = append(out, v)
		}
	}
	for i := 0; i <= len(listed); i++ {
		var spec []string
		if i > 0 {
			spec = append(spec, ">"+listed[i-1].String())
		}
		if i < len(listed) {
			spec = append(spec, "<"+listed[i].String())
		}
		gap, err := pep440.ParseSpecifierSet(strings.Join(spec, ","))
		if err != nil || gap.Range().Disjoint(r) {
			continue
		}
		if i > 0 {
			add(listed[i-1])
		}
		if i < len(listed) {
			add(listed[i])
		}
	}
	return out
}

// passedOverHint: with first-index, a project is taken from the first index that has it;
// when that index has nothing usable in r and a later one has, say so, and what
// --index-strategy does.
func (s *session) passedOverHint(ctx context.Context, ix *index.Index, name string, r pep440.Range) (string, error) {
	if s.policy != nil && s.policy.Indexes.Set() {
		return "", nil // the policy's first-index order is the supply chain: a hint stays inside it
	}
	listings, err := ix.PassedOver(ctx, name)
	if err != nil || len(listings) == 0 {
		return "", err
	}
	sources, err := ix.Sources(ctx, name)
	if err != nil {
		return "", err
	}
	for _, l := range listings {
		var usable []string
		for _, rel := range l.Releases {
			if rel.Unavailable == "" && r.Contains(rel.Version) && s.runsOn(rel) {
				usable = append(usable, rel.Version.String())
			}
		}
		if len(usable) == 0 {
			continue
		}
		if len(usable) > 3 {
			usable = usable[:3]
		}
		return fmt.Sprintf("%s is taken from %s alone, the first index that has it (--index-strategy first-index, so that another index cannot shadow it); %s also has %s, with %s %s usable on this target. If you trust every index, --index-strategy unsafe-best-match considers the versions of all of them.",
			name, strings.Join(sources, ", "), l.Index, name, name, strings.Join(usable, ", ")), nil
	}
	return "", nil
}

// runsOn reports whether a release's Requires-Python admits the target's Python.
func (s *session) runsOn(rel resolver.Release) bool {
	return !s.target.Python.Known() || resolver.RequiresPythonAllows(rel.RequiresPython, s.target.Python.Version)
}

// similarNames are the candidates within a small edit distance of name, nearest first
// (then by name), without name itself: one or two typing slips, scaled to the length.
func similarNames(name string, candidates []string) []string {
	limit := 1
	if len(name) >= 6 {
		limit = 2
	}
	type scored struct {
		name string
		d    int
	}
	var out []scored
	seen := map[string]bool{name: true}
	for _, c := range candidates {
		if seen[c] || strings.HasPrefix(c, "@") {
			continue
		}
		seen[c] = true
		if d := editDistance(name, c); d <= limit {
			out = append(out, scored{c, d})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	names := make([]string, len(out))
	for i, s := range out {
		names[i] = s.name
	}
	return names
}

// editDistance counts the insertions, deletions, substitutions and swaps of adjacent
// characters that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
