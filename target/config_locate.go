package target

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/depsolve/depsolve/internal/tomlpos"
)

// tomlSpot is where a key and its value start in a TOML document (1-based).
type tomlSpot struct {
	line, keyCol, valueCol int
	valueLine              int
}

// tomlSpots is where each dotted key path ("target.python", "tool.depsolve.target") of a
// TOML document is written. BurntSushi/toml reports positions only for syntax errors, and
// depsolve also reports schema errors (an unknown key, a wrong type, a bad version) at
// their place. Array indices are left out of the paths, so the keys of inline tables in
// an array and of [[array tables]] are named as one; the last written wins. A key is
// split at its dots, as a dotted path is, so "a.b" quoted and a.b are named as one too.
// A table header has a key column but no value column; the tables that dotted keys open
// are not recorded, so an error about a key that is not written points at the header
// above it.
//
// The paths are kept as a tree of keys rather than as strings, so that a document's
// spots take space in proportion to its length however deeply it nests.
type tomlSpots struct {
	children map[keyStep]int // by parent and key; 0 is the empty path
	spots    map[int]tomlSpot
}

type keyStep struct {
	parent int
	key    string
}

// lookup returns where the dotted key path is written.
func (s *tomlSpots) lookup(path string) (tomlSpot, bool) {
	n := 0
	for _, k := range strings.Split(path, ".") {
		var ok bool
		if n, ok = s.children[keyStep{n, k}]; !ok {
			return tomlSpot{}, false
		}
	}
	spot, ok := s.spots[n]
	return spot, ok
}

// child returns the node of parent extended by key's dot-separated parts.
func (s *tomlSpots) child(parent int, key string) int {
	for _, k := range strings.Split(key, ".") {
		step := keyStep{parent, k}
		n, ok := s.children[step]
		if !ok {
			n = len(s.children) + 1
			s.children[step] = n
		}
		parent = n
	}
	return parent
}

// locateTOMLKeys finds where the keys of text are written.
func locateTOMLKeys(text string) *tomlSpots {
	var lineStarts []int // offset of the first byte of each line
	for i := 0; i >= 0; {
		lineStarts = append(lineStarts, i)
		if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
			i += j + 1
		} else {
			i = -1
		}
	}
	at := func(offset int) (line, col int) {
		line = sort.Search(len(lineStarts), func(i int) bool { return lineStarts[i] > offset })
		return line, utf8.RuneCountInString(text[lineStarts[line-1]:offset]) + 1
	}
	doc := tomlpos.Scan(text)
	spots := &tomlSpots{children: map[keyStep]int{}, spots: map[int]tomlSpot{}}
	keyNode := map[tomlpos.Node]int{tomlpos.Root: 0} // each document path's node, indices left out
	var pending []tomlpos.Node
	node := func(n tomlpos.Node) int {
		// Each path's parent is named first, walking up to one already named.
		for m := n; ; m = doc.Parent(m) {
			if _, ok := keyNode[m]; ok {
				break
			}
			pending = append(pending, m)
		}
		for len(pending) > 0 {
			m := pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			parent := keyNode[doc.Parent(m)]
			if k, ok := doc.Last(m).(string); ok {
				keyNode[m] = spots.child(parent, k)
			} else {
				keyNode[m] = parent
			}
		}
		return keyNode[n]
	}
	for _, e := range doc.Entries {
		var spot tomlSpot
		switch e.Kind {
		case tomlpos.KeyValue:
			spot.line, spot.keyCol = at(e.Key)
			spot.valueLine, spot.valueCol = at(e.Value)
		case tomlpos.Header:
			spot.line, spot.keyCol = at(e.Key)
			spot.valueLine = spot.line
		default:
			continue
		}
		spots.spots[node(e.Node)] = spot
	}
	return spots
}
