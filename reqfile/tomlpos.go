package reqfile

import "github.com/depsolve/depsolve/internal/tomlpos"

// BurntSushi/toml decodes values but tells where only its syntax errors are;
// internal/tomlpos finds where each value of a document it accepted is written, so
// that an error about a value (a bad requirement string, the third of two equal ones
// included) points into it. This file keeps reqfile's view of it: the first
// occurrence of a path is the one an error points at.

// tomlPath is a path to a value: string keys and int array indices.
type tomlPath tomlpos.Path

func (p tomlPath) key() string { return tomlpos.Path(p).Key() }

func (p tomlPath) plus(e ...any) tomlPath { return tomlPath(tomlpos.Path(p).Plus(e...)) }

// tomlValue is where a value (or a table's header, or the key that first made an
// implicit table) starts, and for a string, its opening delimiter.
type tomlValue struct {
	start int
	quote string // `"`, `'`, `"""`, `'''` for strings; "" otherwise
}

// tomlIndex holds where the values and keys of a document are, by path key.
type tomlIndex struct {
	values map[string]tomlValue
	keys   map[string]int // where the key (or table header) naming a path starts
}

// indexTOML records the position of every value and key of a valid TOML document.
func indexTOML(src string) tomlIndex {
	index := tomlIndex{values: map[string]tomlValue{}, keys: map[string]int{}}
	for _, e := range tomlpos.Scan(src) {
		k := e.Path.Key()
		if _, ok := index.values[k]; !ok {
			index.values[k] = tomlValue{start: e.Value, quote: e.Quote}
		}
		if _, ok := index.keys[k]; !ok && e.Kind != tomlpos.Element {
			index.keys[k] = e.Key
		}
	}
	return index
}

// decodeTOMLString decodes the string whose opening delimiter is at start; see
// tomlpos.DecodeString.
func decodeTOMLString(src string, start int) (value string, offsets []int, ok bool) {
	return tomlpos.DecodeString(src, start)
}
