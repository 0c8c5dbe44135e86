package reqfile

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/depsolve/depsolve/internal/tomlpos"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// Table is a TOML table as BurntSushi/toml decodes it, with the positions of its
// values, so that whoever interprets it can point an error into the file.
type Table struct {
	Values map[string]any

	src   *source
	index tomlIndex
	path  tomlPath
}

// Pos returns where the value at path is written. Path elements are keys (string)
// and array indices (int), relative to the table; an empty path is the table
// itself. A path that is not in the file gives the position of its longest prefix
// that is.
func (t *Table) Pos(path ...any) Position {
	return t.src.pos(t.index.locate(t.path.plus(path...)))
}

// Error returns an Error at the value at path (as for Pos), showing its line.
func (t *Table) Error(msg, hint string, path ...any) *Error {
	return t.src.errorAt(t.index.locate(t.path.plus(path...)), msg, hint)
}

type pyproject struct {
	s        *source
	index    tomlIndex
	opts     Options
	f        *File
	name     string                // the project's PEP 503 name, "" if none
	declared []Requirement         // [project] dependencies
	extras   map[string]extraEntry // by PEP 685 name
	// dynamicExtras: [project] dynamic lists optional-dependencies, so the extras are
	// the build backend's to say.
	dynamicExtras bool
	groups        map[string]groupEntry // by PEP 503 name
	// included holds the groups already expanded: a group that several selected or
	// included groups include adds its requirements once, so that groups including
	// each other twice over do not double the list at each level.
	included map[string]bool
}

type extraEntry struct {
	key  string // as written
	reqs []Requirement
}

type groupEntry struct {
	key  string // as written
	list any
}

// parsePyproject reads [project] dependencies, the selected optional dependencies
// and dependency groups, requires-python and [tool.depsolve].
func parsePyproject(path string, opts Options) (*File, error) {
	s, doc, err := readTOML(path, opts)
	if err != nil {
		return nil, err
	}
	pp := &pyproject{s: s, index: indexTOML(s.text), opts: opts, f: &File{Path: path, Format: FormatPyproject}}
	if err := pp.read(doc); err != nil {
		return nil, err
	}
	return pp.f, nil
}

// readTOML reads and decodes a TOML file (pyproject.toml, pylock.toml).
func readTOML(path string, opts Options) (*source, map[string]any, error) {
	data, err := readInput(opts.FS, path)
	if err != nil {
		msg, hint, cause := readFailure(opts.FS, "", path, err)
		return nil, nil, &Error{Pos: Position{File: path}, Msg: msg, Hint: hint, Err: cause}
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(data) {
		e := invalidBytes(path, data, "UTF-8", "")
		e.Hint = "TOML files are UTF-8: save it as UTF-8"
		return nil, nil, e
	}
	text := string(data)
	s := newSource(path, text, false)
	if de := tomlpos.CheckDepth(text); de != nil {
		return nil, nil, s.errorAt(de.Offset, "invalid TOML: "+de.Reason(), "")
	}
	var doc map[string]any
	if _, err := toml.Decode(text, &doc); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, nil, s.errorAt(pe.Position.Start, "invalid TOML: "+pe.Message, "")
		}
		return nil, nil, &Error{Pos: Position{File: path}, Msg: "invalid TOML: " + err.Error()}
	}
	return s, doc, nil
}

func (pp *pyproject) errorAt(p tomlPath, msg, hint string) *Error {
	if len(p) == 0 {
		return &Error{Pos: Position{File: pp.s.path}, Msg: msg, Hint: hint}
	}
	return pp.s.errorAt(pp.index.locate(p), msg, hint)
}

// keyErrorAt is errorAt at the key that names p.
func (pp *pyproject) keyErrorAt(p tomlPath, msg, hint string) *Error {
	if start, ok := pp.index.key(p); ok {
		return pp.s.errorAt(start, msg, hint)
	}
	return pp.errorAt(p, msg, hint)
}

// stringAt returns the source offset of byte off of the string value at p.
func (pp *pyproject) stringAt(p tomlPath, value string, off int) int {
	v, ok := pp.index.value(p)
	if !ok {
		return pp.index.locate(p)
	}
	if v.quote == "" {
		return v.start
	}
	decoded, offsets, ok := decodeTOMLString(pp.s.text, v.start)
	if !ok || decoded != value {
		return v.start
	}
	return offsets[min(max(off, 0), len(offsets)-1)]
}

