package resolver

import "testing"

// TestPackseFiles lives in package resolver_test, which may import the index client
// (index imports resolver); these give it the scenarios and their checks.

type PackseScenario = packseScenario

func LoadPackse(t testing.TB) []PackseScenario { return loadPackse(t) }

func (s *packseScenario) SkipReason() string  { return s.skipReason() }
func (s *packseScenario) FilesReason() string { return s.filesReason() }

func (s *packseScenario) Check(t *testing.T, res *Resolution, ns *NoSolution) {
	t.Helper()
	s.check(t, res, ns)
}
