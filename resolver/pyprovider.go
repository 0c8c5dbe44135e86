package resolver

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// pythonProvider turns a Problem into the solver's Provider:
//
//   - The root's dependencies are the user's requirements (markers evaluated against
//     the target), the constraints (as constraints), and one requirement per target
//     fact: the virtual package at its single version.
//   - "name[extra]" is a proxy package: proxy version v depends on name ==v and on
//     the Requires-Dist entries that only the extra enables, so selecting an extra
//     pins its project and explanations name the extra.
//   - Requires-Python is a dependency on "@python", so a Python mismatch is an
//     ordinary, explained conflict, decided by the Python's release as pip and uv
//     decide it (RequiresPythonAllows: 3.13.0rc1 satisfies ">=3.13"); one that
//     excludes the target's Python is stated by the side of it it lies on
//     ("<3.12"), so that versions whose ranges differ merge into one fact
//     (pythonDependency). Matrix rules are constraints
//     (on virtual or real packages) that carry their reason and source. A
//     Requirement on "@python" Of "the project" is the project's requires-python.
//   - A yanked release is unavailable unless a user requirement or constraint pins
//     it with == or === (PEP 592); a release the index marks unusable is unavailable
//     with the index's reason.
//   - Markers are evaluated against the target (evaluateMarker), those of a PEP 751
//     lock's packages with the lock's extras and dependency groups
//     (Requirement.Lock): a variable the
//     target does not define (platform_release, always) leaves a marker undecided
//     only when its value depends on it. An undecided requirement or constraint of
//     the user is a *RequirementError, and so is a direct URL one; an undecided
//     Requires-Dist entry makes its version unavailable, with the reason.
//   - Versions are offered preferred first (Problem.Preferred), then final releases
//     newest first, then pre-releases (unless PrereleasesAllow), then versions known
//     to be unusable, which are tried last only so that the report can name them.
//     The order is the whole pre-release policy: no version is withheld, so the
//     solver falls back to a pre-release once conflicts rule out every final
//     release in range (Prereleases).
//
// Local versions (2.5.1+cu121) are distinct versions: "==2.5.1" matches them as
// PEP 440 says, and the highest local label wins among equal public versions.
type pythonProvider struct {
	pb     *Problem
	python pep440.Version
	// pythonSides: the ranges a Requires-Python that excludes the target's
	// Python is stated as (pythonDependency), nearest to the target last.
	pythonSides []pythonSide
	virtual     map[string]Virtual
	rootDeps    []Dependency
	pins        map[string][]pep440.Specifier // exact pins in user input, for yanked releases

	releases map[string][]Release           // by name, newest first, one per version
	metadata map[string]map[string]Metadata // by name, then Version.String()
}

func newPythonProvider(pb *Problem) (*pythonProvider, error) {
	pp := &pythonProvider{
		pb:       pb,
		virtual:  map[string]Virtual{},
		pins:     map[string][]pep440.Specifier{},
		releases: map[string][]Release{},
		metadata: map[string]map[string]Metadata{},
	}
	for _, v := range pb.Virtual {
		if !strings.HasPrefix(v.Name, "@") {
			return nil, fmt.Errorf("resolver: virtual package %q: the name must start with @", v.Name)
		}
		if _, dup := pp.virtual[v.Name]; dup {
			return nil, fmt.Errorf("resolver: virtual package %s is given twice", v.Name)
		}
		pp.virtual[v.Name] = v
	}
	py, ok := pp.virtual["@python"]
	if !ok {
		return nil, fmt.Errorf("resolver: the target has no @python version; Requires-Python cannot be checked")
	}
	pp.python = py.Version
	pp.pythonSides = pythonSides(py.Version)
	for _, r := range pb.Requirements {
		deps, err := pp.userRequirement(r)
		if err != nil {
			return nil, err
		}
		pp.rootDeps = append(pp.rootDeps, deps...)
	}
	for _, c := range pb.Constraints {
		if c.URL != "" {
			return nil, requirementError(c, true, ErrDirectURL)
		}
		ok, err := evaluateUserMarker(c, pb.Environment)
		if err != nil {
			return nil, requirementError(c, true, err)
		}
		if !ok {
			continue
		}
		pp.pin(c)
		pp.rootDeps = append(pp.rootDeps, Dependency{
			Package: Package{Name: c.Key()}, Range: c.Specifier.Range(), Constrains: true,
			Cause: UserConstraint{Origin: c.Origin, Spec: specifierDisplay(c.Specifier)},
		})
	}
	for _, r := range pb.Policy {
		pp.rootDeps = append(pp.rootDeps, policyDependency(r))
	}
	for _, p := range pb.Image {
		dep, err := imageDependency(p)
		if err != nil {
			return nil, fmt.Errorf("resolver: the image's %s %s: %w", p.Name, p.Version, err)
		}
		pp.rootDeps = append(pp.rootDeps, dep)
	}
	// The target's facts: each virtual package is required at its one version,
	// so that matrix rules (constraints) on it apply. The display keeps the
	// version as written: a driver is "535.104.05", not PEP 440's "535.104.5".
	for _, name := range slices.Sorted(maps.Keys(pp.virtual)) {
		v := pp.virtual[name]
		pp.rootDeps = append(pp.rootDeps, Dependency{
			Package: Package{Name: name}, Range: pep440.Exactly(v.Version),
			Cause: TargetFact{Origin: v.Origin, Label: v.Label, Spec: cmp.Or(v.Version.Original(), v.Version.String())},
		})
	}
	return pp, nil
}