func (pp *pyproject) read(doc map[string]any) error {
	projectRaw, hasProject := doc["project"]
	groupsRaw, hasGroups := doc["dependency-groups"]
	if !hasProject && !hasGroups {
		return pp.errorAt(nil, "no [project] table and no [dependency-groups]: nothing to resolve",
			"depsolve reads PEP 621 [project] dependencies and PEP 735 [dependency-groups]; Poetry's [tool.poetry] is not read")
	}
	var reqs []Requirement
	if hasProject {
		project, ok := projectRaw.(map[string]any)
		if !ok {
			return pp.errorAt(tomlPath{"project"}, "[project] must be a table", "")
		}
		deps, err := pp.project(project)
		if err != nil {
			return err
		}
		reqs = append(reqs, deps...)
	} else if len(pp.opts.Extras) > 0 {
		return pp.errorAt(nil, "extras were asked for, but there is no [project] table", "")
	}
	if err := pp.readGroups(groupsRaw, hasGroups); err != nil {
		return err
	}
	for _, name := range sortedNormalized(pp.opts.Extras, pep508.NormalizeExtra) {
		e, ok := pp.extras[name]
		if !ok {
			return pp.errorAt(tomlPath{"project", "optional-dependencies"}, "extra "+quote(name)+" is not defined", definedHint("extras", pp.extraNames()))
		}
		reqs = append(reqs, e.reqs...)
	}
	for _, name := range sortedNormalized(pp.opts.Groups, pep508.NormalizeName) {
		if _, ok := pp.groups[name]; !ok {
			return pp.errorAt(tomlPath{"dependency-groups"}, "dependency group "+quote(name)+" is not defined", definedHint("groups", pp.groupNames()))
		}
		if pp.included[name] {
			continue
		}
		g, err := pp.group(name, nil)
		if err != nil {
			return err
		}
		reqs = append(reqs, g...)
	}
	expanded, err := pp.expandSelf(reqs)
	if err != nil {
		return err
	}
	pp.f.Requirements = expanded

	if tool, ok := doc["tool"].(map[string]any); ok {
		if uv, ok := tool["uv"].(map[string]any); ok {
			if err := pp.readUV(uv); err != nil {
				return err
			}
			if err := pp.uvConstraints(uv); err != nil {
				return err
			}
			pp.unreadSettings(tomlPath{"tool", "uv"}, uv, uvUnread)
			if uvPip, ok := uv["pip"].(map[string]any); ok {
				pp.unreadSettings(tomlPath{"tool", "uv", "pip"}, uvPip, uvPipUnread)
			}
		}
		if pipTools, ok := tool["pip-tools"].(map[string]any); ok {
			pp.unreadSettings(tomlPath{"tool", "pip-tools"}, pipTools, pipToolsUnread)
		}
	}
	t, err := depsolveTable(pp.s, pp.index, doc)
	if err != nil {
		return err
	}
	pp.f.Tool = t
	return nil
}

// uvConstraints reads [tool.uv] constraint-dependencies, which uv applies to the
// project's resolution as pip applies a -c file: they restrict versions, they add
// nothing.
func (pp *pyproject) uvConstraints(uv map[string]any) error {
	p := tomlPath{"tool", "uv", "constraint-dependencies"}
	reqs, err := pp.requirements(p, uv["constraint-dependencies"])
	if err != nil {
		return err
	}
	for i, r := range reqs {
		if len(r.Extras) > 0 {
			return pp.s.errorAt(pp.stringAt(p.plus(i), r.Line, strings.Index(r.Line, "[")), "a constraint cannot have extras",
				"remove the extras: constraints apply to the project whatever extras are requested")
		}
	}
	pp.f.Constraints = append(pp.f.Constraints, reqs...)
	return nil
}

