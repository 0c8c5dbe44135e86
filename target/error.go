package target

import (
	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/reqfile"
)

// Position is a place in an input file: the one type reqfile defines, so that every
// input error counts lines and columns (characters, not bytes) alike.
type Position = reqfile.Position

// InputError is an input depsolve cannot use: a malformed depsolve.toml, a Dockerfile whose
// base image cannot be told, a flag value that is not a version. Its message names the place;
// ErrorWithContext also shows a file's offending line with a caret under the column.
type InputError struct {
	Pos    Position // zero for a flag
	Flag   string   // "--python" when the value came from a flag
	Source string   // the offending line, when the input is a file
	Msg    string
}

// Error returns the one-line form: "file:line:col: message", "--flag: message", or
// "target: message".
func (e *InputError) Error() string {
	switch {
	case e.Pos.File != "":
		return e.Pos.String() + ": " + e.Msg
	case e.Flag != "":
		return e.Flag + ": " + e.Msg
	}
	return "target: " + e.Msg
}

// ErrorWithContext returns the one-line form, then the offending line of a file with a
// caret under the column, as reqfile.Error's does (input.Excerpt):
//
//	depsolve.toml:2:10: python must be a string, not a float (quote it: python = "…")
//	    2 | python = 3.10
//	      |          ^
func (e *InputError) ErrorWithContext() string {
	s := e.Error() + "\n"
	if e.Source != "" && e.Pos.Line > 0 {
		s += input.Excerpt(e.Pos.Line, e.Source, e.Pos.Col)
	}
	return s
}
