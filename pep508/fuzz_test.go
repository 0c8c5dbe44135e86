package pep508

import (
	"errors"
	"regexp"
	"testing"
)

// fuzzEnvironment defines every variable, so that evaluation errors come
// only from undefined comparisons.
var fuzzEnvironment = Environment{
	"implementation_name": "cpython", "implementation_version": "3.12.4", "os_name": "posix",
	"platform_machine": "x86_64", "platform_release": "6.8.0", "platform_system": "Linux",
	"platform_version": "#1 SMP", "python_full_version": "3.12.4+",
	"platform_python_implementation": "CPython", "python_version": "3.12",
	"sys_platform": "linux", "extra": "Dev_Tools",
}

// checkSyntaxErrorShape checks what every parse error promises: a
// *SyntaxError over the input with a span inside it.
func checkSyntaxErrorShape(t *testing.T, input string, err error) {
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%q: error %v is not a *SyntaxError", input, err)
	}
	if se.Input != input || se.Msg == "" || se.Start < 0 || se.Start > se.Offset || se.Offset > len(input) {
		t.Fatalf("%q: malformed error %+v", input, se)
	}
}

// checkMarker checks that a parsed marker prints a canonical form that
// reads back as the same marker, and that it evaluates without panicking
// to a result or one of the documented errors.
func checkMarker(t *testing.T, m Marker) {
	s := m.String()
	again, err := ParseMarker(s)
	if m.IsEmpty() {
		return
	}
	if err != nil {
		t.Fatalf("String() = %q does not read back: %v", s, err)
	}
	if again.String() != s {
		t.Fatalf("String() = %q reads back as %q", s, again)
	}
	for _, eval := range []func() (bool, error){
		func() (bool, error) { return m.Evaluate(fuzzEnvironment) },
		func() (bool, error) { return m.EvaluateLock(fuzzEnvironment, []string{"a"}, []string{"dev"}) },
	} {
		got, err := eval()
		var nameErr *UndefinedNameError
		var cmpErr *UndefinedComparisonError
		if err != nil && !errors.As(err, &nameErr) && !errors.As(err, &cmpErr) {
			t.Fatalf("%q: evaluation error of unknown type %T: %v", s, err, err)
		}
		if err != nil && got {
			t.Fatalf("%q: evaluation returned true with an error", s)
		}
	}
	_ = m.Extras()
}

func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{
		"name", "name>=1.0", "name [a,b] (>=1.0,<2) ; python_version < '3'",
		"name @ https://example.com/x.whl ; os_name == 'posix'",
		"demo===x,y", `name; os_name == "\x41"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			checkSyntaxErrorShape(t, s, err)
			return
		}
		str := r.String()
		again, err := ParseRequirement(str)
		if err != nil {
			t.Fatalf("ParseRequirement(%q).String() = %q does not read back: %v", s, str, err)
		}
		if again.String() != str || !again.Equal(r) {
			t.Fatalf("ParseRequirement(%q).String() = %q reads back as %q", s, str, again)
		}
		_ = r.Key()
		checkMarker(t, r.Marker)
	})
}

func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{
		`python_version >= "3.9"`,
		`os.name == 'posix' and (sys_platform == "linux" or extra == "A_B")`,
		`"foo" in extras or "bar" not in dependency_groups`,
		`python_full_version === "3.12.4+local"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			checkSyntaxErrorShape(t, s, err)
			return
		}
		checkMarker(t, m)
	})
}

// pep508NameRule is the name rule of PEP 508, the oracle ValidName must agree with (a
// regular expression is the spec's form, and too slow to compile at every start of the
// commands that check names). The PEP writes it with re.IGNORECASE, but its grammar
// says letters are ASCII: under case folding [A-Z] would also match the Kelvin sign
// and the long s (U+212A, U+017F), in Python's re as in Go's regexp.
var pep508NameRule = regexp.MustCompile(`^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$`)

func FuzzValidName(f *testing.F) {
	for _, s := range []string{"", "a", "A", "0", "-", "a-", "-a", "a.b", "a_b", "a--b", "a.", "Foo.Bar__baz", "é", "a b", "a\n", "\u212a", "\u017f", "ａ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidName(s), pep508NameRule.MatchString(s); got != want {
			t.Errorf("ValidName(%q) = %v, the PEP 508 rule says %v", s, got, want)
		}
	})
}
