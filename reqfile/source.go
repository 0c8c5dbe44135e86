package reqfile

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// source is one decoded input file and its physical lines.
type source struct {
	path  string // as shown in positions
	text  string // decoded, without a byte order mark
	lines []span // physical lines, without their terminators
}

type span struct{ start, end int }

// newSource splits text into physical lines. pyLines selects Python's
// str.splitlines boundaries (what pip numbers lines by); otherwise lines end at
// "\n" only, as in TOML.
func newSource(path, text string, pyLines bool) *source {
	s := &source{path: path, text: text}
	start := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == '\n' || pyLines && isPyLineBreak(r) {
			s.lines = append(s.lines, span{start, i})
			if r == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				n++
			}
			start = i + n
		}
		i += n
	}
	if start < len(text) {
		s.lines = append(s.lines, span{start, len(text)})
	}
	return s
}

// isPyLineBreak reports the line boundaries of Python's str.splitlines.
func isPyLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// lineIndex returns the 0-based index of the physical line holding byte offset off.
// An offset in a line terminator belongs to the line it ends.
func (s *source) lineIndex(off int) int {
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i].start > off }) - 1
	if i < 0 {
		return 0
	}
	return i
}

// pos returns the position of byte offset off.
func (s *source) pos(off int) Position {
	if len(s.lines) == 0 {
		return Position{File: s.path, Line: 1, Col: 1}
	}
	i := s.lineIndex(off)
	ln := s.lines[i]
	off = min(max(off, ln.start), ln.end)
	return Position{File: s.path, Line: i + 1, Col: utf8.RuneCountInString(s.text[ln.start:off]) + 1}
}

// lineText returns the physical line that holds byte offset off.
func (s *source) lineText(off int) string {
	if len(s.lines) == 0 {
		return ""
	}
	ln := s.lines[s.lineIndex(off)]
	// A TOML file's lines end at '\n' alone: the '\r' of a CRLF line is not shown.
	return strings.TrimSuffix(s.text[ln.start:ln.end], "\r")
}

// errorAt builds an Error at byte offset off.
func (s *source) errorAt(off int, msg, hint string) *Error {
	return newError(s.pos(off), s.lineText(off), msg, hint)
}

func (s *source) warningAt(off int, msg string) Warning {
	return Warning{Pos: s.pos(off), Msg: msg}
}

var pep263 = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`coding[:=][ \t\n\r\f\v]*([-A-Za-z0-9_.]+)`) })

// decode turns the bytes of a requirements file into text as pip does: a byte order
// mark (UTF-8, UTF-16 or UTF-32) wins, then a PEP 263 coding comment on one of the
// first two lines, then UTF-8. pip falls back to the locale's encoding where UTF-8
// fails; depsolve reports the first byte that is not UTF-8 instead, so a file means
// the same on every machine.
func decode(path string, data []byte) (string, *Error) {
	boms := []struct {
		bom []byte
		enc string
	}{
		{[]byte{0xEF, 0xBB, 0xBF}, "utf-8"},
		{[]byte{0xFF, 0xFE, 0, 0}, "utf-32-le"}, // before UTF-16 LE, whose mark is its prefix
		{[]byte{0, 0, 0xFE, 0xFF}, "utf-32-be"},
		{[]byte{0xFF, 0xFE}, "utf-16-le"},
		{[]byte{0xFE, 0xFF}, "utf-16-be"},
	}
	for _, b := range boms {
		if bytes.HasPrefix(data, b.bom) {
			return decodeAs(path, data[len(b.bom):], b.enc, "its byte order mark")
		}
	}
	lines := bytes.SplitN(data, []byte("\n"), 3)
	for i, line := range lines[:min(2, len(lines))] {
		if len(line) > 0 && line[0] == '#' {
			if m := pep263().FindSubmatchIndex(line); m != nil {
				enc := string(line[m[2]:m[3]])
				if !knownEncoding(enc) {
					text := strings.ToValidUTF8(strings.TrimRight(string(line), "\r"), "\uFFFD")
					return "", newError(Position{File: path, Line: i + 1, Col: utf8.RuneCount(line[:m[2]]) + 1}, text,
						fmt.Sprintf("unsupported encoding %q", enc), "save the file as UTF-8 and remove the coding comment")
				}
				return decodeAs(path, data, enc, fmt.Sprintf("the coding comment on line %d", i+1))
			}
		}
	}
	return decodeAs(path, data, "utf-8", "")
}

