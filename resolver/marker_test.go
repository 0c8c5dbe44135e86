package resolver

import (
	"errors"
	"maps"
	"testing"

	"github.com/depsolve/depsolve/pep508"
)

// A missing variable makes only its comparisons unknown: the marker still has a value
// when the rest decides it.
func TestEvaluateMarker(t *testing.T) {
	env := targetEnvironment("3.12.3")
	delete(env, "platform_release")
	delete(env, "platform_version")
	for _, tc := range []struct {
		marker  string
		want    bool
		missing string // the variable named when the value is undecided
	}{
		{`sys_platform == "linux"`, true, ""},
		{`sys_platform == "darwin" and platform_release >= "20"`, false, ""},
		{`platform_release >= "20" and sys_platform == "darwin"`, false, ""},
		{`sys_platform == "linux" or platform_release >= "20"`, true, ""},
		{`platform_release >= "20" or sys_platform == "linux"`, true, ""},
		{`sys_platform == "linux" and platform_release >= "20"`, false, "platform_release"},
		{`platform_version == "x" or sys_platform == "darwin"`, false, "platform_version"},
		{`(platform_release >= "5" or sys_platform == "linux") and python_version >= "3"`, true, ""},
		{`(platform_release >= "5" and sys_platform == "linux") or python_version < "3"`, false, "platform_release"},
		// The variable reported is one the value depends on, not one in a false run.
		{`sys_platform == "darwin" and platform_release >= "20" or platform_version == "x"`, false, "platform_version"},
		{`python_version >= "3" and (sys_platform == "darwin" or (platform_release > "1" and os_name == "nt"))`, false, ""},
		{`sys_platform == 'a"b' or (platform_release == "x (and) or" and "1" == "1")`, false, "platform_release"},
		{`sys_platform == 'a"b' and platform_release == "x and y"`, false, ""},
	} {
		m, err := pep508.ParseMarker(tc.marker)
		if err != nil {
			t.Fatalf("%s: %v", tc.marker, err)
		}
		got, err := evaluateMarker(m, env)
		var undefined *pep508.UndefinedNameError
		switch {
		case tc.missing == "" && (err != nil || got != tc.want):
			t.Errorf("%s = %v, %v; want %v", tc.marker, got, err, tc.want)
		case tc.missing != "" && (!errors.As(err, &undefined) || undefined.Name != tc.missing):
			t.Errorf("%s = %v, %v; want undecided on %s", tc.marker, got, err, tc.missing)
		}
	}
}

// Errors that are not a missing variable are pep508's, whatever and/or would decide.
func TestEvaluateMarkerErrors(t *testing.T) {
	env := targetEnvironment("3.12.3")
	delete(env, "platform_release")
	for _, marker := range []string{
		`sys_platform == "darwin" and platform_release >= "20" and "3" ~= "x"`,
		`platform_release >= "20" and "gpu" in extras`,
	} {
		m, err := pep508.ParseMarker(marker)
		if err != nil {
			t.Fatal(err)
		}
		_, err = evaluateMarker(m, env)
		var undefined *pep508.UndefinedNameError
		var comparison *pep508.UndefinedComparisonError
		if !errors.As(err, &comparison) && !(errors.As(err, &undefined) && undefined.Name == "extras") {
			t.Errorf("%s: got %v, want pep508's error", marker, err)
		}
	}
}

// The three-valued reading agrees with pep508 wherever pep508 decides: with every
// variable defined it is Evaluate; with one missing, a value it gives holds whatever
// that variable is.
func FuzzEvaluateMarker(f *testing.F) {
	f.Add(`sys_platform == "darwin" and platform_release >= "20"`, uint8(0))
	f.Add(`(platform_release >= "5" or sys_platform == "linux") and python_version >= "3"`, uint8(1))
	f.Add(`os_name == "posix" or platform_version == 'a"b (or)'`, uint8(2))
	f.Add(`extra == "gpu" and implementation_name == "cpython"`, uint8(3))
	full := targetEnvironment("3.12.3")
	names := []string{"platform_release", "platform_version", "sys_platform", "python_version", "implementation_name"}
	samples := []string{"", "0", "5.10.0", "20", "linux", "darwin", "x", "#1 SMP", "3.9"}
	f.Fuzz(func(t *testing.T, marker string, drop uint8) {
		m, err := pep508.ParseMarker(marker)
		if err != nil {
			return
		}
		want, wantErr := m.Evaluate(full)
		got, err := evaluateMarker(m, full)
		if got != want || (err == nil) != (wantErr == nil) {
			t.Fatalf("%s with every variable: got %v, %v; Evaluate gives %v, %v", m, got, err, want, wantErr)
		}
		name := names[int(drop)%len(names)]
		env := maps.Clone(full)
		delete(env, name)
		got, err = evaluateMarker(m, env)
		if err != nil {
			return
		}
		for _, s := range samples {
			env[name] = s
			if v, err := m.Evaluate(env); err == nil && v != got {
				t.Fatalf("%s without %s is %v, but with %s=%q it is %v", m, name, got, name, s, v)
			}
		}
	})
}
