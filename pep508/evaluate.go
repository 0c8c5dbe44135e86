package pep508

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep440"
)

// Environment maps PEP 508 marker variables to their values in the target
// environment: "python_version" -> "3.12", "sys_platform" -> "linux", and
// so on. "extra" is the extra whose dependencies are being evaluated.
type Environment map[string]string

// UndefinedNameError reports a marker variable the environment does not
// define.
type UndefinedNameError struct {
	Name string
	Hint string // "" or why the name is undefined here
}

func (e *UndefinedNameError) Error() string {
	msg := fmt.Sprintf("pep508: marker variable %s is not defined in the environment", e.Name)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// UndefinedComparisonError reports a comparison PEP 508 gives no meaning:
// '~=' or '===' on values that are not versions, or a set-valued variable
// used other than as the right side of 'in' / 'not in'.
type UndefinedComparisonError struct {
	Comparison string // the comparison, in canonical form
	Reason     string
}

func (e *UndefinedComparisonError) Error() string {
	return fmt.Sprintf("pep508: undefined comparison %s: %s", e.Comparison, e.Reason)
}

// versionVariables are compared as PEP 440 versions when the comparison
// is a valid version specifier (packaging's MARKERS_REQUIRING_VERSION).
func isVersionVariable(name string) bool {
	switch name {
	case "python_version", "python_full_version", "implementation_version", "platform_release":
		return true
	}
	return false
}

// isSetVariable reports whether name is one of the set-valued variables
// PEP 751 lock files define.
func isSetVariable(name string) bool { return name == "extras" || name == "dependency_groups" }

// Evaluate reports whether m holds in env, in the context of core
// metadata (Requires-Dist) and requirements files: "extra" is "" when env
// does not set it and is compared by its PEP 685 form; the set-valued
// extras and dependency_groups are undefined (see EvaluateLock). The empty
// marker is true. Errors are *UndefinedNameError and
// *UndefinedComparisonError; every comparison is evaluated, left to
// right, so an error is reported even where "and"/"or" would not need the
// comparison.
func (m Marker) Evaluate(env Environment) (bool, error) {
	v, _, err := m.evaluate(&evaluation{env: env})
	return v == truthy, err
}

// EvaluatePartial is Evaluate for an environment that may lack variables (a
// target that does not know its kernel's platform_release, say): a
// comparison that reads a variable env lacks is unknown, not an error, and
// the marker is evaluated in Kleene's three-valued logic, where false and
// unknown is false and true or unknown is true. known is whether the value
// is decided; when it is, result is what Evaluate gives for every value of
// the missing variables. When it is not, result is false and missing names
// a variable env lacks that the value depends on: the first, left to right,
// in the first undecided "and" run. With every variable defined it is
// Evaluate. Other errors are Evaluate's, from every comparison, wherever it
// stands; extras and dependency_groups are not variables env lacks but
// undefined in this context, so reading them is an *UndefinedNameError.
func (m Marker) EvaluatePartial(env Environment) (result, known bool, missing string, err error) {
	v, missing, err := m.evaluate(&evaluation{env: env, partial: true})
	if err != nil {
		return false, false, "", err
	}
	return v == truthy, v != unknown, missing, nil
}

// EvaluateLock reports whether m holds in env in a PEP 751 lock file, where
// extras and dependency_groups are the sets of extras and dependency
// groups being installed ("name" in extras). Unlike Evaluate, "extra" is
// undefined unless env sets it.
func (m Marker) EvaluateLock(env Environment, extras, dependencyGroups []string) (bool, error) {
	v, _, err := m.evaluate(lockEvaluation(env, extras, dependencyGroups))
	return v == truthy, err
}

// EvaluateLockPartial is EvaluateLock for an environment that may lack
// variables, as EvaluatePartial is Evaluate's: a comparison reading a
// variable env lacks is unknown. "extra", which a lock file does not
// define, is an *UndefinedNameError when env lacks it, not an unknown.
func (m Marker) EvaluateLockPartial(env Environment, extras, dependencyGroups []string) (result, known bool, missing string, err error) {
	ev := lockEvaluation(env, extras, dependencyGroups)
	ev.partial = true
	v, missing, err := m.evaluate(ev)
	if err != nil {
		return false, false, "", err
	}
	return v == truthy, v != unknown, missing, nil
}

// A LockSelection is what a PEP 751 lock is installed with: the extras and the
// dependency groups chosen at install time, which the markers of its packages
// test as the sets extras and dependency_groups.
type LockSelection struct{ Extras, Groups []string }

// Decide is m's value on a target, whose environment may lack variables (a
// kernel's platform_release, the platform when it is unknown): EvaluatePartial's
// value, or EvaluateLockPartial's in the context of lock when lock is not nil. A
// value that depends on a variable env lacks is an *UndefinedNameError naming it;
// other errors are the evaluation's. The resolver decides requirements with it,
// and a lock check which pins apply, so the two cannot disagree.
func (m Marker) Decide(env Environment, lock *LockSelection) (bool, error) {
	var result, known bool
	var missing string
	var err error
	if lock == nil {
		result, known, missing, err = m.EvaluatePartial(env)
	} else {
		result, known, missing, err = m.EvaluateLockPartial(env, lock.Extras, lock.Groups)
	}
	switch {
	case err != nil:
		return false, err
	case !known:
		return false, &UndefinedNameError{Name: missing}
	}
	return result, nil
}

func lockEvaluation(env Environment, extras, dependencyGroups []string) *evaluation {
	norm := func(names []string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = NormalizeName(n)
		}
		return out
	}
	return &evaluation{env: env, lock: true, extras: norm(extras), groups: norm(dependencyGroups)}
}

