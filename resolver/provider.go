package resolver

import (
	"context"
	"errors"
	"strings"

	"github.com/depsolve/depsolve/pep440"
)

// A Package is one node of the dependency graph: a PEP 503-normalized project name,
// the proxy of one of its extras (Extra set, PEP 685-normalized), or a virtual
// package whose name starts with "@" ("@python", "@driver", "@cuda", "@glibc",
// "@gpu:0"): a fact about the target with exactly one version, or none.
type Package struct{ Name, Extra string }

func (p Package) String() string {
	if p.Extra != "" {
		return p.Name + "[" + p.Extra + "]"
	}
	return p.Name
}

// IsVirtual reports whether p stands for a property of the target rather than a project.
func (p Package) IsVirtual() bool { return strings.HasPrefix(p.Name, "@") }

// VirtualNames says how reports name virtual packages ("@driver": "NVIDIA driver",
// "@gpu:1": "GPU 1 compute capability"). Whoever defines the virtual packages
// provides it (matrix.VirtualDisplay): the solver and its reports know none of them.
// Without one, a virtual package prints without its "@".
type VirtualNames func(name string) string

// A Provider tells the solver which versions exist and what each one needs. It is
// the solver's only source of facts: the solver itself does no I/O. Both methods
// are called at most once per argument during a solve; errors abort the solve and
// are returned as operational errors.
type Provider interface {
	// Versions returns the versions of p the solver may choose, most preferred first:
	// the solver decides on the first one that the partial solution allows. An
	// empty list means p has no versions. The list must not change during a solve.
	Versions(ctx context.Context, p Package) ([]pep440.Version, error)
	// Dependencies returns what version v of p needs, or why it cannot be used.
	Dependencies(ctx context.Context, p Package, v pep440.Version) (Dependencies, error)
}

// Dependencies is what one package version needs.
type Dependencies struct {
	// Unavailable, when set, says why the version cannot be used at all; the
	// other fields are then ignored.
	Unavailable Unavailable
	Requires    []Dependency
}

// Unavailable is a typed external cause: why a package version cannot be used.
// Reports state it in words ("… is unavailable (it was yanked)"); passes that
// act on a kind of cause (Hints, for a yanked release) tell kinds apart by type,
// never by text, so a new kind of fact is one new type and its phrasing. Values
// must be comparable: versions whose causes are equal are one fact, merged
// across versions. The Python layer's kinds are in causes.go.
type Unavailable interface {
	// Phrase states the cause as a clause about the versions: "it was yanked".
	Phrase() string
}

// Reason is a cause stated in words alone, for providers that know no kinds.
type Reason string

func (r Reason) Phrase() string { return string(r) }

// A Dependency is one edge of the graph, kept with what the reporter needs to
// name where it came from.
type Dependency struct {
	Package Package
	Range   pep440.Range
	// Constrains makes the edge a constraint: Package need not be selected, but
	// if anything selects it, its version must be in Range (pip's -c files, the
	// target's fixed facts, matrix rules on real packages).
	Constrains bool
	// Display is the range as written ("<1.0.post0.dev0"); empty means Range.String().
	Display string
	// Origin says where the edge was written: "requirements.txt:3" for a root
	// requirement, a data file and row for a matrix rule, "--driver" for a target fact.
	Origin string
	// Reason explains an edge that is not package metadata, such as a matrix rule
	// ("CUDA 12.x builds need it").
	Reason string
	// Cites are the data rows a matrix rule comes from; reports number them.
	// Constraints with Cites and equal Range, Display and Reason are one fact
	// whatever rows they cite: merged across versions, the edge cites them all.
	Cites []Citation
	// Label says what a target fact is to the user ("NVIDIA GeForce RTX 5090"), for
	// the root's edges to virtual packages (Virtual.Label).
	Label string
	// Of names whose requirement a root edge states when it is not the user's own
	// (Requirement.Of): "the project requires Python >=3.12", not "you require".
	Of string
}

func (d Dependency) display() string {
	if d.Display != "" {
		return d.Display
	}
	return d.Range.String()
}

// Options tune a solve. The zero value is ready to use.
type Options struct {
	// MaxSteps bounds the number of decisions plus conflict resolutions; past it
	// Solve returns ErrStepLimit instead of an answer. Zero means DefaultMaxSteps.
	MaxSteps int
}

// DefaultMaxSteps is far beyond what real dependency graphs need (the resolvelib
// snapshots take a few hundred steps): reaching it means a pathological universe.
const DefaultMaxSteps = 1_000_000

// ErrStepLimit is returned (wrapped) when a solve exceeds Options.MaxSteps. It is an
// operational failure, not a proof that no solution exists.
var ErrStepLimit = errors.New("resolver: step limit reached before an answer")
