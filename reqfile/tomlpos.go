package reqfile

import "github.com/depsolve/depsolve/internal/tomlpos"

// BurntSushi/toml decodes values but tells where only its syntax errors are;
// internal/tomlpos finds where each value of a document it accepted is written, so
// that an error about a value (a bad requirement string, the third of two equal ones
// included) points into it. This file keeps reqfile's view of it: the first
// occurrence of a path is the one an error points at.

// tomlPath is a path to a value: string keys and int array indices.
type tomlPath tomlpos.Path

func (p tomlPath) plus(e ...any) tomlPath { return tomlPath(tomlpos.Path(p).Plus(e...)) }

// tomlValue is where a value (or a table's header, or the key that first made an
// implicit table) starts, and for a string, its opening delimiter.
type tomlValue struct {
	start int
	quote string // `"`, `'`, `"""`, `'''` for strings; "" otherwise
}

// tomlIndex holds where the values and keys of a document are, by path.
type tomlIndex struct {
	doc    *tomlpos.Document
	values map[tomlpos.Node]tomlValue
	keys   map[tomlpos.Node]int // where the key (or table header) naming a path starts
}

// indexTOML records the position of every value and key of a valid TOML document.
func indexTOML(src string) tomlIndex {
	doc := tomlpos.Scan(src)
	index := tomlIndex{doc: doc, values: map[tomlpos.Node]tomlValue{}, keys: map[tomlpos.Node]int{}}
	for _, e := range doc.Entries {
		if _, ok := index.values[e.Node]; !ok {
			index.values[e.Node] = tomlValue{start: e.Value, quote: e.Quote}
		}
		if _, ok := index.keys[e.Node]; !ok && e.Kind != tomlpos.Element {
			index.keys[e.Node] = e.Key
		}
	}
	return index
}

// value returns where the value at p is written.
func (index tomlIndex) value(p tomlPath) (tomlValue, bool) {
	n, ok := index.doc.Find(tomlpos.Path(p))
	if !ok {
		return tomlValue{}, false
	}
	v, ok := index.values[n]
	return v, ok
}

// key returns where the key or table header naming p starts.
func (index tomlIndex) key(p tomlPath) (int, bool) {
	n, ok := index.doc.Find(tomlpos.Path(p))
	if !ok {
		return 0, false
	}
	start, ok := index.keys[n]
	return start, ok
}

// locate returns the offset of the value at p, or of its longest recorded prefix.
func (index tomlIndex) locate(p tomlPath) int {
	for n := len(p); n > 0; n-- {
		if v, ok := index.value(p[:n]); ok {
			return v.start
		}
	}
	return 0
}

// decodeTOMLString decodes the string whose opening delimiter is at start; see
// tomlpos.DecodeString.
func decodeTOMLString(src string, start int) (value string, offsets []int, ok bool) {
	return tomlpos.DecodeString(src, start)
}