func (pp *pythonProvider) userRequirement(r Requirement) ([]Dependency, error) {
	ok, err := evaluateUserMarker(r, pp.pb.Environment)
	if err != nil {
		return nil, requirementError(r, false, err)
	}
	if !ok {
		return nil, nil
	}
	if r.URL != "" {
		return nil, requirementError(r, false, ErrDirectURL)
	}
	pp.pin(r)
	spec := specifierDisplay(r.Specifier)
	if r.Of != "" {
		deps := requirementDeps(r.Requirement, ProjectRequirement{Of: r.Of, Origin: r.Origin, Spec: spec})
		if r.Key() == "@python" { // a project's requires-python, decided as pip and uv do
			deps[0].Range = pythonRange(deps[0].Range, pp.python)
		}
		return deps, nil
	}
	return requirementDeps(r.Requirement, UserRequirement{Origin: r.Origin, Spec: spec}), nil
}

// pin records r's exact pins: they opt in to yanked releases.
func (pp *pythonProvider) pin(r Requirement) {
	for _, s := range r.Specifier.Specifiers() {
		if (s.Operator() == "==" || s.Operator() == "===") && !strings.HasSuffix(s.Version(), ".*") {
			pp.pins[r.Key()] = append(pp.pins[r.Key()], s)
		}
	}
}

// requirementDeps turns "name[e1,e2] spec" into edges to name and to each
// extra's proxy, all with the same range and cause.
func requirementDeps(r pep508.Requirement, cause EdgeCause) []Dependency {
	name := r.Key()
	base := Dependency{Package: Package{Name: name}, Range: r.Specifier.Range(), Cause: cause}
	deps := []Dependency{base}
	extras := make([]string, 0, len(r.Extras))
	for _, e := range r.Extras {
		extras = append(extras, pep508.NormalizeExtra(e))
	}
	slices.Sort(extras)
	for _, e := range slices.Compact(extras) {
		d := base
		d.Package.Extra = e
		deps = append(deps, d)
	}
	return deps
}

func (pp *pythonProvider) yankedAllowed(name string, v pep440.Version) bool {
	for _, s := range pp.pins[name] {
		if s.Contains(v) {
			return true
		}
	}
	return false
}

func (pp *pythonProvider) releasesOf(ctx context.Context, name string) ([]Release, error) {
	if rels, ok := pp.releases[name]; ok {
		return rels, nil
	}
	rels, err := pp.pb.Index.Releases(ctx, name)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rels, func(a, b Release) int { return b.Version.Compare(a.Version) })
	rels = slices.CompactFunc(rels, func(a, b Release) bool { return a.Version.Equal(b.Version) })
	pp.releases[name] = rels
	return rels, nil
}

