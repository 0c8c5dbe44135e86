package resolver

import (
	"github.com/depsolve/depsolve/pep508"
)

// evaluateMarker is m's value in env (pep508's Decide). A target's marker environment
// lacks what the target does not know: always platform_release and platform_version (a
// kernel, which a target never pins), and sys_platform and the like when its platform is
// unknown. A marker whose value does not depend on them still has one
// (`sys_platform == "darwin" and platform_release >= "20"` is false on Linux); when the
// value does depend on one, the error is a *pep508.UndefinedNameError naming it. Any
// other evaluation error (an undefined comparison, a set-valued variable outside a lock
// file) is returned as pep508 reports it.
func evaluateMarker(m pep508.Marker, env pep508.Environment) (bool, error) {
	return m.Decide(env, nil)
}

// evaluateUserMarker is the value of the marker of a user's requirement or
// constraint: evaluateMarker's, in a lock's context for a lock's package (PEP 751:
// extras and dependency_groups are the sets chosen at install time).
func evaluateUserMarker(r Requirement, env pep508.Environment) (bool, error) {
	return r.Marker.Decide(env, r.Lock)
}

// isSetVariable: extras and dependency_groups exist only in lock files (PEP 751); a
// marker reading them elsewhere is wrong, not undecided.
func isSetVariable(name string) bool { return name == "extras" || name == "dependency_groups" }
