package resolver

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

// widen must give a range holding exactly the chosen listed versions, whatever
// mix of pre-, post-, dev-, local and epoch versions the list has.
func TestWidenIsExact(t *testing.T) {
	texts := []string{
		"0.9", "1.0.dev0", "1.0a1", "1.0rc1", "1.0", "1.0+cpu", "1.0+cu118", "1.0+cu121", "1.0.post1",
		"1.0.post1+cu121", "1.1.dev3", "1.1", "1.1.1", "2.0b2", "2.0", "2.0+local.7", "2.5.1", "2.5.1+cu121",
		"2.5.1+cu124", "3!0.1",
	}
	var sorted []pep440.Version
	for _, s := range texts {
		sorted = append(sorted, pep440.MustParse(s))
	}
	slices.SortFunc(sorted, pep440.Version.Compare)
	s := &solver{atLeast: map[string]pep440.Range{}, states: []pkgState{{sorted: sorted}}}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var members []int
		for i := range sorted {
			if r.IntN(3) > 0 {
				members = append(members, i)
			}
		}
		got := s.widen(0, members)
		for i, v := range sorted {
			if want := slices.Contains(members, i); got.Contains(v) != want {
				t.Fatalf("members %v: widen gives %s, which contains(%s) = %v", members, got, v, !want)
			}
		}
	}
}

// The term algebra against its definition: a term is the set of outcomes
// (a version, or "not selected") it allows.
func TestTermAlgebra(t *testing.T) {
	specs := []string{"", ">=1", "<2", "==1.5", ">=1,<2", "!=1.5", ">2", "<1||>=2", "none"}
	ranges := make([]pep440.Range, len(specs))
	for i, s := range specs {
		switch s {
		case "none":
			ranges[i] = pep440.Empty()
		case "<1||>=2":
			ranges[i] = rangeOf("<1").Union(rangeOf(">=2"))
		default:
			ranges[i] = rangeOf(s)
		}
	}
	var sample []pep440.Version
	for _, s := range []string{"0.5", "1", "1.5", "1.5+local", "2.0a1", "2", "2.5", "3"} {
		sample = append(sample, pep440.MustParse(s))
	}
	// holds reports whether term t allows outcome i (len(sample) = not selected).
	holds := func(t term, i int) bool {
		if i == len(sample) {
			return !t.pos
		}
		return t.contains(sample[i])
	}
	var terms []term
	for _, r := range ranges {
		terms = append(terms, positive(0, r), negative(0, r))
	}
	for _, a := range terms {
		for _, b := range terms {
			in, un := a.intersect(b), a.union(b)
			subset, disjoint := true, true
			for i := 0; i <= len(sample); i++ {
				if holds(in, i) != (holds(a, i) && holds(b, i)) {
					t.Errorf("%v ∩ %v = %v is wrong at outcome %d", a, b, in, i)
				}
				if holds(un, i) != (holds(a, i) || holds(b, i)) {
					t.Errorf("%v ∪ %v = %v is wrong at outcome %d", a, b, un, i)
				}
				subset = subset && (!holds(a, i) || holds(b, i))
				disjoint = disjoint && !(holds(a, i) && holds(b, i))
			}
			// The sample is not every version, so only check what it can refute.
			switch relate(a, b) {
			case satisfied:
				if !subset {
					t.Errorf("relate(%v, %v) = satisfied, but a sampled outcome of the first is not in the second", a, b)
				}
			case contradicted:
				if !disjoint {
					t.Errorf("relate(%v, %v) = contradicted, but a sampled outcome is in both", a, b)
				}
			}
		}
	}
}