// uvUnread are the [tool.uv] settings that change what uv resolves and that depsolve
// does not read (uv's ResolverInstallerSchema and project settings), with what
// depsolve does instead. [[tool.uv.index]], [tool.uv.sources] and
// constraint-dependencies are read.
var uvUnread = map[string]string{
	"override-dependencies": "depsolve resolves without uv's overrides",
	"index-url":             "give depsolve the index with --index-url or index-url in depsolve.toml, or write it as a [[tool.uv.index]] with default = true",
	"extra-index-url":       "give depsolve the indexes with --extra-index-url or extra-index-url in depsolve.toml, or write them as [[tool.uv.index]] entries",
	"find-links":            "give depsolve the locations with --find-links or find-links in depsolve.toml, or write them as [[tool.uv.index]] entries with format = \"flat\"",
	"no-index":              "depsolve asks its indexes as usual; give it --no-index",
	"index-strategy":        "give depsolve --index-strategy or index-strategy in depsolve.toml",
	"prerelease":            "depsolve takes a pre-release where no final release fits, as uv's default does; give it --pre to allow them all",
	"resolution":            "depsolve selects the highest versions",
	"exclude-newer":         "depsolve considers every release, however new",
	"no-build":              "give depsolve --no-build or no-build in depsolve.toml",
	"no-build-package":      "give depsolve --only-binary NAME or only-binary in depsolve.toml",
	"no-binary":             "give depsolve --no-binary :all: or no-binary in depsolve.toml",
	"no-binary-package":     "give depsolve --no-binary NAME or no-binary in depsolve.toml",
	"no-sources":            "depsolve follows [tool.uv.sources]",
	"dependency-metadata":   "depsolve reads dependencies from the index",
	"dev-dependencies":      "depsolve reads the dev group from [dependency-groups] alone; move them there",
}

// pipToolsUnread are the [tool.pip-tools] settings that change what pip-compile
// resolves; depsolve reads none of them.
var pipToolsUnread = map[string]string{
	"index-url":       "give depsolve the index with --index-url or index-url in depsolve.toml",
	"extra-index-url": "give depsolve the indexes with --extra-index-url or extra-index-url in depsolve.toml",
	"find-links":      "give depsolve the locations with --find-links or find-links in depsolve.toml",
	"no-index":        "depsolve asks its indexes as usual; give it --no-index",
	"pre":             "give depsolve --pre",
	"extra":           "give depsolve the extras with --extra",
	"all-extras":      "give depsolve each extra with --extra",
	"constraint":      "give depsolve the constraints files with -c",
	"no-binary":       "give depsolve --no-binary or no-binary in depsolve.toml",
	"only-binary":     "give depsolve --only-binary or only-binary in depsolve.toml",
}

// uvPipUnread are the [tool.uv.pip] settings (uv pip compile's) that change what it
// resolves, or for which target; depsolve reads none of them.
var uvPipUnread = map[string]string{
	"index-url":       pipToolsUnread["index-url"],
	"extra-index-url": pipToolsUnread["extra-index-url"],
	"find-links":      pipToolsUnread["find-links"],
	"no-index":        pipToolsUnread["no-index"],
	"index-strategy":  uvUnread["index-strategy"],
	"prerelease":      uvUnread["prerelease"],
	"resolution":      uvUnread["resolution"],
	"exclude-newer":   uvUnread["exclude-newer"],
	"extra":           pipToolsUnread["extra"],
	"all-extras":      pipToolsUnread["all-extras"],
	"group":           "give depsolve the groups with --group",
	"no-build":        uvUnread["no-build"],
	"no-binary":       pipToolsUnread["no-binary"],
	"only-binary":     pipToolsUnread["only-binary"],
	"python-version":  "give depsolve the target's Python with --python or python under [target] in depsolve.toml",
	"python-platform": "give depsolve the target's platform with --platform or platform under [target] in depsolve.toml",
	"override":        "depsolve resolves without uv's overrides",
	"constraint":      pipToolsUnread["constraint"],
}

// unreadSettings notes each setting of the table at base that unread lists, at its
// key, in the order written.
func (pp *pyproject) unreadSettings(base tomlPath, table map[string]any, unread map[string]string) {
	type found struct {
		at  int
		msg string
	}
	var name []string
	for _, k := range base {
		name = append(name, fmt.Sprint(k))
	}
	var all []found
	for key := range table {
		instead, ok := unread[key]
		if !ok {
			continue
		}
		p := base.plus(key)
		start, ok := pp.index.key(p)
		if !ok {
			start = pp.index.locate(p)
		}
		all = append(all, found{start, fmt.Sprintf("[%s] %s is not read: %s", strings.Join(name, "."), key, instead)})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at < all[j].at })
	for _, f := range all {
		pp.f.UnreadSettings = append(pp.f.UnreadSettings, pp.s.warningAt(f.at, f.msg))
	}
}

