package resolver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// Release is what an index tells about one version of a project, without
// deciding anything.
type Release struct {
	Version        pep440.Version
	Yanked         bool
	RequiresPython pep440.SpecifierSet // from the index page; metadata may refine it
	Unavailable    string              // non-empty: no usable file for the target, and why
}

// Metadata is the part of a version's core metadata the resolver reads.
type Metadata struct {
	RequiresDist   []pep508.Requirement
	RequiresPython pep440.SpecifierSet
	ProvidesExtra  []string
	Unavailable    string // e.g. "metadata needs a build; depsolve never runs package code"
}

// An Index lists a project's releases and reads a release's metadata. Names are
// PEP 503-normalized. Errors are operational: they abort the solve. The slice
// Releases returns is the caller's: the resolver sorts it in place.
type Index interface {
	Releases(ctx context.Context, name string) ([]Release, error)
	Metadata(ctx context.Context, name string, v pep440.Version) (Metadata, error)
}

// A Rule is one row of the compatibility matrix: a package version restricts
// another package to a range, with its citation. It is a constraint, never a
// dependency: it forbids name==v together with Package outside Range and does not
// pull Package in (torch 2.2 -> numpy <2 must not install numpy); an empty Range
// forbids installing Package next to name==v. Package is virtual ("@driver",
// "@gpu:0") or a real project.
//
// Explanations state a rule as "<versions> requires <Package> <Range> (<Reason>)
// [1][2]", so Reason is a short clause about the versions that does not name them
// ("the wheels ship SASS for compute capability 5.0 … 9.0 and no PTX"): rules of
// several versions with the same Package, Range and Reason are one fact, stated
// once for all of them, citing every row they come from.
type Rule struct {
	Package string       // "@driver", "@gpu:0", or a real package, "numpy"
	Range   pep440.Range // the versions of Package name==v allows
	// Display is Range as the data writes it, for reports: drivers keep their
	// spelling (">=580.65.06", which PEP 440 normalizes to 580.65.6). "" means
	// Range.String().
	Display string
	Reason  string // "CUDA 12.x builds need it"
	// Selects makes the rule a dependency: it pulls Package in. Only a virtual package
	// of the matrix's own (MatrixVirtuals) is selected so, to record a choice the package
	// version makes (the CUDA family of a torch build) that other rules then constrain.
	Selects bool
	// Cites are the data rows the rule comes from. Reports number them ("[1]") and
	// list them after the explanation.
	Cites []Citation
}

// A Citation is one row of the compatibility data a matrix rule comes from, with
// the sources the row cites. An explanation numbers the rows it cites in order of
// first use and lists each once, after the chain ("Sources:").
type Citation struct {
	Number  int            `json:"number,omitempty"` // in an explanation: the n of "[n]"
	Row     input.Position `json:"row"`              // data/torch.toml:444 (a line; JSON: "data/torch.toml:444")
	Sources []Reference    `json:"sources,omitempty"`
}

// A Reference is one source a data row cites.
type Reference struct {
	ID    string `json:"id"` // "S18"
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
}

// String is the citation on one line, "data/torch.toml:444 (S18 https://…)".
func (c Citation) String() string {
	if len(c.Sources) == 0 {
		return c.Row.String()
	}
	return c.Row.String() + " (" + strings.Join(c.references(), ", ") + ")"
}

// references are the sources as "ID URL" texts.
func (c Citation) references() []string {
	out := make([]string, len(c.Sources))
	for i, s := range c.Sources {
		out[i] = strings.TrimSpace(cmp.Or(s.ID, s.Title) + " " + s.URL)
	}
	return out
}

// citations is what an explanation cites for r: its Cites.
func (r Rule) citations() []Citation { return slices.Clone(r.Cites) }

// A Matrix gives the rules that apply to one package version.
type Matrix interface {
	Rules(name string, v pep440.Version) []Rule
}

// A DependencyMatrix is a Matrix whose rules for a version may also read what the
// version's metadata requires on the target (markers evaluated): a build the matrix has
// no row for still shows its CUDA in the CUDA libraries it depends on. The provider asks
// it instead of Rules once it has the metadata; the facts stay the metadata's.
type DependencyMatrix interface {
	Matrix
	RulesFor(name string, v pep440.Version, requires []pep508.Requirement) []Rule
}

// MatrixVirtuals is a Matrix with virtual packages of its own, which no target fact
// gives: a package version selects one of their versions (Rule.Selects) and rules of
// other packages constrain it. VirtualVersions lists every version one may have; it
// must not change during a solve.
type MatrixVirtuals interface {
	Matrix
	VirtualVersions(name string) []pep440.Version
}

// A MatrixHinter is a Matrix that can suggest ways out of a conflict: another
// build of a release that runs on the target, a driver that runs it. Problem.Hints
// asks it about each package whose rules on the target's facts rule out versions
// in the explanation.
type MatrixHinter interface {
	Matrix
	Hints(c MatrixConflict) []MatrixHint
}