type evaluation struct {
	env            Environment
	lock           bool
	partial        bool // a variable env lacks makes its comparison unknown
	extras, groups []string
}

// truth is a three-valued truth; unknown arises only in a partial
// evaluation.
type truth uint8

const (
	falsy truth = iota
	truthy
	unknown
)

func and3(a, b truth) truth {
	switch {
	case a == falsy || b == falsy:
		return falsy
	case a == unknown || b == unknown:
		return unknown
	}
	return truthy
}

func or3(a, b truth) truth {
	switch {
	case a == truthy || b == truthy:
		return truthy
	case a == unknown || b == unknown:
		return unknown
	}
	return falsy
}

func truthOf(b bool) truth {
	if b {
		return truthy
	}
	return falsy
}

// value is a string, or a set for extras and dependency_groups.
type value struct {
	s     string
	set   []string
	isSet bool
}

func (ev *evaluation) lookup(name string) (value, error) {
	if isSetVariable(name) {
		if !ev.lock {
			return value{}, &UndefinedNameError{Name: name, Hint: "it is a set defined only when evaluating a lock file"}
		}
		if name == "extras" {
			return value{set: ev.extras, isSet: true}, nil
		}
		return value{set: ev.groups, isSet: true}, nil
	}
	v, ok := ev.env[name]
	switch {
	case name == "extra":
		if !ok && ev.lock {
			return value{}, &UndefinedNameError{Name: name}
		}
		return value{s: NormalizeExtra(v)}, nil
	case !ok:
		return value{}, &UndefinedNameError{Name: name}
	case name == "python_full_version" && strings.HasSuffix(v, "+"):
		// Untagged CPython builds report "3.11.1+", which is not PEP 440;
		// packaging reads it as a local version, and so does this.
		v += "local"
	}
	return value{s: v}, nil
}

func (ev *evaluation) operand(o operand) (value, error) {
	if o.variable {
		return ev.lookup(o.text)
	}
	return value{s: o.text}, nil
}

// evaluate gives m's value in ev and, when it is unknown, the variable it
// names as missing (see EvaluatePartial).
func (m Marker) evaluate(ev *evaluation) (truth, string, error) {
	if m.root == nil {
		return truthy, "", nil
	}
	return m.root.evaluate(ev)
}

// evaluate computes an or of ands: the chain is cut at each "or" into
// "and" runs.
func (e *expr) evaluate(ev *evaluation) (truth, string, error) {
	result, run := falsy, truthy
	var missing, runMissing string
	endRun := func() {
		if run == unknown && missing == "" {
			missing = runMissing
		}
		result = or3(result, run)
	}
	for i, t := range e.terms {
		if i > 0 && e.ors[i-1] {
			endRun()
			run, runMissing = truthy, ""
		}
		var v truth
		var m string
		var err error
		if t.group != nil {
			v, m, err = t.group.evaluate(ev)
		} else {
			v, m, err = t.cmp.evaluate(ev)
		}
		if err != nil {
			return falsy, "", err
		}
		if v == unknown && runMissing == "" {
			runMissing = m
		}
		run = and3(run, v)
	}
	endRun()
	if result != unknown {
		missing = ""
	}
	return result, missing, nil
}