// project reads the [project] table: name, dynamic, requires-python, dependencies
// and optional-dependencies. It returns the dependencies.
func (pp *pyproject) project(project map[string]any) ([]Requirement, error) {
	base := tomlPath{"project"}
	if raw, ok := project["name"]; ok {
		name, ok := raw.(string)
		if !ok {
			return nil, pp.errorAt(base.plus("name"), "[project] name must be a string", "")
		}
		pp.name = pep508.NormalizeName(name)
	}
	dynamic, err := pp.stringList(base.plus("dynamic"), project["dynamic"])
	if err != nil {
		return nil, err
	}
	for i, d := range dynamic {
		pp.dynamicExtras = pp.dynamicExtras || d == "optional-dependencies"
		if d == "dependencies" || d == "optional-dependencies" && len(pp.opts.Extras) > 0 {
			return nil, pp.errorAt(base.plus("dynamic", i), "[project] "+d+" are dynamic: depsolve never runs a build backend, so it cannot know them",
				"list them in [project] "+d+", or give depsolve a requirements file")
		}
	}
	if raw, ok := project["requires-python"]; ok {
		text, ok := raw.(string)
		if !ok {
			return nil, pp.errorAt(base.plus("requires-python"), "requires-python must be a string", "")
		}
		spec, err := pep440.ParseSpecifierSet(text)
		if err != nil {
			return nil, pp.errorAt(base.plus("requires-python"), "invalid requires-python: "+err.Error(), "")
		}
		pp.f.RequiresPython = spec
		pp.f.RequiresPythonPos = pp.s.pos(pp.index.locate(base.plus("requires-python")))
	}
	deps, err := pp.requirements(base.plus("dependencies"), project["dependencies"])
	if err != nil {
		return nil, err
	}
	// A dependency whose marker tests extra holds where it holds for no extra or for
	// one of the extras installed, as pip and uv evaluate the Requires-Dist a build
	// backend writes of it.
	installed := append([]string{""}, sortedNormalized(pp.opts.Extras, pep508.NormalizeExtra)...)
	for i, r := range deps {
		if r.Marker.Extras() == nil {
			continue
		}
		var alternatives []string
		for _, extra := range installed {
			alternatives = append(alternatives, "("+r.Marker.BindExtra(extra).String()+")")
		}
		if deps[i].Marker, err = pep508.ParseMarker(strings.Join(alternatives, " or ")); err != nil {
			return nil, pp.s.errorAt(pp.posOffset(r.Pos), "cannot read the extras the marker of "+quote(r.Line)+" tests: "+err.Error(), "")
		}
	}
	pp.declared = deps
	pp.extras = map[string]extraEntry{}
	if raw, ok := project["optional-dependencies"]; ok {
		table, ok := raw.(map[string]any)
		if !ok {
			return nil, pp.errorAt(base.plus("optional-dependencies"), "[project.optional-dependencies] must be a table of arrays", "")
		}
		for _, key := range sortedKeys(table) {
			p := base.plus("optional-dependencies", key)
			name := pep508.NormalizeExtra(key)
			if prev, ok := pp.extras[name]; ok {
				return nil, pp.keyErrorAt(p, fmt.Sprintf("extras %s and %s are the same extra (%s)", quote(prev.key), quote(key), quote(name)), "")
			}
			reqs, err := pp.requirements(p, table[key])
			if err != nil {
				return nil, err
			}
			// A marker testing extra reads it as this extra: a build backend writes the
			// requirement as `(marker) and extra == "name"`, so that pip and uv install it
			// with the extra where the marker holds for it.
			for i, r := range reqs {
				if r.Marker.Extras() != nil {
					reqs[i].Marker = r.Marker.BindExtra(name)
				}
			}
			pp.extras[name] = extraEntry{key, reqs}
		}
	}
	return deps, nil
}

