package target

import "testing"

// TestInputErrorEscapesTheLine: the offending line is the input's text; its control
// characters are printed escaped, and the caret moves with them.
func TestInputErrorEscapesTheLine(t *testing.T) {
	e := &InputError{Pos: Position{File: "depsolve.toml", Line: 2, Col: 13}, Source: "python = \"3.\x1b[2J\"", Msg: "not a version"}
	want := "depsolve.toml:2:13: not a version\n    python = \"3.\\x1b[2J\"\n                ^"
	if got := e.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
