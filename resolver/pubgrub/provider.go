package pubgrub

import (
	"context"
	"errors"
)

// A Set is a set of versions of type V, closed under the operations the solver
// needs. S is the set type itself. Equal sets must be Equal and have the same
// String: the solver keys facts by it.
type Set[V, S any] interface {
	Contains(V) bool
	Intersect(S) S
	Union(S) S
	Difference(S) S
	Complement() S
	IsEmpty() bool
	Equal(S) bool
	String() string
}

// Versions is what the solver needs of a version scheme beyond its sets'
// operations: the order of versions, the sets it builds, and how a run of listed
// versions is written as a set, which decides how facts of several versions read.
type Versions[V, S any] interface {
	Compare(a, b V) int
	Full() S
	Empty() S
	Exactly(v V) S
	// Span is a set that holds, of the ascending listed versions, exactly those
	// from listed[i] to listed[j] (i <= j). It may hold versions that are not
	// listed: the solver only ever selects listed ones.
	Span(listed []V, i, j int) S
}

// A Provider tells the solver which versions exist and what each one needs. It is
// the solver's only source of facts: the solver itself does no I/O. Both methods
// are called at most once per argument during a solve; errors abort the solve and
// are returned as operational errors.
type Provider[P comparable, V, S any] interface {
	// Versions returns the versions of p the solver may choose, most preferred first:
	// the solver decides on the first one that the partial solution allows. An
	// empty list means p has no versions. The list must not change during a solve.
	Versions(ctx context.Context, p P) ([]V, error)
	// Dependencies returns what version v of p needs, or why it cannot be used.
	Dependencies(ctx context.Context, p P, v V) (Dependencies[P, S], error)
}

// Dependencies is what one package version needs.
type Dependencies[P comparable, S any] struct {
	// Unavailable, when not nil, says why the version cannot be used at all; the
	// other fields are then ignored.
	Unavailable Cause
	Requires    []Dependency[P, S]
}

// A Dependency is one edge of the graph: versions of the depender need Package
// in Range.
type Dependency[P comparable, S any] struct {
	Package P
	Range   S
	// Constrains makes the edge a constraint: Package need not be selected, but
	// if anything selects it, its version must be in Range.
	Constrains bool
	// Cause says why the edge holds (whose requirement it is, which fact); nil
	// for an edge that is nothing more than itself.
	Cause Cause
}

// A Cause is why an external fact holds, in the provider's terms: why versions
// cannot be used (Dependencies.Unavailable), why an edge holds
// (Dependency.Cause). The solver keeps it with the fact and hands it back in the
// derivation tree, and reads nothing in it but equality: facts with equal causes
// about versions of one package (and equal ranges, for edges) are one fact,
// stated once for all those versions, and an edge repeated within one version's
// dependencies is kept once. Causes are compared with ==, a Merger's by its
// MergeKey; a cause whose type cannot be compared (it holds a slice, a map) is
// a fact of its own, never merged. A cause that holds an interface must hold
// comparable values in it.
type Cause any

// A Merger is a Cause whose facts are one fact even when the causes differ in
// what does not change the fact: where it was written, which data rows it
// cites. Edges with equal MergeKeys (and equal ranges) are merged, and the
// merged edge's cause is Merge of theirs, in the order the solver met them.
type Merger interface {
	// MergeKey is the comparable part of the cause that says what the fact
	// is; nil means the fact is never merged with another.
	MergeKey() any
	// Merge is the cause of the edge merged from the receiver's and other's,
	// which has the same MergeKey; changed is false when other adds nothing
	// to the receiver (then the edge given again is dropped).
	Merge(other Cause) (merged Cause, changed bool)
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
