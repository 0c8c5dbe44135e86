package pep508

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

// vectors is testdata/pep508.json, packaging's test vectors (commit and
// licence in its "source" header; schema in the conformance README,
// section 3).
type vectors struct {
	Source struct {
		Repo   string `json:"repo"`
		Commit string `json:"commit"`
	} `json:"source"`
	Requirements struct {
		Valid []struct {
			Input     string   `json:"input"`
			Name      string   `json:"name"`
			Extras    []string `json:"extras"`
			Specifier string   `json:"specifier"`
			URL       *string  `json:"url"`
			Marker    *string  `json:"marker"`
			Str       string   `json:"str"`
			Test      string   `json:"test"`
		} `json:"valid"`
		Invalid []struct {
			Input    string `json:"input"`
			Error    string `json:"error"`
			Asserted bool   `json:"error_asserted_by_test"`
			Test     string `json:"test"`
		} `json:"invalid"`
		Equality []struct {
			Left     string `json:"left"`
			Right    string `json:"right"`
			Relation string `json:"relation"`
		} `json:"equality"`
	} `json:"requirements"`
	Markers struct {
		Valid []struct {
			Marker  string `json:"marker"`
			Dialect string `json:"dialect"`
		} `json:"valid"`
		Invalid []struct {
			Marker   string `json:"marker"`
			Error    string `json:"error"`
			Asserted bool   `json:"error_asserted_by_test"`
		} `json:"invalid"`
		StrNormalization []struct {
			Input string `json:"input"`
			Str   string `json:"str"`
		} `json:"str_normalization"`
		NotEqual []struct {
			Left  string `json:"left"`
			Right string `json:"right"`
		} `json:"not_equal"`
		Evaluate []struct {
			Marker      string                     `json:"marker"`
			Environment map[string]json.RawMessage `json:"environment"`
			Expected    bool                       `json:"expected"`
			Context     string                     `json:"context"`
			Test        string                     `json:"test"`
		} `json:"evaluate"`
		EvaluateErrors []struct {
			Marker      string                     `json:"marker"`
			Environment map[string]json.RawMessage `json:"environment"`
			Error       string                     `json:"error"`
			Context     string                     `json:"context"`
		} `json:"evaluate_errors"`
	} `json:"markers"`
}

var readVectors = sync.OnceValues(func() (*vectors, error) {
	data, err := os.ReadFile("testdata/pep508.json")
	if err != nil {
		return nil, err
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	if v.Source.Commit != "053c884615f2e83d80705251b447769ec2599653" {
		return nil, fmt.Errorf("testdata/pep508.json is from %s@%s; this package was checked against 053c8846", v.Source.Repo, v.Source.Commit)
	}
	return &v, nil
})

func loadVectors(t testing.TB) *vectors {
	t.Helper()
	v, err := readVectors()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// section counts the vectors of one section of the file that fail, for the
// "N of M vectors pass" line in the verbose output.
type section struct {
	t             *testing.T
	name          string
	total, failed int
	currentFailed bool
}

func newSection(t *testing.T, name string) *section { return &section{t: t, name: name} }

// vector starts the next vector.
func (s *section) vector() { s.total++; s.currentFailed = false }

func (s *section) errorf(format string, args ...any) {
	s.t.Helper()
	if !s.currentFailed {
		s.failed++
		s.currentFailed = true
	}
	s.t.Errorf(format, args...)
}

func (s *section) done() { s.t.Logf("%s: %d of %d vectors pass", s.name, s.total-s.failed, s.total) }

// caret returns the offset packaging's error text points at: its last line
// is four spaces, the span as '~' and a '^' under the error position. ok
// is false for messages without one ("Invalid specifier: 'y'").
func caret(msg string) (start, offset int, ok bool) {
	lines := strings.Split(msg, "\n")
	last := lines[len(lines)-1]
	if len(lines) < 3 || !strings.HasSuffix(last, "^") || !strings.HasPrefix(last, "    ") {
		return 0, 0, false
	}
	body := last[4:]
	offset = len(body) - 1
	start = len(body) - len(strings.TrimLeft(body, " "))
	return start, offset, true
}

func TestRequirementsValid(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "requirements.valid")
	defer s.done()
	normalized := 0
	defer func() { t.Logf("requirements.valid: %d specifiers compared in PEP 440 normal form", normalized) }()
	for _, c := range v.Requirements.Valid {
		s.vector()
		r, err := ParseRequirement(c.Input)
		if err != nil {
			s.errorf("ParseRequirement(%q) [%s]: %v", c.Input, c.Test, err)
			continue
		}
		extras := slices.Clone(r.Extras)
		slices.Sort(extras)
		// Specifier versions print in PEP 440 normal form (pep440's
		// Specifier.String), where packaging keeps them as written:
		// "==1.0-alpha" is "==1.0a0" here.
		wantSpecifier, wantStr := normalSpecifier(t, c.Specifier), c.Str
		if wantSpecifier != c.Specifier {
			wantStr = strings.Replace(c.Str, c.Specifier, wantSpecifier, 1)
			normalized++
		}
		url, marker := "", ""
		if c.URL != nil {
			url = *c.URL
		}
		if c.Marker != nil {
			marker = *c.Marker
		}
		if r.Name != c.Name || !slices.Equal(extras, c.Extras) || r.Specifier.String() != wantSpecifier ||
			r.URL != url || r.Marker.String() != marker || r.String() != wantStr {
			s.errorf("ParseRequirement(%q) [%s]:\n got name=%q extras=%q specifier=%q url=%q marker=%q str=%q\nwant name=%q extras=%q specifier=%q url=%q marker=%q str=%q",
				c.Input, c.Test, r.Name, extras, r.Specifier.String(), r.URL, r.Marker.String(), r.String(),
				c.Name, c.Extras, wantSpecifier, url, marker, wantStr)
			continue
		}
		// The canonical form reads back as the same requirement.
		again, err := ParseRequirement(r.String())
		if err != nil || again.String() != r.String() || !again.Equal(r) {
			s.errorf("ParseRequirement(%q).String() = %q does not read back: %v", c.Input, r.String(), err)
		}
	}
}

// normalSpecifier is packaging's specifier string in pep440's normal form.
func normalSpecifier(t *testing.T, s string) string {
	set, err := pep440.ParseSpecifierSet(s)
	if err != nil {
		t.Fatalf("pep440.ParseSpecifierSet(%q): %v", s, err)
	}
	return set.String()
}

func TestRequirementsInvalid(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "requirements.invalid")
	defer s.done()
	for _, c := range v.Requirements.Invalid {
		s.vector()
		_, err := ParseRequirement(c.Input)
		checkSyntaxError(s, "ParseRequirement", c.Input, err, c.Error)
	}
}

