package matrix

import (
	"slices"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

func TestHints(t *testing.T) {
	m := loadDataMatrix(t)
	versions := func(vs ...string) []pep440.Version {
		var out []pep440.Version
		for _, v := range vs {
			out = append(out, pep440.MustParse(v))
		}
		return out
	}
	driver := resolver.Virtual{Name: target.VirtualDriver, Version: pep440.MustParse("470.82.01")}
	t4 := resolver.Virtual{Name: target.VirtualGPU(0), Version: pep440.MustParse("7.5")}
	pascal := resolver.Virtual{Name: target.VirtualGPU(0), Version: pep440.MustParse("6.1")}
	hopper := resolver.Virtual{Name: target.VirtualGPU(0), Version: pep440.MustParse("9.0")}
	for _, tc := range []struct {
		name     string
		facts    testFacts
		conflict resolver.MatrixConflict
		want     []string
	}{
		{"driver too old: the cu118 build, and the driver",
			testFacts{OS: "linux", Machine: "x86_64", Driver: "470.82.01", GPUs: []string{"7.5"}},
			resolver.MatrixConflict{Package: "torch", RuledOut: versions("2.5.1"), Listed: versions("2.5.1"), Target: []resolver.Virtual{driver, t4}},
			[]string{
				"torch 2.5.1+cu118, the CUDA 11.8 build on the index https://download.pytorch.org/whl/cu118, runs on your target's NVIDIA driver 470.82.01 and GPU 0 compute capability 7.5; it was not tried with the rest of your requirements: add that index (--extra-index-url) if this check did not read it, and check again.",
				"Upgrading the NVIDIA driver to 525.60.13 or newer lets torch 2.5.1 run; your target has 470.82.01.",
			}},
		{"a build the index listed is not suggested",
			testFacts{OS: "linux", Machine: "x86_64", Driver: "470.82.01", GPUs: []string{"7.5"}},
			resolver.MatrixConflict{Package: "torch", RuledOut: versions("2.5.1"), Listed: versions("2.5.1", "2.5.1+cu118"), Target: []resolver.Virtual{driver, t4}},
			[]string{"Upgrading the NVIDIA driver to 525.60.13 or newer lets torch 2.5.1 run; your target has 470.82.01."}},
		{"GPU too old: no driver fixes it",
			testFacts{OS: "linux", Machine: "x86_64", GPUs: []string{"6.1"}},
			resolver.MatrixConflict{Package: "torch", RuledOut: versions("2.9.0"), Listed: versions("2.9.0"), Target: []resolver.Virtual{pascal}},
			[]string{"torch 2.9.0+cu126, the CUDA 12.6 build on the index https://download.pytorch.org/whl/cu126, runs on your target's GPU 0 compute capability 6.1; it was not tried with the rest of your requirements: add that index (--extra-index-url) if this check did not read it, and check again."}},
		{"a target whose GPU its driver does not support: no build is a way out",
			testFacts{OS: "linux", Machine: "x86_64", Driver: "470.82.01", GPUs: []string{"9.0"}},
			resolver.MatrixConflict{Package: "torch", RuledOut: versions("2.5.1"), Listed: versions("2.5.1"), Target: []resolver.Virtual{driver, hopper}},
			nil},
		{"no index in the data, no build to name",
			testFacts{OS: "linux", Machine: "x86_64", Driver: "470.82.01"},
			resolver.MatrixConflict{Package: "tensorflow", RuledOut: versions("2.16.1"), Listed: versions("2.16.1"), Target: []resolver.Virtual{driver}},
			[]string{"Upgrading the NVIDIA driver to 525.60.13 or newer lets tensorflow 2.16.1 run; your target has 470.82.01."}},
		{"a build the policy denies is not suggested",
			testFacts{OS: "linux", Machine: "x86_64", Driver: "470.82.01", GPUs: []string{"7.5"}},
			resolver.MatrixConflict{Package: "torch", RuledOut: versions("2.5.1"), Listed: versions("2.5.1"), Target: []resolver.Virtual{driver, t4},
				Policy: []resolver.PolicyRule{{Package: "torch", Range: pep440.Full().Difference(pep440.Exactly(pep440.MustParse("2.5.1+cu118")))}}},
			[]string{"Upgrading the NVIDIA driver to 525.60.13 or newer lets torch 2.5.1 run; your target has 470.82.01."}},
		{"an index the policy does not allow is not suggested",
			testFacts{OS: "linux", Machine: "x86_64", Driver: "470.82.01", GPUs: []string{"7.5"}},
			resolver.MatrixConflict{Package: "torch", RuledOut: versions("2.5.1"), Listed: versions("2.5.1"), Target: []resolver.Virtual{driver, t4},
				Indexes: []string{"https://download.pytorch.org/whl/cu124/", "https://pypi.org/simple"}},
			[]string{"Upgrading the NVIDIA driver to 525.60.13 or newer lets torch 2.5.1 run; your target has 470.82.01."}},
		{"the policy's index allows the build",
			testFacts{OS: "linux", Machine: "x86_64", Driver: "470.82.01", GPUs: []string{"7.5"}},
			resolver.MatrixConflict{Package: "torch", RuledOut: versions("2.5.1"), Listed: versions("2.5.1"), Target: []resolver.Virtual{driver, t4},
				Indexes: []string{"https://download.pytorch.org/whl/cu118/"}},
			[]string{
				"torch 2.5.1+cu118, the CUDA 11.8 build on the index https://download.pytorch.org/whl/cu118, runs on your target's NVIDIA driver 470.82.01 and GPU 0 compute capability 7.5; it was not tried with the rest of your requirements: add that index (--extra-index-url) if this check did not read it, and check again.",
				"Upgrading the NVIDIA driver to 525.60.13 or newer lets torch 2.5.1 run; your target has 470.82.01.",
			}},
		{"a release outside what the policy requires: no hint suggests it",
			testFacts{OS: "linux", Machine: "x86_64", Driver: "470.82.01", GPUs: []string{"7.5"}},
			resolver.MatrixConflict{Package: "torch", RuledOut: versions("2.5.1"), Listed: versions("2.5.1"), Target: []resolver.Virtual{driver, t4},
				Policy: []resolver.PolicyRule{{Package: "torch", Range: pep440.Exactly(pep440.MustParse("2.9.1"))}}},
			nil},
		{"unknown package", testFacts{OS: "linux", Driver: "470.82.01"},
			resolver.MatrixConflict{Package: "requests", RuledOut: versions("2.32.3"), Target: []resolver.Virtual{driver}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, h := range forFacts(m, tc.facts).Hints(tc.conflict) {
				got = append(got, h.Text)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Hints =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}
