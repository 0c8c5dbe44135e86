package matrix

import (
	"fmt"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

func TestCapabilitySpans(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{">=5.0, <10.0", "[{5.0 9.9 false}]"},
		{">=7.5", "[{7.5 30.9 true}]"},
		{"==8.0", "[{8.0 8.0 false}]"},
		{"<5.0", "[{0.0 4.9 false}]"},
		{">=12.0, <13.0", "[{12.0 12.9 false}]"},
	} {
		r := specRange(t, tc.spec)
		if got := fmt.Sprint(CapabilitySpans(r)); got != tc.want {
			t.Errorf("CapabilitySpans(%s) = %s, want %s", tc.spec, got, tc.want)
		}
	}
	two := specRange(t, ">=7.0, <8.0").Union(specRange(t, ">=9.0"))
	if got, want := fmt.Sprint(CapabilitySpans(two)), "[{7.0 7.9 false} {9.0 30.9 true}]"; got != want {
		t.Errorf("CapabilitySpans(%s) = %s, want %s", two, got, want)
	}
}

func specRange(t *testing.T, spec string) pep440.Range {
	t.Helper()
	s, err := pep440.ParseSpecifierSet(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s.Range()
}
