package pep508

import (
	"fmt"
	"unicode/utf8"
)

// SyntaxError reports an input that is not a valid requirement or marker.
// Offset is where the parser stopped (the caret); Start is where the
// construct it was reading began (an unclosed bracket, the version
// specifier before a stray word), so Input[Start:Offset] can be underlined.
// Both are byte offsets into Input and equal the span packaging reports.
type SyntaxError struct {
	Input  string
	Start  int
	Offset int
	Msg    string // what was wrong and what was expected
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("pep508: %s (offset %d in %q)", e.Msg, e.Offset, e.Input)
}

func (p *parser) fail(start, offset int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Input: p.src, Start: start, Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// found describes what stands at offset i, for "expected X, found Y".
func (p *parser) found(i int) string {
	if i >= len(p.src) {
		return "the end"
	}
	switch p.src[i] {
	case '\n', '\r':
		return "a line break"
	case ' ', '\t':
		return "whitespace"
	}
	// Show the word at i, or the single character.
	end := i
	for end < len(p.src) && end-i < 24 {
		r, n := utf8.DecodeRuneInString(p.src[end:])
		if !isWord(r) && r != '.' && r != '-' {
			break
		}
		end += n
	}
	if end == i {
		_, n := utf8.DecodeRuneInString(p.src[i:])
		end = i + n
	}
	return fmt.Sprintf("%q", p.src[i:end])
}
