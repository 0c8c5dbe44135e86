package target

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/depsolve/depsolve/internal/printable"
)

// Position is a place in an input file. Line and Col are 1-based; Col is 0 when only the
// line is known.
type Position struct {
	File      string
	Line, Col int
}

// String is "file:line:col", or "file:line" without a column.
func (p Position) String() string {
	if p.Col > 0 {
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// InputError is an input depsolve cannot use: a malformed depsolve.toml, a Dockerfile whose
// base image cannot be told, a flag value that is not a version. Its message names the place
// and, for files, shows the offending line with a caret under the column.
type InputError struct {
	Pos    Position // zero for a flag
	Flag   string   // "--python" when the value came from a flag
	Source string   // the offending line, when the input is a file
	Msg    string
}

func (e *InputError) Error() string {
	var b strings.Builder
	switch {
	case e.Pos.File != "":
		b.WriteString(e.Pos.String())
	case e.Flag != "":
		b.WriteString(e.Flag)
	default:
		b.WriteString("target")
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Source != "" {
		b.WriteString("\n    ")
		b.WriteString(printable.Escape(e.Source)) // the input's text: its control characters printed escaped
		if e.Pos.Col > 0 {
			b.WriteString("\n    ")
			b.WriteString(caretPad(e.Source, e.Pos.Col))
			b.WriteByte('^')
		}
	}
	return b.String()
}

// caretPad is the indentation that puts a caret under byte column col of line, printed
// escaped; tabs are kept so the caret lines up however the terminal expands them.
func caretPad(line string, col int) string {
	before := line[:max(0, min(col-1, len(line)))]
	return printable.Pad(before, utf8.RuneCountInString(before)+1)
}
