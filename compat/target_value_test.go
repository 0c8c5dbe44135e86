package compat

import "testing"

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

func TestParsePlatform(t *testing.T) {
	for in, want := range map[string]platform{
		"manylinux_2_35_x86_64":  {os: "linux", libc: "glibc", libcVersion: "2.35", arch: "x86_64"},
		"manylinux1_i686":        {os: "linux", libc: "glibc", libcVersion: "2.5", arch: "i686"},
		"manylinux2010_x86_64":   {os: "linux", libc: "glibc", libcVersion: "2.12", arch: "x86_64"},
		"musllinux_1_2_aarch64":  {os: "linux", libc: "musl", libcVersion: "1.2", arch: "aarch64"},
		"linux_ppc64le":          {os: "linux", arch: "ppc64le"},
		"macosx_10_15_x86_64":    {os: "darwin", macos: "10.15", arch: "x86_64"},
		"win_arm64":              {os: "windows", arch: "arm64"},
		"win32":                  {os: "windows", arch: "win32"},
		"manylinux_2_35_arm64":   {},
		"linux":                  {},
		"any":                    {},
		"macosx_11_0_universal2": {},
		"manylinux_2_35":         {},
	} {
		got, err := parsePlatform(in)
		if got != want || (err != nil) != (want == platform{}) {
			t.Errorf("parsePlatform(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if err == nil && got.libcVersion != "2.5" && got.libcVersion != "2.12" && got.tag() != in {
			t.Errorf("parsePlatform(%q).tag() = %q", in, got.tag())
		}
	}
}

func TestCheckValues(t *testing.T) {
	for _, tt := range []struct {
		check func(string) error
		good  []string
		bad   []string
	}{
		{checkPython, []string{"3.11", "3.11.9", "3.14.0rc1", "3.13.0b2"}, []string{"3", "3.11.9.1", "py3.11", "3.11.x", "3.11.9+"}},
		{checkDriver, []string{"535.104.05", "551.61", "580.65.06"}, []string{"535", "R535", "535.104.05-1"}},
		{checkGLibc, []string{"2.35", "2.5"}, []string{"2", "2.35.1", "glibc 2.35"}},
		{checkCUDA, []string{"12.4", "12.4.1"}, []string{"12", "cu124", "12.4.1.1"}},
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
