package engine

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/policy"
)

const supplyChain = `[supply-chain]
indexes = ["https://mirror.example/simple", "https://pypi.org/simple"]
only-binary = true
pre-releases = "never"
`

// Layers: the policy's supply chain sets the index options; a project or a flag that
// loosens a setting wins with a warning, unless the policy locks it: then it is bad
// input naming the policy's line.
func TestSupplyChainLayers(t *testing.T) {
	for _, tc := range []struct {
		name, locked string
		indexes      IndexSettings
		pre          bool
		err, warning string // substrings; "" for none
		check        func(*testing.T, index.Options)
	}{{
		name:    "the policy's indexes, first-index order",
		indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}},
		check: func(t *testing.T, o index.Options) {
			if o.IndexURL != "https://pypi.org/simple" || len(o.ExtraIndexURLs) != 1 || o.ExtraIndexURLs[0] != "https://mirror.example/simple" ||
				len(o.OnlyBinary) != 1 || !o.FinalOnly || !strings.Contains(o.FinalOnlyRule, "policy.toml:5") {
				t.Errorf("options %+v", o)
			}
		},
	}, {
		name:    "an index the policy does not list, unlocked",
		indexes: IndexSettings{IndexURL: Sourced{"https://pypi.org/simple/", "default"}, ExtraIndex: []Sourced{{"https://other.example/simple", "flag --extra-index-url"}}},
		warning: "index https://other.example/simple (flag --extra-index-url) is not one of the policy's indexes, loosening supply-chain.indexes (policy.toml:3)",
	}, {
		name: "an index the policy does not list, locked", locked: `locked = ["supply-chain.indexes"]`,
		indexes: IndexSettings{IndexURL: Sourced{"https://other.example/simple", "depsolve.toml:1"}},
		err:     "policy.toml:3: index https://other.example/simple (depsolve.toml:1) is not one of the policy's indexes, which policy.toml locks (supply-chain.indexes)",
	}, {
		name: "a find-links folder, locked", locked: `locked = ["supply-chain.indexes"]`,
		indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}, FindLinks: []Sourced{{"wheels", "flag --find-links"}}},
		err:     "policy.toml:3: find-links folder wheels (flag --find-links) is not one of the policy's indexes, which policy.toml locks (supply-chain.indexes)",
	}, {
		name:    "a find-links page under one of the policy's indexes",
		indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}, FindLinks: []Sourced{{"https://mirror.example/simple/torch/", "depsolve.toml:4"}}},
	}, {
		name:    "a uv flat index, unlocked",
		indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}, FindLinks: []Sourced{{"https://mirror.example/simple-flat/", "pyproject.toml:12"}}},
		warning: "find-links page https://mirror.example/simple-flat/ (pyproject.toml:12) is not one of the policy's indexes, loosening supply-chain.indexes (policy.toml:3)",
	}, {
		name: "a uv explicit index, locked", locked: `locked = ["supply-chain.indexes"]`,
		indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}, Pinned: map[string]Sourced{"torch": {"https://download.pytorch.org/whl/cu124", "pyproject.toml:9:1"}}},
		err:     "policy.toml:3: index https://download.pytorch.org/whl/cu124 (pyproject.toml:9:1), which torch is pinned to, is not one of the policy's indexes, which policy.toml locks (supply-chain.indexes)",
	}, {
		// --no-index drops every index, the policy's too, as pip drops --extra-index-url
		// with --index-url: an index nothing asks cannot loosen the policy.
		name: "--no-index", locked: `locked = ["supply-chain.indexes"]`,
		indexes: IndexSettings{IndexURL: Sourced{"https://other.example/simple", "flag --index-url"}, NoIndex: true,
			ExtraIndex: []Sourced{{"https://other.example/extra", "flag --extra-index-url"}},
			Pinned:     map[string]Sourced{"torch": {"https://download.pytorch.org/whl/cu124", "pyproject.toml:9:1"}}},
		check: func(t *testing.T, o index.Options) {
			if o.IndexURL != "" || len(o.ExtraIndexURLs) != 0 {
				t.Errorf("index %q, extra indexes %v: want none under --no-index", o.IndexURL, o.ExtraIndexURLs)
			}
		},
	}, {
		name: "--pre, locked by its table", locked: `locked = ["supply-chain"]`, pre: true,
		indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}},
		err:     "--pre allows pre-releases, which policy.toml locks (supply-chain.pre-releases)",
	}, {
		// grpcio is built (the index lets a name outrank :all:); every other project
		// still comes as a wheel.
		name: "--no-binary, unlocked", indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}, NoBinary: []string{"grpcio"}},
		warning: "--no-binary grpcio asks for builds, loosening supply-chain.only-binary",
		check: func(t *testing.T, o index.Options) {
			if !slices.Equal(o.OnlyBinary, []string{":all:"}) {
				t.Errorf("only-binary %v, want the policy's :all: kept for the projects --no-binary does not name", o.OnlyBinary)
			}
		},
	}, {
		// pip's reset: it asks for no build, so it loosens nothing, locked or not.
		name: "--no-binary :none:, locked", locked: `locked = ["supply-chain.only-binary"]`,
		indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}, NoBinary: []string{"grpcio", ":none:"}},
		check: func(t *testing.T, o index.Options) {
			if !slices.Equal(o.OnlyBinary, []string{":all:"}) {
				t.Errorf("only-binary %v, want the policy's :all:", o.OnlyBinary)
			}
		},
	}, {
		name: "--no-binary :all:, unlocked", indexes: IndexSettings{IndexURL: Sourced{index.DefaultIndexURL, "default"}, NoBinary: []string{":all:"}},
		warning: "--no-binary :all: asks for builds, loosening supply-chain.only-binary",
		check: func(t *testing.T, o index.Options) {
			if len(o.OnlyBinary) != 0 {
				t.Errorf("only-binary %v, want the project's --no-binary :all: honoured", o.OnlyBinary)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			pol, err := policy.Parse("policy.toml", []byte(tc.locked+"\n"+supplyChain), WarningCodes())
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			s := &session{policy: pol, indexes: tc.indexes, report: rec}
			var opts index.Options
			err = s.applySupplyChain(&opts, tc.pre)
			var re *RequestError
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.err != "" && (!errors.As(err, &re) || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want a *RequestError saying %q", err, tc.err)
			}
			got := strings.Join(rec.warnings, "\n")
			if tc.warning == "" && got != "" || !strings.Contains(got, tc.warning) {
				t.Errorf("warnings %q, want %q", got, tc.warning)
			}
			if tc.warning != "" && (len(s.policyWarnings) != 1 || s.policyWarnings[0].Code != WarningPolicyLoosened) {
				t.Errorf("verdict warnings %+v", s.policyWarnings)
			}
			if tc.check != nil {
				tc.check(t, opts)
			}
		})
	}
}
