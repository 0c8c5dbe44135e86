package reqfile

import (
	"strings"
	"unicode/utf8"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/redact"
)

// Position is a place in an input file (package input's: Col counts characters).
type Position = input.Position

// Error is a problem in an input file: where it is, the physical source line it is
// on, what was wrong and what was expected, and what to do about it.
//
// URL credentials are masked in Line, Msg and Hint (package redact), so an error
// can be printed as it is.
type Error struct {
	Pos  Position
	Line string // the physical source line, "" when the error is about a whole file
	Msg  string
	Hint string
	// Err is the failure beneath, for errors.Is and errors.As: a read that failed for a
	// reason the message only quotes; nil for an error in the text.
	Err error

	caret int // the 1-based column of the caret in Line, which masking may move
}

// Error returns the one-line form, "file:line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap returns the failure beneath, if any.
func (e *Error) Unwrap() error { return e.Err }

// ErrorWithContext returns the one-line form, then the source line with a caret
// under the column, then the hint:
//
//	requirements.txt:3:8: invalid requirement: expected a version after '>='
//	    3 | torch>=
//	      |        ^
//	hint: …
func (e *Error) ErrorWithContext() string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteByte('\n')
	if e.Pos.Line > 0 {
		col := e.caret
		if col <= 0 {
			col = e.Pos.Col
		}
		b.WriteString(input.Excerpt(e.Pos.Line, e.Line, max(col, 1)))
	}
	if e.Hint != "" {
		b.WriteString("hint: ")
		b.WriteString(e.Hint)
		b.WriteByte('\n')
	}
	return b.String()
}

// newError builds an Error, masking credentials. line is the raw physical line.
func newError(pos Position, line, msg, hint string) *Error {
	shown, caret := redactLine(line, pos.Col)
	return &Error{Pos: pos, Line: shown, Msg: redact.Text(msg), Hint: redact.Text(hint), caret: caret}
}

// redactLine masks URL credentials in line and moves the 1-based column col to
// where the same character is in the masked line (to the start of a masked URL
// when col was inside it).
func redactLine(line string, col int) (string, int) {
	var b strings.Builder
	caret, runes := col, 0
	rest := line
	for rest != "" {
		end := strings.IndexAny(rest, " \t\"'<>")
		if end < 0 {
			end = len(rest)
		} else if end == 0 {
			end = 1
		}
		word := rest[:end]
		rest = rest[end:]
		masked := redact.Text(word)
		n := utf8.RuneCountInString(word)
		if masked != word && col > runes+1 {
			if col <= runes+n {
				caret = caret - (col - runes - 1)
			} else {
				caret += utf8.RuneCountInString(masked) - n
			}
		}
		runes += n
		b.WriteString(masked)
	}
	return b.String(), caret
}

// Warning is something the input says that pip accepts but that is ignored or
// surprising, such as an option pip ignores on a requirement line.
type Warning struct {
	Pos Position
	Msg string
}

func (w Warning) String() string { return w.Pos.String() + ": " + w.Msg }
