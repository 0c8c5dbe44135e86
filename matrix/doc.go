// Package matrix is the curated compatibility matrix: the data of package data (schema in
// data/README.md), loaded strictly, compiled into lookup tables, and turned into resolver
// rules for a target (package target).
//
// # Basics
//
// Load (or LoadCached, which decodes the compiled form go generate ./matrix builds in,
// compiled.bin, instead of compiling the data) gives a *Matrix. ForTarget applies it to a built *target.Target, whose values it
// reads parsed; the *TargetMatrix is the resolver.Matrix the solver consults (Rules),
// gives hints for conflicts (Hints) and the advisories of a resolution (AdvisoriesFor,
// SolutionAdvisories). Describe and Coverage serve `depsolve matrix`. Catalog is the
// matrix as the target builder reads it (GPU names, nvidia/cuda tags, OS glibc).
//
// # Dependencies
//
// matrix imports target, never the reverse: the target's virtual package names
// (target.VirtualPython …) and its parsed values are target's; the facts the target
// builder needs from the data reach it through target.Catalog, which Catalog implements.
//
// # Caveats
//
// Deviations and choices, each documented where it is implemented:
//   - A build's hard driver floor is the minor-version-compatibility floor of its CUDA
//     family (R1, R2), or the Table 3 driver of its release where that is lower (CUDA
//     11.0, and toolkits before 11 that have no family floor). The Table 3 driver of the
//     exact release is only needed for its full feature set, and is a hard floor only
//     when a target GPU runs the build through PTX JIT (R3).
//   - Rows tagged unverified never constrain: the loader rejects them unless they say
//     advisory = true, and advisory rows only produce advisories. Advisories are of a
//     whole resolution (AdvisoriesFor) and only where they apply to it and to the target:
//     an unverified constraint when the resolution breaks it, the Table 3 caveat below
//     the Table 3 driver, a note when the target meets its conditions.
//   - An unknown target value constrains nothing: rules about a virtual package the target
//     does not have, or that depend on an unknown OS or machine, are not emitted.
package matrix
