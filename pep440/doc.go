// Package pep440 implements PEP 440 (https://peps.python.org/pep-0440/): Python
// package versions, version specifiers, and Range, the sets of versions a
// specifier set admits, closed under intersection, union and complement for the
// resolver.
//
// # Versions
//
// A version is [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]. Parse accepts the
// spellings PEP 440's normalization section allows and String writes the
// normalized form:
//
//   - letters in any case; a leading "v"; surrounding white space;
//   - "-", "_" or "." (or nothing) before the pre, post and dev parts and
//     between their letters and numbers: 1.0-RC.1 is 1.0rc1;
//   - alpha, beta, c, pre, preview for a, b, rc, rc, rc; rev and r for post;
//   - an omitted number is 0 (1.0a is 1.0a0, 1.0.post is 1.0.post0), and
//     1.0-1 is 1.0.post1;
//   - numbers lose leading zeros (535.104.05 is 535.104.5; Original keeps the
//     text); local labels are lower-cased, their separators become ".", and
//     their numeric segments lose leading zeros too.
//
// Versions are ordered by epoch, release (trailing zeros ignored, so 1.0 ==
// 1.0.0), then dev release of a final < a < b < rc < final < post, a dev
// release before what it precedes, and last the local label: none first, then
// segment by segment, words before numbers. Numbers have no size limit.
//
// # Specifiers
//
// The operators are ==, !=, <, <=, >, >=, ~= and ===, with the wildcards ==P.*
// and !=P.*. Their meaning is that of pypa/packaging 26, the reference
// implementation, whose specifiers are also interval-based (Specifier.Range
// lists the intervals): ==2.5.1 admits 2.5.1+cu121 while ==2.5.1+cu121 admits
// only itself; <=V admits V's local versions; <V stops below V.dev0 unless V is
// a pre-release, so <2.0 excludes 2.0rc1; >V excludes V's local and post
// versions unless V is a post or dev release.
//
// Membership (Contains, Range) and the pre-release policy are separate. A
// pre-release is a member of every range it falls in; Allows, Filter and
// FilterText apply packaging 26's policy: a pre-release is a candidate if a
// clause names one, if the caller includes pre-releases, or (Filter) if no final
// release matches.
//
// The conformance vectors of packaging's tests (testdata/pep440.json) all pass.
//
// # Deviations from packaging 26
//
//   - ===T. Range and Contains treat ===T as Exactly(T), compared as versions:
//     the solver works on Ranges, which hold versions, not spellings, and a T
//     that is not a version admits nothing. packaging compares the candidate's
//     text instead, case-insensitively, so ===1.0 does not admit a release
//     spelled 1.0.0; Allows, Filter, FilterText and Satisfiable do the same,
//     with Original as the text. The two agree except on such respellings,
//     which Allows (the candidate policy) rejects. Set relations (Subset,
//     Disjoint) work on Ranges, where packaging refuses === instead.
//   - Specifier.Version and String are normalized (==v1.0 becomes ==1.0), and
//     so SpecifierSet.String sorts normalized clauses; packaging keeps the text
//     of the clause as written.
//   - packaging has two pre-release arguments, one on the specifier and one on
//     each call, and an installed flag; the Go API has one Prereleases argument
//     per call. Fold them as packaging does: the call's argument if given, else
//     the specifier's; installed=True means PrereleasesInclude for a
//     pre-release.
//   - Python's int conversion limit (4300 digits) rejects longer numbers; they
//     parse here. Epoch, Release, Pre, Post and Dev read numbers above
//     math.MaxInt as math.MaxInt; ordering and String use the exact value.
package pep440
