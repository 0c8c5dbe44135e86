package pep425

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/depsolve/depsolve/pep508"
)

// Tag is one PEP 425 compatibility tag, in lower case.
type Tag struct {
	Python   string // "cp311", "py3"
	ABI      string // "cp311", "abi3", "none"
	Platform string // "manylinux_2_17_x86_64", "any"
}

func (t Tag) String() string { return t.Python + "-" + t.ABI + "-" + t.Platform }

// maxTags bounds the expansion of one compressed tag set, so that a hostile
// filename cannot ask for a cross product of millions of tags.
const maxTags = 4096

// ParseTag expands a tag, possibly compressed ("py2.py3-none-any"), into its tag
// set, in the order the components are written.
func ParseTag(s string) ([]Tag, error) {
	parts := strings.Split(strings.ToLower(s), "-")
	if len(parts) != 3 {
		return nil, fmt.Errorf("tag %q: want PYTHON-ABI-PLATFORM", s)
	}
	var comps [3][]string
	n := 1
	for i, p := range parts {
		comps[i] = strings.Split(p, ".")
		for _, c := range comps[i] {
			if c == "" {
				return nil, fmt.Errorf("tag %q: empty component in %q", s, p)
			}
		}
		n *= len(comps[i])
		if n > maxTags {
			return nil, fmt.Errorf("tag %q expands to more than %d tags", s, maxTags)
		}
	}
	for _, py := range comps[0] {
		if !isIdentifier(py) {
			return nil, fmt.Errorf("tag %q: invalid Python tag %q", s, py)
		}
	}
	tags := make([]Tag, 0, n)
	for _, py := range comps[0] {
		for _, abi := range comps[1] {
			for _, plat := range comps[2] {
				tags = append(tags, Tag{py, abi, plat})
			}
		}
	}
	return tags, nil
}

func isIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// Filename is a parsed wheel filename.
type Filename struct {
	Name    string // the distribution part as written ("typing_extensions")
	Version string // as written ("2.5.1+cu121"); the caller parses it
	Build   string // the build tag as written, "" when there is none
	Tags    []Tag  // the expanded tag set
}

// FilenameError reports a filename that does not follow the naming rules.
type FilenameError struct {
	Filename string
	Offset   int // byte offset in Filename of the offending part
	Msg      string
}

func (e *FilenameError) Error() string {
	return fmt.Sprintf("invalid distribution filename %q at offset %d: %s", e.Filename, e.Offset, e.Msg)
}

// ParseFilename parses a wheel filename (PEP 427). It does not check the
// version's syntax: that is PEP 440's business, left to the caller.
func ParseFilename(filename string) (Filename, error) {
	return parseFilename(filename, ParseTag)
}

// A FilenameParser is ParseFilename for many filenames with few distinct tag sets, as
// the files of one project have (a page of torch lists thousands of wheels over a few
// dozen tag sets): each tag set is expanded once, and the Filenames share its Tags,
// which the caller must not modify. The zero value is ready to use; not safe for
// concurrent use.
type FilenameParser struct {
	tags map[string]parsedTags
}

type parsedTags struct {
	tags []Tag
	err  error
}

// Parse is ParseFilename.
func (p *FilenameParser) Parse(filename string) (Filename, error) {
	return parseFilename(filename, func(s string) ([]Tag, error) {
		r, seen := p.tags[s]
		if !seen {
			if p.tags == nil {
				p.tags = map[string]parsedTags{}
			}
			r.tags, r.err = ParseTag(s)
			p.tags[s] = r
		}
		return r.tags, r.err
	})
}

func parseFilename(filename string, parseTag func(string) ([]Tag, error)) (Filename, error) {
	fail := func(off int, format string, args ...any) (Filename, error) {
		return Filename{}, &FilenameError{filename, off, fmt.Sprintf(format, args...)}
	}
	stem, ok := strings.CutSuffix(filename, ".whl")
	if !ok {
		return fail(len(filename), "a wheel filename ends in .whl")
	}
	parts := strings.Split(stem, "-")
	offsets := make([]int, len(parts))
	for i, off := 1, 0; i < len(parts); i++ {
		off += len(parts[i-1]) + 1
		offsets[i] = off
	}
	if len(parts) != 5 && len(parts) != 6 {
		return fail(0, "want NAME-VERSION[-BUILD]-PYTHON-ABI-PLATFORM.whl, found %d dash-separated parts", len(parts))
	}
	f := Filename{Name: parts[0], Version: parts[1]}
	if err := checkEscapedName(f.Name); err != "" {
		return fail(0, "%s", err)
	}
	if f.Version == "" {
		return fail(offsets[1], "empty version")
	}
	rest := 2
	if len(parts) == 6 {
		f.Build = parts[2]
		if err := checkBuildTag(f.Build); err != "" {
			return fail(offsets[2], "%s", err)
		}
		rest = 3
	}
	tags, err := parseTag(stem[offsets[rest]:])
	if err != nil {
		return fail(offsets[rest], "%v", err)
	}
	f.Tags = tags
	return f, nil
}

