package target

import (
	"regexp"
	"testing"
)

func TestReadCapability(t *testing.T) {
	for in, want := range map[string]string{
		"9.0": "9.0", "12.0": "12.0", "sm_90": "9.0", "sm90": "9.0", "SM_86": "8.6", "sm_90a": "9.0",
		"sm_100f": "10.0", "sm_120": "12.0", "compute_75": "7.5",
		"sm_9": "", "sm_0": "", "9": "", "9.10": "", "H100": "", "sm_x0": "", "": "",
	} {
		got, ok := readCapability(in)
		if got != want || ok != (want != "") {
			t.Errorf("readCapability(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestCheckValues(t *testing.T) {
	for _, tt := range []struct {
		check func(string) error
		good  []string
		bad   []string
	}{
		{checkPython, []string{"3.11", "3.11.9", "3.14.0rc1", "3.13.0b2", "3.13t", "3.14.2t"}, []string{"3", "3.11.9.1", "py3.11", "3.11.x", "3.11.9+", "3.12t", "3.13tt", "t"}},
		{checkDriver, []string{"535.104.05", "551.61", "580.65.06"}, []string{"535", "R535", "535.104.05-1", "535.104.05.1"}},
		{checkGLibc, []string{"2.35", "2.5"}, []string{"2", "2.35.1", "glibc 2.35"}},
		{checkCUDA, []string{"12.4", "12.4.1"}, []string{"12", "cu124", "12.4.1.1"}},
		{checkPlatform, []string{"manylinux_2_35_x86_64", "manylinux1_i686", "manylinux2010_x86_64", "musllinux_1_2_aarch64", "linux_ppc64le", "macosx_10_15_x86_64", "win_arm64", "win32"},
			[]string{"manylinux_2_35_arm64", "linux", "any", "macosx_11_0_universal2", "manylinux_2_35"}},
		{checkGPU, []string{"H100", "NVIDIA GeForce RTX 4090", "sm_90", "8.6"}, []string{"", "sm_9", "compute_x", "90", "A100\n"}},
	} {
		for _, s := range tt.good {
			if err := tt.check(s); err != nil {
				t.Errorf("%q: %v", s, err)
			}
		}
		for _, s := range tt.bad {
			if err := tt.check(s); err == nil {
				t.Errorf("%q accepted", s)
			}
		}
	}
}

// A flag left empty says nothing: its value is the zero Value, not an empty text with
// the flag as origin, so that a lower source (depsolve.toml, detection) decides.
func TestFlagLeftEmptyIsNoValue(t *testing.T) {
	if v := Flag("--python", ""); v != (Value{}) {
		t.Errorf("Flag(--python, \"\") = %+v, want the zero Value", v)
	}
	if v := Flag("--python", "3.12"); v.Text != "3.12" || v.Origin != (Origin{From: FromFlag, Detail: "--python"}) {
		t.Errorf("Flag(--python, 3.12) = %+v", v)
	}
	if gpus := FlagGPUs("--gpu", nil); gpus != nil {
		t.Errorf("FlagGPUs with no values = %+v, want nil", gpus)
	}
}

// pythonVersionRule is the rule isPythonVersion follows, as a regular expression: the
// oracle it must agree with.
var pythonVersionRule = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?((a|b|rc)[0-9]+)?t?$`)

func FuzzIsPythonVersion(f *testing.F) {
	for _, s := range []string{"3.11", "3.11.9", "3.13t", "3.14.0rc1", "3.14.0rc1t", "3.14rc", "3.1a", "3.11tt", "3", "3.11.9.1", "3.11b2", "3.11c1", "3.11.a1", "t", "rc1", "3.11rc1rc1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isPythonVersion(s), pythonVersionRule.MatchString(s); got != want {
			t.Errorf("isPythonVersion(%q) = %v, the rule says %v", s, got, want)
		}
	})
}
