package pep508

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"requests":           "requests",
		"Django":             "django",
		"oslo.concurrency":   "oslo-concurrency",
		"Foo.Bar__baz":       "foo-bar-baz",
		"a-_.-b":             "a-b",
		"PEP_685...norm":     "pep-685-norm",
		"-leading_":          "-leading-",
		"zope.interface":     "zope-interface",
		"ÄPFEL_Saft":         "äpfel-saft",
		"":                   "",
		"already-normal-123": "already-normal-123",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
		if got := NormalizeExtra(in); got != want {
			t.Errorf("NormalizeExtra(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRequirementFields(t *testing.T) {
	r, err := ParseRequirement("Foo.Bar [Security, socks,Security] (>=2.8.1, ==2.8.*) ; python_version < '2.7' and extra == 'Dev_Tools'")
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "Foo.Bar" || r.Key() != "foo-bar" {
		t.Errorf("Name, Key = %q, %q", r.Name, r.Key())
	}
	if !slices.Equal(r.Extras, []string{"Security", "socks"}) {
		t.Errorf("Extras = %q, want as written without the duplicate", r.Extras)
	}
	if got := r.Specifier.String(); got != "==2.8.*,>=2.8.1" {
		t.Errorf("Specifier = %q", got)
	}
	if got := r.Marker.Extras(); !slices.Equal(got, []string{"dev-tools"}) {
		t.Errorf("Marker.Extras() = %q", got)
	}
	want := `Foo.Bar[Security,socks]==2.8.*,>=2.8.1; python_version < "2.7" and extra == "dev-tools"`
	if r.String() != want {
		t.Errorf("String() = %q, want %q", r, want)
	}
}

// TestSyntaxErrors pins this package's own messages and spans (the
// conformance vectors pin the spans of packaging's errors).
func TestSyntaxErrors(t *testing.T) {
	for _, c := range []struct {
		input         string
		start, offset int
		msg           string
	}{
		{"", 0, 0, "expected a package name at the start of the requirement, found the end"},
		{"==0.0", 0, 0, `expected a package name at the start of the requirement, found "="`},
		{"name==", 4, 4, "expected a version after '=='"},
		{"name ~= 1", 5, 5, "'~=' needs a version with at least two release segments"},
		{"name 1.0", 5, 5, `expected a version specifier, '@', ';' or the end after the name, found "1.0"`},
		{"name >= 1.0 <= 2.0", 5, 12, `expected ',' between version specifiers, found "<"`},
		{"name >= 1.0 #", 5, 12, `expected ',', ';' or the end after the version specifier, found "#"`},
		{"name>=1\n", 4, 7, "found a line break"},
		{"name (>= 1.0", 5, 12, "expected ')' to close the version specifier, found the end"},
		{"name (==)", 5, 6, "expected a version after '=='"},
		{"name[bar baz]", 9, 9, `expected ',' between extra names, found "baz"`},
		{"name[bar,]", 9, 9, `expected an extra name after ',', found "]"`},
		{"name[bar", 4, 8, "expected ']' to close the extras, found the end"},
		{"black (>=20.*)", 7, 12, "'.*' is only allowed with '==' and '!=', not with '>='"},
		{"name==1.0a1.*", 4, 12, "'.*' cannot follow a pre-release"},
		{"name >= 1.0+local", 5, 11, "local version label"},
		{"demo===x,y", 9, 9, `invalid version specifier "y"`},
		{"name @ ", 7, 7, "expected a URL after '@', found the end"},
		{"name @ https://x/; extra == 'a'", 7, 19, "a ';' right after the URL is part of the URL"},
		{"name @ https://x\n", 16, 16, "expected whitespace, then ';' or the end after the URL, found a line break"},
		{"name; invalid_name == '1'", 6, 6, `unknown marker variable "invalid_name"`},
		{"name; python_version >= 3.8", 24, 24, `found "3.8": values must be quoted`},
		{"name; os_name == 'posix", 17, 17, "quoted string has no closing '"},
		{"name; '3.7' notin python_version", 12, 12, "expected a marker operator"},
		{"name; '3.7' not python_version", 16, 16, "expected 'in' after 'not'"},
		{"name; '3.7' not(", 15, 15, "expected whitespace and 'in' after 'not'"},
		{"name; (extra == 'x'", 6, 19, "expected ')' to close the '(' of the marker, found the end"},
		{`name; os_name == "C:\"`, 17, 22, "the backslash at its end escapes the closing quote"},
		{`name; os_name == "\x4"`, 17, 22, `truncated \x escape`},
		{`name; os_name == "\N{DASH}"`, 17, 27, `\N{...} escapes are not supported`},
		{`name; os_name == "\ud800"`, 17, 25, "lone surrogate"},
		{`name; os_name == "\U00110000"`, 17, 29, "beyond the last Unicode code point"},
		{"name; os_name == 'a\nb'", 17, 22, "line break inside quotes"},
		{"name; os_name == 'posix' or", 27, 27, "expected a marker variable or a quoted string, found the end"},
		{"name; os_name == 'posix' xor x", 25, 25, `expected 'and', 'or' or the end of the requirement, found "xor"`},
		{"name; " + strings.Repeat("(", 101) + "os_name == 'a'", 106, 106, "parentheses nest deeper than 100 levels"},
	} {
		_, err := ParseRequirement(c.input)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseRequirement(%q) = %v, want a *SyntaxError", c.input, err)
			continue
		}
		if se.Start != c.start || se.Offset != c.offset || !strings.Contains(se.Msg, c.msg) {
			t.Errorf("ParseRequirement(%q): [%d, %d] %q\nwant [%d, %d] containing %q", c.input, se.Start, se.Offset, se.Msg, c.start, c.offset, c.msg)
		}
		if !strings.Contains(se.Error(), se.Msg) || !strings.Contains(se.Error(), "offset") {
			t.Errorf("Error() = %q lacks the message or the offset", se.Error())
		}
	}
}

