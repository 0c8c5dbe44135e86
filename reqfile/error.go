package reqfile

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/redact"
)

// Position is a place in an input file. Line and Col are 1-based; Col counts
// characters (Unicode code points), not bytes, so that it matches what an editor
// shows. A zero Line means the whole file (an unreadable file, say).
type Position struct {
	File      string
	Line, Col int
}

// String returns "file:line:col", "file:line" without a column, or "file".
func (p Position) String() string {
	switch {
	case p.Line <= 0:
		return p.File
	case p.Col <= 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

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

	caret int // the 1-based column of the caret in Line, which masking may move
}

// Error returns the one-line form, "file:line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

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
		gutter := fmt.Sprintf("%5d | ", e.Pos.Line)
		b.WriteString(gutter)
		// The line is the input's: printed escaped, so that its control characters
		// cannot act on the terminal, with the caret moved along.
		b.WriteString(printable.Escape(e.Line))
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", len(gutter)-2))
		b.WriteString("| ")
		col := e.caret
		if col <= 0 {
			col = e.Pos.Col
		}
		b.WriteString(printable.Pad(e.Line, col))
		b.WriteString("^\n")
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