// checkSyntaxError checks that err is a *SyntaxError with packaging's span,
// when packaging's message shows one.
func checkSyntaxError(s *section, fn, input string, err error, want string) {
	s.t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		s.errorf("%s(%q) = %v, want a *SyntaxError like %q", fn, input, err, want)
		return
	}
	if se.Input != input || se.Msg == "" {
		s.errorf("%s(%q): error %+v lacks the input or a message", fn, input, se)
	}
	start, offset, ok := caret(want)
	if !ok {
		return
	}
	if se.Offset != offset || se.Start != start {
		s.errorf("%s(%q): error at [%d, %d] %q, packaging says [%d, %d]:\n%s", fn, input, se.Start, se.Offset, se.Msg, start, offset, want)
	}
}

func TestRequirementsEquality(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "requirements.equality")
	defer s.done()
	for _, c := range v.Requirements.Equality {
		s.vector()
		l, err := ParseRequirement(c.Left)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ParseRequirement(c.Right)
		if err != nil {
			t.Fatal(err)
		}
		wantEqual := c.Relation != "different"
		wantSameString := c.Relation == "equal"
		if l.Equal(r) != wantEqual || r.Equal(l) != wantEqual || (l.String() == r.String()) != wantSameString {
			s.errorf("%q vs %q: Equal = %v, same String = %v (%q, %q); want relation %s",
				c.Left, c.Right, l.Equal(r), l.String() == r.String(), l, r, c.Relation)
		}
	}
}

func TestMarkersValid(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "markers.valid")
	defer s.done()
	dialects := map[string]int{}
	for _, c := range v.Markers.Valid {
		s.vector()
		m, err := ParseMarker(c.Marker)
		if err != nil {
			s.errorf("ParseMarker(%q) [%s]: %v", c.Marker, c.Dialect, err)
			continue
		}
		again, err := ParseMarker(m.String())
		if err != nil || !again.Equal(m) {
			s.errorf("ParseMarker(%q).String() = %q does not read back: %v", c.Marker, m, err)
		}
		for _, name := range variables(m) {
			if !pep508Variables[name] {
				s.errorf("ParseMarker(%q) = %q keeps the legacy name %s", c.Marker, m, name)
			}
		}
		dialects[c.Dialect]++
	}
	t.Logf("markers.valid by dialect: %v (all accepted)", dialects)
}

func TestMarkersInvalid(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "markers.invalid")
	defer s.done()
	for _, c := range v.Markers.Invalid {
		s.vector()
		_, err := ParseMarker(c.Marker)
		checkSyntaxError(s, "ParseMarker", c.Marker, err, c.Error)
	}
}

func TestMarkersStrNormalization(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "markers.str_normalization")
	defer s.done()
	for _, c := range v.Markers.StrNormalization {
		s.vector()
		m, err := ParseMarker(c.Input)
		if err != nil {
			s.errorf("ParseMarker(%q): %v", c.Input, err)
			continue
		}
		if m.String() != c.Str {
			s.errorf("ParseMarker(%q).String() = %q, want %q", c.Input, m, c.Str)
		}
		// A requirement prints its marker the same way.
		r, err := ParseRequirement("name; " + c.Input)
		if err != nil || r.Marker.String() != c.Str {
			s.errorf("ParseRequirement(%q).Marker = %q, %v; want %q", "name; "+c.Input, r.Marker, err, c.Str)
		}
	}
}

