package resolver

import (
	"errors"
	"strings"

	"github.com/depsolve/depsolve/pep508"
)

// A target's marker environment lacks what the target does not know: always
// platform_release and platform_version (a kernel, which a target never pins), and
// sys_platform and the like when its platform is unknown. pep508's Evaluate fails on
// any comparison that reads a missing variable, wherever it stands. evaluateMarker
// instead reads such a comparison as unknown and evaluates the marker in Kleene's
// three-valued logic (false and unknown is false, true or unknown is true): a marker
// whose value does not depend on the missing variables still has one, so
// `sys_platform == "darwin" and platform_release >= "20"` is false on Linux.
//
// pep508 has no partial evaluation, so the and/or tree is read back from the marker's
// canonical form (Marker.String): double-quoted literals (single-quoted when the value
// holds a double quote; escaped otherwise, never with a raw quote inside), single
// spaces around "and" and "or", parentheses around every nested chain. Each comparison
// is parsed and evaluated by pep508 on its own.

// markerValue is a three-valued truth.
type markerValue uint8

const (
	markerFalse markerValue = iota
	markerTrue
	markerUnknown
)

// evaluateMarker is m's value in env. When missing variables leave it undecided, the
// error is the *pep508.UndefinedNameError of the first one; any other evaluation error
// (an undefined comparison, a set-valued variable outside a lock file) is returned as
// pep508 reports it.
func evaluateMarker(m pep508.Marker, env pep508.Environment) (bool, error) {
	ok, err := m.Evaluate(env)
	var undefined *pep508.UndefinedNameError
	if err == nil || !errors.As(err, &undefined) || isSetVariable(undefined.Name) {
		return ok, err
	}
	v, missing, err := evaluateChain(m.String(), env)
	switch {
	case err != nil:
		return false, err
	case v == markerUnknown:
		return false, missing
	}
	return v == markerTrue, nil
}

// isSetVariable: extras and dependency_groups exist only in lock files (PEP 751); a
// marker reading them elsewhere is wrong, not undecided.
func isSetVariable(name string) bool { return name == "extras" || name == "dependency_groups" }

// evaluateChain evaluates a canonical "a and b or (c or d)" chain: "and" binds
// tighter than "or". When the value is unknown, missing is a missing variable that
// it depends on (one in an "and" run that is itself unknown).
func evaluateChain(s string, env pep508.Environment) (v markerValue, missing *pep508.UndefinedNameError, err error) {
	terms, ors := splitChain(s)
	result, chain := markerFalse, markerTrue
	var chainMissing *pep508.UndefinedNameError
	endChain := func() {
		if chain == markerUnknown && missing == nil {
			missing = chainMissing
		}
		result = or3(result, chain)
	}
	for i, t := range terms {
		if i > 0 && ors[i-1] {
			endChain()
			chain, chainMissing = markerTrue, nil
		}
		var tv markerValue
		var tm *pep508.UndefinedNameError
		if inner, ok := strings.CutPrefix(t, "("); ok && strings.HasSuffix(inner, ")") {
			tv, tm, err = evaluateChain(inner[:len(inner)-1], env)
		} else {
			tv, tm, err = evaluateComparison(t, env)
		}
		if err != nil {
			return markerFalse, nil, err
		}
		if tv == markerUnknown && chainMissing == nil {
			chainMissing = tm
		}
		chain = and3(chain, tv)
	}
	endChain()
	if result != markerUnknown {
		missing = nil
	}
	return result, missing, nil
}

// evaluateComparison evaluates one comparison; a missing variable makes it unknown.
func evaluateComparison(s string, env pep508.Environment) (markerValue, *pep508.UndefinedNameError, error) {
	m, err := pep508.ParseMarker(s)
	if err != nil {
		return markerFalse, nil, err
	}
	ok, err := m.Evaluate(env)
	var undefined *pep508.UndefinedNameError
	switch {
	case err == nil && ok:
		return markerTrue, nil, nil
	case err == nil:
		return markerFalse, nil, nil
	case errors.As(err, &undefined) && !isSetVariable(undefined.Name):
		return markerUnknown, undefined, nil
	}
	return markerFalse, nil, err
}

// splitChain splits a canonical chain at its top-level " and " and " or ": outside
// quotes and parentheses. ors[i] is whether terms[i] and terms[i+1] are joined by "or".
func splitChain(s string) (terms []string, ors []bool) {
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			if end := strings.IndexByte(s[i+1:], c); end >= 0 {
				i += end + 1
			}
		case '(':
			depth++
		case ')':
			depth--
		case ' ':
			if depth != 0 {
				continue
			}
			for _, op := range [...]string{" and ", " or "} {
				if strings.HasPrefix(s[i:], op) {
					terms = append(terms, s[start:i])
					ors = append(ors, op == " or ")
					i += len(op) - 1
					start = i + 1
					break
				}
			}
		}
	}
	return append(terms, s[start:]), ors
}

func and3(a, b markerValue) markerValue {
	switch {
	case a == markerFalse || b == markerFalse:
		return markerFalse
	case a == markerUnknown || b == markerUnknown:
		return markerUnknown
	}
	return markerTrue
}

func or3(a, b markerValue) markerValue {
	switch {
	case a == markerTrue || b == markerTrue:
		return markerTrue
	case a == markerUnknown || b == markerUnknown:
		return markerUnknown
	}
	return markerFalse
}
