package pep508

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// parser is a cursor over one requirement or marker string. Its token
// methods follow the token rules of packaging's tokenizer (regular
// expressions there), written out by hand: the ordered alternations, the
// greedy optional groups and Python's Unicode \b and \s are reproduced so
// that the same strings are accepted and the same offsets are reported.
type parser struct {
	src    string
	pos    int
	depth  int         // open parentheses in the marker being parsed
	pieces []specPiece // the version specifiers of a requirement
}

// skipWS consumes the WS token, [ \t]+. Other whitespace, line breaks
// included, is not whitespace to the grammar.
func (p *parser) skipWS() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *parser) peek(c byte) bool {
	return p.pos < len(p.src) && p.src[p.pos] == c
}

// isWord reports whether r is a word character for Python's re in Unicode
// mode (\w): letters, digits, other numerics and the underscore.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// isPySpace reports whether r matches Python's \s for str patterns, which
// adds the information separators U+001C..U+001F to Unicode White_Space.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || 0x1c <= r && r <= 0x1f
}

func (p *parser) wordAt(i int) bool {
	if i >= len(p.src) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(p.src[i:])
	return isWord(r)
}

func (p *parser) wordBefore(i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(p.src[:i])
	return isWord(r)
}

// boundary is Python's \b at byte offset i.
func (p *parser) boundary(i int) bool {
	return p.wordBefore(i) != p.wordAt(i)
}

// keyword reports whether the word kw (and, or, in, not) starts at pos with
// a word boundary on both sides.
func (p *parser) keyword(kw string) bool {
	return strings.HasPrefix(p.src[p.pos:], kw) && p.boundary(p.pos) && p.boundary(p.pos+len(kw))
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// identifier matches \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b at pos and returns the
// end of the match, or -1. The trailing \b makes the match give back
// trailing punctuation: "name-" matches "name".
func (p *parser) identifier() int {
	s := p.src
	if p.pos >= len(s) || !isNameByte(s[p.pos]) || p.wordBefore(p.pos) {
		return -1
	}
	end := p.pos + 1
	for end < len(s) && (isNameByte(s[end]) || s[end] == '.' || s[end] == '_' || s[end] == '-') {
		end++
	}
	for ; end > p.pos; end-- {
		if p.boundary(end) {
			return end
		}
	}
	return -1
}

// markerVariables lists the spellings the VARIABLE token accepts, in the
// order of its alternation, with the PEP 508 name each one stands for. The
// dotted names are PEP 345's; python_implementation is setuptools'.
var markerVariables = [...]struct{ spelling, name string }{
	{"python_version", "python_version"},
	{"python_full_version", "python_full_version"},
	{"os.name", "os_name"},
	{"os_name", "os_name"},
	{"sys.platform", "sys_platform"},
	{"sys_platform", "sys_platform"},
	{"platform_release", "platform_release"},
	{"platform_system", "platform_system"},
	{"platform.version", "platform_version"},
	{"platform_version", "platform_version"},
	{"platform.machine", "platform_machine"},
	{"platform_machine", "platform_machine"},
	{"platform.python_implementation", "platform_python_implementation"},
	{"platform_python_implementation", "platform_python_implementation"},
	{"python_implementation", "platform_python_implementation"},
	{"implementation_name", "implementation_name"},
	{"implementation_version", "implementation_version"},
	{"extras", "extras"},
	{"extra", "extra"},
	{"dependency_groups", "dependency_groups"},
}

// variable matches a marker variable at pos and returns its PEP 508 name
// and the end of the match.
func (p *parser) variable() (name string, end int) {
	if !p.boundary(p.pos) {
		return "", -1
	}
	rest := p.src[p.pos:]
	for _, v := range markerVariables {
		if strings.HasPrefix(rest, v.spelling) && p.boundary(p.pos+len(v.spelling)) {
			return v.name, p.pos + len(v.spelling)
		}
	}
	return "", -1
}

// markerOperators is the OP token's alternation, in order.
var markerOperators = [...]string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"}

// operatorAt returns the comparison operator at i, or "".
func (p *parser) operatorAt(i int) string {
	rest := p.src[i:]
	for _, op := range markerOperators {
		if strings.HasPrefix(rest, op) {
			return op
		}
	}
	return ""
}

// specifier matches one version specifier (the SPECIFIER token: an
// operator, optional whitespace and a version the operator allows) at pos.
// It returns the operator, the version text and the end of the match, or
// end -1.
func (p *parser) specifier() (op, version string, end int) {
	s := p.src
	op = p.operatorAt(p.pos)
	if op == "" {
		return "", "", -1
	}
	i := skipPySpace(s, p.pos+len(op))
	start := i
	switch op {
	case "===":
		// The arbitrary version runs to whitespace, ';' or ')'; commas
		// included, as packaging's token has it.
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if isPySpace(r) || r == ';' || r == ')' {
				break
			}
			i += n
		}
		return op, s[start:i], i
	case "==", "!=":
		i = scanRelease(s, i, 1)
		if i < 0 {
			return "", "", -1
		}
		if strings.HasPrefix(s[i:], ".*") {
			i += 2
		} else {
			i = scanSuffixes(s, i)
			i = scanLocal(s, i, true)
		}
	case "~=":
		i = scanRelease(s, i, 2)
		if i < 0 {
			return "", "", -1
		}
		i = scanSuffixes(s, i)
	default: // <=, >=, <, >
		i = scanRelease(s, i, 1)
		if i < 0 {
			return "", "", -1
		}
		i = scanSuffixes(s, i)
	}
	return op, s[start:i], i
}

func skipPySpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isPySpace(r) {
			break
		}
		i += n
	}
	return i
}

func skipDigits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

func isSep(c byte) bool { return c == '-' || c == '_' || c == '.' }

// scanRelease matches v?([0-9]+!)?[0-9]+(\.[0-9]+)* with at least
// minSegments release segments and returns its end, or -1.
func scanRelease(s string, i, minSegments int) int {
	if i < len(s) && (s[i] == 'v' || s[i] == 'V') {
		i++
	}
	// The epoch is optional; when taking it leaves no valid release the
	// regular expression backtracks and reads the digits as the release.
	if j := skipDigits(s, i); j > i && j < len(s) && s[j] == '!' {
		if end := scanSegments(s, j+1, minSegments); end >= 0 {
			return end
		}
	}
	return scanSegments(s, i, minSegments)
}

func scanSegments(s string, i, minSegments int) int {
	j := skipDigits(s, i)
	if j == i {
		return -1
	}
	segments := 1
	for j+1 < len(s) && s[j] == '.' && '0' <= s[j+1] && s[j+1] <= '9' {
		j = skipDigits(s, j+1)
		segments++
	}
	if segments < minSegments {
		return -1
	}
	return j
}

var (
	preReleaseWords  = []string{"alpha", "beta", "preview", "pre", "a", "b", "c", "rc"}
	postReleaseWords = []string{"post", "rev", "r"}
	devReleaseWords  = []string{"dev"}
)

// scanSuffixes matches the optional pre-, post- and dev-release parts of a
// version (ASCII, case-insensitive) and returns the end.
func scanSuffixes(s string, i int) int {
	if j := scanTagged(s, i, preReleaseWords); j >= 0 {
		i = j
	}
	if i+1 < len(s) && s[i] == '-' && '0' <= s[i+1] && s[i+1] <= '9' {
		i = skipDigits(s, i+1) // implicit post-release, "1.0-1"
	} else if j := scanTagged(s, i, postReleaseWords); j >= 0 {
		i = j
	}
	if j := scanTagged(s, i, devReleaseWords); j >= 0 {
		i = j
	}
	return i
}

// scanTagged matches [-_.]?(word)[-_.]?[0-9]* with the first word of words
// that fits, and returns the end or -1.
func scanTagged(s string, i int, words []string) int {
	if i < len(s) && isSep(s[i]) {
		i++
	}
	for _, w := range words {
		if len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
			j := i + len(w)
			if j < len(s) && isSep(s[j]) {
				j++
			}
			return skipDigits(s, j)
		}
	}
	return -1
}

// scanLocal matches \+[a-z0-9]+([-_.][a-z0-9]+)* (ignoring case when fold
// is set) and returns its end, or i when there is none.
func scanLocal(s string, i int, fold bool) int {
	if i >= len(s) || s[i] != '+' {
		return i
	}
	alnum := func(c byte) bool {
		return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || fold && 'A' <= c && c <= 'Z'
	}
	j := i + 1
	if j >= len(s) || !alnum(s[j]) {
		return i
	}
	for j < len(s) && alnum(s[j]) {
		j++
	}
	for j+1 < len(s) && isSep(s[j]) && alnum(s[j+1]) {
		j++
		for j < len(s) && alnum(s[j]) {
			j++
		}
	}
	return j
}

// quotedString matches '[^']*' or "[^"]*" at pos and returns the end of
// the token, or -1. The token is then read as a Python string literal.
func (p *parser) quotedString() int {
	if p.pos >= len(p.src) {
		return -1
	}
	q := p.src[p.pos]
	if q != '\'' && q != '"' {
		return -1
	}
	n := strings.IndexByte(p.src[p.pos+1:], q)
	if n < 0 {
		return -1
	}
	return p.pos + 1 + n + 1
}
