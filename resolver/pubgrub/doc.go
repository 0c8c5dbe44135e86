// Package pubgrub is the PubGrub version solver (Natalie Weizenbaum, dart-lang/pub
// doc/solver.md, as also implemented by pubgrub-rs, poetry's mixology and uv),
// generic over the package type P, the version type V and the version-set type S,
// and knowing nothing of any ecosystem.
//
// Solve asks a Provider for each package's versions (in preference order) and for
// one version's dependencies, and does no I/O itself. It keeps incompatibilities
// with their kinds (root, no versions, dependency or constraint, unavailable,
// derived) and the Provider's typed causes (Cause: why versions cannot be used,
// why an edge holds; the solver only compares them), a partial solution of
// decisions and derivations by decision level, and runs unit propagation,
// conflict resolution with learned incompatibilities and backjumping, and
// decision making, as solver.md specifies. Deviations and additions:
//
//   - A Dependency may be a constraint (restrict a package if selected, never
//     require it): the incompatibility {p v, q ∉ r}.
//   - Dependencies of different versions with the same target, range and cause
//     (a Merger's: the same MergeKey) are merged into one incompatibility whose
//     depender range is widened over the runs of listed versions it covers
//     (Versions.Span: ">=1.2, <1.5", not "1.2 || 1.3 || 1.4"), with the merged
//     cause (Merger.Merge: a matrix rule cites every row it comes from).
//     Ranges are exact on listed versions, which are the only ones the solver
//     can select; unavailable versions with equal causes are merged the same way.
//     An edge given again in one version's answer is kept once.
//   - A "no versions" incompatibility for a package with no versions at all
//     covers every version.
//   - Packages are decided fewest allowed versions first, ties going to the one
//     seen first; the Provider's order picks the version. Neither affects
//     correctness, and no map order does: identical input gives identical output.
//   - Incompatibilities the partial solution contradicts are skipped until a
//     backjump below the level they were found at (pubgrub-rs does the same).
//   - The answer is checked against every incompatibility before it is
//     returned; a violation is an internal error, never a wrong answer. A step
//     bound (Options.MaxSteps) and ctx end pathological solves with an error.
//
// Solve's three results are exclusive: a *Solution, a *NoSolution (a result, not
// an error: the derivation tree, for a reporter to explain), or an error for
// operational failures (the Provider's errors, wrapped; ctx's; ErrStepLimit).
package pubgrub