func TestMarkerQuotedStrings(t *testing.T) {
	for _, c := range []struct{ marker, value, str string }{
		{`os_name == 'posix'`, "posix", `os_name == "posix"`},
		{`os_name == 'a"b'`, `a"b`, `os_name == 'a"b'`},
		{`os_name == "a\"b'"`, "", ""}, // \" cannot escape: the token ends there
		{`os_name == "a\x22b'"`, `a"b'`, `os_name == "a\x22b'"`},
		{`os_name == "C:\\dir"`, `C:\dir`, `os_name == "C:\\dir"`},
		{`os_name == "tab\there"`, "tab\there", "os_name == \"tab\there\""},
		{`os_name == "\101\x42\u0043\U00000044"`, "ABCD", `os_name == "ABCD"`},
		{`os_name == "\d"`, `\d`, `os_name == "\\d"`},
		{`os_name == "line\nbreak"`, "line\nbreak", `os_name == "line\nbreak"`},
		{"os_name == \"cont\\\ninued\"", "continued", `os_name == "continued"`},
		{`os_name == "\0"`, "\x00", `os_name == "\x00"`},
		{`os_name == "é\u00e9"`, "éé", `os_name == "éé"`},
	} {
		m, err := ParseMarker(c.marker)
		if c.str == "" {
			if err == nil {
				t.Errorf("ParseMarker(%q) = %q, want an error", c.marker, m)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", c.marker, err)
			continue
		}
		if got := m.root.terms[0].cmp.rhs.text; got != c.value {
			t.Errorf("ParseMarker(%q) value = %q, want %q", c.marker, got, c.value)
		}
		if m.String() != c.str {
			t.Errorf("ParseMarker(%q).String() = %q, want %q", c.marker, m, c.str)
		}
		again, err := ParseMarker(m.String())
		if err != nil || again.root.terms[0].cmp.rhs.text != c.value {
			t.Errorf("ParseMarker(%q) does not read back: %v", m, err)
		}
	}
}

func TestMarkerString(t *testing.T) {
	for in, want := range map[string]string{
		"os.name=='a' and(sys.platform=='b'or python_implementation=='c')": `os_name == "a" and (sys_platform == "b" or platform_python_implementation == "c")`,
		"((os_name == 'a'))":                                      `os_name == "a"`,
		"(os_name == 'a' or os_name == 'b')":                      `os_name == "a" or os_name == "b"`,
		"(os_name == 'a') or (os_name == 'b' and extra == 'X')":   `os_name == "a" or (os_name == "b" and extra == "x")`,
		"os_name == 'a' and ((os_name == 'b' or os_name == 'c'))": `os_name == "a" and (os_name == "b" or os_name == "c")`,
		"'X_Y' in extras and extras == 'X_Y'":                     `"x-y" in extras and extras == "X_Y"`,
	} {
		m, err := ParseMarker(in)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", in, err)
			continue
		}
		if m.String() != want {
			t.Errorf("ParseMarker(%q).String() = %q, want %q", in, m, want)
		}
	}
	var zero Marker
	if !zero.IsEmpty() || zero.String() != "" || zero.Extras() != nil {
		t.Errorf("zero Marker: IsEmpty %v, String %q, Extras %q", zero.IsEmpty(), zero, zero.Extras())
	}
}