// decodeAs decodes data in a known encoding (see knownEncoding).
func decodeAs(path string, data []byte, enc, why string) (string, *Error) {
	name := strings.ToUpper(strings.ReplaceAll(enc, "_", "-"))
	bigEndian := strings.HasSuffix(name, "-BE")
	switch encodingFamily(enc) {
	case "utf-8":
		if !utf8.Valid(data) {
			return "", invalidBytes(path, data, "UTF-8", why)
		}
		return string(data), nil
	case "ascii":
		for _, c := range data {
			if c >= 0x80 {
				return "", invalidBytes(path, data, "ASCII", why)
			}
		}
		return string(data), nil
	case "utf-16":
		if len(data)%2 != 0 {
			return "", &Error{Pos: Position{File: path}, Msg: "the file is not valid " + name + ": it has an odd number of bytes", Hint: "save it as UTF-8"}
		}
		u := make([]uint16, len(data)/2)
		for i := range u {
			if bigEndian {
				u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			} else {
				u[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
			}
		}
		runes := utf16.Decode(u)
		for _, r := range runes {
			if r == utf8.RuneError {
				return "", &Error{Pos: Position{File: path}, Msg: "the file is not valid " + name + ": it has an unpaired surrogate", Hint: "save it as UTF-8"}
			}
		}
		return string(runes), nil
	case "utf-32":
		if len(data)%4 != 0 {
			return "", &Error{Pos: Position{File: path}, Msg: "the file is not valid " + name + ": its length is not a multiple of 4 bytes", Hint: "save it as UTF-8"}
		}
		var b strings.Builder
		for i := 0; i < len(data); i += 4 {
			r := rune(data[i]) | rune(data[i+1])<<8 | rune(data[i+2])<<16 | rune(data[i+3])<<24
			if bigEndian {
				r = rune(data[i])<<24 | rune(data[i+1])<<16 | rune(data[i+2])<<8 | rune(data[i+3])
			}
			if !utf8.ValidRune(r) {
				return "", &Error{Pos: Position{File: path}, Msg: fmt.Sprintf("the file is not valid %s: U+%X is not a character", name, r), Hint: "save it as UTF-8"}
			}
			b.WriteRune(r)
		}
		return b.String(), nil
	}
	// Latin-1: every byte is the code point of the same value.
	runes := make([]rune, len(data))
	for i, c := range data {
		runes[i] = rune(c)
	}
	return string(runes), nil
}

var encodingNames = map[string][]string{
	"utf-8":   {"utf-8", "utf8", "u8", "utf", "utf-8-sig", "cp65001"},
	"ascii":   {"ascii", "us-ascii", "646"},
	"latin-1": {"latin-1", "latin1", "latin", "l1", "iso-8859-1", "iso8859-1", "8859", "cp819", "iso-ir-100"},
	"utf-16":  {"utf-16-le", "utf-16-be"},
	"utf-32":  {"utf-32-le", "utf-32-be"},
}

// encodingFamily returns which of the encodings above name is (Python's codec
// aliases, "_" and "-" alike), or "".
func encodingFamily(name string) string {
	name = strings.ReplaceAll(strings.ToLower(name), "_", "-")
	for family, names := range encodingNames {
		if contains(names, name) {
			return family
		}
	}
	return ""
}

func knownEncoding(name string) bool { return encodingFamily(name) != "" }

// invalidBytes reports the first byte of data that is not in the encoding.
func invalidBytes(path string, data []byte, enc, why string) *Error {
	bad := 0
	for bad < len(data) {
		r, n := utf8.DecodeRune(data[bad:])
		if r == utf8.RuneError && n <= 1 || enc == "ASCII" && r >= utf8.RuneSelf {
			break
		}
		bad += n
	}
	// Positions count the valid text before the bad byte.
	prefix := string(data[:bad])
	s := newSource(path, prefix+"?", true)
	end := len(data)
	if i := bytes.IndexByte(data[bad:], '\n'); i >= 0 {
		end = bad + i
	}
	start := s.lines[s.lineIndex(bad)].start
	line := strings.ToValidUTF8(string(data[start:end]), "\uFFFD")
	msg := fmt.Sprintf("byte 0x%02X is not valid %s", data[bad], enc)
	if why != "" {
		msg += " (the encoding declared by " + why + ")"
	}
	return newError(s.pos(bad), strings.TrimRight(line, "\r"), msg,
		"save the file as UTF-8, or declare its encoding in a '# -*- coding: NAME -*-' comment on line 1 or 2")
}
