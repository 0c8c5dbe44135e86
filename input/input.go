// Package input names places in what depsolve reads: a Position in a file, which the
// parsers give their errors and requirements and the compatibility matrix its rows, and
// Excerpt, the source line with a caret under the column that every error about a
// place in a file shows. The places travel typed from the parsers to the rendering, so
// that nothing reads a "file:line" text back.
package input

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/depsolve/depsolve/internal/printable"
)

// Position is a place in an input file. Line and Col are 1-based; Col counts
// characters (Unicode code points), not bytes, so that it matches what an editor
// shows. A zero Line means the whole file (an unreadable file, say); a zero Col, the
// whole line (a requirement's origin, a matrix row).
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

// LineOnly is p without its column: where a requirement or a row is written, as
// explanations and "# via" cite it.
func (p Position) LineOnly() Position { return Position{File: p.File, Line: p.Line} }

// IsZero reports whether p names no place.
func (p Position) IsZero() bool { return p == Position{} }

// MarshalText is String: in JSON a place reads as it does in text,
// "data/torch.toml:444".
func (p Position) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Compare orders positions by file, then line, then column.
func Compare(a, b Position) int {
	return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}

// Excerpt shows the source line numbered line, with a caret under its col-th character
// when col is at least 1, as BurntSushi/toml's ParseError.ErrorWithPosition does; each
// row ends in a newline:
//
//	3 | torch>=
//	  |        ^
//
// The text is the input's: it is printed escaped, so that its control characters
// cannot act on the terminal, and the caret moves along with the escapes.
func Excerpt(line int, text string, col int) string {
	var b strings.Builder
	gutter := fmt.Sprintf("%5d | ", line)
	b.WriteString(gutter)
	b.WriteString(printable.Escape(text))
	b.WriteByte('\n')
	if col >= 1 {
		b.WriteString(strings.Repeat(" ", len(gutter)-2))
		b.WriteString("| ")
		b.WriteString(printable.Pad(text, col))
		b.WriteString("^\n")
	}
	return b.String()
}
