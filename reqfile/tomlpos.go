package reqfile

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// BurntSushi/toml decodes values but tells where only its syntax errors are. The
// scanner below walks a document that toml has already accepted and records where
// each value is written, keyed by its path, so that an error about a value (a bad
// requirement string, the third of two equal ones included) points into it.

// tomlPath is a path to a value: string keys and int array indices.
type tomlPath []any

func (p tomlPath) key() string {
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

func (p tomlPath) plus(e ...any) tomlPath {
	return append(p[:len(p):len(p)], e...)
}

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

type tomlScanner struct {
	src         string
	pos         int
	index       tomlIndex
	arrayTables map[string]int // [[path]] headers seen so far, by path key
}

// indexTOML records the position of every value and key of a valid TOML document.
func indexTOML(src string) tomlIndex {
	sc := &tomlScanner{src: src, index: tomlIndex{values: map[string]tomlValue{}, keys: map[string]int{}}, arrayTables: map[string]int{}}
	sc.document()
	return sc.index
}

func (sc *tomlScanner) eof() bool { return sc.pos >= len(sc.src) }

func (sc *tomlScanner) peek() byte {
	if sc.eof() {
		return 0
	}
	return sc.src[sc.pos]
}

func (sc *tomlScanner) skipBlanks() {
	for !sc.eof() && (sc.src[sc.pos] == ' ' || sc.src[sc.pos] == '\t') {
		sc.pos++
	}
}

// skipBlanksAndLines skips whitespace, line breaks and comments.
func (sc *tomlScanner) skipBlanksAndLines() {
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
func (sc *tomlScanner) skipLine() {
	if i := strings.IndexByte(sc.src[sc.pos:], '\n'); i >= 0 {
		sc.pos += i + 1
	} else {
		sc.pos = len(sc.src)
	}
}

func (sc *tomlScanner) record(p tomlPath, v tomlValue) {
	k := p.key()
	if _, ok := sc.index.values[k]; !ok {
		sc.index.values[k] = v
	}
}

func (sc *tomlScanner) recordKey(p tomlPath, start int) {
	k := p.key()
	if _, ok := sc.index.keys[k]; !ok {
		sc.index.keys[k] = start
	}
}

func (sc *tomlScanner) document() {
	var table tomlPath
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
			keys := sc.key()
			table = nil
			for i, k := range keys {
				table = table.plus(k)
				if n, ok := sc.arrayTables[table.key()]; ok && (i < len(keys)-1 || !array) {
					table = table.plus(n - 1)
				}
			}
			if array {
				n := sc.arrayTables[table.key()]
				sc.arrayTables[table.key()] = n + 1
				table = table.plus(n)
			}
			sc.record(table, tomlValue{start: start})
			sc.recordKey(table, start)
			sc.skipLine()
			continue
		}
		if !sc.keyValue(table) {
			sc.skipLine() // not reached for valid TOML; keeps the scan moving
		}
	}
}

// keyValue reads "key = value" and reports whether it found one.
func (sc *tomlScanner) keyValue(base tomlPath) bool {
	start := sc.pos
	keys := sc.key()
	sc.skipBlanks()
	if len(keys) == 0 || sc.peek() != '=' {
		return false
	}
	sc.pos++
	sc.skipBlanks()
	p := base
	for _, k := range keys[:len(keys)-1] {
		p = p.plus(k)
		sc.record(p, tomlValue{start: start})
		sc.recordKey(p, start)
	}
	p = p.plus(keys[len(keys)-1])
	sc.recordKey(p, start)
	sc.value(p)
	return sc.pos > start
}

// key reads a dotted key: bare or quoted parts separated by dots.
func (sc *tomlScanner) key() []string {
	var keys []string
	for {
		sc.skipBlanks()
		switch c := sc.peek(); {
		case c == '"' || c == '\'':
			s, _, ok := decodeTOMLString(sc.src, sc.pos)
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

func (sc *tomlScanner) value(p tomlPath) {
	start := sc.pos
	switch sc.peek() {
	case '"', '\'':
		sc.record(p, tomlValue{start: start, quote: stringDelimiter(sc.src, start)})
		sc.pos = stringEnd(sc.src, start)
	case '[':
		sc.record(p, tomlValue{start: start})
		sc.pos++
		for i := 0; ; i++ {
			sc.skipBlanksAndLines()
			if sc.eof() || sc.peek() == ']' {
				break
			}
			before := sc.pos
			sc.value(p.plus(i))
			sc.skipBlanksAndLines()
			if sc.peek() == ',' {
				sc.pos++
			} else if sc.pos == before {
				return
			}
		}
		sc.pos = min(sc.pos+1, len(sc.src))
	case '{':
		sc.record(p, tomlValue{start: start})
		sc.pos++
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
		sc.record(p, tomlValue{start: start})
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
	_, offsets, _ := decodeTOMLString(src, start)
	end := offsets[len(offsets)-1]
	delim := stringDelimiter(src, start)
	end += len(delim)
	// A multi-line string may end with up to two quotes before its delimiter;
	// decodeTOMLString counts them as content, so the end is already past them.
	return min(end, len(src))
}

// decodeTOMLString decodes the string whose opening delimiter is at start. offsets
// holds the source offset of each decoded byte, and one more: where the closing
// delimiter starts. ok is false for an unterminated string.
func decodeTOMLString(src string, start int) (value string, offsets []int, ok bool) {
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
		if s, ok := tomlEscapes[e]; ok {
			emit(s, i)
			i += 2
			continue
		}
		digits := tomlHexEscapes[e]
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

// The escapes of TOML basic strings (\e and \xHH are TOML 1.1, which toml v1.6 reads).
var (
	tomlEscapes    = map[byte]string{'b': "\b", 't': "\t", 'n': "\n", 'f': "\f", 'r': "\r", '"': "\"", '\\': "\\", 'e': "\x1b"}
	tomlHexEscapes = map[byte]int{'x': 2, 'u': 4, 'U': 8}
)