// release is the listed release of name equal to v, found by binary search in the
// newest-first list releasesOf keeps (a map by version would cost a string for each
// of the hundreds of versions a project lists, to look up the few the solver picks).
func (pp *pythonProvider) release(name string, v pep440.Version) (Release, bool) {
	rels := pp.releases[name]
	i, found := slices.BinarySearchFunc(rels, v, func(r Release, v pep440.Version) int { return v.Compare(r.Version) })
	if !found {
		return Release{}, false
	}
	return rels[i], true
}

// usable reports whether a release can be used without looking at its metadata.
func (pp *pythonProvider) usable(name string, r Release) bool {
	return r.Unavailable == "" && (!r.Yanked || pp.yankedAllowed(name, r.Version)) && RequiresPythonAllows(r.RequiresPython, pp.python)
}

func (pp *pythonProvider) Versions(ctx context.Context, p Package) ([]pep440.Version, error) {
	if p.IsVirtual() {
		if v, ok := pp.virtual[p.Name]; ok {
			return []pep440.Version{v.Version}, nil
		}
		if mv, ok := pp.pb.Matrix.(MatrixVirtuals); ok {
			return mv.VirtualVersions(p.Name), nil
		}
		return nil, nil
	}
	rels, err := pp.releasesOf(ctx, p.Name)
	if err != nil {
		return nil, err
	}
	preferred, hasPreferred := pp.pb.Preferred[p.Name]
	class := func(r Release) int {
		switch {
		case !pp.usable(p.Name, r):
			return 3
		case hasPreferred && r.Version.Equal(preferred):
			return 0
		case r.Version.IsPrerelease() && pp.pb.Prereleases != PrereleasesAllow:
			return 2
		}
		return 1
	}
	// A stable sort by class, as a counting sort: each release's class is worked out
	// once (it checks Requires-Python), and nothing but the result is allocated.
	classes := make([]uint8, len(rels))
	var starts [4]int // where each class begins in the result
	for i, r := range rels {
		classes[i] = uint8(class(r))
		starts[classes[i]]++
	}
	for c, at := 0, 0; c < len(starts); c++ {
		starts[c], at = at, at+starts[c]
	}
	vs := make([]pep440.Version, len(rels))
	for i, r := range rels {
		vs[starts[classes[i]]] = r.Version
		starts[classes[i]]++
	}
	return vs, nil
}

func (pp *pythonProvider) Dependencies(ctx context.Context, p Package, v pep440.Version) (Dependencies, error) {
	if p == rootPackage {
		return Dependencies{Requires: pp.rootDeps}, nil
	}
	if p.IsVirtual() {
		// A target fact may restrict another (a GPU needs a driver that supports it),
		// so an impossible target is a conflict explained like any other.
		var deps Dependencies
		pp.addMatrixRules(&deps, p, v, nil)
		return deps, nil
	}
	rel, ok := pp.release(p.Name, v)
	if !ok {
		return Dependencies{}, fmt.Errorf("version %s was not listed", v)
	}
	// An extra's proxy only adds edges; when the release itself is unusable, the
	// pin on the base project says all there is to say.
	baseOnly := Dependencies{Requires: []Dependency{{Package: Package{Name: p.Name}, Range: pep440.Exactly(v), Cause: ExtraProject{"==" + v.String()}}}}
	switch {
	case rel.Unavailable != "" && p.Extra == "":
		return Dependencies{Unavailable: NoUsableFile{rel.Unavailable}}, nil
	case rel.Yanked && !pp.yankedAllowed(p.Name, v) && p.Extra == "":
		return Dependencies{Unavailable: Yanked{}}, nil
	case !RequiresPythonAllows(rel.RequiresPython, pp.python) && p.Extra == "":
		return Dependencies{Requires: []Dependency{pp.pythonDependency(rel.RequiresPython)}}, nil
	case !pp.usable(p.Name, rel):
		return baseOnly, nil
	}
	md, err := pp.metadataOf(ctx, p.Name, v)
	if err != nil {
		return Dependencies{}, err
	}
	if md.Unavailable != "" {
		if p.Extra != "" {
			return baseOnly, nil
		}
		return Dependencies{Unavailable: MetadataUnavailable{md.Unavailable}}, nil
	}
	if p.Extra != "" {
		return pp.extraDependencies(p, md, baseOnly)
	}
	var deps Dependencies
	requiresPython := md.RequiresPython
	if len(requiresPython.Specifiers()) == 0 {
		requiresPython = rel.RequiresPython
	}
	if len(requiresPython.Specifiers()) > 0 {
		deps.Requires = append(deps.Requires, pp.pythonDependency(requiresPython))
	}
	var requires []pep508.Requirement
	for _, r := range md.RequiresDist {
		ok, err := evaluateMarker(r.Marker, pp.pb.Environment)
		if err != nil {
			return Dependencies{Unavailable: UndecidableMarker{r.String(), err.Error()}}, nil
		}
		if !ok {
			continue
		}
		if r.URL != "" {
			return Dependencies{Unavailable: DirectURLDependency{r.String()}}, nil
		}
		requires = append(requires, r)
		deps.Requires = append(deps.Requires, requirementDeps(r, RequiresDist{specifierDisplay(r.Specifier)})...)
	}
	pp.addMatrixRules(&deps, p, v, requires)
	return deps, nil
}

