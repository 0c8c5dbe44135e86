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
