package resolver

import (
	"testing"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/resolver/pubgrub"
)

// Version sets are described by the versions that exist, and never in the
// extensions of pep440.Range.String that PEP 440 cannot write.
func TestVersionTexts(t *testing.T) {
	torch := Package{Name: "torch"}
	var listed []pep440.Version
	for _, s := range []string{"2.5.1", "2.5.1+cu121", "2.5.1+cu124", "2.6.0", "2.6.0+cu124", "2.6.0+cu126", "2.7.0"} {
		listed = append(listed, pep440.MustParse(s))
	}
	d := newDescriber(&NoSolution{NoSolution: &pubgrub.NoSolution[Package, pep440.Version, pep440.Range]{
		Root: &Incompatibility{Kind: pubgrub.KindRoot}, Listed: map[Package][]pep440.Version{torch: listed},
	}})
	exactly := func(vs ...string) pep440.Range {
		r := pep440.Empty()
		for _, v := range vs {
			r = r.Union(pep440.Exactly(pep440.MustParse(v)))
		}
		return r
	}
	spec := func(s string) pep440.Range {
		set, err := pep440.ParseSpecifierSet(s)
		if err != nil {
			t.Fatal(err)
		}
		return set.Range()
	}
	for _, tc := range []struct {
		r              pep440.Range
		every, derived string
		plural         bool
	}{
		{spec("==2.6.0"), "every build of torch 2.6.0 (2.6.0, 2.6.0+cu124 and 2.6.0+cu126)", "torch ==2.6.0", false},
		{exactly("2.5.1+cu121", "2.5.1+cu124"), "torch 2.5.1+cu121 and 2.5.1+cu124", "torch 2.5.1+cu121 or 2.5.1+cu124", true},
		{exactly("2.6.0"), "torch 2.6.0", "torch 2.6.0", false},
		{exactly("2.7.0"), "torch 2.7.0", "torch ==2.7.0", false},
		{spec(">=2.5.1,<2.7.0"), "torch <2.7.0", "torch >=2.5.1, <2.7.0", false},
		{pep440.Exactly(pep440.MustParse("2.6.0+cu126")).Complement(), "torch 2.5.1, 2.5.1+cu121, 2.5.1+cu124, 2.6.0, 2.6.0+cu124 and 2.7.0",
			"torch 2.5.1, 2.5.1+cu121, 2.5.1+cu124, 2.6.0, 2.6.0+cu124 or 2.7.0", true},
		{spec("!=2.6.0+cu126").Intersect(spec("<2.7")), "torch 2.5.1, 2.5.1+cu121, 2.5.1+cu124, 2.6.0 and 2.6.0+cu124",
			"torch 2.5.1, 2.5.1+cu121, 2.5.1+cu124, 2.6.0 or 2.6.0+cu124", true},
		{pep440.Full(), "every version of torch", "torch", false},
	} {
		s := d.subject(torch, tc.r, true)
		if s.text != tc.every || s.plural != tc.plural {
			t.Errorf("subject(%s) = %q (plural %v), want %q (%v)", tc.r, s.text, s.plural, tc.every, tc.plural)
		}
		if got := d.derivedObject(torch, tc.r); got != tc.derived {
			t.Errorf("derivedObject(%s) = %q, want %q", tc.r, got, tc.derived)
		}
	}
}

func TestPlain(t *testing.T) {
	for text, want := range map[string]bool{
		">=1.0, <2.0":      true,
		"<1.0 || >=2.0":    true,
		"*":                true,
		"==2.6.0":          true,
		"<2.6.0+cu126":     false,
		"===1.0":           false,
		">=1.0, !==1.0":    false,
		"(-∞, 1.0.post∞)":  false,
		"[1.0, 2.0.post∞)": false,
	} {
		if got := plain(text); got != want {
			t.Errorf("plain(%q) = %v, want %v", text, got, want)
		}
	}
}