func TestMarkersNotEqual(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "markers.not_equal")
	defer s.done()
	for _, c := range v.Markers.NotEqual {
		s.vector()
		l, errL := ParseMarker(c.Left)
		r, errR := ParseMarker(c.Right)
		if errL != nil || errR != nil {
			t.Fatal(errL, errR)
		}
		if l.Equal(r) || r.Equal(l) {
			s.errorf("ParseMarker(%q).Equal(%q) = true", c.Left, c.Right)
		}
		if !l.Equal(l) {
			s.errorf("ParseMarker(%q) is not Equal to itself", c.Left)
		}
	}
}

var pep508Variables = map[string]bool{
	"python_version": true, "python_full_version": true, "os_name": true, "sys_platform": true,
	"platform_release": true, "platform_system": true, "platform_version": true,
	"platform_machine": true, "platform_python_implementation": true, "implementation_name": true,
	"implementation_version": true, "extra": true, "extras": true, "dependency_groups": true,
}

// variables lists the variables m refers to.
func variables(m Marker) []string {
	var names []string
	var walk func(e *expr)
	walk = func(e *expr) {
		for _, t := range e.terms {
			if t.group != nil {
				walk(t.group)
				continue
			}
			for _, o := range []operand{t.cmp.lhs, t.cmp.rhs} {
				if o.variable {
					names = append(names, o.text)
				}
			}
		}
	}
	if m.root != nil {
		walk(m.root)
	}
	return names
}

// hostEnvironment stands for the interpreter packaging's tests ran on,
// which the vectors fix as POSIX CPython with no extra; the vectors'
// environments override it.
func hostEnvironment() Environment {
	return Environment{
		"implementation_name":            "cpython",
		"implementation_version":         "3.12.4",
		"os_name":                        "posix",
		"platform_machine":               "x86_64",
		"platform_release":               "6.8.0-45-generic",
		"platform_system":                "Linux",
		"platform_version":               "#45-Ubuntu SMP PREEMPT_DYNAMIC",
		"python_full_version":            "3.12.4",
		"platform_python_implementation": "CPython",
		"python_version":                 "3.12",
		"sys_platform":                   "linux",
	}
}

// evaluateVector evaluates a vector's marker the way its context asks:
// "lock_file", or set-valued entries in the environment, call for
// EvaluateLock; "metadata" (the default) and "requirement" for Evaluate,
// which differs from the requirement context only for an unset extra,
// which no such vector has.
func evaluateVector(t *testing.T, marker string, overrides map[string]json.RawMessage, context string) (bool, error) {
	t.Helper()
	m, err := ParseMarker(marker)
	if err != nil {
		t.Fatalf("ParseMarker(%q): %v", marker, err)
	}
	env := hostEnvironment()
	var sets map[string][]string
	for k, raw := range overrides {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			env[k] = s
			continue
		}
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatalf("environment %s = %s: %v", k, raw, err)
		}
		if sets == nil {
			sets = map[string][]string{}
		}
		sets[k] = list
	}
	if context == "lock_file" || sets != nil {
		return m.EvaluateLock(env, sets["extras"], sets["dependency_groups"])
	}
	if context == "requirement" && strings.Contains(marker, "extra") {
		t.Fatalf("%q: the requirement context leaves extra undefined, which Evaluate does not", marker)
	}
	return m.Evaluate(env)
}

func TestMarkersEvaluate(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "markers.evaluate")
	defer s.done()
	for _, c := range v.Markers.Evaluate {
		s.vector()
		got, err := evaluateVector(t, c.Marker, c.Environment, c.Context)
		if err != nil || got != c.Expected {
			s.errorf("%q in %v (context %q) [%s] = %v, %v; want %v", c.Marker, c.Environment, c.Context, c.Test, got, err, c.Expected)
		}
	}
}

func TestMarkersEvaluateErrors(t *testing.T) {
	v := loadVectors(t)
	s := newSection(t, "markers.evaluate_errors")
	defer s.done()
	for _, c := range v.Markers.EvaluateErrors {
		s.vector()
		_, err := evaluateVector(t, c.Marker, c.Environment, c.Context)
		var undefinedName *UndefinedNameError
		var undefinedComparison *UndefinedComparisonError
		switch c.Error {
		case "UndefinedEnvironmentName":
			if !errors.As(err, &undefinedName) {
				s.errorf("%q (context %q): err = %v, want *UndefinedNameError", c.Marker, c.Context, err)
			}
		case "UndefinedComparison":
			if !errors.As(err, &undefinedComparison) {
				s.errorf("%q (context %q): err = %v, want *UndefinedComparisonError", c.Marker, c.Context, err)
			}
		default:
			s.errorf("%q: unknown error kind %q", c.Marker, c.Error)
		}
	}
}
