package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

func TestNearestVersions(t *testing.T) {
	var listed []pep440.Version
	for _, s := range []string{"4.46.0", "4.46.1", "4.47.0", "5.0.0"} {
		listed = append(listed, pep440.MustParse(s))
	}
	for spec, want := range map[string]string{
		"==4.99.1":     "4.47.0 5.0.0",
		"==1.0":        "4.46.0",
		"==6.0":        "5.0.0",
		">=4.48,<4.99": "4.47.0 5.0.0",
		"==4.46.0":     "", // it exists: no gap to fill
	} {
		set, err := pep440.ParseSpecifierSet(spec)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range nearestVersions(set.Range(), listed) {
			got = append(got, v.String())
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("%s: nearest %q, want %q", spec, g, want)
		}
	}
}

func TestSimilarNames(t *testing.T) {
	candidates := []string{"transformers", "numpy", "torch", "jax", "tensorflow", "transfomers"}
	for name, want := range map[string][]string{
		"transfomers": {"transformers"},
		"nmupy":       {"numpy"},
		"troch":       {"torch"},
		"jaxx":        {"jax"},
		"pandas":      nil,
		"tensorflw":   {"tensorflow"},
	} {
		if got := similarNames(name, candidates); !slices.Equal(got, want) {
			t.Errorf("similarNames(%q) = %q, want %q", name, got, want)
		}
	}
}