// addMatrixRules adds the matrix rules of p==v to deps. A rule restricts its package if
// that is selected and never pulls it in; the target's virtual packages are always
// selected.
func (pp *pythonProvider) addMatrixRules(deps *Dependencies, p Package, v pep440.Version, requires []pep508.Requirement) {
	if pp.pb.Matrix == nil {
		return
	}
	rules := pp.pb.Matrix.Rules
	if dm, ok := pp.pb.Matrix.(DependencyMatrix); ok {
		rules = func(name string, v pep440.Version) []Rule { return dm.RulesFor(name, v, requires) }
	}
	// A rule restricts its package if that is selected and never pulls it in
	// (unless it Selects a virtual package of the matrix's own); the target's
	// virtual packages are always selected.
	for _, rule := range rules(p.Name, v) {
		target := Package{Name: rule.Package}
		if !target.IsVirtual() {
			target.Name = pep508.NormalizeName(rule.Package)
		}
		deps.Requires = append(deps.Requires, Dependency{
			Package: target, Range: rule.Range, Constrains: !rule.Selects,
			Cause: MatrixFact{Spec: rule.Display, Reason: rule.Reason, Cites: rule.citations(), Selects: rule.Selects},
		})
	}
}

// extraDependencies: the proxy pins its project and adds what only the extra
// enables (entries true with extra set and false without it). An extra the
// release does not declare adds nothing, as pip does (with a warning).
func (pp *pythonProvider) extraDependencies(p Package, md Metadata, baseOnly Dependencies) (Dependencies, error) {
	if len(md.ProvidesExtra) > 0 && !slices.ContainsFunc(md.ProvidesExtra, func(e string) bool { return pep508.NormalizeExtra(e) == p.Extra }) {
		return baseOnly, nil
	}
	withExtra := maps.Clone(pp.pb.Environment)
	if withExtra == nil {
		withExtra = pep508.Environment{}
	}
	withExtra["extra"] = p.Extra
	deps := baseOnly
	deps.Requires = slices.Clone(deps.Requires)
	for _, r := range md.RequiresDist {
		on, err := evaluateMarker(r.Marker, withExtra)
		if err != nil {
			return Dependencies{Unavailable: UndecidableMarker{r.String(), err.Error()}}, nil
		}
		if !on {
			continue
		}
		off, err := evaluateMarker(r.Marker, pp.pb.Environment)
		if err != nil || off {
			continue // the base package has it (or reported it)
		}
		if r.URL != "" {
			return Dependencies{Unavailable: DirectURLDependency{r.String()}}, nil
		}
		deps.Requires = append(deps.Requires, requirementDeps(r, RequiresDist{specifierDisplay(r.Specifier)})...)
	}
	return deps, nil
}

