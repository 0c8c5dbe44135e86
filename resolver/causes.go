package resolver

import (
	"slices"
	"strings"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

// The Python layer's kinds of Unavailable: why a release cannot be used.

// Yanked: the release was yanked and no requirement pins it exactly (PEP 592).
// Hints offers the pin.
type Yanked struct{}

func (Yanked) Phrase() string { return "it was yanked" }

// NoUsableFile: the index lists no file the target can install, in the index's
// words (Release.Unavailable): "no wheel for cp311 manylinux_2_17_x86_64".
type NoUsableFile struct{ Text string }

func (c NoUsableFile) Phrase() string { return c.Text }

// MetadataUnavailable: the release's metadata cannot be read without running
// package code (an sdist that needs a build), in the index's words
// (Metadata.Unavailable).
type MetadataUnavailable struct{ Text string }

func (c MetadataUnavailable) Phrase() string { return c.Text }

// UndecidableMarker: a Requires-Dist entry's marker cannot be evaluated for the
// target, so what the release needs is unknown.
type UndecidableMarker struct{ Requirement, Problem string }

func (c UndecidableMarker) Phrase() string {
	return "its metadata has a marker that cannot be evaluated (" + c.Requirement + ": " + c.Problem + ")"
}

// DirectURLDependency: the release depends on a direct URL reference, which no
// index resolves.
type DirectURLDependency struct{ Requirement string }

func (c DirectURLDependency) Phrase() string {
	return "it depends on " + c.Requirement + ", a direct URL reference, which is not resolved from an index"
}

// The Python layer's kinds of EdgeCause: whose requirement an edge is, or which
// fact. Spec is the dependee's range as written (EdgeCause.Written).

// UserRequirement: a requirement of the user's input, "you require numpy <2
// (requirements.txt:3)". The same requirement on several lines is one fact,
// cited at the first.
type UserRequirement struct {
	Origin input.Position
	Spec   string
}

func (c UserRequirement) Written() string       { return c.Spec }
func (c UserRequirement) Note() string          { return c.Origin.String() }
func (c UserRequirement) Citations() []Citation { return nil }
func (c UserRequirement) MergeKey() any         { return userRequirementKey{c.Spec} }
func (c UserRequirement) Merge(pubgrub.Cause) (pubgrub.Cause, bool) {
	return c, false
}

type userRequirementKey struct{ spec string }

// UserConstraint: a line of a constraints file (pip's -c), "you constrain numpy
// to <2 (constraints.txt:1)"; the same line repeated is one fact.
type UserConstraint struct {
	Origin input.Position
	Spec   string
}

func (c UserConstraint) Written() string       { return c.Spec }
func (c UserConstraint) Note() string          { return c.Origin.String() }
func (c UserConstraint) Citations() []Citation { return nil }
func (c UserConstraint) MergeKey() any         { return userConstraintKey{c.Spec} }
func (c UserConstraint) Merge(pubgrub.Cause) (pubgrub.Cause, bool) {
	return c, false
}

type userConstraintKey struct{ spec string }

// ProjectRequirement: a requirement that is not the user's own but a file's
// (Requirement.Of): "the project requires Python >=3.12 (pyproject.toml:4)".
type ProjectRequirement struct {
	Of     string
	Origin input.Position
	Spec   string
}

func (c ProjectRequirement) Written() string       { return c.Spec }
func (c ProjectRequirement) Note() string          { return c.Origin.String() }
func (c ProjectRequirement) Citations() []Citation { return nil }
func (c ProjectRequirement) State(e RootEdge) string {
	return c.Of + " requires " + e.Object + e.Note
}
func (c ProjectRequirement) MergeKey() any { return projectRequirementKey{c.Of, c.Spec} }
func (c ProjectRequirement) Merge(pubgrub.Cause) (pubgrub.Cause, bool) {
	return c, false
}

type projectRequirementKey struct{ of, spec string }

// TargetFact: the target's value of a virtual package (Virtual), "your target's
// NVIDIA driver is 535.104.05 (from --driver)", with what the value is to the
// user when that is not the version itself (Virtual.Label).
type TargetFact struct{ Origin, Label, Spec string }

func (c TargetFact) Written() string       { return c.Spec }
func (c TargetFact) Note() string          { return strings.Join(nonEmpty(c.Label, c.Origin), ", ") }
func (c TargetFact) Citations() []Citation { return nil }
func (c TargetFact) State(e RootEdge) string {
	return "your target's " + e.Dependee + " is " + strings.TrimPrefix(e.Written, "==") + e.Note
}

// RequiresDist: an entry of a release's Requires-Dist, "foo 1.0 depends on bar
// >=2.0".
type RequiresDist struct{ Spec string }

func (c RequiresDist) Written() string       { return c.Spec }
func (c RequiresDist) Note() string          { return "" }
func (c RequiresDist) Citations() []Citation { return nil }

// ExtraProject: an extra's proxy package pins its project at its own version,
// "foo[bar] 1.0 depends on foo ==1.0".
type ExtraProject struct{ Spec string }

func (c ExtraProject) Written() string       { return c.Spec }
func (c ExtraProject) Note() string          { return "" }
func (c ExtraProject) Citations() []Citation { return nil }

// RequiresPython: a release's Requires-Python, an edge to "@python", "numpy
// 2.0.0 requires Python >=3.9".
type RequiresPython struct{ Spec string }

func (c RequiresPython) Written() string       { return c.Spec }
func (c RequiresPython) Note() string          { return "" }
func (c RequiresPython) Citations() []Citation { return nil }

// MatrixFact: a rule of the compatibility matrix (Rule), "torch 2.5.1+cu124
// requires NVIDIA driver >=525.60.13 (CUDA 12.x builds need it) [1]". Rules of
// several versions with equal range and reason are one fact, citing every row
// they come from, unless the rule selects its package (Rule.Selects).
type MatrixFact struct {
	Spec, Reason string
	Cites        []Citation
	Selects      bool
}

func (c MatrixFact) Written() string       { return c.Spec }
func (c MatrixFact) Note() string          { return c.Reason }
func (c MatrixFact) Citations() []Citation { return c.Cites }

func (c MatrixFact) MergeKey() any {
	if c.Selects {
		return nil
	}
	return matrixFactKey{c.Spec, c.Reason}
}

type matrixFactKey struct{ spec, reason string }

// Merge cites the receiver's rows, then other's new ones.
func (c MatrixFact) Merge(other pubgrub.Cause) (pubgrub.Cause, bool) {
	o, _ := other.(MatrixFact)
	cites := c.Cites
	for _, r := range o.Cites {
		if !slices.ContainsFunc(cites, func(have Citation) bool { return have.Row == r.Row }) {
			if len(cites) == len(c.Cites) {
				cites = slices.Clone(c.Cites)
			}
			cites = append(cites, r)
		}
	}
	if len(cites) == len(c.Cites) {
		return c, false
	}
	c.Cites = cites
	return c, true
}
