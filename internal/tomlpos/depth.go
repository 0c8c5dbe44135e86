package tomlpos

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxDepth is how deeply arrays and inline tables may nest in a document that
// depsolve decodes. BurntSushi/toml recurses once per level, so a hostile file a
// few megabytes deep exhausts the stack (a fatal error, not a panic) or takes
// gigabytes; real pyproject.toml, depsolve.toml and pylock.toml files nest a
// handful of levels.
const MaxDepth = 100

// DepthError is a document that nests arrays and inline tables deeper than MaxDepth.
type DepthError struct {
	Offset int // byte offset of the bracket or brace that opens level MaxDepth+1
	Line   int // 1-based
	Col    int // 1-based, in characters
}

func (e *DepthError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Reason()) }

// Reason is the error without its position.
func (e *DepthError) Reason() string {
	return fmt.Sprintf("arrays and inline tables nest deeper than %d", MaxDepth)
}

// CheckDepth reports, before any decoder runs, a document whose arrays and inline
// tables nest deeper than MaxDepth. It reads src once, skipping strings and
// comments, so that brackets inside them do not count; it checks nothing else,
// and leaves every other error to the decoder. A table header's brackets count
// too, which costs two levels only on a line of its own.
func CheckDepth(src string) *DepthError {
	depth := 0
	for i := nextBracket(src, 0); i < len(src); i = nextBracket(src, i+1) {
		switch src[i] {
		case '[', '{':
			if depth++; depth > MaxDepth {
				return depthError(src, i)
			}
		default:
			depth = max(depth-1, 0)
		}
	}
	return nil
}

// skipNested returns the offset just after the array or inline table that opens at
// src[start], or len(src) when it is not closed.
func skipNested(src string, start int) int {
	depth := 0
	for i := nextBracket(src, start); i < len(src); i = nextBracket(src, i+1) {
		switch src[i] {
		case '[', '{':
			depth++
		default:
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(src)
}

// nextBracket returns the offset of the first bracket or brace at or after i that is
// not in a string or a comment, or len(src).
func nextBracket(src string, i int) int {
	for i < len(src) {
		switch src[i] {
		case '#':
			i = lineEnd(src, i)
		case '"', '\'':
			i = skipString(src, i)
		case '[', '{', ']', '}':
			return i
		default:
			i++
		}
	}
	return len(src)
}

func depthError(src string, off int) *DepthError {
	lineStart := strings.LastIndexByte(src[:off], '\n') + 1
	return &DepthError{
		Offset: off,
		Line:   strings.Count(src[:lineStart], "\n") + 1,
		Col:    utf8.RuneCountInString(src[lineStart:off]) + 1,
	}
}

// lineEnd returns the offset of the line break that ends the line holding i, or len(src).
func lineEnd(src string, i int) int {
	if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// skipString returns the offset just after the string whose opening delimiter is at
// src[start], or where an unterminated one stops: a single-line string at its line
// break, a multi-line one at the end of src. Unlike DecodeString it allocates
// nothing and checks no escape.
func skipString(src string, start int) int {
	delim := stringDelimiter(src, start)
	basic := delim[0] == '"'
	for i := start + len(delim); i < len(src); {
		switch c := src[i]; {
		case strings.HasPrefix(src[i:], delim):
			i += len(delim)
			// A multi-line string may end with up to two quotes before its delimiter.
			for extra := 0; len(delim) == 3 && extra < 2 && i < len(src) && src[i] == delim[0]; extra++ {
				i++
			}
			return i
		case basic && c == '\\':
			i += 2
		case len(delim) == 1 && c == '\n':
			return i
		default:
			i++
		}
	}
	return len(src)
}