// readGroups indexes [dependency-groups] by normalized name. Their contents are
// read only when a group is used, as PEP 735 asks.
func (pp *pyproject) readGroups(raw any, present bool) error {
	pp.groups = map[string]groupEntry{}
	if !present {
		return nil
	}
	table, ok := raw.(map[string]any)
	if !ok {
		return pp.errorAt(tomlPath{"dependency-groups"}, "[dependency-groups] must be a table of arrays", "")
	}
	for _, key := range sortedKeys(table) {
		p := tomlPath{"dependency-groups", key}
		if !pep508.ValidName(key) {
			return pp.keyErrorAt(p, "dependency group name "+quote(key)+" is not valid",
				"a group name has letters, digits, '.', '_' and '-', and starts and ends with a letter or digit")
		}
		name := pep508.NormalizeName(key)
		if prev, ok := pp.groups[name]; ok {
			return pp.keyErrorAt(p, fmt.Sprintf("dependency groups %s and %s are the same group (%s)", quote(prev.key), quote(key), quote(name)), "")
		}
		pp.groups[name] = groupEntry{key, table[key]}
	}
	return nil
}

// group returns the requirements of a dependency group, following include-group.
// stack holds the groups being expanded, for cycles.
func (pp *pyproject) group(name string, stack []string) ([]Requirement, error) {
	g := pp.groups[name]
	p := tomlPath{"dependency-groups", g.key}
	list, ok := g.list.([]any)
	if !ok {
		return nil, pp.errorAt(p, "dependency group "+quote(g.key)+" must be an array", "")
	}
	if pp.included == nil {
		pp.included = map[string]bool{}
	}
	pp.included[name] = true
	stack = append(stack, name)
	var out []Requirement
	for i, item := range list {
		ip := p.plus(i)
		switch item := item.(type) {
		case string:
			r, err := pp.requirement(ip, item)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		case map[string]any:
			raw, ok := item["include-group"]
			if !ok || len(item) != 1 {
				return nil, pp.errorAt(ip, "expected a requirement string or {include-group = \"NAME\"}", "")
			}
			incl, ok := raw.(string)
			if !ok {
				return nil, pp.errorAt(ip.plus("include-group"), "include-group must be a group name", "")
			}
			target := pep508.NormalizeName(incl)
			if _, ok := pp.groups[target]; !ok {
				return nil, pp.errorAt(ip.plus("include-group"), "dependency group "+quote(g.key)+" includes "+quote(incl)+", which is not defined",
					definedHint("groups", pp.groupNames()))
			}
			if i := indexOf(stack, target); i >= 0 {
				var chain []string
				for _, n := range append(stack[i:], target) {
					chain = append(chain, pp.groups[n].key)
				}
				return nil, pp.errorAt(ip.plus("include-group"), "dependency groups include each other in a cycle: "+strings.Join(chain, " -> "), "")
			}
			if pp.included[target] {
				continue
			}
			reqs, err := pp.group(target, stack)
			if err != nil {
				return nil, err
			}
			out = append(out, reqs...)
		default:
			return nil, pp.errorAt(ip, "expected a requirement string or {include-group = \"NAME\"}", "")
		}
	}
	return out, nil
}

