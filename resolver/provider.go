package resolver

import (
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver/pubgrub"
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

// The PubGrub core (package pubgrub) over this package's packages and PEP 440
// version sets.
type (
	// A Provider tells the solver which versions exist and what each one
	// needs (pubgrub.Provider).
	Provider = pubgrub.Provider[Package, pep440.Version, pep440.Range]
	// Dependencies is what one package version needs: its edges, or why it
	// cannot be used (an Unavailable).
	Dependencies = pubgrub.Dependencies[Package, pep440.Range]
	// A Dependency is one edge of the graph; its Cause, an EdgeCause, says
	// whose requirement or which fact it is, as reports state it.
	Dependency = pubgrub.Dependency[Package, pep440.Range]
	// An Incompatibility is a node of the derivation tree.
	Incompatibility = pubgrub.Incompatibility[Package, pep440.Range]
	// A Term is a statement about one package in an Incompatibility.
	Term = pubgrub.Term[Package, pep440.Range]
	// Options tune a solve.
	Options = pubgrub.Options
)

// ErrStepLimit is returned (wrapped) when a solve exceeds its step bound
// (Options.MaxSteps, Problem.MaxSteps): an operational failure, not a proof that
// no solution exists.
var ErrStepLimit = pubgrub.ErrStepLimit

// Unavailable is a typed external cause: why a package version cannot be used
// (Dependencies.Unavailable). Reports state it in words ("… is unavailable (it
// was yanked)"); passes that act on a kind of cause (Hints, for a yanked
// release) tell kinds apart by type, never by text, so a new kind of fact is
// one new type and its phrasing. Values must be comparable: versions whose
// causes are equal are one fact, merged across versions. The Python layer's
// kinds are in causes.go.
type Unavailable interface {
	// Phrase states the cause as a clause about the versions: "it was yanked".
	Phrase() string
}

// An EdgeCause is a typed external cause of a dependency edge
// (Dependency.Cause): whose requirement it is, or which fact of the target or
// the matrix. Reports state an edge from its shape ("torch 2.5.1 requires NVIDIA
// driver >=525.60.13", "you constrain numpy to <2") with the cause's spelling of
// the range, its note in parentheses and the data rows it cites; a cause that is
// also a RootStatement states an edge of the root in words of its own. A new kind
// of fact is one new type with these methods, and a Merger (package pubgrub)
// when facts that differ in where they were written are one fact. An edge
// without a cause is stated by its shape alone.
type EdgeCause interface {
	// Written is the dependee's range as the fact writes it (">=525.60.13",
	// which PEP 440 normalizes to 525.60.13); "" means the range's own text.
	Written() string
	// Note is what follows the edge in parentheses: where it was written, the
	// rule's reason, "NVIDIA GeForce RTX 5090, from --gpu"; "" for nothing.
	Note() string
	// Citations are the data rows the fact comes from; reports number them.
	Citations() []Citation
}

// A RootStatement is an EdgeCause that states an edge of the root (the user's
// side) in words of its own: "the project requires Python >=3.12 (pyproject.toml:4)",
// "your target's NVIDIA driver is 535.104.05 (from --driver)". Such a fact is
// always stated alone, never joined with another requirement ("you require both
// …"). Without it, a root edge reads "you require …" or "you constrain …".
type RootStatement interface {
	EdgeCause
	// State is the sentence, given the edge with its parts phrased.
	State(e RootEdge) string
}

// RootEdge is an edge of the root with its parts phrased for a RootStatement.
type RootEdge struct {
	Dependee string // what the report calls the dependee: "numpy", "NVIDIA driver"
	Object   string // the dependee and its range as written: "numpy <2", "Python >=3.12"
	Written  string // the range as written: "<2", "==535.104.05"
	// Note is the cause's note in parentheses with a leading space,
	// " (requirements.txt:3)", or "".
	Note       string
	Constrains bool
	// Empty: the range holds no version ("cannot be installed", "has no").
	Empty bool
}
