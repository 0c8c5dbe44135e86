package reqfile

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// logical is one logical line of a requirements file, as pip's preprocess makes
// it: physical lines joined at trailing backslashes, the comment removed, blanks
// trimmed, ${NAME} expanded. Every byte remembers where it came from, so an error
// anywhere in it points at the physical line and column it was written on.
type logical struct {
	text string
	m    offsetMap // to source offsets
	raw  string    // text before ${NAME} expansion, for messages
	// unset are the ${NAME} left as written, their variable unset or empty: an error on
	// the line names them, since their warning is lost with the error.
	unset []string
}

// at returns the source offset of text[i]; i may be len(text).
func (l *logical) at(i int) int { return l.m.at(i) }

// lineBuilder accumulates the physical pieces of one logical line.
type lineBuilder struct {
	text []byte
	m    offsetMap
}

func (b *lineBuilder) add(s *source, start, end int) {
	if end > start {
		b.m.add(len(b.text), start, false)
		b.text = append(b.text, s.text[start:end]...)
	}
	b.m.n, b.m.end = len(b.text), end
}

// splitLogical runs pip's join_lines, ignore_comments and expand_env_variables
// over s. Unset variables are left as written, as pip leaves them, with a warning.
func splitLogical(s *source, lookupEnv func(string) (string, bool), warn func(Warning)) []logical {
	var (
		out     []logical
		b       lineBuilder
		pending bool
	)
	emit := func() {
		if l, ok := finishLine(s, b, lookupEnv, warn); ok {
			out = append(out, l)
		}
		b = lineBuilder{text: b.text[:0]}
		pending = false
	}
	for _, ln := range s.lines {
		raw := s.text[ln.start:ln.end]
		comment := startsWithComment(raw)
		if !strings.HasSuffix(raw, `\`) || comment {
			if comment {
				// pip prefixes a space so that a comment line ending a continuation
				// is still recognized as a comment once joined.
				b.m.add(len(b.text), ln.start, true)
				b.text = append(b.text, ' ')
			}
			b.add(s, ln.start, ln.end)
			emit()
			continue
		}
		// A continued line loses every backslash at both of its ends (Python's
		// str.strip("\\")), not just the last one.
		lead := len(raw) - len(strings.TrimLeft(raw, `\`))
		trail := len(raw[lead:]) - len(strings.TrimRight(raw[lead:], `\`))
		b.add(s, ln.start+lead, ln.end-trail)
		pending = true
	}
	if pending {
		emit()
	}
	return out
}

// startsWithComment matches pip's COMMENT_RE at the start of a line: "#" first, or
// after leading whitespace.
func startsWithComment(line string) bool {
	i := 0
	for i < len(line) {
		r, n := utf8.DecodeRuneInString(line[i:])
		if !isPySpace(r) {
			break
		}
		i += n
	}
	return i < len(line) && line[i] == '#'
}

// isPySpace is Python's str.isspace for one character (the \s of its re module).
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

func finishLine(s *source, b lineBuilder, lookupEnv func(string) (string, bool), warn func(Warning)) (logical, bool) {
	text, m := string(b.text), b.m
	// A comment starts at a "#" that begins the line or follows whitespace.
	prevSpace := true
	for i, r := range text {
		if r == '#' && prevSpace {
			text, m = text[:i], m.slice(0, i)
			break
		}
		prevSpace = isPySpace(r)
	}
	trimmed := strings.TrimLeftFunc(text, isPySpace)
	left := len(text) - len(trimmed)
	trimmed = strings.TrimRightFunc(trimmed, isPySpace)
	if trimmed == "" {
		return logical{}, false
	}
	l := logical{text: trimmed, m: m.slice(left, left+len(trimmed)), raw: trimmed}
	expandEnv(s, &l, lookupEnv, warn)
	return l, true
}

// expandEnv replaces ${NAME} (NAME of A-Z, 0-9 and _) with the variable's value.
// The replacement is one pass from left to right; pip's repeated str.replace would
// also expand a ${NAME} that an earlier value brought in.
func expandEnv(s *source, l *logical, lookupEnv func(string) (string, bool), warn func(Warning)) {
	if !strings.Contains(l.text, "${") {
		return
	}
	var (
		text []byte
		m    offsetMap
		last int
	)
	for i := 0; i+1 < len(l.text); i++ {
		if l.text[i] != '$' || l.text[i+1] != '{' {
			continue
		}
		j := i + 2
		for j < len(l.text) && isEnvNameByte(l.text[j]) {
			j++
		}
		if j == i+2 || j == len(l.text) || l.text[j] != '}' {
			continue
		}
		name := l.text[i+2 : j]
		value, _ := lookupEnv(name)
		if value == "" {
			warn(s.warningAt(l.at(i), unsetMessage(name)))
			l.unset = append(l.unset, name)
			continue
		}
		text = append(text, l.text[last:i]...)
		m.appendMap(l.m.slice(last, i))
		text = append(text, value...)
		m.appendMap(offsetMap{pieces: []piece{{0, l.at(i), true}}, n: len(value), end: l.at(j + 1)})
		last = j + 1
		i = j
	}
	if last == 0 {
		return
	}
	text = append(text, l.text[last:]...)
	m.appendMap(l.m.slice(last, len(l.text)))
	l.text, l.m = string(text), m
}

func unsetMessage(name string) string {
	return "environment variable " + name + " is not set (or empty): ${" + name + "} is left as written, as pip leaves it"
}

// blameUnset adds to the hint of an error on l the variables l left unexpanded, the
// likely cause of a line that does not parse.
func blameUnset(err error, s *source, l *logical) error {
	var e *Error
	if len(l.unset) == 0 || !errors.As(err, &e) || e.Pos.File != s.path ||
		e.Pos.Line < s.pos(l.at(0)).Line || e.Pos.Line > s.pos(l.at(len(l.text))).Line {
		return err
	}
	var said []string
	for _, name := range l.unset {
		said = append(said, unsetMessage(name))
	}
	if e.Hint != "" {
		said = append(said, e.Hint)
	}
	e.Hint = strings.Join(said, "; ")
	return err
}

func isEnvNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}
