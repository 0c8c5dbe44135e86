package main

import (
	"fmt"

	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// requiresPython turns the requires-python of the input files (pyproject.toml [project],
// pylock.toml) into root requirements on the target's Python. They are the project's (or
// the lock's) requirements, not the user's: Of says whose, so that a target Python
// outside one is explained as "the project requires Python >=3.12 (pyproject.toml:4)",
// a conflict like any other (exit 1).
func requiresPython(files []*reqfile.File) []resolver.Requirement {
	var out []resolver.Requirement
	for _, f := range files {
		if f.RequiresPython.IsEmpty() {
			continue
		}
		of := "the project"
		if reqfile.IsPylock(f.Path) {
			of = "the lock"
		}
		out = append(out, resolver.Requirement{
			Requirement: pep508.Requirement{Name: target.VirtualPython, Specifier: f.RequiresPython},
			Origin:      reqfile.Position{File: f.RequiresPythonPos.File, Line: f.RequiresPythonPos.Line}.String(),
			Of:          of,
		})
	}
	return out
}

// requiresPythonHints are the hints only the command can give when a conflict rests on
// the requires-python of an input file: how to give the target's Python, and what to
// change if the Python given is the right one.
func requiresPythonHints(ns *resolver.NoSolution, t *target.Target) []string {
	var hints []string
	for _, in := range ns.External() {
		project, ok := in.Dependency.Cause.(resolver.ProjectRequirement)
		if !ok || in.Depender != ns.RootPackage || in.Dependency.Package.Name != target.VirtualPython {
			continue
		}
		if project.Of == "the lock" {
			hints = append(hints, fmt.Sprintf("give the target's Python with --python; if it is %s, the lock (%s) was made for other Pythons: lock again for this target", t.Python.Text, project.Origin))
		} else {
			hints = append(hints, fmt.Sprintf("give the target's Python with --python (or python under [target] in depsolve.toml); if it is %s, %s does not support it: change requires-python (%s) or the target", t.Python.Text, project.Of, project.Origin))
		}
	}
	return hints
}
