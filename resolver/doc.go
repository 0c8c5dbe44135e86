// Package resolver finds versions for a set of Python requirements, or proves that
// none exist and explains why, with the PubGrub algorithm (Natalie Weizenbaum,
// dart-lang/pub doc/solver.md, as also implemented by pubgrub-rs, poetry's mixology
// and uv).
//
// # Core
//
// The solver is package pubgrub, generic over package, version and version-set
// types, and knows nothing of Python; its package comment states the algorithm
// and every deviation. Solve runs it over Package and PEP 440 (pep440.Range
// version sets; pep440Versions writes a run of listed versions as the specifier
// that holds exactly them, minding local versions). The Provider's facts carry
// typed causes, which the solver keeps and only compares: why a version cannot
// be used (Unavailable: a yank, no usable file, metadata that needs a build, …)
// and why an edge holds (EdgeCause: the user's requirement or constraint with
// its line, the project's requires-python, a target fact, a release's
// Requires-Dist or Requires-Python, a matrix rule with its rows; causes.go).
// Constraints files, the target's fixed facts and matrix rules on real packages
// are constraints: they restrict a package if selected and never require it.
// Matrix rules (MatrixFact) merge across versions when range and reason agree,
// whatever rows they cite: the merged edge cites all of them, so "every build of
// torch 2.6.0" is one fact rather than one per CUDA build.
//
// # Adding a kind of fact
//
// A new kind of fact (a platform policy's rule, a package a base image ships) is
// one type and its phrasing; neither the solver nor the reports change. For an
// edge, the type implements EdgeCause (the range as written, the note in
// parentheses, the rows it cites), and RootStatement when the fact is the
// user's side's and reads in words of its own:
//
//	type PolicyRule struct{ Spec, Why string; Row Citation }
//
//	func (r PolicyRule) Written() string       { return r.Spec }
//	func (r PolicyRule) Note() string          { return r.Why }
//	func (r PolicyRule) Citations() []Citation { return []Citation{r.Row} }
//	func (r PolicyRule) State(e RootEdge) string {
//		return "your platform's policy allows only " + e.Object + e.Note
//	}
//
// The provider then gives the root the edge {torch, >=2.6, Constrains, PolicyRule{…}},
// and a conflict reads "… your platform's policy allows only torch >=2.6
// (CVE-2025-32434) [1] …" with "[1] policy.toml:14" under Sources
// (TestNewCauseKind). A fact that several versions state alike and that should
// read once implements pubgrub.Merger; a cause of an unavailable version
// implements Unavailable. Passes that act on a kind (Hints) switch on the type.
//
// # Reports
//
// NoSolution.Lines turns the derivation tree into numbered lines following
// solver.md "Error Reporting": a line per derived incompatibility, a number only
// on lines used twice or ending a branch, single-use steps of a linear chain
// folded into the next sentence, and two facts joined where English allows ("p
// depends on both q and r", "p depends on q, which depends on r", "…, which
// matches no version"). Version sets of real packages are described by the
// versions that exist ("foo 1.0.0", "every version of foo", ">=1.0, <1.2"), and
// "no versions" facts that only say which versions do not exist are dropped, as
// pubgrub-rs's collapse_no_versions does. Ranges that PEP 440 cannot write (the
// extensions of pep440.Range.String: "<2.6.0+cu126", "!==1.0", interval
// notation) are described by the listed versions they hold, as pubgrub-rs and uv
// simplify ranges against the available versions: "torch ==2.6.0" for every
// build of 2.6.0, else the versions one by one. A run of five or more lines that
// repeat one step version by version (exhausting boto3 1.100, 1.101, …) is folded
// into one line that names the versions. Text renders the lines as "Because …, … .
// And because …, … . So, because …, … ." prose; the same Line values feed JSON.
// The root's requirements read "you require …", the target's facts "your
// target's NVIDIA driver is 535.104.05 (from --driver)", virtual packages named
// as their definer names them (Problem.VirtualNames; the resolver knows no
// CUDA name), with versions of virtual
// packages spelled as the facts write them (drivers: 580.65.06, also in derived
// ranges). A matrix rule reads "<versions> requires <range> (<reason>) [1][2]":
// its data rows are numbered in order of first use and listed once in a
// "Sources:" block after the chain (Premise.Citations, NoSolution.Sources).
//
// # Python
//
// Resolve solves a Problem: requirements and constraints with their origins, the
// target's marker environment and virtual packages ("@python", "@driver",
// "@cuda", "@glibc", "@gpu:N", each with one version or none), an Index, an
// optional Matrix, a pre-release policy and preferred versions. The
// pythonProvider documentation gives the rules: extras are proxy packages pinned
// to their project's version, Requires-Python is a dependency on "@python",
// markers are evaluated against the target (a variable it does not define, such
// as platform_release, counts only where the marker's value depends on it; a user
// requirement that then cannot be decided, or a direct URL one, is a
// *RequirementError: bad input), yanked releases need an exact pin,
// constraints restrict without adding packages, and local versions are distinct
// versions. Pre-releases are offered after every final release (unless
// PrereleasesAllow) and never withheld: one is selected only when every final
// release in its package's active range is ruled out, by the ranges or by a
// conflict the solver learned, and a specifier that names a pre-release changes
// nothing. This is uv's default since 2026; pip filters candidates per
// specifier with packaging's rules and reports no solution where depsolve falls
// back to a pre-release (Prereleases states the rule).
// Requires-Python upper bounds are honoured, as pip does and uv does not: the
// target is one interpreter. Problem.Hints is a separate pass that looks for
// ways out of a conflict; a Matrix that also implements MatrixHinter adds what
// only the matrix knows (another CUDA build that runs on the target, the driver
// that runs the one required).
package resolver