func TestMarkerExtras(t *testing.T) {
	for in, want := range map[string][]string{
		`python_version >= "3"`:                                   nil,
		`extra == "Socks" or "ALL" == extra or extra == "socks"`:  {"all", "socks"},
		`(os_name == "posix" and extra != "a_b") or extra in "c"`: {"a-b", "c"},
		`extra == os_name`:                                        nil,
		`"x" in extras`:                                           nil,
		`extra == "tests"`:                                        {"tests"},
		`extra=="gpu"`:                                            {"gpu"},
		`extra == "cu_12"`:                                        {"cu-12"},
		`extra >= "a.b..c"`:                                       {"a-b-c"},
	} {
		m, err := ParseMarker(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Extras(); !slices.Equal(got, want) {
			t.Errorf("ParseMarker(%q).Extras() = %q, want %q", in, got, want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	env := Environment{
		"python_version": "3.12", "python_full_version": "3.12.4", "sys_platform": "linux",
		"platform_machine": "x86_64", "platform_release": "6.8.0-45-generic", "os_name": "posix",
		"implementation_version": "3.12.4",
	}
	withExtra := func(extra string) Environment {
		e := Environment{"extra": extra}
		for k, v := range env {
			e[k] = v
		}
		return e
	}
	for _, c := range []struct {
		marker string
		env    Environment
		want   bool
	}{
		{`python_version >= "3.9"`, env, true},
		{`python_version >= "3.9" and python_version < "3.12"`, env, false},
		{`python_version == "3.12.*"`, env, true},
		{`python_version ~= "3.10"`, env, true},
		{`python_full_version >= "3.12.4a1"`, env, true},
		{`python_full_version === "3.12.4"`, env, true},
		{`python_version > "3.12"`, env, false},
		{`"3.9" < python_version`, env, true},
		{`python_version in "3.11 3.12"`, env, true},
		{`python_version not in "3.11 3.12"`, env, false},
		{`platform_release >= "6"`, env, false}, // not a version: matches no specifier
		{`platform_release == "6.8.0-45-generic"`, env, true},
		{`implementation_version == "3.12.4"`, env, true},
		{`sys_platform == "linux" or sys_platform == "win32" and os_name == "nt"`, env, true},
		{`(sys_platform == "linux" or sys_platform == "win32") and os_name == "nt"`, env, false},
		{`sys_platform > "a"`, env, false},
		{`sys_platform >= "linux"`, env, true},
		{`"lin" in sys_platform`, env, true},
		{`platform_machine != "aarch64"`, env, true},
		{`extra == "gpu"`, env, false},
		{`extra == ""`, env, true},
		{`extra == "GPU_Support"`, withExtra("gpu-support"), true},
		{`extra == "gpu"`, withExtra("Gpu"), true},
		{`extra != "gpu"`, withExtra("cpu"), true},
		{`"a" == "a"`, env, true},
		{`"a" != "b"`, env, true},
		{``, env, true},
	} {
		var m Marker
		if c.marker != "" {
			var err error
			if m, err = ParseMarker(c.marker); err != nil {
				t.Fatal(err)
			}
		}
		got, err := m.Evaluate(c.env)
		if err != nil || got != c.want {
			t.Errorf("%q.Evaluate(%v) = %v, %v; want %v", c.marker, c.env, got, err, c.want)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	env := Environment{"python_version": "3.12", "os_name": "posix"}
	for _, c := range []struct {
		marker string
		name   bool // an *UndefinedNameError, else an *UndefinedComparisonError
		msg    string
	}{
		{`sys_platform == "linux"`, true, "sys_platform is not defined"},
		{`os_name == "posix" or sys_platform == "linux"`, true, "sys_platform"},
		{`"a" in extras`, true, "a set defined only when evaluating a lock file"},
		{`os_name ~= "1.0"`, false, "'~=' compares versions, and os_name is compared as a string"},
		{`python_version ~= "x"`, false, `"~=x" is not a PEP 440 version specifier`},
		{`"a" === "a"`, false, "two literals"},
	} {
		m, err := ParseMarker(c.marker)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Evaluate(env)
		var nameErr *UndefinedNameError
		var cmpErr *UndefinedComparisonError
		if c.name && !errors.As(err, &nameErr) || !c.name && !errors.As(err, &cmpErr) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q.Evaluate: %v, want an error containing %q", c.marker, err, c.msg)
		}
	}
}

func TestEvaluateLock(t *testing.T) {
	env := Environment{"python_version": "3.12"}
	for _, c := range []struct {
		marker         string
		extras, groups []string
		want           bool
		errText        string
	}{
		{`"Dev_Tools" in extras`, []string{"dev-tools"}, nil, true, ""},
		{`"dev" in dependency_groups and python_version >= "3.10"`, nil, []string{"DEV"}, true, ""},
		{`"dev" not in dependency_groups`, nil, nil, true, ""},
		{`"x" == extras`, nil, nil, false, "can only be tested with 'in' or 'not in'"},
		{`extras in "x"`, nil, nil, false, "can only be the right side"},
		{`extra == "x"`, nil, nil, false, "extra is not defined"},
	} {
		m, err := ParseMarker(c.marker)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.EvaluateLock(env, c.extras, c.groups)
		if c.errText != "" {
			if err == nil || !strings.Contains(err.Error(), c.errText) {
				t.Errorf("%q.EvaluateLock = %v, %v; want an error containing %q", c.marker, got, err, c.errText)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q.EvaluateLock(%q, %q) = %v, %v; want %v", c.marker, c.extras, c.groups, got, err, c.want)
		}
	}
}

// TestManyExtras: a requirement may name MaxExtras extras, each written many times
// (kept once, in the order written, found by a set rather than by looking through
// the list); one more is an error at the extra past the bound.
func TestManyExtras(t *testing.T) {
	extras := func(distinct, times int) string {
		var b strings.Builder
		b.WriteString("torch[")
		for i := range distinct * times {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "e%d", i%distinct)
		}
		b.WriteString("]")
		return b.String()
	}
	r, err := ParseRequirement(extras(MaxExtras, 100))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Extras) != MaxExtras || r.Extras[0] != "e0" || r.Extras[MaxExtras-1] != fmt.Sprintf("e%d", MaxExtras-1) {
		t.Errorf("got %d extras, from %s to %s", len(r.Extras), r.Extras[0], r.Extras[len(r.Extras)-1])
	}
	src := extras(80_000, 1)
	_, err = ParseRequirement(src)
	var se *SyntaxError
	if !errors.As(err, &se) || se.Msg != "more than 1000 extras" || !strings.HasPrefix(src[se.Offset:], "e1000,") {
		t.Errorf("80,000 extras: got %v", err)
	}
}

func TestMarkerBindExtra(t *testing.T) {
	linux := Environment{"sys_platform": "linux"}
	for _, tc := range []struct {
		marker, extra string
		want          bool
	}{
		{`extra == "gpu"`, "gpu", true},
		{`extra == "GPU_x"`, "gpu-x", true},
		{`extra == "other"`, "gpu", false},
		{`extra != "gpu" or sys_platform == "linux"`, "gpu", true},
		{`(extra == "gpu" or extra == "cuda") and sys_platform == "darwin"`, "cuda", false},
		{`sys_platform == "linux" and "gpu" == extra`, "gpu", true},
	} {
		m, err := ParseMarker(tc.marker)
		if err != nil {
			t.Fatal(err)
		}
		before := m.String()
		bound := m.BindExtra(tc.extra)
		got, err := bound.Evaluate(linux)
		if err != nil || got != tc.want {
			t.Errorf("%s bound to %s: got %v, %v; want %v", tc.marker, tc.extra, got, err, tc.want)
		}
		if bound.Extras() != nil {
			t.Errorf("%s bound to %s still tests extra: %s", tc.marker, tc.extra, bound)
		}
		if again, err := ParseMarker(bound.String()); err != nil || !again.Equal(bound) {
			t.Errorf("%s bound to %s: %s does not parse back (%v)", tc.marker, tc.extra, bound, err)
		}
		if m.String() != before {
			t.Errorf("%s: binding changed the marker itself to %s", tc.marker, m)
		}
	}
}
