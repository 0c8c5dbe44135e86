package pep508

import (
	"errors"
	"maps"
	"slices"
	"testing"
)

// A variable env lacks makes only its comparisons unknown: the marker still has a
// value when the rest decides it, and when it does not, missing names a variable
// the value depends on.
func TestEvaluatePartial(t *testing.T) {
	env := Environment{"python_version": "3.12", "sys_platform": "linux", "os_name": "posix"}
	for _, c := range []struct {
		marker  string
		want    bool
		missing string // "": the value is known
	}{
		{`sys_platform == "linux"`, true, ""},
		{`platform_release >= "20"`, false, "platform_release"},
		{`"20" <= platform_release`, false, "platform_release"},
		{`sys_platform == "darwin" and platform_release >= "20"`, false, ""},
		{`platform_release >= "20" and sys_platform == "darwin"`, false, ""},
		{`sys_platform == "linux" or platform_release >= "20"`, true, ""},
		{`platform_release >= "20" or sys_platform == "linux"`, true, ""},
		{`sys_platform == "linux" and platform_release >= "20"`, false, "platform_release"},
		{`platform_version == "x" or sys_platform == "darwin"`, false, "platform_version"},
		{`platform_version == "x" and platform_release == "y"`, false, "platform_version"},
		{`(platform_release >= "5" or sys_platform == "linux") and python_version >= "3"`, true, ""},
		{`(platform_release >= "5" and sys_platform == "linux") or python_version < "3"`, false, "platform_release"},
		// The variable named is one the value depends on, not one in a false run.
		{`sys_platform == "darwin" and platform_release >= "20" or platform_version == "x"`, false, "platform_version"},
		{`python_version >= "3" and (sys_platform == "darwin" or (platform_release > "1" and os_name == "nt"))`, false, ""},
		{`sys_platform == 'a"b' or (platform_release == "x (and) or" and "1" == "1")`, false, "platform_release"},
		// extra is "" when unset, as in Evaluate: never unknown.
		{`extra == "gpu" and platform_release >= "20"`, false, ""},
		{``, true, ""},
	} {
		var m Marker
		if c.marker != "" {
			var err error
			if m, err = ParseMarker(c.marker); err != nil {
				t.Fatal(err)
			}
		}
		got, known, missing, err := m.EvaluatePartial(env)
		if err != nil || got != c.want || known != (c.missing == "") || missing != c.missing {
			t.Errorf("%q.EvaluatePartial = %v, known %v, missing %q, %v; want %v, missing %q", c.marker, got, known, missing, err, c.want, c.missing)
		}
	}
}

// Errors other than a variable env lacks are Evaluate's, wherever the comparison
// stands, and the set variables are undefined here, not unknown.
func TestEvaluatePartialErrors(t *testing.T) {
	env := Environment{"python_version": "3.12", "sys_platform": "linux"}
	for _, c := range []struct {
		marker string
		name   string // an *UndefinedNameError for this variable, else an *UndefinedComparisonError
	}{
		{`sys_platform == "darwin" and platform_release >= "20" and "3" ~= "x"`, ""},
		{`sys_platform == "linux" or python_version ~= "x"`, ""},
		{`platform_release >= "20" and "gpu" in extras`, "extras"},
		{`platform_release in dependency_groups`, "dependency_groups"},
	} {
		m, err := ParseMarker(c.marker)
		if err != nil {
			t.Fatal(err)
		}
		got, known, missing, err := m.EvaluatePartial(env)
		var nameErr *UndefinedNameError
		var cmpErr *UndefinedComparisonError
		ok := c.name == "" && errors.As(err, &cmpErr) || c.name != "" && errors.As(err, &nameErr) && nameErr.Name == c.name
		if !ok || got || known || missing != "" {
			t.Errorf("%q.EvaluatePartial = %v, known %v, missing %q, %v; want an error", c.marker, got, known, missing, err)
		}
	}
}

