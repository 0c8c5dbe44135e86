package target

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// nearestGPUNames are up to three of names nearest to name, nearest first: those whose
// words start with name's (a family written short, "RTX 6000"), those that hold its words
// ("Quadro RTX 6000"), then those within a few edits of it ("H10", "RTX 5900"). Names compare as GPU lookups do (GPUNameWords).
func nearestGPUNames(name string, names []string) []string {
	key := strings.Join(GPUNameWords(name), " ")
	if key == "" {
		return nil
	}
	type candidate struct {
		name     string
		distance int
	}
	var found []candidate
	for _, n := range names {
		k := strings.Join(GPUNameWords(n), " ")
		d := editDistance(key, k)
		switch {
		case strings.HasPrefix(k, key+" "):
			found = append(found, candidate{n, 0})
		case strings.Contains(" "+k+" ", " "+key+" "):
			found = append(found, candidate{n, 1})
		case d <= max(2, len(key)/4):
			found = append(found, candidate{n, d})
		}
	}
	slices.SortFunc(found, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.distance, b.distance), cmp.Compare(a.name, b.name))
	})
	var out []string
	for _, c := range found {
		if len(out) == 3 {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// editDistance is the number of insertions, deletions, substitutions and swaps of two
// adjacent bytes that turn a into b (optimal string alignment): "5900" is one from "5090".
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// quotedList is names quoted and joined as prose: "a", "a" or "b", "a", "b" or "c".
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) <= 2 {
		return strings.Join(q, " or ")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// GPUNameWords is a GPU name as the words a lookup compares (the catalog's and
// nearestGPUNames'): lower case, split at
// spaces and punctuation, without the vendor words nvidia-smi may or may not print.
func GPUNameWords(name string) []string {
	fields := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	words := fields[:0]
	for _, w := range fields {
		switch w {
		case "nvidia", "geforce", "tesla":
		default:
			words = append(words, w)
		}
	}
	return words
}

// join lists items as prose: "a", "a and b", "a, b and c".
func join(items []string) string {
	if len(items) <= 2 {
		return strings.Join(items, " and ")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