// pythonDependency is a release's Requires-Python as a dependency on @python. The
// target has one Python, so every Requires-Python that excludes it says the same:
// this version cannot be used. Such a range is stated by the side of the target it
// lies on, "<3.12" (older than the target's 3.12 series) or ">=3.10" (newer than
// its 3.9 series), or, when it comes closer, "<3.12.8" or ">3.9.18": versions
// whose ranges differ (">=3.8,<3.11", ">=3.9,<3.12") then state one fact, merged
// across versions as any equal edge is ("numpy >=1.23.0, <1.26.0 requires Python
// <3.12"), instead of one fact per range. The wider range is as true as the
// written one, and the solver, which only ever selects the target's Python,
// decides the same with it.
func (pp *pythonProvider) pythonDependency(s pep440.SpecifierSet) Dependency {
	r, written := pythonRange(s.Range(), pp.python), specifierDisplay(s)
	if !r.Contains(pp.python) {
		for _, side := range pp.pythonSides {
			if r.Subset(side.Range) {
				r, written = side.Range, side.Display
				break
			}
		}
	}
	return Dependency{Package: Package{Name: "@python"}, Range: r, Cause: RequiresPython{written}}
}

// RequiresPythonAllows reports whether a Requires-Python admits the target's Python as
// pip and uv decide it: by the interpreter's release (sys.version_info[:3]), so that a
// pre-release Python 3.13.0rc1 satisfies ">=3.13" (as 3.13.0 does), which PEP 440 alone
// would refuse. Markers (python_full_version) still see the whole version.
func RequiresPythonAllows(s pep440.SpecifierSet, python pep440.Version) bool {
	return s.Contains(python.BaseVersion())
}

// pythonRange is r, a range of Pythons a Requires-Python allows, adjusted so that it
// holds python (the target's, which the solver compares it with) exactly when
// RequiresPythonAllows says so.
func pythonRange(r pep440.Range, python pep440.Version) pep440.Range {
	switch allowed, holds := r.Contains(python.BaseVersion()), r.Contains(python); {
	case allowed && !holds:
		return r.Union(pep440.Exactly(python))
	case !allowed && holds:
		return r.Difference(pep440.Exactly(python))
	}
	return r
}

type pythonSide struct {
	Range   pep440.Range
	Display string
}

// pythonSides are the ranges below and above python that exclude it: first its
// whole release series (for 3.12.8, "<3.12" and ">=3.13"), then python alone
// ("<3.12.8", ">3.12.8").
func pythonSides(python pep440.Version) []pythonSide {
	var specs []string
	if r := python.Release(); len(r) >= 2 {
		specs = append(specs, fmt.Sprintf("<%d.%d", r[0], r[1]), fmt.Sprintf(">=%d.%d", r[0], r[1]+1))
	}
	specs = append(specs, "<"+python.String(), ">"+python.String())
	var out []pythonSide
	for _, text := range specs {
		spec, err := pep440.ParseSpecifier(text)
		if err != nil || spec.Range().Contains(python) {
			continue
		}
		out = append(out, pythonSide{Range: spec.Range(), Display: text})
	}
	return out
}

// operatorOrder puts lower bounds before upper bounds when a specifier set is
// shown: ">=2.0,<3.0" reads better than packaging's canonical "<3.0,>=2.0".
var operatorOrder = map[string]int{">=": 0, ">": 1, "~=": 2, "==": 3, "===": 4, "!=": 5, "<=": 6, "<": 7}

func specifierDisplay(s pep440.SpecifierSet) string {
	specs := s.Specifiers()
	slices.SortStableFunc(specs, func(a, b pep440.Specifier) int {
		return cmp.Compare(operatorOrder[a.Operator()], operatorOrder[b.Operator()])
	})
	parts := make([]string, len(specs))
	for i, sp := range specs {
		parts[i] = sp.String()
	}
	return strings.Join(parts, ",")
}

func (pp *pythonProvider) metadataOf(ctx context.Context, name string, v pep440.Version) (Metadata, error) {
	key := v.String()
	if md, ok := pp.metadata[name][key]; ok {
		return md, nil
	}
	md, err := pp.pb.Index.Metadata(ctx, name, v)
	if err != nil {
		return Metadata{}, err
	}
	if pp.metadata[name] == nil {
		pp.metadata[name] = map[string]Metadata{}
	}
	pp.metadata[name][key] = md
	return md, nil
}
