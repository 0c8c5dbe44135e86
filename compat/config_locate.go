package compat

import (
	"sort"
	"strings"

	"github.com/depsolve/depsolve/internal/tomlpos"
)

// tomlSpot is where a key and its value start in a TOML document (1-based).
type tomlSpot struct {
	line, keyCol, valueCol int
	valueLine              int
}

// locateTOMLKeys maps each dotted key path ("target.python", "tool.depsolve.target") of a
// TOML document to where it is written. BurntSushi/toml reports positions only for syntax
// errors, and depsolve also reports schema errors (an unknown key, a wrong type, a bad
// version) at their place. Array indices are left out of the paths, so the keys of inline
// tables in an array and of [[array tables]] are named as one; the last written wins. A
// table header has a key column but no value column; the tables that dotted keys open are
// not recorded, so an error about a key that is not written points at the header above it.
func locateTOMLKeys(text string) map[string]tomlSpot {
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
		return line, offset - lineStarts[line-1] + 1
	}
	spots := map[string]tomlSpot{}
	for _, e := range tomlpos.Scan(text) {
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
		var keys []string
		for _, k := range e.Path {
			if k, ok := k.(string); ok {
				keys = append(keys, k)
			}
		}
		spots[strings.Join(keys, ".")] = spot
	}
	return spots
}
