package pep508

import (
	"strings"
	"unicode/utf8"
)

// ValidName reports whether s is a project name as PEP 508 writes the rule,
// ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$ ignoring case.
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	alnum := func(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' }
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !alnum(c) && (i == 0 || i == len(s)-1 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// NormalizeName returns the PEP 503 normalized form of a project name:
// lower case, with every run of '-', '_' and '.' replaced by one '-'.
// "Foo.Bar__baz" becomes "foo-bar-baz".
func NormalizeName(s string) string {
	if isNormalized(s) {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			s = strings.ToLower(s)
			break
		}
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			if len(b) == 0 || b[len(b)-1] != '-' {
				b = append(b, '-')
			}
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// NormalizeExtra returns the PEP 685 normalized form of an extra name,
// which is the PEP 503 form of names.
func NormalizeExtra(s string) string { return NormalizeName(s) }

// isNormalized reports whether NormalizeName(s) == s, cheaply, so that
// normalizing an already normal name does not allocate.
func isNormalized(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '.' || 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf:
			return false
		case c == '-' && i > 0 && s[i-1] == '-':
			return false
		}
	}
	return true
}