// A MatrixHint is one way out a MatrixHinter suggests, in one sentence (Text). Target
// holds the target facts the hint asks to change (the NVIDIA driver it names), nil for
// none: such a hint is shown only when the requirements resolve on the target it
// proposes, for a fact that lets one package run may leave the rest in conflict.
type MatrixHint struct {
	Text   string
	Target []Virtual
}

// A MatrixConflict is one package whose matrix rules on the target's facts take
// part in a conflict.
type MatrixConflict struct {
	Package  string           // PEP 503 name
	RuledOut []pep440.Version // listed versions that a rule on a target fact forbids, ascending
	Listed   []pep440.Version // every version the index listed, ascending
	Target   []Virtual        // the target's facts
	// Policy and Indexes are the problem's (Problem.Policy, Problem.PolicyIndexes): a
	// hint stays inside the policy (PolicyAllows, IndexAllowed).
	Policy  []PolicyRule
	Indexes []string
}

// A Requirement is one line of the user's input, with where it was written.
type Requirement struct {
	pep508.Requirement
	Origin input.Position // requirements.txt:3
	// Of names whose requirement this is when it is not the user's own, as reports
	// phrase it: "the project" for a pyproject.toml's requires-python, given as a
	// requirement on a virtual package (Name "@python", Specifier ">=3.12"), which
	// reports state as "the project requires Python >=3.12 (pyproject.toml:4)", not
	// as a fact of the target. "" is the user: "you require".
	Of string
	// Lock is set for a package of a PEP 751 lock file: its marker may read extras
	// and dependency_groups, the sets Lock holds (pep508's EvaluateLock). nil: a
	// marker that reads them is a *RequirementError.
	Lock *LockSelection
}

// A LockSelection is what a PEP 751 lock is installed with: the extras and the
// dependency groups chosen at install time, which its packages' markers test
// (pep508's, whose Decide reads it).
type LockSelection = pep508.LockSelection

// A Virtual is one fact about the target: the single version of a virtual
// package. A target without a driver (or CUDA, or GPU) simply has no such
// Virtual, and compat emits no rule about it.
type Virtual struct {
	Name    string // "@python", "@driver", "@cuda", "@glibc", "@gpu:0", …
	Version pep440.Version
	// Origin says where the value came from, as reports print it after the value:
	// "from --driver", "detected by nvidia-smi".
	Origin string
	// Label is what the value is to the user, when that is not the version
	// itself: the GPU model, "NVIDIA GeForce RTX 5090". Reports print it with the
	// origin: "GPU 0 compute capability is 12.0 (NVIDIA GeForce RTX 5090, from --gpu)".
	Label string
}

// Prereleases is the pre-release policy. It orders candidates and never
// withholds one: every listed version of a package is a candidate under either
// policy, so whether a solution exists does not depend on it, nor on the order in
// which the solver meets requirements.
type Prereleases uint8

const (
	// PrereleasesIfNeeded (the default) offers every final release before any
	// pre-release. A pre-release is selected only when every final release in
	// the package's active range is ruled out: by the requirements' ranges
	// (a==2.0rc1, a>1.0 when 1.0 is the newest final release) or by a conflict
	// the solver has learned (the final releases' own dependencies cannot be
	// met). A specifier that names a pre-release (a>=1.0b1) changes nothing:
	// ranges alone decide. This is uv's default since 2026 (its scenario
	// prerelease-fallback-after-stable-rejected). pip instead filters each
	// requirement's candidates with packaging's rules (pre-releases only if the
	// specifier names one or no final release matches it) and reports no
	// solution where depsolve falls back to a pre-release. As with uv and pub,
	// the preference holds for each decision, not across packages: a
	// pre-release of one package may be selected where another choice for a
	// different package would have left a final release usable.
	PrereleasesIfNeeded Prereleases = iota
	// PrereleasesAllow lets pre-releases compete with final releases, newest
	// first (pip's --pre).
	PrereleasesAllow
)

// A Problem is everything one resolution needs.
type Problem struct {
	Requirements []Requirement
	// Constraints restrict a package's version if something requires it, and
	// never add packages (pip's -c).
	Constraints []Requirement
	// Policy are the rules of the platform's policy: constraints, like Constraints,
	// stated in the policy's words. Hints never relax them.
	Policy []PolicyRule
	// Image are the packages the base image ships installed: constraints at the
	// image's release, explained as the image's.
	Image []ImagePackage
	// PolicyIndexes are the indexes the policy allows; a hint never names another. nil:
	// any index.
	PolicyIndexes []string
	// Environment is the target's marker environment (PEP 508), without "extra".
	Environment pep508.Environment
	// Virtual lists the target's facts; "@python" is required: Requires-Python
	// is checked against it. Each is required at its version, so matrix rules
	// (constraints) on it apply.
	Virtual []Virtual
	Index   Index
	Matrix  Matrix // may be nil
	// Prereleases is the pre-release policy.
	Prereleases Prereleases
	// Preferred versions (from an existing lock, by PEP 503 name) are tried
	// first, if they are allowed.
	Preferred map[string]pep440.Version
	// MaxSteps bounds the solve (Options.MaxSteps).
	MaxSteps int
	// VirtualNames names the virtual packages in explanations; the caller defines
	// them, so it names them.
	VirtualNames VirtualNames
}

