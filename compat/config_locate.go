package compat

import "strings"

// tomlSpot is where a key and its value start in a TOML document (1-based).
type tomlSpot struct {
	line, keyCol, valueCol int
	valueLine              int
}

// locateTOMLKeys maps each dotted key path ("target.python", "tool.depsolve.target") of a
// TOML document to where it is written. BurntSushi/toml reports positions only for syntax
// errors, and depsolve also reports schema errors (an unknown key, a wrong type, a bad
// version) at their place. It runs on documents the decoder accepted; on anything else it
// returns what it found so far, and never fails.
func locateTOMLKeys(text string) map[string]tomlSpot {
	s := &tomlScanner{text: text, line: 1, spots: map[string]tomlSpot{}}
	s.document()
	return s.spots
}

type tomlScanner struct {
	text  string
	i     int
	line  int
	start int // offset of the current line's first byte
	spots map[string]tomlSpot
}

func (s *tomlScanner) col() int { return s.i - s.start + 1 }

func (s *tomlScanner) peek(k int) byte {
	if s.i+k < len(s.text) {
		return s.text[s.i+k]
	}
	return 0
}

func (s *tomlScanner) advance() {
	if s.text[s.i] == '\n' {
		s.line++
		s.start = s.i + 1
	}
	s.i++
}

// skipBlank skips spaces and tabs, and with newlines also line ends and comments.
func (s *tomlScanner) skipBlank(newlines bool) {
	for s.i < len(s.text) {
		switch c := s.text[s.i]; {
		case c == ' ' || c == '\t' || c == '\r':
			s.advance()
		case c == '#':
			for s.i < len(s.text) && s.text[s.i] != '\n' {
				s.advance()
			}
		case c == '\n' && newlines:
			s.advance()
		default:
			return
		}
	}
}

func (s *tomlScanner) document() {
	var table []string
	for {
		s.skipBlank(true)
		if s.i >= len(s.text) {
			return
		}
		if s.text[s.i] == '[' {
			line, col := s.line, s.col()
			s.advance()
			if s.peek(0) == '[' {
				s.advance()
			}
			s.skipBlank(false)
			key := s.key()
			if key == nil {
				return
			}
			table = key
			s.record(table, tomlSpot{line: line, keyCol: col})
			s.toLineEnd()
			continue
		}
		before := s.i
		if !s.pair(table) || s.i == before {
			return
		}
	}
}

// pair reads "key = value" and records the key under prefix.
func (s *tomlScanner) pair(prefix []string) bool {
	line, col := s.line, s.col()
	key := s.key()
	if key == nil {
		return false
	}
	s.skipBlank(false)
	if s.peek(0) != '=' {
		return false
	}
	s.advance()
	s.skipBlank(false)
	path := append(append([]string{}, prefix...), key...)
	s.record(path, tomlSpot{line: line, keyCol: col, valueLine: s.line, valueCol: s.col()})
	return s.value(path)
}

func (s *tomlScanner) record(path []string, spot tomlSpot) {
	if spot.valueLine == 0 {
		spot.valueLine = spot.line
	}
	s.spots[strings.Join(path, ".")] = spot
}

// key reads a dotted key; nil if there is none.
func (s *tomlScanner) key() []string {
	var parts []string
	for {
		var part string
		switch c := s.peek(0); {
		case c == '"' || c == '\'':
			part = s.quotedKey(c)
		case isBareKeyChar(c):
			begin := s.i
			for s.i < len(s.text) && isBareKeyChar(s.text[s.i]) {
				s.advance()
			}
			part = s.text[begin:s.i]
		default:
			return nil
		}
		parts = append(parts, part)
		s.skipBlank(false)
		if s.peek(0) != '.' {
			return parts
		}
		s.advance()
		s.skipBlank(false)
	}
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// quotedKey reads a one-line quoted key and returns its text; escapes are kept as written,
// which is enough to name schema keys, none of which needs one.
func (s *tomlScanner) quotedKey(quote byte) string {
	s.advance()
	begin := s.i
	for s.i < len(s.text) && s.text[s.i] != quote && s.text[s.i] != '\n' {
		if quote == '"' && s.text[s.i] == '\\' && s.i+1 < len(s.text) {
			s.advance()
		}
		s.advance()
	}
	k := s.text[begin:s.i]
	if s.i < len(s.text) && s.text[s.i] == quote {
		s.advance()
	}
	return k
}

// value skips one value, recording the keys of inline tables under path.
func (s *tomlScanner) value(path []string) bool {
	switch c := s.peek(0); {
	case c == '"' || c == '\'':
		s.stringValue(c)
	case c == '[':
		s.advance()
		for {
			s.skipBlank(true)
			switch s.peek(0) {
			case 0:
				return false
			case ']':
				s.advance()
				return true
			case ',':
				s.advance()
				continue
			}
			before := s.i
			if !s.value(path) || s.i == before {
				return false
			}
		}
	case c == '{':
		s.advance()
		for {
			s.skipBlank(false)
			switch s.peek(0) {
			case '}':
				s.advance()
				return true
			case ',':
				s.advance()
				continue
			}
			before := s.i
			if !s.pair(path) || s.i == before {
				return false
			}
		}
	default: // number, bool, date: up to a delimiter
		for s.i < len(s.text) && !strings.ContainsRune(",]}#\n", rune(s.text[s.i])) {
			s.advance()
		}
	}
	return true
}

func (s *tomlScanner) stringValue(quote byte) {
	triple := s.peek(1) == quote && s.peek(2) == quote
	if triple {
		s.advance()
		s.advance()
	}
	s.advance()
	for s.i < len(s.text) {
		c := s.text[s.i]
		switch {
		case c == '\\' && quote == '"' && s.i+1 < len(s.text):
			s.advance()
		case c == quote && !triple:
			s.advance()
			return
		case c == quote && s.peek(1) == quote && s.peek(2) == quote:
			s.advance()
			s.advance()
			s.advance()
			for s.peek(0) == quote { // """a"""" ends with the last three quotes
				s.advance()
			}
			return
		case c == '\n' && !triple:
			return
		}
		s.advance()
	}
}

func (s *tomlScanner) toLineEnd() {
	for s.i < len(s.text) && s.text[s.i] != '\n' {
		s.advance()
	}
}
