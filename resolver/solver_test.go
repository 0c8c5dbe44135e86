package resolver

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/pep440"
)

// The spans of runs of listed versions must together hold exactly the chosen
// listed versions, whatever mix of pre-, post-, dev-, local and epoch versions
// the list has.
func TestSpansAreExact(t *testing.T) {
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
	pv := pep440Versions{atLeast: map[string]pep440.Range{}}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var members []int
		for i := range sorted {
			if r.IntN(3) > 0 {
				members = append(members, i)
			}
		}
		got := pep440.Empty()
		for k := 0; k < len(members); {
			end := k
			for end+1 < len(members) && members[end+1] == members[end]+1 {
				end++
			}
			got = got.Union(pv.Span(sorted, members[k], members[end]))
			k = end + 1
		}
		for i, v := range sorted {
			if want := slices.Contains(members, i); got.Contains(v) != want {
				t.Fatalf("members %v: the spans give %s, which contains(%s) = %v", members, got, v, !want)
			}
		}
	}
}