// A Resolution is the set of pinned projects.
type Resolution struct {
	Packages []Pin // sorted by name
}

// A Pin is one selected project.
type Pin struct {
	Name    string // PEP 503
	Version pep440.Version
	Extras  []string // the extras selected, sorted
	// Via says why the project is there: the origins of the user's requirements
	// ("requirements.txt:3") and the names of the projects that depend on it;
	// sorted and without duplicates, as a lockfile's "# via" wants it.
	Via []string
	// RequiredBy lists the requirements that bring the project in, the user's
	// (From "") and its dependents', sorted by From, then Origin, then Specifier.
	RequiredBy []Edge
}

// An Edge is one requirement on a pinned project.
type Edge struct {
	From      string         // the requiring project (PEP 503); "" for the user's requirements
	Extras    []string       // the extras of the project it asks for, sorted
	Specifier string         // the versions it allows, as written; "" for any version
	Origin    input.Position // where a requirement of the user's is written (requirements.txt:3)
}

// rootPackage is the anonymous root of a Python problem: the user's requirements.
var rootPackage = Package{}

// Resolve solves pb. Exactly one of the results is non-nil; the error is an
// operational failure (the Index's errors, a bad requirement, ctx, ErrStepLimit),
// never "no solution".
func Resolve(ctx context.Context, pb *Problem) (*Resolution, *NoSolution, error) {
	prov, err := newPythonProvider(pb)
	if err != nil {
		return nil, nil, err
	}
	sol, ns, err := Solve(ctx, prov, rootPackage, pep440.MustParse("0"), Options{MaxSteps: pb.MaxSteps})
	if ns != nil {
		ns.VirtualNames = pb.VirtualNames
	}
	if err != nil || ns != nil {
		return nil, ns, err
	}
	return resolution(sol), nil, nil
}

// resolution folds extras' proxies into their projects and drops the target's
// virtual packages.
func resolution(sol *Solution) *Resolution {
	pins := map[string]*Pin{}
	via := map[string]map[string]bool{}
	for _, s := range sol.Packages {
		p := s.Package
		if p.IsVirtual() {
			continue
		}
		pin := pins[p.Name]
		if pin == nil {
			pin = &Pin{Name: p.Name, Version: s.Version}
			pins[p.Name] = pin
			via[p.Name] = map[string]bool{}
		}
		if p.Extra != "" {
			pin.Extras = append(pin.Extras, p.Extra)
		}
		for _, r := range s.RequiredBy {
			pin.addEdge(p, r)
			switch {
			case r.Package == rootPackage:
				origin := "(requirements)"
				if !r.Origin.IsZero() {
					origin = r.Origin.String()
				}
				via[p.Name][origin] = true
			case r.Package.Name != p.Name:
				via[p.Name][r.Package.Name] = true
			}
		}
	}
	res := &Resolution{}
	for name, pin := range pins {
		slices.Sort(pin.Extras)
		for v := range via[name] {
			pin.Via = append(pin.Via, v)
		}
		slices.Sort(pin.Via)
		slices.SortFunc(pin.RequiredBy, func(a, b Edge) int {
			return cmp.Or(cmp.Compare(a.From, b.From), input.Compare(a.Origin, b.Origin), cmp.Compare(a.Specifier, b.Specifier))
		})
		res.Packages = append(res.Packages, *pin)
	}
	slices.SortFunc(res.Packages, func(a, b Pin) int { return cmp.Compare(a.Name, b.Name) })
	return res
}

// addEdge folds r, an edge into p (the project or one of its extras' proxies), into
// the pin's edges: "foo[a,b]>=1" is one edge asking for extras a and b. The target's
// facts and an extra's pin on its own project are no requirements of the project.
func (pin *Pin) addEdge(p Package, r Requirer) {
	if r.Package.IsVirtual() || r.Package.Name == p.Name {
		return
	}
	e := Edge{From: r.Package.Name, Specifier: r.Specifier, Origin: r.Origin}
	i := slices.IndexFunc(pin.RequiredBy, func(x Edge) bool {
		return x.From == e.From && x.Specifier == e.Specifier && x.Origin == e.Origin
	})
	if i < 0 {
		pin.RequiredBy = append(pin.RequiredBy, e)
		i = len(pin.RequiredBy) - 1
	}
	if p.Extra != "" && !slices.Contains(pin.RequiredBy[i].Extras, p.Extra) {
		pin.RequiredBy[i].Extras = append(pin.RequiredBy[i].Extras, p.Extra)
		slices.Sort(pin.RequiredBy[i].Extras)
	}
}

