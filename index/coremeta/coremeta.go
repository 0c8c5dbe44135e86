// Package coremeta reads Python core metadata: a wheel's METADATA, an sdist's
// PKG-INFO, a PEP 658 ".metadata" file.
//
// The format (core metadata specification, versions 1.0 to 2.5) is a set of
// RFC 822 style headers, optionally followed by a blank line and the long
// description as a message body. Tools write it with Python's email package and
// read it back with its lenient compat32 parser, so files in the wild break
// RFC 5322 in ways net/mail rejects: UTF-8 in header values, header lines that
// are neither "Name: value" nor a continuation, a body without a blank line
// before it. This parser follows Python's behaviour instead:
//
//   - CRLF and CR line endings and a UTF-8 byte order mark are accepted; bytes
//     that are not UTF-8 become U+FFFD.
//   - A line starting with a space or tab continues the previous header; the
//     value is unfolded (line breaks dropped, the whitespace kept) and trimmed.
//   - The first line that is neither a header nor a continuation ends the headers
//     (Python records a MissingHeaderBodySeparatorDefect and does the same); it
//     and the rest are the body.
//   - "UNKNOWN", which setuptools wrote for fields it had no value for, counts as
//     absent.
//
// Only the fields a resolver needs are kept. Requirement and specifier strings
// are returned as written, with their line numbers, for the caller to parse
// with the PEP 508 grammar: this package needs only the standard library.
package coremeta

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field is one header value and the 1-based line its header started on.
type Field struct {
	Value string
	Line  int
}

// Metadata is the part of core metadata a resolver uses.
type Metadata struct {
	MetadataVersion string  // "2.1"
	Name            string  // as written
	Version         string  // as written
	RequiresPython  Field   // Value "" when absent
	RequiresDist    []Field // in file order
	ProvidesExtra   []string
	Dynamic         []string // field names, lower case (Metadata-Version 2.2+)
}

// Error is a metadata file that lacks what every version of the format requires.
type Error struct {
	Line int // 1-based; 0 when the problem is a missing field
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("core metadata line %d: %s", e.Line, e.Msg)
	}
	return "core metadata: " + e.Msg
}

// Parse reads core metadata. It fails only when Metadata-Version, Name or
// Version is missing; everything else is read leniently.
func Parse(data []byte) (*Metadata, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// Only the headers are copied: the long description, most of many files, is
	// never read.
	text := string(data[:headersEnd(data)])
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")

	m := &Metadata{}
	var name string // the header being read, lower case for the fields set reads
	var value string
	var folded strings.Builder // value with its continuation lines, if it has any
	var start int
	flush := func() {
		if name != "" {
			if folded.Len() > 0 {
				value = folded.String()
			}
			m.set(name, strings.TrimSpace(value), start)
		}
		name = ""
		folded.Reset()
	}
	lineNo := 0
	for line := range strings.Lines(text) {
		lineNo++
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			break // the body follows
		}
		if line[0] == ' ' || line[0] == '\t' {
			if name != "" {
				if folded.Len() == 0 {
					folded.WriteString(value)
				}
				folded.WriteString(line)
			}
			continue
		}
		field, val, ok := strings.Cut(line, ":")
		if !ok || !isFieldName(field) {
			if lineNo == 1 && strings.HasPrefix(line, "From ") {
				continue // an mbox envelope line, as Python's parser allows
			}
			break // not a header: the body starts here
		}
		flush()
		name, start, value = fieldName(field), lineNo, val
	}
	flush()

	switch {
	case m.MetadataVersion == "":
		return nil, &Error{Msg: "no Metadata-Version field"}
	case m.Name == "":
		return nil, &Error{Msg: "no Name field"}
	case m.Version == "":
		return nil, &Error{Msg: "no Version field"}
	}
	return m, nil
}

// headersEnd is the length of the header section of data: up to the first empty line
// (with any line ending), or all of it.
func headersEnd(data []byte) int {
	lineStart := 0
	for i := 0; i < len(data); i++ {
		if data[i] != '\n' && data[i] != '\r' {
			continue
		}
		if i == lineStart {
			return i
		}
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		lineStart = i + 1
	}
	return len(data)
}

// readFields are the fields set keeps, lower case.
var readFields = []string{"metadata-version", "name", "version", "requires-python", "requires-dist", "provides-extra", "dynamic"}

// fieldName is field in lower case when set reads it, and as written otherwise:
// lowering every field name cost an allocation for each header line.
func fieldName(field string) string {
	for _, f := range readFields {
		if strings.EqualFold(field, f) {
			return f
		}
	}
	return field
}

// isFieldName applies RFC 5322: printable ASCII other than the colon.
func isFieldName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 {
			return false
		}
	}
	return s != ""
}

func (m *Metadata) set(name, value string, line int) {
	if value == "" || value == "UNKNOWN" {
		return
	}
	switch name {
	case "metadata-version":
		m.MetadataVersion = value
	case "name":
		m.Name = value
	case "version":
		m.Version = value
	case "requires-python":
		m.RequiresPython = Field{value, line}
	case "requires-dist":
		m.RequiresDist = append(m.RequiresDist, Field{value, line})
	case "provides-extra":
		m.ProvidesExtra = append(m.ProvidesExtra, value)
	case "dynamic":
		m.Dynamic = append(m.Dynamic, strings.ToLower(value))
	}
}

// IsDynamic reports whether the metadata declares field (any case) dynamic: its
// value is only known after a build (PEP 643).
func (m *Metadata) IsDynamic(field string) bool {
	field = strings.ToLower(field)
	for _, d := range m.Dynamic {
		if d == field {
			return true
		}
	}
	return false
}

// AtLeast reports whether the Metadata-Version is at least major.minor. An
// unreadable Metadata-Version is older than every version.
func (m *Metadata) AtLeast(major, minor int) bool {
	maj, min, ok := m.version()
	return ok && (maj > major || maj == major && min >= minor)
}

// version reads Metadata-Version as MAJOR.MINOR.
func (m *Metadata) version() (major, minor int, ok bool) {
	a, b, found := strings.Cut(m.MetadataVersion, ".")
	if !found {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(a)
	minor, err2 := strconv.Atoi(b)
	return major, minor, err1 == nil && err2 == nil && major >= 0 && minor >= 0
}

// Supported reports whether this reader understands the Metadata-Version: the
// specification says a tool must not trust metadata of a newer major version.
func (m *Metadata) Supported() bool {
	major, _, ok := m.version()
	return ok && major >= 1 && major <= 2
}
