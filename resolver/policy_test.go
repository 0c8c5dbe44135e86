package resolver

import (
	"context"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/input"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// policyProblem is torch 2.5.1 and 2.6.0 (which needs numpy >=2) and numpy 1.26.4 and
// 2.1.0, for the requirements given, under the policy's rules.
func policyProblem(t *testing.T, reqs []string, rules ...PolicyRule) *Problem {
	t.Helper()
	ix := newFakeIndex()
	ix.add("torch", fakeRelease{Release: Release{Version: pep440.MustParse("2.6.0")}, md: Metadata{RequiresDist: []pep508.Requirement{mustRequirement(t, "numpy>=2")}}})
	ix.add("torch", fakeRelease{Release: Release{Version: pep440.MustParse("2.5.1")}})
	ix.add("numpy", fakeRelease{Release: Release{Version: pep440.MustParse("2.1.0")}})
	ix.add("numpy", fakeRelease{Release: Release{Version: pep440.MustParse("1.26.4")}})
	pb := &Problem{Index: ix, VirtualNames: testVirtualNames, Policy: rules,
		Virtual: []Virtual{{Name: "@python", Version: pep440.MustParse("3.12.3")}}}
	for i, r := range reqs {
		pb.Requirements = append(pb.Requirements, Requirement{Requirement: mustRequirement(t, r), Origin: input.Position{File: "requirements.txt", Line: 1 + i}})
	}
	return pb
}

func specRange(t *testing.T, s string) pep440.Range {
	t.Helper()
	spec, err := pep440.ParseSpecifierSet(s)
	if err != nil {
		t.Fatal(err)
	}
	return spec.Range()
}

func denyTorch(t *testing.T) PolicyRule {
	return PolicyRule{
		Package: "torch", Range: pep440.Full().Difference(specRange(t, "<2.6")), Statement: "denies torch <2.6",
		Reason: "CVE-2025-32434: torch.load(weights_only=True) can run code",
		Cite:   Citation{Row: input.Position{File: "policy.toml", Line: 14}, Sources: []Reference{{URL: "https://github.com/advisories/GHSA-53q9-r3pm-6pq6"}}},
	}
}

// Each kind of policy rule (a deny, a minimum) decides like a constraint, and the
// explanation names the policy's line and cites it; the hints never step outside the
// policy.
func TestPolicyRules(t *testing.T) {
	minimumNumpy := PolicyRule{Package: "numpy", Range: specRange(t, ">=2"), Statement: "requires numpy >=2",
		Reason: "numpy 1 is out of support", Cite: Citation{Row: input.Position{File: "policy.toml", Line: 20}}}
	for _, tc := range []struct {
		name  string
		reqs  []string
		rule  PolicyRule
		facts []string
		hint  string // "" for: no hint
	}{{
		name: "deny", reqs: []string{"torch", "numpy<2"}, rule: denyTorch(t),
		facts: []string{
			"your platform's policy (policy.toml:14) denies torch <2.6 (CVE-2025-32434: torch.load(weights_only=True) can run code) [1]",
			"Sources:\n[1] policy.toml:14 — https://github.com/advisories/GHSA-53q9-r3pm-6pq6",
		},
		hint: "A newer version, numpy 2.1.0 (a major version change: 1 to 2), avoids this conflict; your requirement numpy<2 (requirements.txt:2) excludes it.",
	}, {
		name: "deny of a pin", reqs: []string{"torch==2.5.1"}, rule: denyTorch(t),
		facts: []string{"your platform's policy (policy.toml:14) denies torch <2.6"},
		hint:  "A newer version, torch 2.6.0, avoids this conflict; your requirement torch==2.5.1 (requirements.txt:1) excludes it.",
	}, {
		name: "minimum", reqs: []string{"numpy<2"}, rule: minimumNumpy,
		facts: []string{"your platform's policy (policy.toml:20) requires numpy >=2 (numpy 1 is out of support) [1]", "[1] policy.toml:20"},
		hint:  "A newer version, numpy 2.1.0, avoids this conflict; your requirement numpy<2 (requirements.txt:1) excludes it.",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			pb := policyProblem(t, tc.reqs, tc.rule)
			_, ns, err := Resolve(context.Background(), pb)
			if err != nil || ns == nil {
				t.Fatalf("want no solution, got %v", err)
			}
			text := ns.Text()
			for _, want := range tc.facts {
				if !strings.Contains(text, want) {
					t.Errorf("the explanation does not say %q:\n%s", want, text)
				}
			}
			hints, err := pb.Hints(context.Background(), ns)
			if err != nil {
				t.Fatal(err)
			}
			if len(hints) != 1 || hints[0] != tc.hint {
				t.Errorf("hints: %q, want only %q", hints, tc.hint)
			}
		})
	}
}

// A rule constrains and never requires: a denied package nobody asks for stays out.
func TestPolicyRuleDoesNotRequire(t *testing.T) {
	res, ns, err := Resolve(context.Background(), policyProblem(t, []string{"numpy"}, denyTorch(t)))
	if err != nil || ns != nil {
		t.Fatalf("got %v, %v", ns, err)
	}
	if _, ok := res.Pin("torch"); ok || len(res.Packages) != 1 {
		t.Errorf("resolution %v, want numpy alone", res.Packages)
	}
}
