package matrix

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// parseDocument decodes every file into one document and checks its structure: known
// tables and keys only, rows written as [[table]], tags and sources present and known.
// Values (versions, specifiers, names) are checked by compile.
func parseDocument(files []dataFile) (*document, []Warning, error) {
	doc := &document{}
	p := &dataProblems{lines: map[string][]string{}}
	for _, f := range files {
		p.lines[f.name] = strings.Split(f.text, "\n")
		positions, ok := p.scanRows(f)
		if !ok {
			continue
		}
		var fd document
		md, err := toml.Decode(f.text, &fd)
		if err != nil {
			p.add(tomlError(f, err))
			continue
		}
		p.undecoded(f.name, md.Undecoded(), positions)
		p.place(f.name, &fd, positions)
		appendDocument(doc, &fd)
	}
	if err := p.err(); err != nil {
		return nil, nil, err
	}
	warns := p.checkRows(doc)
	if err := p.err(); err != nil {
		return nil, nil, err
	}
	return doc, warns, nil
}

// dataProblems collects the errors of one load, with the files' lines to quote.
type dataProblems struct {
	lines map[string][]string
	errs  []error
}

func (p *dataProblems) add(err error) { p.errs = append(p.errs, err) }

func (p *dataProblems) err() error { return errors.Join(p.errs...) }

func (p *dataProblems) errorf(file string, line int, format string, args ...any) {
	text := ""
	if ls := p.lines[file]; line >= 1 && line <= len(ls) {
		text = strings.TrimRight(ls[line-1], "\r")
	}
	p.add(&DataError{File: file, Line: line, Text: text, Msg: fmt.Sprintf(format, args...)})
}

// rowErrorf reports a problem with key of a row, at the key's line.
func (p *dataProblems) rowErrorf(pos rowPos, table, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = fmt.Sprintf("[[%s]] %s: %s", table, key, msg)
	} else {
		msg = fmt.Sprintf("[[%s]]: %s", table, msg)
	}
	p.errorf(pos.File, pos.keyLine(key), "%s", msg)
}

// tomlError places a decoding error: a syntax error carries its position; a value of the
// wrong type names its line only in the message.
func tomlError(f dataFile, err error) error {
	line, msg := 0, err.Error()
	var pe toml.ParseError
	if errors.As(err, &pe) {
		line, msg = pe.Position.Line, pe.Message
	} else if m := tomlErrorLine().FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	text := ""
	if ls := strings.Split(f.text, "\n"); line >= 1 && line <= len(ls) {
		text = strings.TrimRight(ls[line-1], "\r")
	}
	if line < 1 {
		line = 1
	}
	return &DataError{File: f.name, Line: line, Text: text, Msg: msg}
}

var tomlErrorLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^toml: line (\d+)`) })

var (
	dataTableHeader = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\[\[\s*([A-Za-z0-9_-]+)\s*\]\]\s*(#.*)?$`)
	})
	dataKeyLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z0-9_-]+)\s*=`) })
)

// scanRows finds where each row and each of its keys is: the decoder keeps no positions.
// Rows must be [[table]] headers followed by key = value lines; that is all the schema
// uses, and it is what makes a line scan exact. ok is false if the file breaks that form.
func (p *dataProblems) scanRows(f dataFile) (map[string][]rowPos, bool) {
	rows := map[string][]rowPos{}
	var cur *rowPos
	ok := true
	for i, line := range p.lines[f.name] {
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#':
		case strings.HasPrefix(t, "["):
			m := dataTableHeader().FindStringSubmatch(t)
			if m == nil {
				p.errorf(f.name, i+1, "rows are written [[table]]; other table headers are not part of the schema")
				ok = false
				cur = nil
				continue
			}
			rows[m[1]] = append(rows[m[1]], rowPos{File: f.name, Line: i + 1, Keys: map[string]int{}})
			list := rows[m[1]]
			cur = &list[len(list)-1]
		default:
			m := dataKeyLine().FindStringSubmatch(t)
			if m == nil {
				continue // the continuation of a multi-line array
			}
			if cur == nil {
				p.errorf(f.name, i+1, "key %q outside a [[table]] row", m[1])
				ok = false
				continue
			}
			if _, dup := cur.Keys[m[1]]; !dup {
				cur.Keys[m[1]] = i + 1
			}
		}
	}
	return rows, ok
}

// undecoded reports every key the schema does not name.
func (p *dataProblems) undecoded(file string, keys []toml.Key, positions map[string][]rowPos) {
	reported := map[string]bool{}
	for _, k := range keys {
		table := k[0]
		rows := positions[table]
		if len(k) == 1 {
			if len(rows) > 0 && !reported[table] {
				p.errorf(file, rows[0].Line, "unknown table [[%s]]", table)
			}
			reported[table] = true
			continue
		}
		if reported[table] {
			continue // the keys of an unknown table
		}
		key := strings.Join(k[1:], ".")
		line := 1
		if len(rows) > 0 {
			line = rows[0].Line
		}
		for _, r := range rows {
			if l, ok := r.Keys[k[1]]; ok {
				line = l
				break
			}
		}
		p.errorf(file, line, "[[%s]]: unknown key %q", table, key)
	}
}

// place gives each decoded row its position: the k-th [[t]] header is row k of table t.
func (p *dataProblems) place(file string, fd *document, positions map[string][]rowPos) {
	for _, t := range tables() {
		rows, headers := fd.rows(t), positions[t.name]
		if rows.Len() != len(headers) {
			line := 1
			if len(headers) > 0 {
				line = headers[0].Line
			}
			p.errorf(file, line, "table %q: %d rows decoded but %d [[%s]] headers found; write each row as a [[%s]] block", t.name, rows.Len(), len(headers), t.name, t.name)
			continue
		}
		for i := range headers {
			*rowPosOf(rows.Index(i)) = headers[i]
		}
	}
}

func appendDocument(doc, fd *document) {
	for _, t := range tables() {
		rows := doc.rows(t)
		rows.Set(reflect.AppendSlice(rows, fd.rows(t)))
	}
}

// checkRows checks what every row must have: a known tag, sources that exist, advisory
// on every unverified row, and the keys its table requires. It warns about sources that
// no row cites.
func (p *dataProblems) checkRows(doc *document) []Warning {
	known := map[string]rowPos{}
	for _, s := range doc.Source {
		switch {
		case s.ID == "":
			p.rowErrorf(s.Pos, "source", "id", "missing")
		case s.Title == "":
			p.rowErrorf(s.Pos, "source", "title", "missing")
		case s.URL == "":
			p.rowErrorf(s.Pos, "source", "url", "missing")
		}
		if prev, dup := known[s.ID]; dup && s.ID != "" {
			p.rowErrorf(s.Pos, "source", "id", "%q already defined at %s:%d", s.ID, prev.File, prev.Line)
		}
		known[s.ID] = s.Pos
	}
	cited := map[string]bool{}
	meta := func(table string, m *rowMeta, missing []string) {
		switch Tag(m.Tag) {
		case Verified, Corroborated:
		case Unverified:
			if !m.Advisory {
				p.rowErrorf(m.Pos, table, "tag", "an unverified row must not constrain: add advisory = true, or verify it")
			}
		case "":
			p.rowErrorf(m.Pos, table, "", "no tag: every row says verified, corroborated or unverified")
		default:
			p.rowErrorf(m.Pos, table, "tag", "%q is not verified, corroborated or unverified", m.Tag)
		}
		if len(m.Source) == 0 {
			p.rowErrorf(m.Pos, table, "", "no source: every row cites at least one id of data/sources.toml")
		}
		for _, id := range m.Source {
			if _, ok := known[id]; !ok {
				p.rowErrorf(m.Pos, table, "source", "unknown source id %q (not in data/sources.toml)", id)
			}
			cited[id] = true
		}
		for _, key := range missing {
			p.rowErrorf(m.Pos, table, "", "missing required key %q", key)
		}
	}
	for _, t := range tables() {
		if !t.cited {
			continue // the sources themselves, checked above
		}
		rows := doc.rows(t)
		for i := range rows.Len() {
			row := rows.Index(i)
			meta(t.name, row.Addr().Interface().(citedRow).meta(), t.missing(row))
		}
	}
	var warns []Warning
	for _, s := range doc.Source {
		if s.ID != "" && !cited[s.ID] {
			warns = append(warns, Warning{File: s.Pos.File, Line: s.Pos.Line, Msg: fmt.Sprintf("source %q is cited by no row", s.ID)})
		}
	}
	return warns
}
