package resolver

import (
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
)

// A PolicyRule is a rule of a platform team's policy on a real package: it restricts
// Package to Range if something requires it, and never requires it (a deny of torch
// <2.6 must not install torch). Explanations state it in the policy's words, with the
// policy's line cited like a matrix row: "your platform's policy (policy.toml:14)
// denies torch <2.6 (CVE-2025-32434: …) [1]".
type PolicyRule struct {
	Package string       // PEP 503
	Range   pep440.Range // the versions the rule allows
	// Statement is what the rule does, as its policy writes it: "denies torch <2.6",
	// "requires numpy >=1.26".
	Statement string
	Reason    string
	Cite      Citation // the policy's line ("policy.toml:14") and the link the rule gives
}

// PolicyFact is the cause of a PolicyRule's edge of the root.
type PolicyFact struct {
	Statement, Spec, Reason string
	Row                     Citation
}

func (c PolicyFact) Written() string       { return c.Spec }
func (c PolicyFact) Note() string          { return c.Reason }
func (c PolicyFact) Citations() []Citation { return []Citation{c.Row} }
func (c PolicyFact) State(e RootEdge) string {
	return "your platform's policy (" + c.Row.Row.String() + ") " + c.Statement + e.Note
}

// policyDependency is the root's edge of a rule.
func policyDependency(r PolicyRule) Dependency {
	return Dependency{
		Package: Package{Name: r.Package}, Range: r.Range, Constrains: true,
		Cause: PolicyFact{Statement: r.Statement, Spec: r.Range.String(), Reason: r.Reason, Row: r.Cite},
	}
}

// PolicyAllows reports whether the policy's rules leave a project name==v: a hint that
// suggests another version or build must.
func (c MatrixConflict) PolicyAllows(name string, v pep440.Version) bool {
	for _, r := range c.Policy {
		if r.Package == name && !r.Range.Contains(v) {
			return false
		}
	}
	return true
}

// IndexAllowed reports whether the policy lets packages come from the index at url
// (trailing slashes aside): a hint that names an index must.
func (c MatrixConflict) IndexAllowed(url string) bool {
	if c.Indexes == nil {
		return true
	}
	return slices.ContainsFunc(c.Indexes, func(ix string) bool {
		return strings.TrimSuffix(ix, "/") == strings.TrimSuffix(url, "/")
	})
}