// evaluate reads both operands, then compares them; in a partial
// evaluation a variable env lacks makes the comparison unknown, unless the
// other operand is an error.
func (c *comparison) evaluate(ev *evaluation) (truth, string, error) {
	lhs, err := ev.operand(c.lhs)
	lhsMissing, ok := ev.missing(err)
	if !ok {
		return falsy, "", err
	}
	rhs, err := ev.operand(c.rhs)
	rhsMissing, ok := ev.missing(err)
	if !ok {
		return falsy, "", err
	}
	if missing := cmp.Or(lhsMissing, rhsMissing); missing != "" {
		return unknown, missing, nil
	}
	v, err := c.compare(lhs, rhs)
	return truthOf(v), "", err
}

// missing reads a lookup's error: ok is false when it is an error, and
// name is set when it is a variable env lacks in a partial evaluation,
// which is an unknown instead.
func (ev *evaluation) missing(err error) (name string, ok bool) {
	if err == nil {
		return "", true
	}
	if undefined, isName := err.(*UndefinedNameError); isName && ev.partial && !isSetVariable(undefined.Name) && !(ev.lock && undefined.Name == "extra") {
		return undefined.Name, true
	}
	return "", false
}

func (c *comparison) compare(lhs, rhs value) (bool, error) {
	undefined := func(reason string) error {
		var b strings.Builder
		term{cmp: *c}.format(&b, true)
		return &UndefinedComparisonError{Comparison: b.String(), Reason: reason}
	}
	if lhs.isSet {
		return false, undefined(fmt.Sprintf("the set %s can only be the right side of 'in' or 'not in'", c.lhs.text))
	}
	if rhs.isSet {
		member := slices.Contains(rhs.set, NormalizeName(lhs.s))
		switch c.op {
		case "in":
			return member, nil
		case "not in":
			return !member, nil
		}
		return false, undefined(fmt.Sprintf("the set %s can only be tested with 'in' or 'not in'", c.rhs.text))
	}

	// The variable decides the rules: the left one, else the right one.
	key := c.lhs.text
	if !c.lhs.variable {
		key = c.rhs.text
		if !c.rhs.variable {
			key = ""
		}
	}
	if isVersionVariable(key) {
		if result, ok := compareVersions(lhs.s, c.op, rhs.s); ok {
			return result, nil
		}
	}
	switch c.op {
	case "in":
		return strings.Contains(rhs.s, lhs.s), nil
	case "not in":
		return !strings.Contains(rhs.s, lhs.s), nil
	case "==", "<=", ">=":
		// Strings have no order in PEP 508: <= and >= hold only for
		// equal strings, < and > never.
		return lhs.s == rhs.s, nil
	case "!=":
		return lhs.s != rhs.s, nil
	case "<", ">":
		return false, nil
	}
	if isVersionVariable(key) {
		return false, undefined(fmt.Sprintf("%q is not a PEP 440 version specifier", c.op+rhs.s))
	}
	if key == "" {
		return false, undefined(fmt.Sprintf("'%s' compares versions, and two literals are compared as strings", c.op))
	}
	return false, undefined(fmt.Sprintf("'%s' compares versions, and %s is compared as a string", c.op, key))
}

// compareVersions evaluates lhs op rhs as "lhs in the specifier op rhs",
// with pre-releases included, when op rhs is a valid PEP 440 specifier;
// ok is false when it is not and string rules apply. A lhs that is not a
// version is outside every specifier but "===", which compares text,
// ignoring case.
func compareVersions(lhs, op, rhs string) (result, ok bool) {
	if op == "in" || op == "not in" {
		return false, false
	}
	spec, err := pep440.ParseSpecifier(op + rhs)
	if err != nil {
		return false, false
	}
	if op == "===" {
		return strings.ToLower(lhs) == strings.ToLower(spec.Version()), true
	}
	v, err := pep440.Parse(lhs)
	if err != nil {
		return false, true
	}
	return spec.Contains(v), true
}
