package target

import (
	"strings"

	"github.com/depsolve/depsolve/internal/printable"
	"github.com/depsolve/depsolve/reqfile"
)

// Position is a place in an input file: the one type reqfile defines, so that every
// input error counts lines and columns (characters, not bytes) alike.
type Position = reqfile.Position

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
			b.WriteString(printable.Pad(e.Source, e.Pos.Col))
			b.WriteByte('^')
		}
	}
	return b.String()
}
