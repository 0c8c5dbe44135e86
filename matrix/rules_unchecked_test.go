package matrix

import (
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

// A framework release the matrix does not cover is never silently "ok": it is warned
// about with a stable code, newer or older than the data.
func TestAdvisoriesUncheckedRelease(t *testing.T) {
	m := loadDataMatrix(t)
	tm := forFacts(m, testFacts{OS: "linux", Machine: "x86_64", Python: "3.12.3", Driver: "580.65.06", GPUs: []string{"9.0"}})
	for _, tc := range []struct {
		torch string
		want  bool
	}{
		{"99.0.0", true},
		{"0.4.1", true},
		{"2.5.1", false},
	} {
		selected := func(name string) (pep440.Version, bool) {
			if name == "torch" {
				return pep440.MustParse(tc.torch), true
			}
			return pep440.Version{}, false
		}
		got := false
		for _, a := range tm.AdvisoriesFor(selected) {
			if a.Code == AdvisoryUncheckedRelease && a.Package == "torch" {
				got = true
			}
		}
		if got != tc.want {
			t.Errorf("torch %s: unchecked-release advisory %v, want %v", tc.torch, got, tc.want)
		}
	}
}

// A release the variant rows cover but no [[build]] row places on the target's platform
// (the plain Linux x86_64 wheel of torch 2.10.1, beside the row for ==2.10.0) is a CUDA
// build of a CUDA the data does not say: no driver or GPU rule applies to it, so it is
// warned about, not passed in silence. A placed release, a local build and a CPU-only
// target are not.
func TestAdvisoriesUncheckedPlainWheel(t *testing.T) {
	m := loadDataMatrix(t)
	gpu := testFacts{OS: "linux", Machine: "x86_64", Python: "3.12.3", Driver: "470.82.01", GPUs: []string{"5.2"}}
	cpu := testFacts{OS: "linux", Machine: "x86_64", Python: "3.12.3", CPU: true}
	windows := testFacts{OS: "windows", Machine: "x86_64", Python: "3.12.3", Driver: "470.82.01", GPUs: []string{"5.2"}}
	for _, tc := range []struct {
		facts testFacts
		torch string
		want  bool
	}{
		{gpu, "2.10.1", true},
		{gpu, "2.10.0", false},
		{gpu, "2.9.1", false},
		{gpu, "2.10.1+cu128", false},
		{cpu, "2.10.1", false},
		{windows, "2.10.1", false},
	} {
		tm := forFacts(m, tc.facts)
		selected := func(name string) (pep440.Version, bool) {
			if name == "torch" {
				return pep440.MustParse(tc.torch), true
			}
			return pep440.Version{}, false
		}
		var got []string
		for _, a := range tm.AdvisoriesFor(selected) {
			if a.Code == AdvisoryUncheckedRelease && a.Package == "torch" {
				got = append(got, a.Text)
			}
		}
		if (len(got) > 0) != tc.want || len(got) > 1 {
			t.Errorf("torch %s on %s %s: unchecked-release advisories %q, want one: %v", tc.torch, tc.facts.OS, tc.facts.Machine, got, tc.want)
		}
	}
}
