package pep440

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError reports text that is not a PEP 440 version, specifier or specifier
// set.
type ParseError struct {
	Input  string // the text given to the parser
	Offset int    // byte offset in Input of the first character that does not fit (0-based)
	Msg    string // what was wrong or expected there
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%q: column %d: %s", e.Input, e.Offset+1, e.Msg)
}

// isSpace is Python's str.isspace, which the reference implementation uses to
// trim: Unicode white space plus the ASCII separators U+001C..U+001F.
func isSpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

// trimSpace returns s without surrounding white space and the offset of the
// first byte kept.
func trimSpace(s string) (string, int) {
	t := strings.TrimLeftFunc(s, isSpace)
	off := len(s) - len(t)
	return strings.TrimRightFunc(t, isSpace), off
}

// Parse parses a PEP 440 version, accepting every spelling the specification's
// normalization rules allow (case, "v" prefix, "-"/"_"/"." separators,
// alpha/beta/c/pre/preview/rev/r, implicit numbers, 1.0-1 for 1.0.post1) and
// surrounding white space. The error is a *ParseError.
func Parse(s string) (Version, error) {
	text, off := trimSpace(s)
	p, n, msg := scanVersion(text, true)
	if msg == "" && n < len(text) {
		msg = fmt.Sprintf("unexpected %s", describeAt(text, n))
	}
	if msg != "" {
		return Version{}, &ParseError{Input: s, Offset: off + n, Msg: msg}
	}
	p.text = text
	return Version{v: newVersion(p)}, nil
}

// describeAt names the character at s[i] for an error message.
func describeAt(s string, i int) string {
	if i >= len(s) {
		return "end of text"
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size == 1 {
		return fmt.Sprintf("byte 0x%02x (not UTF-8)", s[i])
	}
	return fmt.Sprintf("%q", r)
}

// scanVersion reads the longest version at the start of s, the way the
// reference regular expression matches it (its groups are possessive: a
// separator taken by one part is not given back to the next). It returns the
// parts, the number of bytes read, and an error message if not even a release
// number was found. withLocal says whether a "+local" label may follow.
func scanVersion(s string, withLocal bool) (p version, n int, msg string) {
	i := 0
	if i < len(s) && (s[i] == 'v' || s[i] == 'V') {
		i++
	}
	d := digitsAt(s, i)
	if d == 0 {
		return p, i, fmt.Sprintf("expected a release number, found %s", describeAt(s, i))
	}
	if i+d < len(s) && s[i+d] == '!' {
		p.epoch = parseNumber(s[i : i+d])
		i += d + 1
		d = digitsAt(s, i)
		if d == 0 {
			return p, i, fmt.Sprintf("expected a release number after the epoch, found %s", describeAt(s, i))
		}
	}
	p.release = make([]number, 1, 1+strings.Count(s[i:], "."))
	p.release[0] = parseNumber(s[i : i+d])
	i += d
	for i+1 < len(s) && s[i] == '.' {
		d = digitsAt(s, i+1)
		if d == 0 {
			break
		}
		p.release = append(p.release, parseNumber(s[i+1:i+1+d]))
		i += 1 + d
	}

	// Pre-release: [._-]? letter [._-]? digits?
	j := i
	if isSep(s, j) {
		j++
	}
	if kw, kind, ok := matchKeyword(s, j, preKeywords); ok {
		j += len(kw)
		if isSep(s, j) {
			j++
		}
		d = digitsAt(s, j)
		p.preKind, p.pre = kind, parseNumber(orZero(s[j:j+d]))
		i = j + d
	}

	// Post-release: -N, or [._-]? post|rev|r [._-]? digits?
	if i+1 < len(s) && s[i] == '-' && digitsAt(s, i+1) > 0 {
		d = digitsAt(s, i+1)
		p.hasPost, p.post = true, parseNumber(s[i+1:i+1+d])
		i += 1 + d
	} else {
		j = i
		if isSep(s, j) {
			j++
		}
		if kw, _, ok := matchKeyword(s, j, postKeywords); ok {
			j += len(kw)
			if isSep(s, j) {
				j++
			}
			d = digitsAt(s, j)
			p.hasPost, p.post = true, parseNumber(orZero(s[j:j+d]))
			i = j + d
		}
	}

	// Development release: [._-]? dev [._-]? digits?
	j = i
	if isSep(s, j) {
		j++
	}
	if hasPrefixFold(s[j:], "dev") {
		j += 3
		if isSep(s, j) {
			j++
		}
		d = digitsAt(s, j)
		p.hasDev, p.dev = true, parseNumber(orZero(s[j:j+d]))
		i = j + d
	}

	if withLocal && i < len(s) && s[i] == '+' {
		local, m := scanLocal(s[i+1:])
		if m == 0 {
			return p, i + 1, fmt.Sprintf("expected a local version label after '+', found %s", describeAt(s, i+1))
		}
		p.local = local
		i += 1 + m
	}
	return p, i, ""
}

// scanLocal reads a local label ([a-z0-9]+ separated by single [._-]) and returns
// it normalized with the number of bytes read.
func scanLocal(s string) (string, int) {
	var b strings.Builder
	i := 0
	for {
		start := i
		for i < len(s) && isAlnum(s[i]) {
			i++
		}
		seg := s[start:i]
		if seg == "" {
			return "", 0 // only at the start: a separator is taken only before a character
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		if isDigits(seg) {
			b.WriteString(parseNumber(seg).String())
		} else {
			b.WriteString(strings.ToLower(seg))
		}
		if i+1 < len(s) && isSep(s, i) && isAlnum(s[i+1]) {
			i++
			continue
		}
		return b.String(), i
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isSep(s string, i int) bool {
	return i < len(s) && (s[i] == '.' || s[i] == '-' || s[i] == '_')
}

func digitsAt(s string, i int) int {
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return j - i
}

func orZero(digits string) string {
	if digits == "" {
		return "0"
	}
	return digits
}

// hasPrefixFold is strings.HasPrefix with ASCII case folding (the reference
// matches letters ASCII-only, so "ı" is not "i").
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

type keyword struct {
	text string
	kind preKind // preNone for the post-release spellings
}

// The spellings in the order the reference tries them, so a longer word wins
// over its prefix (alpha before a, preview before pre, rev before r).
var preKeywords = []keyword{
	{"alpha", preAlpha}, {"a", preAlpha}, {"beta", preBeta}, {"b", preBeta},
	{"preview", preRC}, {"pre", preRC}, {"c", preRC}, {"rc", preRC},
}

var postKeywords = []keyword{{"post", preNone}, {"rev", preNone}, {"r", preNone}}

func matchKeyword(s string, i int, kws []keyword) (text string, kind preKind, ok bool) {
	for _, kw := range kws {
		if hasPrefixFold(s[i:], kw.text) {
			return kw.text, kw.kind, true
		}
	}
	return "", preNone, false
}