// Version is the version selected for name (PEP 503), if any: what
// compat's (*TargetMatrix).AdvisoriesFor asks of a resolution.
func (r *Resolution) Version(name string) (pep440.Version, bool) {
	p, ok := r.Pin(name)
	return p.Version, ok
}

// Pin returns the pin for name, if it was selected.
func (r *Resolution) Pin(name string) (Pin, bool) {
	i, ok := slices.BinarySearchFunc(r.Packages, name, func(p Pin, name string) int { return cmp.Compare(p.Name, name) })
	if !ok {
		return Pin{}, false
	}
	return r.Packages[i], true
}

// ErrDirectURL is the Err of a RequirementError for a "name @ URL" requirement.
var ErrDirectURL = errors.New("direct URL references are not resolved from an index")

// A RequirementError is a requirement or constraint of the user's input that the
// resolver cannot use: a direct URL reference (Err is ErrDirectURL), or a marker it
// cannot evaluate for the target, because it reads a variable the target does not
// define and its value depends on it (Err is a *pep508.UndefinedNameError), or because
// it compares what PEP 508 cannot (a *pep508.UndefinedComparisonError). It is bad
// input, not an operational failure: callers find it with errors.As.
type RequirementError struct {
	Origin      input.Position // requirements.txt:3; zero when unknown
	Requirement pep508.Requirement
	Constraint  bool // it is a constraint (pip -c)
	Err         error
}

func (e *RequirementError) Unwrap() error { return e.Err }

// Error names the line, what is wrong with it and what to do.
func (e *RequirementError) Error() string {
	if e.Origin.IsZero() {
		return e.Message()
	}
	return e.Origin.String() + ": " + e.Message()
}

// Message is Error without the line: the requirement, what is wrong with it and what
// to do.
func (e *RequirementError) Message() string {
	var b strings.Builder
	b.WriteString(e.Requirement.String() + ": ")
	var undefinedName *pep508.UndefinedNameError
	var undefinedComparison *pep508.UndefinedComparisonError
	switch {
	case errors.Is(e.Err, ErrDirectURL) && e.Constraint:
		fmt.Fprintf(&b, "a constraint cannot be a direct URL reference; constrain %s by version (%s==VERSION)", e.Requirement.Name, e.Requirement.Name)
	case errors.Is(e.Err, ErrDirectURL):
		fmt.Fprintf(&b, "%v; require %s by version (%s==VERSION) from an index, or put the file in a --find-links folder", e.Err, e.Requirement.Name, e.Requirement.Name)
	case errors.As(e.Err, &undefinedName):
		b.WriteString(undefinedVariableText(undefinedName.Name))
	case errors.As(e.Err, &undefinedComparison):
		fmt.Fprintf(&b, "its marker compares %s, which PEP 508 does not define (%s); fix the marker", undefinedComparison.Comparison, undefinedComparison.Reason)
	default:
		fmt.Fprintf(&b, "its marker cannot be evaluated: %v", e.Err)
	}
	return b.String()
}

// targetValues says which target value defines each marker variable, for the message
// of a marker that depends on one the target does not know.
var targetValues = map[string]string{
	"python_version":                 "Python version",
	"python_full_version":            "Python version",
	"implementation_version":         "Python implementation and version",
	"implementation_name":            "Python implementation",
	"platform_python_implementation": "Python implementation",
	"sys_platform":                   "platform",
	"platform_system":                "platform",
	"os_name":                        "platform",
	"platform_machine":               "platform",
}

func undefinedVariableText(name string) string {
	if isSetVariable(name) {
		return fmt.Sprintf("its marker reads %s, which only a lock file defines (PEP 751); fix the marker", name)
	}
	switch name {
	case "platform_release", "platform_version":
		return fmt.Sprintf("whether it applies depends on %s, the kernel of the machine that installs it, which a resolution for a target cannot know; "+
			"drop that condition, or keep the requirement in a file used only on the machines it is meant for", name)
	}
	what, ok := targetValues[name]
	if !ok {
		return fmt.Sprintf("whether it applies depends on %s, which the target does not define", name)
	}
	return fmt.Sprintf("whether it applies depends on %s, which is undefined because the target's %s is unknown; set the target's %s", name, what, what)
}

// requirementError is the error for a user requirement or constraint.
func requirementError(r Requirement, constraint bool, err error) error {
	return &RequirementError{Origin: r.Origin, Requirement: r.Requirement, Constraint: constraint, Err: err}
}
