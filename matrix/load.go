package matrix

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

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
	} else if m := tomlErrorLine.FindStringSubmatch(msg); m != nil {
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

var tomlErrorLine = regexp.MustCompile(`^toml: line (\d+)`)

var (
	dataTableHeader = regexp.MustCompile(`^\[\[\s*([A-Za-z0-9_-]+)\s*\]\]\s*(#.*)?$`)
	dataKeyLine     = regexp.MustCompile(`^([A-Za-z0-9_-]+)\s*=`)
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
			m := dataTableHeader.FindStringSubmatch(t)
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
			m := dataKeyLine.FindStringSubmatch(t)
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
	set := func(table string, n int, at func(i int) *rowPos) {
		rows := positions[table]
		if len(rows) != n {
			line := 1
			if len(rows) > 0 {
				line = rows[0].Line
			}
			p.errorf(file, line, "table %q: %d rows decoded but %d [[%s]] headers found; write each row as a [[%s]] block", table, n, len(rows), table, table)
			return
		}
		for i := range n {
			*at(i) = rows[i]
		}
	}
	set("source", len(fd.Source), func(i int) *rowPos { return &fd.Source[i].Pos })
	set("family", len(fd.Family), func(i int) *rowPos { return &fd.Family[i].Pos })
	set("toolkit", len(fd.Toolkit), func(i int) *rowPos { return &fd.Toolkit[i].Pos })
	set("toolkit_archs", len(fd.ToolkitArchs), func(i int) *rowPos { return &fd.ToolkitArchs[i].Pos })
	set("forward_compat", len(fd.ForwardCompat), func(i int) *rowPos { return &fd.ForwardCompat[i].Pos })
	set("principle", len(fd.Principle), func(i int) *rowPos { return &fd.Principle[i].Pos })
	set("arch", len(fd.Arch), func(i int) *rowPos { return &fd.Arch[i].Pos })
	set("gpu", len(fd.GPU), func(i int) *rowPos { return &fd.GPU[i].Pos })
	set("gpu_driver", len(fd.GPUDriver), func(i int) *rowPos { return &fd.GPUDriver[i].Pos })
	set("image_flavor", len(fd.ImageFlavor), func(i int) *rowPos { return &fd.ImageFlavor[i].Pos })
	set("os", len(fd.OS), func(i int) *rowPos { return &fd.OS[i].Pos })
	set("build", len(fd.Build), func(i int) *rowPos { return &fd.Build[i].Pos })
	set("local_cuda", len(fd.LocalCUDA), func(i int) *rowPos { return &fd.LocalCUDA[i].Pos })
	set("archs", len(fd.Archs), func(i int) *rowPos { return &fd.Archs[i].Pos })
	set("gpu_floor", len(fd.GPUFloor), func(i int) *rowPos { return &fd.GPUFloor[i].Pos })
	set("constraint", len(fd.Constraint), func(i int) *rowPos { return &fd.Constraint[i].Pos })
	set("variant", len(fd.Variant), func(i int) *rowPos { return &fd.Variant[i].Pos })
	set("index", len(fd.Index), func(i int) *rowPos { return &fd.Index[i].Pos })
	set("note", len(fd.Note), func(i int) *rowPos { return &fd.Note[i].Pos })
}

func appendDocument(doc, fd *document) {
	doc.Source = append(doc.Source, fd.Source...)
	doc.Family = append(doc.Family, fd.Family...)
	doc.Toolkit = append(doc.Toolkit, fd.Toolkit...)
	doc.ToolkitArchs = append(doc.ToolkitArchs, fd.ToolkitArchs...)
	doc.ForwardCompat = append(doc.ForwardCompat, fd.ForwardCompat...)
	doc.Principle = append(doc.Principle, fd.Principle...)
	doc.Arch = append(doc.Arch, fd.Arch...)
	doc.GPU = append(doc.GPU, fd.GPU...)
	doc.GPUDriver = append(doc.GPUDriver, fd.GPUDriver...)
	doc.ImageFlavor = append(doc.ImageFlavor, fd.ImageFlavor...)
	doc.OS = append(doc.OS, fd.OS...)
	doc.Build = append(doc.Build, fd.Build...)
	doc.LocalCUDA = append(doc.LocalCUDA, fd.LocalCUDA...)
	doc.Archs = append(doc.Archs, fd.Archs...)
	doc.GPUFloor = append(doc.GPUFloor, fd.GPUFloor...)
	doc.Constraint = append(doc.Constraint, fd.Constraint...)
	doc.Variant = append(doc.Variant, fd.Variant...)
	doc.Index = append(doc.Index, fd.Index...)
	doc.Note = append(doc.Note, fd.Note...)
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
	meta := func(table string, m *rowMeta, required map[string]string) {
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
		for _, key := range slices.Sorted(maps.Keys(required)) {
			if required[key] == "" {
				p.rowErrorf(m.Pos, table, "", "missing required key %q", key)
			}
		}
	}
	for i := range doc.Family {
		r := &doc.Family[i]
		major := ""
		if r.Major > 0 {
			major = "set"
		}
		meta("family", &r.rowMeta, map[string]string{"major": major, "driver_linux": r.DriverLinux})
	}
	for i := range doc.Toolkit {
		r := &doc.Toolkit[i]
		meta("toolkit", &r.rowMeta, map[string]string{"version": r.Version, "name": r.Name, "driver_linux": r.DriverLinux})
	}
	for i := range doc.ToolkitArchs {
		r := &doc.ToolkitArchs[i]
		meta("toolkit_archs", &r.rowMeta, map[string]string{"toolkits": r.Toolkits, "sass": strings.Join(r.SASS, ",")})
	}
	for i := range doc.ForwardCompat {
		r := &doc.ForwardCompat[i]
		meta("forward_compat", &r.rowMeta, map[string]string{"toolkits": r.Toolkits, "branches": strings.Join(r.Branches, ",")})
	}
	for i := range doc.Principle {
		r := &doc.Principle[i]
		meta("principle", &r.rowMeta, map[string]string{"id": r.ID, "text": r.Text})
	}
	for i := range doc.Arch {
		r := &doc.Arch[i]
		meta("arch", &r.rowMeta, map[string]string{"cc": r.CC, "name": r.Name})
	}
	for i := range doc.GPU {
		r := &doc.GPU[i]
		meta("gpu", &r.rowMeta, map[string]string{"name": r.Name, "cc": r.CC})
	}
	for i := range doc.GPUDriver {
		r := &doc.GPUDriver[i]
		meta("gpu_driver", &r.rowMeta, map[string]string{"cc": r.CC, "driver_linux or driver_windows": r.DriverLinux + r.DriverWindows, "reason": r.Reason})
	}
	for i := range doc.ImageFlavor {
		r := &doc.ImageFlavor[i]
		meta("image_flavor", &r.rowMeta, map[string]string{"name": r.Name})
	}
	for i := range doc.OS {
		r := &doc.OS[i]
		meta("os", &r.rowMeta, map[string]string{"name": r.Name, "glibc": r.Glibc})
	}
	for i := range doc.Build {
		r := &doc.Build[i]
		meta("build", &r.rowMeta, map[string]string{"package": r.Package, "os": r.OS, "cuda": r.CUDA})
	}
	for i := range doc.LocalCUDA {
		r := &doc.LocalCUDA[i]
		meta("local_cuda", &r.rowMeta, map[string]string{"package": r.Package, "prefix": r.Prefix, "digits": r.Digits})
	}
	for i := range doc.Archs {
		r := &doc.Archs[i]
		meta("archs", &r.rowMeta, map[string]string{"package": r.Package, "cuda": strings.Join(r.CUDA, ","), "os": r.OS, "machine": r.Machine, "sass": strings.Join(r.SASS, ",")})
	}
	for i := range doc.GPUFloor {
		r := &doc.GPUFloor[i]
		meta("gpu_floor", &r.rowMeta, map[string]string{"package": r.Package, "cc": r.CC, "reason": r.Reason})
	}
	for i := range doc.Constraint {
		r := &doc.Constraint[i]
		meta("constraint", &r.rowMeta, map[string]string{"package": r.Package, "requires": r.Requires, "reason": r.Reason})
	}
	for i := range doc.Variant {
		r := &doc.Variant[i]
		meta("variant", &r.rowMeta, map[string]string{"package": r.Package})
	}
	for i := range doc.Index {
		r := &doc.Index[i]
		meta("index", &r.rowMeta, map[string]string{"package": r.Package, "url": r.URL})
	}
	for i := range doc.Note {
		r := &doc.Note[i]
		meta("note", &r.rowMeta, map[string]string{"package": r.Package, "text": r.Text})
	}
	var warns []Warning
	for _, s := range doc.Source {
		if s.ID != "" && !cited[s.ID] {
			warns = append(warns, Warning{File: s.Pos.File, Line: s.Pos.Line, Msg: fmt.Sprintf("source %q is cited by no row", s.ID)})
		}
	}
	return warns
}
