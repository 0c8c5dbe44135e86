// Package tomlpos finds where the keys and values of a TOML document are written.
//
// BurntSushi/toml decodes values but reports positions only for its syntax errors;
// depsolve also reports errors about values it accepted (a bad requirement string, an
// unknown key, a wrong type) and points them at their place. Scan walks a document and
// records, in document order, the byte offset of every key, table header and value,
// keyed by its path: string keys and int array indices, as the decoder nests them.
//
// Scan is meant for documents the decoder accepted. On anything else it records what it
// recognises, skips the rest line by line, and never fails or panics; positions in a
// rejected document are best effort.
//
// Strings are decoded as TOML 1.1 defines them (\e and \xHH included, which
// BurntSushi/toml v1.6 reads), and DecodeString maps each decoded byte back to the
// source, so that an error inside a string value points at its character.
package tomlpos

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Path is a path to a value: string keys and int array indices.
type Path []any

// Key returns a string that identifies p, for use as a map key: keys are quoted, so
// a key containing a dot is told from two keys.
func (p Path) Key() string {
	var b strings.Builder
	for _, e := range p {
		switch e := e.(type) {
		case string:
			b.WriteString(strconv.Quote(e))
			b.WriteByte('.')
		case int:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// Plus returns p extended by e; p itself is never modified.
func (p Path) Plus(e ...any) Path {
	return append(p[:len(p):len(p)], e...)
}

// Kind says what wrote an Entry's path.
type Kind uint8

const (
	// KeyValue is "key = value" (at top level, under a header or in an inline table).
	KeyValue Kind = iota
	// Header is a [table] or [[array table]] header; the path of an array table
	// ends with its index.
	Header
	// DottedPrefix is a table that a dotted key (a.b = 1 makes a) opens implicitly.
	DottedPrefix
	// Element is an element of an array value; it has no key.
	Element
)

// Entry is where one path is written, as byte offsets into the document.
type Entry struct {
	// Node is the path, as Document.Path spells it out. An entry names its path
	// rather than holds it, so that the entries of a document take space in
	// proportion to its length however deeply its values nest.
	Node Node
	Kind Kind
	// Key is where the key or header naming the path starts (the '[' of a header, the
	// first part of a dotted key); -1 for an Element.
	Key int
	// Value is where the value starts; for a Header or a DottedPrefix it is Key.
	Value int
	// Quote is the opening delimiter of a string value (`"`, `'`, `"""`, `'''`);
	// "" for any other value.
	Quote string
}

// Node names one path of a Document. The paths form a tree: each is a child of
// itself without its last element, and Root, the empty path, is the top.
type Node int32

// Root is the empty path: the document's top-level table.
const Root Node = 0

// step is a node's last path element below its parent: a key, or an array index
// (index >= 0).
type step struct {
	parent Node
	key    string
	index  int
}

// Document is what Scan found: the entries in document order, and the tree of the
// paths they name.
type Document struct {
	Entries []Entry
	steps   []step // by Node; steps[Root] is the root's own
	nodes   map[step]Node
}

// child returns the node of parent extended by key (index < 0) or by index,
// adding it when new.
func (d *Document) child(parent Node, key string, index int) Node {
	s := step{parent: parent, key: key, index: index}
	if n, ok := d.nodes[s]; ok {
		return n
	}
	n := Node(len(d.steps))
	d.steps = append(d.steps, s)
	d.nodes[s] = n
	return n
}

// Parent returns n without its last element; Root's parent is Root.
func (d *Document) Parent(n Node) Node { return d.steps[n].parent }

// Last returns the last element of n: a string key or an int index; nil for Root.
func (d *Document) Last(n Node) any {
	switch s := d.steps[n]; {
	case n == Root:
		return nil
	case s.index >= 0:
		return s.index
	default:
		return s.key
	}
}

// Path spells out n.
func (d *Document) Path(n Node) Path {
	depth := 0
	for m := n; m != Root; m = d.steps[m].parent {
		depth++
	}
	p := make(Path, depth)
	for m := n; m != Root; m = d.steps[m].parent {
		depth--
		p[depth] = d.Last(m)
	}
	return p
}

// Find returns the node of p, if the document writes p or a path below it.
func (d *Document) Find(p Path) (Node, bool) {
	n := Root
	for _, e := range p {
		s := step{parent: n, index: -1}
		switch e := e.(type) {
		case string:
			s.key = e
		case int:
			s.index = e
		default:
			return Root, false
		}
		var ok bool
		if n, ok = d.nodes[s]; !ok {
			return Root, false
		}
	}
	return n, true
}

type scanner struct {
	src         string
	pos         int
	depth       int // arrays and inline tables open at pos
	doc         *Document
	arrayTables map[Node]int // [[path]] headers seen so far, by path
}

// Scan records where every key, header and value of src is written, in document order.
// A path can appear more than once (a key under [[array tables]] headers that the
// caller does not tell apart, or a document the decoder rejects); callers choose which
// occurrence they mean. Arrays and inline tables nested deeper than MaxDepth are
// skipped, unrecorded.
func Scan(src string) *Document {
	doc := &Document{steps: []step{{index: -1}}, nodes: map[step]Node{}}
	sc := &scanner{src: src, doc: doc, arrayTables: map[Node]int{}}
	sc.document()
	return doc
}

func (sc *scanner) eof() bool { return sc.pos >= len(sc.src) }

func (sc *scanner) peek() byte {
	if sc.eof() {
		return 0
	}
	return sc.src[sc.pos]
}

func (sc *scanner) skipBlanks() {
	for !sc.eof() && (sc.src[sc.pos] == ' ' || sc.src[sc.pos] == '\t') {
		sc.pos++
	}
}

// skipBlanksAndLines skips whitespace, line breaks and comments.
func (sc *scanner) skipBlanksAndLines() {
	for !sc.eof() {
		switch sc.src[sc.pos] {
		case ' ', '\t', '\r', '\n':
			sc.pos++
		case '#':
			sc.skipLine()
		default:
			return
		}
	}
}

// skipLine moves to the start of the next line.
func (sc *scanner) skipLine() {
	if i := strings.IndexByte(sc.src[sc.pos:], '\n'); i >= 0 {
		sc.pos += i + 1
	} else {
		sc.pos = len(sc.src)
	}
}

func (sc *scanner) record(e Entry) { sc.doc.Entries = append(sc.doc.Entries, e) }

func (sc *scanner) key(parent Node, k string) Node { return sc.doc.child(parent, k, -1) }

func (sc *scanner) index(parent Node, i int) Node { return sc.doc.child(parent, "", i) }

func (sc *scanner) document() {
	table := Root
	for {
		sc.skipBlanksAndLines()
		if sc.eof() {
			return
		}
		start := sc.pos
		if sc.peek() == '[' {
			array := strings.HasPrefix(sc.src[sc.pos:], "[[")
			sc.pos++
			if array {
				sc.pos++
			}
			keys := sc.keys()
			table = Root
			for i, k := range keys {
				table = sc.key(table, k)
				if n, ok := sc.arrayTables[table]; ok && (i < len(keys)-1 || !array) {
					table = sc.index(table, n-1)
				}
			}
			if array {
				n := sc.arrayTables[table]
				sc.arrayTables[table] = n + 1
				table = sc.index(table, n)
			}
			sc.record(Entry{Node: table, Kind: Header, Key: start, Value: start})
			sc.skipLine()
			continue
		}
		if !sc.keyValue(table) {
			sc.skipLine() // not reached for valid TOML; keeps the scan moving
		}
	}
}

// keyValue reads "key = value" and reports whether it found one.
func (sc *scanner) keyValue(base Node) bool {
	start := sc.pos
	keys := sc.keys()
	sc.skipBlanks()
	if len(keys) == 0 || sc.peek() != '=' {
		return false
	}
	sc.pos++
	sc.skipBlanks()
	p := base
	for _, k := range keys[:len(keys)-1] {
		p = sc.key(p, k)
		sc.record(Entry{Node: p, Kind: DottedPrefix, Key: start, Value: start})
	}
	sc.value(sc.key(p, keys[len(keys)-1]), KeyValue, start)
	return sc.pos > start
}

// keys reads a dotted key: bare or quoted parts separated by dots.
func (sc *scanner) keys() []string {
	var keys []string
	for {
		sc.skipBlanks()
		switch c := sc.peek(); {
		case c == '"' || c == '\'':
			s, _, ok := DecodeString(sc.src, sc.pos)
			if !ok {
				return keys
			}
			keys = append(keys, s)
			sc.pos = stringEnd(sc.src, sc.pos)
		default:
			start := sc.pos
			for !sc.eof() && !strings.ContainsRune(" \t\r\n.=[]\"'#,{}", rune(sc.src[sc.pos])) {
				sc.pos++
			}
			if sc.pos == start {
				return keys
			}
			keys = append(keys, sc.src[start:sc.pos])
		}
		sc.skipBlanks()
		if sc.peek() != '.' {
			return keys
		}
		sc.pos++
	}
}

// value reads the value at the current position, recording it as p's, written
// by a key at keyStart (-1 for an array element).
func (sc *scanner) value(p Node, kind Kind, keyStart int) {
	start := sc.pos
	e := Entry{Node: p, Kind: kind, Key: keyStart, Value: start}
	if c := sc.peek(); (c == '[' || c == '{') && sc.depth >= MaxDepth {
		// Deeper than a document depsolve decodes (CheckDepth): skipped without
		// recursing, so that the scan's stack stays bounded on any input.
		sc.pos = skipNested(sc.src, start)
		return
	}
	switch sc.peek() {
	case '"', '\'':
		e.Quote = stringDelimiter(sc.src, start)
		sc.record(e)
		sc.pos = stringEnd(sc.src, start)
	case '[':
		sc.record(e)
		sc.pos++
		sc.depth++
		defer func() { sc.depth-- }()
		for i := 0; ; i++ {
			sc.skipBlanksAndLines()
			if sc.eof() || sc.peek() == ']' {
				break
			}
			before := sc.pos
			sc.value(sc.index(p, i), Element, -1)
			sc.skipBlanksAndLines()
			if sc.peek() == ',' {
				sc.pos++
			} else if sc.pos == before {
				return
			}
		}
		sc.pos = min(sc.pos+1, len(sc.src))
	case '{':
		sc.record(e)
		sc.pos++
		sc.depth++
		defer func() { sc.depth-- }()
		for {
			sc.skipBlanksAndLines()
			if sc.eof() || sc.peek() == '}' {
				break
			}
			if !sc.keyValue(p) {
				return
			}
			sc.skipBlanksAndLines()
			if sc.peek() == ',' {
				sc.pos++
			}
		}
		sc.pos = min(sc.pos+1, len(sc.src))
	default:
		sc.record(e)
		for !sc.eof() && !strings.ContainsRune(",]}\r\n#", rune(sc.src[sc.pos])) {
			sc.pos++
		}
	}
}

func stringDelimiter(src string, start int) string {
	q := src[start : start+1]
	if strings.HasPrefix(src[start:], q+q+q) {
		return q + q + q
	}
	return q
}

// stringEnd returns the offset just after the string that starts at start.
func stringEnd(src string, start int) int {
	_, offsets, _ := DecodeString(src, start)
	end := offsets[len(offsets)-1]
	// A multi-line string may end with up to two quotes before its delimiter;
	// DecodeString counts them as content, so the end is already past them.
	return min(end+len(stringDelimiter(src, start)), len(src))
}

// DecodeString decodes the string whose opening delimiter (a quote or an apostrophe,
// single or tripled) is at src[start]. offsets holds the source offset of each decoded
// byte, and one more: where the closing delimiter starts (or where decoding stopped). ok
// is false for an unterminated string or a bad escape; value is then what was decoded
// before it.
// With no delimiter at start, ok is false and offsets is just start.
func DecodeString(src string, start int) (value string, offsets []int, ok bool) {
	if start < 0 || start >= len(src) || src[start] != '"' && src[start] != '\'' {
		return "", []int{start}, false
	}
	delim := stringDelimiter(src, start)
	multi := len(delim) == 3
	literal := delim[0] == '\''
	i := start + len(delim)
	if multi {
		// A line break right after the opening delimiter is not part of the string.
		if strings.HasPrefix(src[i:], "\r\n") {
			i += 2
		} else if strings.HasPrefix(src[i:], "\n") {
			i++
		}
	}
	var b []byte
	emit := func(s string, at int) {
		b = append(b, s...)
		for range len(s) {
			offsets = append(offsets, at)
		}
	}
	for i < len(src) {
		if strings.HasPrefix(src[i:], delim) {
			if multi {
				// Up to two more quotes: the delimiter is the last three.
				extra := 0
				for extra < 2 && i+3+extra < len(src) && src[i+3+extra] == delim[0] {
					extra++
				}
				for k := range extra {
					emit(delim[:1], i+k)
				}
				i += extra
			}
			return string(b), append(offsets, i), true
		}
		c := src[i]
		if !multi && (c == '\n' || c == '\r') {
			break
		}
		if c != '\\' || literal {
			_, n := utf8.DecodeRuneInString(src[i:])
			emit(src[i:i+n], i)
			i += n
			continue
		}
		// An escape in a basic string.
		if i+1 >= len(src) {
			break
		}
		e := src[i+1]
		if multi && (e == ' ' || e == '\t' || e == '\r' || e == '\n') {
			// A line-ending backslash swallows the line break and the blanks after it.
			j := i + 1
			for j < len(src) && strings.IndexByte(" \t\r\n", src[j]) >= 0 {
				j++
			}
			i = j
			continue
		}
		if s, ok := escapes[e]; ok {
			emit(s, i)
			i += 2
			continue
		}
		digits := hexEscapes[e]
		if digits == 0 || i+2+digits > len(src) {
			break
		}
		r, err := strconv.ParseUint(src[i+2:i+2+digits], 16, 32)
		if err != nil {
			break
		}
		emit(string(rune(r)), i)
		i += 2 + digits
	}
	return string(b), append(offsets, i), false
}

// The escapes of TOML basic strings (\e and \xHH are TOML 1.1).
var (
	escapes    = map[byte]string{'b': "\b", 't': "\t", 'n': "\n", 'f': "\f", 'r': "\r", '"': "\"", '\\': "\\", 'e': "\x1b"}
	hexEscapes = map[byte]int{'x': 2, 'u': 4, 'U': 8}
)