// expandSelf replaces a requirement on the project itself ("name[extra]" in its own
// optional dependencies or groups) with the requirements of those extras, as pip
// and uv do; their markers are joined with "and".
func (pp *pyproject) expandSelf(reqs []Requirement) ([]Requirement, error) {
	var out []Requirement
	seen := map[string]bool{}     // requirements kept, by position and marker
	expanded := map[string]bool{} // extras expanded, by name and marker
	budget := maxSelfExpansions
	var expand func(r Requirement, visiting []string) error
	expand = func(r Requirement, visiting []string) error {
		if pp.name == "" || r.URL != "" || r.Key() != pp.name {
			key := r.Pos.String() + ";" + r.Marker.String()
			if !seen[key] {
				seen[key] = true
				out = append(out, r)
			}
			return nil
		}
		for _, extra := range r.Extras {
			name := pep508.NormalizeExtra(extra)
			e, ok := pp.extras[name]
			if !ok && pp.dynamicExtras {
				return pp.s.errorAt(pp.posOffset(r.Pos), quote(r.Line)+" asks for extra "+quote(extra)+" of the project itself, and [project] optional-dependencies are dynamic: depsolve never runs a build backend, so it cannot know them",
					"list them in [project] optional-dependencies, or give depsolve a requirements file")
			}
			if !ok {
				return pp.s.errorAt(pp.posOffset(r.Pos), quote(r.Line)+" asks for extra "+quote(extra)+" of the project itself, which is not defined",
					definedHint("extras", pp.extraNames()))
			}
			key := name + ";" + r.Marker.String()
			if contains(visiting, name) || expanded[key] {
				continue
			}
			expanded[key] = true
			if budget--; budget < 0 {
				return pp.s.errorAt(pp.posOffset(r.Pos), fmt.Sprintf("the project's extras refer to each other under more than %d different markers", maxSelfExpansions),
					"simplify the markers of the requirements on the project itself")
			}
			for _, sub := range e.reqs {
				m, err := andMarkers(r.Marker, sub.Marker)
				if err != nil {
					return pp.s.errorAt(pp.posOffset(sub.Pos), "cannot join the markers of "+quote(r.Line)+" and "+quote(sub.Line)+": "+err.Error(), "")
				}
				sub.Marker = m
				if err := expand(sub, append(visiting[:len(visiting):len(visiting)], name)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, r := range reqs {
		if err := expand(r, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxSelfExpansions bounds the work of expandSelf, which grows with the number of
// different markers the project's extras are reached under.
const maxSelfExpansions = 10000

// posOffset finds the source offset of a position in this file.
func (pp *pyproject) posOffset(p Position) int {
	if p.Line < 1 || p.Line > len(pp.s.lines) {
		return 0
	}
	ln := pp.s.lines[p.Line-1]
	off := ln.start
	for n := 1; n < p.Col && off < ln.end; n++ {
		_, size := utf8.DecodeRuneInString(pp.s.text[off:])
		off += size
	}
	return off
}

func andMarkers(a, b pep508.Marker) (pep508.Marker, error) {
	switch {
	case a.IsEmpty():
		return b, nil
	case b.IsEmpty():
		return a, nil
	}
	return pep508.ParseMarker("(" + a.String() + ") and (" + b.String() + ")")
}

// requirements reads an array of PEP 508 strings.
func (pp *pyproject) requirements(p tomlPath, raw any) ([]Requirement, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, pp.errorAt(p, "expected an array of requirement strings", "")
	}
	var out []Requirement
	for i, item := range list {
		text, ok := item.(string)
		if !ok {
			return nil, pp.errorAt(p.plus(i), "expected a requirement string", "")
		}
		r, err := pp.requirement(p.plus(i), text)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (pp *pyproject) requirement(p tomlPath, text string) (Requirement, error) {
	req, err := pep508.ParseRequirement(text)
	if err != nil {
		off, msg := syntaxError(err)
		return Requirement{}, pp.s.errorAt(pp.stringAt(p, text, off), "invalid requirement: "+msg, "")
	}
	return Requirement{Requirement: req, Pos: pp.s.pos(pp.stringAt(p, text, 0)), Line: text}, nil
}

func (pp *pyproject) stringList(p tomlPath, raw any) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, pp.errorAt(p, "expected an array of strings", "")
	}
	out := make([]string, len(list))
	for i, item := range list {
		if out[i], ok = item.(string); !ok {
			return nil, pp.errorAt(p.plus(i), "expected a string", "")
		}
	}
	return out, nil
}

func (pp *pyproject) extraNames() []string {
	var names []string
	for _, e := range pp.extras {
		names = append(names, e.key)
	}
	sort.Strings(names)
	return names
}

func (pp *pyproject) groupNames() []string {
	var names []string
	for _, g := range pp.groups {
		names = append(names, g.key)
	}
	sort.Strings(names)
	return names
}

func definedHint(what string, names []string) string {
	if len(names) == 0 {
		return "the project defines no " + what
	}
	return "defined " + what + ": " + strings.Join(names, ", ")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortedNormalized normalizes names, drops repeats and sorts them.
func sortedNormalized(names []string, normalize func(string) string) []string {
	var out []string
	for _, n := range names {
		out = appendNew(out, normalize(n))
	}
	sort.Strings(out)
	return out
}
