package target

import "testing"

// TestInputErrorEscapesTheLine: the offending line is the input's text; its control
// characters are printed escaped, and the caret moves with them. The line shows as a
// requirements file's error shows it: numbered, the caret under a gutter.
func TestInputErrorEscapesTheLine(t *testing.T) {
	e := &InputError{Pos: Position{File: "depsolve.toml", Line: 2, Col: 13}, Source: "python = \"3.\x1b[2J\"", Msg: "not a version"}
	if got, want := e.Error(), "depsolve.toml:2:13: not a version"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	want := "depsolve.toml:2:13: not a version\n    2 | python = \"3.\\x1b[2J\"\n      |             ^\n"
	if got := e.ErrorWithContext(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