// checkEscapedName applies PEP 427's escaping rule: the name is letters, digits,
// '_' and '.', with runs of '-_.' escaped to a single '_'.
func checkEscapedName(name string) string {
	if name == "" {
		return "empty project name"
	}
	if strings.Contains(name, "__") {
		return fmt.Sprintf("project name %q is not escaped (it contains \"__\")", name)
	}
	for _, r := range name {
		if !(r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return fmt.Sprintf("project name %q has %q, which a wheel filename escapes", name, r)
		}
	}
	return ""
}

// checkBuildTag applies PEP 427: a build tag is a number followed by an optional
// suffix that does not start with a digit.
func checkBuildTag(b string) string {
	digits := 0
	for digits < len(b) && '0' <= b[digits] && b[digits] <= '9' {
		digits++
	}
	if digits == 0 {
		return fmt.Sprintf("build tag %q does not start with a digit (PEP 825 variant labels are not supported)", b)
	}
	for i := digits; i < len(b); i++ {
		c := b[i] | 0x20 // lower case for letters
		if !('a' <= c && c <= 'z' || b[i] == '_' || b[i] == '.' || i > digits && '0' <= b[i] && b[i] <= '9') {
			return fmt.Sprintf("build tag %q has an invalid suffix", b)
		}
	}
	return ""
}

// CompareBuild orders two build tags as PEP 427 does: by number, then by suffix;
// no build tag sorts before every build tag. Both must have come from
// ParseFilename.
func CompareBuild(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return -1
	case b == "":
		return 1
	}
	an, as := splitBuild(a)
	bn, bs := splitBuild(b)
	if c := compareDigits(an, bn); c != 0 {
		return c
	}
	return strings.Compare(as, bs)
}

func splitBuild(b string) (digits, suffix string) {
	i := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return b[:i], b[i:]
}

// compareDigits compares two decimal numbers of any length.
func compareDigits(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// SdistFilename is a parsed source distribution filename.
type SdistFilename struct {
	Name    string // as written ("python-dateutil", "python_dateutil")
	Version string // as written
	Ext     string // ".tar.gz", ".zip", ".tar.bz2", ".tgz" or ".tar"
}

var sdistExts = []string{".tar.gz", ".tar.bz2", ".tgz", ".tar", ".zip"}

// IsSdistFilename reports whether filename has a source distribution's extension.
func IsSdistFilename(filename string) bool {
	for _, ext := range sdistExts {
		if strings.HasSuffix(filename, ext) {
			return true
		}
	}
	return false
}

// ParseSdistFilename splits a source distribution filename for the project whose
// PEP 503-normalized name is project. Legacy sdists keep dashes in the name
// ("python-dateutil-2.8.2.tar.gz"), so the split is where the name part
// normalizes to project; a filename of another project is an error.
func ParseSdistFilename(filename, project string) (SdistFilename, error) {
	for _, ext := range sdistExts {
		stem, ok := strings.CutSuffix(filename, ext)
		if !ok {
			continue
		}
		for i := 0; i < len(stem); i++ {
			if stem[i] == '-' && pep508.NormalizeName(stem[:i]) == project {
				if i+1 == len(stem) {
					return SdistFilename{}, &FilenameError{filename, i + 1, "empty version"}
				}
				return SdistFilename{Name: stem[:i], Version: stem[i+1:], Ext: ext}, nil
			}
		}
		return SdistFilename{}, &FilenameError{filename, 0, fmt.Sprintf("not a source distribution of %q", project)}
	}
	return SdistFilename{}, &FilenameError{filename, len(filename), "a source distribution ends in .tar.gz or .zip"}
}