// With every variable defined, EvaluatePartial is Evaluate; with some dropped, a
// value it decides is Evaluate's for every value of the dropped variables, and an
// undecided value names one of them.
func FuzzEvaluatePartial(f *testing.F) {
	f.Add(`sys_platform == "darwin" and platform_release >= "20"`, uint8(1))
	f.Add(`(platform_release >= "5" or sys_platform == "linux") and python_version >= "3"`, uint8(3))
	f.Add(`os_name == "posix" or platform_version == 'a"b (or)'`, uint8(8))
	f.Add(`extra == "gpu" and implementation_name == "cpython" or python_full_version < "3.13"`, uint8(0x1f))
	f.Add(`"3" in platform_release and sys_platform != python_version`, uint8(0x12))
	// drop's bits choose the variables to delete.
	names := []string{"platform_release", "platform_version", "sys_platform", "python_version", "implementation_name"}
	samples := []string{"", "0", "5.10.0", "20", "3.12", "linux", "darwin", "cpython", "#1 SMP"}
	f.Fuzz(func(t *testing.T, marker string, drop uint8) {
		m, err := ParseMarker(marker)
		if err != nil {
			return
		}
		want, wantErr := m.Evaluate(fuzzEnvironment)
		got, known, missing, err := m.EvaluatePartial(fuzzEnvironment)
		if got != want || known != (err == nil) || missing != "" || (err == nil) != (wantErr == nil) {
			t.Fatalf("%s with every variable: got %v, known %v, missing %q, %v; Evaluate gives %v, %v", m, got, known, missing, err, want, wantErr)
		}
		env := maps.Clone(fuzzEnvironment)
		var dropped []string
		for i, name := range names {
			if drop&(1<<i) != 0 {
				delete(env, name)
				dropped = append(dropped, name)
			}
		}
		got, known, missing, err = m.EvaluatePartial(env)
		switch {
		case err != nil:
			if got || known || missing != "" {
				t.Fatalf("%s: error %v with a value", m, err)
			}
			return
		case !known:
			if got || !slices.Contains(dropped, missing) {
				t.Fatalf("%s without %q: undecided, got %v, missing %q", m, dropped, got, missing)
			}
			return
		}
		for _, s := range samples {
			for _, name := range dropped {
				env[name] = s
			}
			if v, err := m.Evaluate(env); err == nil && v != got {
				t.Fatalf("%s without %q is %v, but with each = %q it is %v", m, dropped, got, s, v)
			}
		}
	})
}

// In a lock file, extras and dependency_groups are the sets installed, a variable env
// lacks is unknown as in EvaluatePartial, and "extra", which a lock does not define,
// is an error rather than an unknown.
func TestEvaluateLockPartial(t *testing.T) {
	env := Environment{"python_version": "3.12", "sys_platform": "linux"}
	for _, c := range []struct {
		marker  string
		extras  []string
		groups  []string
		want    bool
		missing string
	}{
		{`"gpu" in extras`, []string{"GPU"}, nil, true, ""},
		{`"gpu" in extras`, nil, nil, false, ""},
		{`"gpu" in extras and platform_release >= "5"`, nil, nil, false, ""},
		{`"gpu" in extras and platform_release >= "5"`, []string{"gpu"}, nil, false, "platform_release"},
		{`"dev" in dependency_groups or platform_release >= "5"`, nil, []string{"dev"}, true, ""},
		{`"dev" not in dependency_groups and sys_platform == "linux"`, nil, []string{"test"}, true, ""},
	} {
		m, err := ParseMarker(c.marker)
		if err != nil {
			t.Fatal(err)
		}
		got, known, missing, err := m.EvaluateLockPartial(env, c.extras, c.groups)
		if err != nil || got != c.want || known != (c.missing == "") || missing != c.missing {
			t.Errorf("%q.EvaluateLockPartial(%q, %q) = %v, %v, %q, %v; want %v, missing %q", c.marker, c.extras, c.groups, got, known, missing, err, c.want, c.missing)
		}
	}
	m, err := ParseMarker(`extra == "gpu" or platform_release >= "5"`)
	if err != nil {
		t.Fatal(err)
	}
	var undefined *UndefinedNameError
	if _, _, _, err := m.EvaluateLockPartial(env, nil, nil); !errors.As(err, &undefined) || undefined.Name != "extra" {
		t.Errorf("%q.EvaluateLockPartial: %v; want extra undefined", m, err)
	}
}

// Decide is the one evaluation of a marker on a target: a decided value, an undecided
// one as an *UndefinedNameError naming the variable, and in a lock's context the sets
// the lock is installed with.
func TestDecide(t *testing.T) {
	env := Environment{"python_version": "3.12", "sys_platform": "linux"}
	for _, c := range []struct {
		marker  string
		lock    *LockSelection
		want    bool
		missing string // the UndefinedNameError's name; "" for no error
	}{
		{`sys_platform == "darwin" and platform_release >= "20"`, nil, false, ""},
		{`sys_platform == "linux" and platform_release >= "20"`, nil, false, "platform_release"},
		{`python_version >= "3.10"`, nil, true, ""},
		{`"gpu" in extras`, &LockSelection{Extras: []string{"gpu"}}, true, ""},
		{`"dev" in dependency_groups`, &LockSelection{}, false, ""},
		{`"gpu" in extras`, nil, false, "extras"},
		{``, nil, true, ""},
	} {
		var m Marker
		if c.marker != "" {
			var err error
			if m, err = ParseMarker(c.marker); err != nil {
				t.Fatalf("%s: %v", c.marker, err)
			}
		}
		got, err := m.Decide(env, c.lock)
		var undefined *UndefinedNameError
		switch {
		case c.missing == "" && err != nil:
			t.Errorf("Decide(%s) error %v", c.marker, err)
		case c.missing != "" && (!errors.As(err, &undefined) || undefined.Name != c.missing):
			t.Errorf("Decide(%s) error %v, want the undefined %s", c.marker, err, c.missing)
		case got != c.want:
			t.Errorf("Decide(%s) = %v, want %v", c.marker, got, c.want)
		}
	}
}
