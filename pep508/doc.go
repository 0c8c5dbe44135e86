// Package pep508 implements dependency specifiers (PEP 508, now the PyPA
// "Dependency specifiers" specification): requirements such as
//
//	requests[security,socks] >=2.8.1, ==2.8.* ; python_version < "2.7"
//	name @ https://example.com/name.zip ; sys_platform == "linux"
//	foo (>=1.0)
//
// environment markers and their evaluation, and the name normalizations of
// PEP 503 (project names) and PEP 685 (extra names).
//
// The reference is pypa/packaging 26 (commit 053c8846, 26.4.dev0): this
// package accepts the strings it accepts, prints the canonical forms it
// prints, evaluates markers as it does, and reports errors at the offsets
// it reports. testdata/pep508.json holds its test vectors; all pass.
//
// # Grammar
//
// The whole PEP 508 grammar is supported, with packaging's reading of it:
// whitespace is only space and tab; the version specifier may be wrapped
// in parentheses, the legacy form "foo (>=1.0)"; a trailing ',' after the
// specifiers is allowed; a URL runs to the next whitespace, so a ';'
// touching a URL is part of it and the marker after a URL needs a space
// before its ';'; an arbitrary-equality version ("===x") runs to
// whitespace, ';' or ')'. Quoted strings in markers are Python string
// literals: backslash escapes are processed, "\x" alone is an error.
//
// Legacy markers are supported, as packaging supports them, and printed
// by their PEP 508 names: PEP 345's os.name, sys.platform,
// platform.version, platform.machine and platform.python_implementation,
// and setuptools' python_implementation (platform_python_implementation).
//
// # Evaluation
//
// Marker variables are looked up in an Environment; an undefined variable
// is an error (*UndefinedNameError), except "extra", which is "" unless
// set. The version variables (python_version, python_full_version,
// implementation_version, platform_release) compare as PEP 440 versions
// when "op value" is a valid version specifier ("lhs in Specifier(op rhs)",
// pre-releases included; a value that is not a version matches nothing);
// otherwise, and for every other variable, values compare as strings:
// "in" and "not in" test for a substring, "==" and "!=" for equality,
// "<=" and ">=" hold only for equal strings, "<" and ">" never, and "~="
// and "===" are an error (*UndefinedComparisonError). "extra" compares by
// the PEP 685 form of both sides. "and" binds tighter than "or". The set
// variables of PEP 751 lock files, extras and dependency_groups, are
// defined by EvaluateLock only.
//
// EvaluatePartial is for environments that lack variables, such as a
// resolution target, which never knows the kernel (platform_release,
// platform_version) of the machine that will install it. A comparison that
// reads a variable the environment lacks is unknown, and the marker is
// evaluated in Kleene's three-valued logic (false and unknown is false,
// true or unknown is true), so `sys_platform == "darwin" and
// platform_release >= "20"` is false on Linux whatever the kernel; an
// undecided value names a variable it depends on. packaging has no
// counterpart: it raises on every undefined variable.
//
// # Deviations from packaging
//
//   - Version specifiers print in PEP 440 normal form, as pep440's
//     SpecifierSet.String does: "foo==1.0-alpha" prints "foo==1.0a0", where
//     packaging keeps the version as written. Canonical text is what a lock
//     file needs; 576 of the 5,279 valid-requirement vectors are compared in
//     that form.
//   - A URL also ends at a line break ('\r' or '\n'). packaging's URL token
//     stops only at space and tab and so takes "name @ http://x\n" with the
//     line break in the URL; a line break is invalid everywhere else in a
//     requirement, and in a URL it is always a mistake.
//   - A comparison of two literals compares them, and a comparison of two
//     variables looks up both. packaging treats the right side as the name
//     of a variable in the first case and as text in the second; neither
//     form has a use, and the vectors come out the same.
//   - A set variable (extras, dependency_groups) on the right of an
//     operator other than 'in' / 'not in' is an UndefinedComparisonError;
//     packaging compares a string with a set there (always unequal).
//   - \N{name} escapes are rejected (they would need the Unicode name
//     table), and so are \u and \U escapes of lone surrogates, which UTF-8
//     cannot hold. Parentheses nest at most 100 deep; packaging overflows
//     Python's recursion limit a few hundred levels down.
//   - A quoted value that contains a backslash, a line break, a NUL or both
//     quote characters is printed with Python escapes, so that String
//     reads back; packaging prints such values raw (not readable back) or
//     raises.
//   - Specifier sets are equal when they hold equal specifiers; packaging
//     compares its sorted lists position by position, which can differ for
//     sets with duplicate-but-equal members.
//   - There is no "requirement" evaluation context: Evaluate is packaging's
//     "metadata" context and EvaluateLock its "lock_file" context. The
//     requirement context differs only in leaving "extra" undefined.
//   - Error messages are this package's own; offsets are packaging's.
//   - Word boundaries (Python's Unicode \b) and lower-casing use Go's
//     Unicode tables, which can differ from Python's for a few non-ASCII
//     characters; names and variables themselves are ASCII.
package pep508
