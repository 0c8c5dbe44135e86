// Package printable makes text from outside (an index page, an input file, a flag) safe
// to print on a terminal: one helper for every place such text is shown, so that a yank
// reason or a line of a requirements file cannot move the cursor, recolour or clear the
// screen, start a line of its own, or reorder what follows it (Unicode bidi controls).
package printable

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every character that controls a terminal written as a Go
// escape: C0 controls but tab (\n, \x1b), DEL, C1 controls (\u009b), the Unicode bidi
// controls (\u202e), and bytes that are not UTF-8 (\xff). Other text, Unicode
// included, is unchanged, and text without such characters comes back as it is.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(escapeRune(r, s[i:i+size]))
		i += size
	}
	return b.String()
}

// EscapeLines is Escape for text of several lines: each line is escaped, and the
// newlines between them are kept. It is for messages that depsolve composes of several
// lines around values from outside (a file name given on the command line, say).
func EscapeLines(s string) string {
	if !needsEscape(s) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Escape(l)
	}
	return strings.Join(lines, "\n")
}

// Pad returns the indentation that puts a caret under the col-th character (1-based,
// counted in code points) of line once it is printed as Escape(line): a space per
// printed character, tabs kept so the caret lines up however a terminal expands them.
func Pad(line string, col int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(line) && n < col-1; n++ {
		r, size := utf8.DecodeRuneInString(line[i:])
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteString(strings.Repeat(" ", utf8.RuneCountInString(escapeRune(r, line[i:i+size]))))
		}
		i += size
	}
	for ; n < col-1; n++ {
		b.WriteByte(' ')
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isControl(r, size) {
			return true
		}
		i += size
	}
	return false
}

// escapeRune returns how the character r, written as raw, prints.
func escapeRune(r rune, raw string) string {
	switch {
	case r == utf8.RuneError && len(raw) == 1:
		return `\x` + strconv.FormatUint(uint64(raw[0])|0x100, 16)[1:]
	case isControl(r, len(raw)):
		q := strconv.QuoteRuneToASCII(r)
		return q[1 : len(q)-1]
	}
	return raw
}

func isControl(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r == '\t':
		return false
	case r < 0x20, 0x7f <= r && r <= 0x9f:
		return true
	case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
