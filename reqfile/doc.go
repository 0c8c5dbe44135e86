// Package reqfile reads what a project asks to install: pip's requirements-file
// format, as pip 26.2 reads it (src/pip/_internal/req/req_file.py and
// req/constructors.py), pyproject.toml ([project] of PEP 621, [dependency-groups]
// of PEP 735), and the pins of a PEP 751 pylock.toml. Every requirement keeps its file, line and column; every error is an
// *Error that says file:line:col, shows the line with a caret, and says what was
// expected.
//
// # Requirements files
//
// Decoding: a byte order mark (UTF-8, UTF-16, UTF-32) decides, then a PEP 263 coding
// comment on line 1 or 2 (UTF-8, ASCII and Latin-1 are known), then UTF-8. Lines end
// where Python's str.splitlines ends them (\n, \r\n, \r, \v, \f, \x1c-\x1e, \x85,
// U+2028, U+2029), so line numbers are pip's.
//
// Logical lines, in pip's order:
//   - A line ending in a backslash continues on the next, unless it is a comment
//     line. The continued line loses every backslash at both of its ends (Python's
//     str.strip("\\")). A backslash followed by a space does not continue the line.
//   - A comment starts at a "#" that begins the joined line or follows whitespace
//     ("url#egg=x" keeps its fragment). A requirement line whose comment ends in a
//     backslash still continues, so the comment swallows the next line, as in pip.
//   - ${NAME}, NAME of A-Z, 0-9 and "_", is replaced by the environment variable,
//     anywhere in the line, after comments are removed. An unset or empty variable
//     is left as written, as pip leaves it, with a Warning.
//
// A line is a requirement followed by options: the options start at the first word
// (after a single space) that begins with "-". They are split as Python's
// shlex.split splits them and read as optparse reads them: "--opt=value" and
// "--opt value", "-rfile" and "-r file", unique prefixes of long names, "--".
//
// Options: -i/--index-url/--pypi-url, --extra-index-url, --no-index,
// -f/--find-links, --trusted-host, --pre, --prefer-binary, --require-hashes,
// --no-require-hashes, --use-feature, -r/--requirement, -c/--constraint,
// -e/--editable, --no-binary, --only-binary, --all-releases, --only-final, and on a
// requirement's line --hash and -C/--config-settings. Any other option is an error,
// as in pip. Where pip applies them:
//   - Index, find-links, host and flag options apply only on a line without a
//     requirement; pip ignores them on a requirement's line, and so does reqfile,
//     with a Warning. Words among the options that are not options are ignored the
//     same way.
//   - --no-binary, --only-binary, --all-releases and --only-final edit sets that pip
//     shares between all lines, so they apply from any line. ":all:" replaces a set
//     and empties its opposite, ":none:" empties it, names are added (PEP 503
//     normalized) and removed from the opposite set.
//   - --index-url replaces every index named before it (the command line's too);
//     --no-index drops the indexes and ignores later ones; only the first
//     --find-links of a line counts. A relative --find-links path is joined to the
//     file's folder when something is there, and otherwise left as written.
//   - -r and -c name a file relative to the including file's folder (a file: URL is
//     read as a path). One per line counts: the first -r, else the first -c. A file
//     on the chain of files being read may not be included again: the error names
//     the chain (a.txt:3 -> b.txt:1 -> a.txt). A -r inside a constraints file names
//     requirements, as in pip. pip downloads http(s) URLs; reqfile reports them.
//   - --hash takes sha256, sha384 or sha512; several may follow one requirement.
//     -C/--config-settings needs KEY=VALUE; builds are not depsolve's concern, so it
//     is checked and otherwise ignored, as are --use-feature and --no-require-hashes.
//
// Requirements (pip's parse_req_from_line):
//   - A URL (http, https, file, ftp or a VCS scheme such as git+https) takes its
//     marker after "; " (semicolon and space). A wheel URL names the project and
//     its version (Name, and Specifier ==version); a #egg=NAME fragment names it;
//     otherwise the requirement is Unnamed.
//   - A local directory (a word with a "/" or starting with ".") with setup.py or
//     pyproject.toml, or an archive file name (.whl, .tar.gz, .zip …), becomes a
//     file: URL. Like pip, paths are relative to the working directory, not to the
//     file. Extras are written after the path ("./pkg[gpu]").
//   - Anything else is a PEP 508 requirement; its marker follows the first ";".
//   - -e takes NAME @ URL, a local project directory or a VCS URL with #egg=NAME,
//     as pip's parse_editable does. Editables are kept apart: depsolve cannot lock
//     them (Requirement.Unlockable).
//   - In a constraints file a requirement must be named, without extras, and not
//     editable, as pip's resolver requires.
//
// Deviations from pip, each where pip's behaviour would depend on the machine or
// hide an error that cannot go away:
//   - Bytes that are not valid in the file's encoding are an error; pip retries with
//     the locale's encoding.
//   - ${NAME} is replaced in one pass from left to right; pip's repeated
//     str.replace also expands a ${NAME} that an earlier value brought in.
//   - A --hash digest must be hexadecimal of its algorithm's length; pip leaves it
//     to install time, where it can only fail.
//   - -e after a requirement on the same line is an error; pip 26 would treat the
//     requirement as the editable.
//   - A pyproject.toml or pylock.toml named by -r is an error with a hint rather
//     than a stream of syntax errors.
//
// # pyproject.toml
//
// [project] dependencies are always read; Options.Extras selects
// [project.optional-dependencies] (names compared as PEP 685 normalizes them; every
// extra is checked, as a build backend would) and Options.Groups selects
// [dependency-groups] (PEP 735: names normalized as PEP 503 does, a group read only
// when used, {include-group = "NAME"} followed, cycles an error naming the chain).
// A requirement on the project itself ("name[extra]") is replaced by that extra's
// requirements, their markers joined with "and", as pip and uv do. Dependencies
// listed in [project] dynamic are an error: depsolve never runs a build backend.
// [project] requires-python is File.RequiresPython; [tool.depsolve] is File.Tool, a
// Table whose values can be pointed at. [tool.uv] sources, index,
// override-dependencies and constraint-dependencies change what uv resolves and are
// not read: each gets a Warning.
//
// # pylock.toml
//
// A PEP 751 lock file (pylock.toml, pylock.NAME.toml) reads as the pins it holds,
// so that a lock can be checked as a requirements lock is: each [[packages]] entry
// is "name==version" at the position of its name, with its marker and the hashes
// of every file it lists (wheels, then the sdist; "algorithm:hex", lower case). A
// vcs, directory or archive entry becomes a URL requirement (NAME @ URL; relative
// paths are relative to the lock file). The packages' index is File.IndexURL when
// they all name the same one; several get a Warning, since a package is looked up
// in the indexes given, not in its own. lock-version must be 1.x. requires-python
// is File.RequiresPython and [tool.depsolve], where depsolve lock records the
// target, is File.Tool. A marker reading extras or dependency_groups (variables
// PEP 751 defines for locks) is an error: which extras and groups to install is
// chosen at install time, and depsolve does not choose them. environments,
// attestations and per-package requires-python are not read.
//
// BurntSushi/toml decodes the document and locates its syntax errors; a scanner
// over the accepted document finds where each value is written, so an error inside
// a requirement string points at its character, through escapes, and at the right
// one of two equal strings.
//
// # Positions and secrets
//
// Lines are physical lines; columns count characters from 1. An error inside a
// continued line points at the physical line it is on; one inside an expanded
// variable points at its "${". URL credentials are masked (package redact) in
// every Error, Warning and Requirement.Line. Errors show the source line as written
// and Line holds the text before ${NAME} expansion, so a token kept in the
// environment is shown only where a message quotes an option value made from it.
package reqfile
