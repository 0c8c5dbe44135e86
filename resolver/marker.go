package resolver

import (
	"github.com/depsolve/depsolve/pep508"
)

// evaluateMarker is m's value in env. A target's marker environment lacks what the
// target does not know: always platform_release and platform_version (a kernel, which
// a target never pins), and sys_platform and the like when its platform is unknown. A
// marker whose value does not depend on them still has one (pep508's EvaluatePartial:
// `sys_platform == "darwin" and platform_release >= "20"` is false on Linux); when the
// value does depend on one, the error is a *pep508.UndefinedNameError naming it. Any
// other evaluation error (an undefined comparison, a set-valued variable outside a lock
// file) is returned as pep508 reports it.
func evaluateMarker(m pep508.Marker, env pep508.Environment) (bool, error) {
	return decided(m.EvaluatePartial(env))
}

// evaluateUserMarker is the value of the marker of a user's requirement or
// constraint: evaluateMarker's, in a lock's context for a lock's package (PEP 751:
// extras and dependency_groups are the sets chosen at install time).
func evaluateUserMarker(r Requirement, env pep508.Environment) (bool, error) {
	if r.Lock == nil {
		return evaluateMarker(r.Marker, env)
	}
	return decided(r.Marker.EvaluateLockPartial(env, r.Lock.Extras, r.Lock.Groups))
}

// decided turns a partial evaluation into a value, or the error of one that is
// undecided.
func decided(ok, known bool, missing string, err error) (bool, error) {
	switch {
	case err != nil:
		return false, err
	case !known:
		return false, &pep508.UndefinedNameError{Name: missing}
	}
	return ok, nil
}

// isSetVariable: extras and dependency_groups exist only in lock files (PEP 751); a
// marker reading them elsewhere is wrong, not undecided.
func isSetVariable(name string) bool { return name == "extras" || name == "dependency_groups" }
