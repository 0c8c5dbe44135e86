package resolver

import (
	"context"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
)

// policyRule is a kind of fact the resolver does not know: a platform team's
// rule that denies versions, cited by its line. Adding it takes this type alone
// (doc.go, "Adding a kind of fact").
type policyRule struct {
	Spec, Why string
	Row       Citation
}

func (r policyRule) Written() string       { return r.Spec }
func (r policyRule) Note() string          { return r.Why }
func (r policyRule) Citations() []Citation { return []Citation{r.Row} }
func (r policyRule) State(e RootEdge) string {
	return "your platform's policy allows only " + e.Object + e.Note
}

// A new kind of fact is phrased in an explanation, cited in its sources, and
// decides like any constraint, with no change to the solver or the reports.
func TestNewCauseKind(t *testing.T) {
	u := newUniverse()
	u.put("torch", "2.5.1")
	u.put("torch", "2.6.0", requires("numpy", ">=2"))
	u.put("numpy", "1.26.4")
	policy := Dependency{Package: Package{Name: "torch"}, Range: rangeOf(">=2.6"), Constrains: true, Cause: policyRule{
		Spec: ">=2.6", Why: "CVE-2025-32434",
		Row: Citation{Row: input.Position{File: "policy.toml", Line: 14}, Sources: []Reference{{ID: "CVE-2025-32434", URL: "https://nvd.nist.gov/vuln/detail/CVE-2025-32434"}}},
	}}
	u.put("root", "1", requires("torch", ""), requires("numpy", "<2"), policy)
	u.sortVersions()
	_, ns, err := Solve(context.Background(), u, Package{Name: "root"}, pep440.MustParse("1"), Options{})
	if err != nil || ns == nil {
		t.Fatalf("want no solution, got %v", err)
	}
	text := ns.Text()
	for _, want := range []string{
		"your platform's policy allows only torch >=2.6 (CVE-2025-32434) [1]",
		"Sources:\n[1] policy.toml:14 — CVE-2025-32434 https://nvd.nist.gov/vuln/detail/CVE-2025-32434",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the explanation does not say %q:\n%s", want, text)
		}
	}
}
