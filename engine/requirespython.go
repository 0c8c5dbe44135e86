package engine

import (
	"fmt"

	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// pythonRequirement is the requires-python of an input file as a root requirement, and
// whether the file is a lock (whose remedy is locking again, not editing it).
type pythonRequirement struct {
	resolver.Requirement
	ofLock bool
}

// requiresPython turns the requires-python of the input files (pyproject.toml [project],
// pylock.toml) into root requirements on the target's Python. They are the project's (or
// the lock's) requirements, not the user's: Of says whose, so that a target Python
// outside one is explained as "the project requires Python >=3.12 (pyproject.toml:4)",
// a conflict like any other.
func requiresPython(files []*reqfile.File) []pythonRequirement {
	var out []pythonRequirement
	for _, f := range files {
		if f.RequiresPython.IsEmpty() {
			continue
		}
		r := pythonRequirement{Requirement: resolver.Requirement{
			Requirement: pep508.Requirement{Name: target.VirtualPython, Specifier: f.RequiresPython},
			Origin:      f.RequiresPythonPos.LineOnly(),
			Of:          "the project",
		}}
		if f.Format == reqfile.FormatPylock {
			r.Of, r.ofLock = "the lock", true
		}
		out = append(out, r)
	}
	return out
}

// requiresPythonHints are the hints only the session can give when a conflict rests on
// the requires-python of an input file (one of reqs): how to give the target's Python,
// and what to change if the Python given is the right one.
func requiresPythonHints(ns *resolver.NoSolution, t *target.Target, reqs []pythonRequirement) []string {
	var hints []string
	for _, in := range ns.External() {
		project, ok := in.Dependency.Cause.(resolver.ProjectRequirement)
		if !ok || in.Depender != ns.RootPackage || in.Dependency.Package.Name != target.VirtualPython {
			continue
		}
		for _, r := range reqs {
			if r.Origin != project.Origin {
				continue
			}
			if r.ofLock {
				hints = append(hints, fmt.Sprintf("give the target's Python with --python; if it is %s, the lock (%s) was made for other Pythons: lock again for this target", t.Python.Text, project.Origin))
			} else {
				hints = append(hints, fmt.Sprintf("give the target's Python with --python (or python under [target] in depsolve.toml); if it is %s, %s does not support it: change requires-python (%s) or the target", t.Python.Text, project.Of, project.Origin))
			}
			break
		}
	}
	return hints
}
