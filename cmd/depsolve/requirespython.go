package main

import (
	"fmt"
	"path/filepath"

	"github.com/depsolve/depsolve/compat"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/reqfile"
)

// pythonMismatch is a target Python outside the requires-python of an input file
// (pyproject.toml [project], pylock.toml): the project or the lock cannot be installed
// there, a conflict like any other (exit 1).
//
// It is checked here, before resolving, rather than given to the solver as a
// requirement on @python: the solver reads the root's requirements on virtual packages
// as the target's facts ("your target's Python is >=3.12"), which would misstate it.
// The solver could add nothing: @python has one version, so the check is exact.
type pythonMismatch struct {
	file  string
	chain string
	hints []string
}

// checkRequiresPython returns the first mismatch between the target's Python and the
// input files' requires-python, or nil.
func checkRequiresPython(t *compat.Target, files []*reqfile.File) *pythonMismatch {
	py, err := pep440.Parse(t.Python.Text)
	if err != nil {
		return nil // no Python to check; the target reports a malformed one itself
	}
	for _, f := range files {
		if f.RequiresPython.IsEmpty() || f.RequiresPython.Range().Contains(py) {
			continue
		}
		what := "the project"
		if reqfile.IsPylock(f.Path) {
			what = "the lock"
		}
		at := reqfile.Position{File: f.RequiresPythonPos.File, Line: f.RequiresPythonPos.Line}
		chain := fmt.Sprintf("Because %s requires Python %s (%s) and your target's Python is %s%s, %s cannot be installed on this target.",
			what, f.RequiresPython, at, t.Python.Text, pythonOrigin(t), what)
		hint := fmt.Sprintf("give the target's Python with --python (or python under [target] in depsolve.toml); if it is %s, %s does not support it: change requires-python (%s) or the target",
			t.Python.Text, what, at)
		if filepath.Base(f.Path) != "pyproject.toml" {
			hint = fmt.Sprintf("give the target's Python with --python; if it is %s, the lock was made for other Pythons: lock again for this target", t.Python.Text)
		}
		return &pythonMismatch{file: f.Path, chain: chain, hints: []string{hint}}
	}
	return nil
}

// pythonOrigin is where the target's Python comes from, as the solver's explanations
// phrase it (" (from --python)"), or "" when unknown.
func pythonOrigin(t *compat.Target) string {
	for _, v := range t.Virtuals() {
		if v.Name == compat.VirtualPython && v.Origin != "" {
			return " (" + v.Origin + ")"
		}
	}
	return ""
}
