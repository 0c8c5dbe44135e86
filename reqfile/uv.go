package reqfile

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/pep508"
)

// UVIndex is one [[tool.uv.index]] entry: an index uv resolves from.
type UVIndex struct {
	Name string // "" when unnamed: no source can name it
	URL  string
	// Explicit: only the projects whose source names the index take anything from it.
	Explicit bool
	// Default: the index replaces PyPI as the one asked last.
	Default bool
	// Flat: format = "flat", a page or folder of links (pip's --find-links), not a
	// simple API.
	Flat bool
	Pos  Position // of the entry's url
}

// UVSource is one source of [tool.uv.sources]: where uv takes a project from, where
// its marker holds. Exactly one of Index, URL and Workspace is set.
type UVSource struct {
	Package string // PEP 503
	Pos     Position
	Marker  pep508.Marker // empty: everywhere
	// Index names the UVIndex the project comes from alone.
	Index string
	// URL is the direct reference a url, git or path source stands for, as NAME @ URL
	// writes it: a VCS URL with its revision, a file: URL of an absolute path.
	URL string
	// Workspace: the project is another member of the uv workspace.
	Workspace bool
	// Undeclared: the project's pyproject.toml requires Package nowhere (not in its
	// dependencies, an extra or a dependency group), so the source applies to nothing:
	// uv follows sources only for the requirements a project declares, not for the
	// dependencies of its dependencies (astral-sh/uv#8253).
	Undeclared bool
}

// UVIndexNamed returns the [[tool.uv.index]] entry named name; the first, as uv takes
// the first of two with one name.
func (f *File) UVIndexNamed(name string) (UVIndex, bool) {
	for _, ix := range f.UVIndexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return UVIndex{}, false
}

// uvSourceKeys are the keys a source may have; uv rejects any other.
var uvSourceKeys = []string{"index", "git", "url", "path", "workspace", "marker", "extra", "group",
	"rev", "tag", "branch", "subdirectory", "editable", "package", "lfs"}

// readUV reads [[tool.uv.index]] and [tool.uv.sources].
func (pp *pyproject) readUV(uv map[string]any) error {
	if raw, ok := uv["index"]; ok {
		entries, ok := asTables(raw)
		if !ok {
			return pp.errorAt(tomlPath{"tool", "uv", "index"}, "[[tool.uv.index]] must be an array of tables", "")
		}
		for i, e := range entries {
			ix, err := pp.uvIndex(tomlPath{"tool", "uv", "index", i}, e)
			if err != nil {
				return err
			}
			pp.f.UVIndexes = append(pp.f.UVIndexes, ix)
		}
	}
	raw, ok := uv["sources"]
	if !ok {
		return nil
	}
	table, ok := raw.(map[string]any)
	if !ok {
		return pp.errorAt(tomlPath{"tool", "uv", "sources"}, "[tool.uv.sources] must be a table", "")
	}
	for _, key := range sortedKeys(table) {
		p := tomlPath{"tool", "uv", "sources", key}
		entries, paths := []map[string]any{}, []tomlPath{}
		if t, ok := table[key].(map[string]any); ok {
			entries, paths = append(entries, t), append(paths, p)
		} else if list, ok := asTables(table[key]); ok {
			for i, t := range list {
				entries, paths = append(entries, t), append(paths, p.plus(i))
			}
		} else {
			return pp.errorAt(p, "the source of "+quote(key)+" must be a table or an array of tables", `write it as { index = "NAME" }, { git = "URL" }, { url = "URL" } or { path = "PATH" }`)
		}
		for i, e := range entries {
			ep := paths[i]
			src, keep, err := pp.uvSource(ep, pep508.NormalizeName(key), e)
			if err != nil {
				return err
			}
			if keep {
				pp.f.UVSources = append(pp.f.UVSources, src)
			}
		}
	}
	return nil
}

func (pp *pyproject) uvIndex(p tomlPath, e map[string]any) (UVIndex, error) {
	ix := UVIndex{Pos: pp.s.pos(pp.index.locate(p.plus("url")))}
	var err error
	if ix.Name, err = pp.optionalString(p, e, "name"); err != nil {
		return ix, err
	}
	if ix.URL, err = pp.optionalString(p, e, "url"); err != nil {
		return ix, err
	}
	if ix.URL == "" {
		return ix, pp.errorAt(p, "[[tool.uv.index]] has no url", `every index needs url = "https://…/simple"`)
	}
	for _, flag := range []struct {
		key string
		to  *bool
	}{{"explicit", &ix.Explicit}, {"default", &ix.Default}} {
		if raw, ok := e[flag.key]; ok {
			if *flag.to, ok = raw.(bool); !ok {
				return ix, pp.errorAt(p.plus(flag.key), flag.key+" must be true or false", "")
			}
		}
	}
	format, err := pp.optionalString(p, e, "format")
	if err != nil {
		return ix, err
	}
	switch format {
	case "", "simple":
	case "flat":
		ix.Flat = true
	default:
		return ix, pp.errorAt(p.plus("format"), "index format "+quote(format)+" is not known", `uv knows format = "simple" (the default) and "flat"`)
	}
	if u, err := url.Parse(ix.URL); !ix.Flat && (err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https") {
		return ix, pp.errorAt(p.plus("url"), "index url "+quote(ix.URL)+" is not an absolute http(s) URL", "a simple index is served over http(s); a folder of files is format = \"flat\"")
	}
	return ix, nil
}

// uvSource reads one source of a project; keep is false for a source that applies only
// with an extra or a group that was not chosen.
func (pp *pyproject) uvSource(p tomlPath, name string, e map[string]any) (src UVSource, keep bool, err error) {
	src = UVSource{Package: name, Pos: pp.s.pos(pp.index.locate(p)), Undeclared: !pp.declares(name)}
	for _, key := range sortedKeys(e) {
		if !slices.Contains(uvSourceKeys, key) {
			return src, false, pp.keyErrorAt(p.plus(key), "unknown key "+quote(key)+" in the source of "+quote(name), "a source has one of index, git, url, path or workspace, and may have marker, extra or group")
		}
	}
	var kinds []string
	for _, k := range []string{"index", "git", "url", "path", "workspace"} {
		if _, ok := e[k]; ok {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		return src, false, pp.errorAt(p, fmt.Sprintf("the source of %s must have exactly one of index, git, url, path or workspace (it has %d)", quote(name), len(kinds)), "")
	}
	if text, err := pp.optionalString(p, e, "marker"); err != nil {
		return src, false, err
	} else if text != "" {
		if src.Marker, err = pep508.ParseMarker(text); err != nil {
			return src, false, pp.errorAt(p.plus("marker"), "invalid marker: "+err.Error(), "")
		}
	}
	for _, sel := range []struct {
		key       string
		chosen    []string
		normalize func(string) string
	}{{"extra", pp.opts.Extras, pep508.NormalizeExtra}, {"group", pp.opts.Groups, pep508.NormalizeName}} {
		v, err := pp.optionalString(p, e, sel.key)
		if err != nil {
			return src, false, err
		}
		if v != "" && !slices.Contains(sortedNormalized(sel.chosen, sel.normalize), sel.normalize(v)) {
			return src, false, nil
		}
	}
	var refs []string
	for _, k := range []string{"rev", "tag", "branch"} {
		if _, ok := e[k]; ok {
			refs = append(refs, k)
		}
	}
	if len(refs) > 0 && kinds[0] != "git" {
		return src, false, pp.keyErrorAt(p.plus(refs[0]), refs[0]+" belongs to a git source", "")
	}
	if len(refs) > 1 {
		return src, false, pp.keyErrorAt(p.plus(refs[1]), "a git source takes one of rev, tag and branch", "")
	}
	value, err := pp.optionalString(p, e, kinds[0])
	switch kinds[0] {
	case "workspace":
		ws, ok := e["workspace"].(bool)
		if !ok {
			return src, false, pp.errorAt(p.plus("workspace"), "workspace must be true or false", "")
		}
		src.Workspace = ws
		return src, ws, nil
	case "index":
		if err != nil {
			return src, false, err
		}
		if _, ok := pp.f.UVIndexNamed(value); !ok {
			return src, false, pp.errorAt(p.plus("index"), "the source of "+quote(name)+" names index "+quote(value)+", which no [[tool.uv.index]] defines", definedHint("indexes", pp.uvIndexNames()))
		}
		src.Index = value
		return src, true, nil
	}
	if err != nil {
		return src, false, err
	}
	subdirectory, err := pp.optionalString(p, e, "subdirectory")
	if err != nil {
		return src, false, err
	}
	switch kinds[0] {
	case "git":
		src.URL = value
		if !strings.HasPrefix(src.URL, "git+") {
			src.URL = "git+" + src.URL
		}
		if len(refs) == 1 {
			ref, err := pp.optionalString(p, e, refs[0])
			if err != nil {
				return src, false, err
			}
			src.URL += "@" + ref
		}
	case "url":
		src.URL = value
	case "path":
		abs, err := filepath.Abs(filepath.Join(filepath.Dir(pp.s.path), filepath.FromSlash(value)))
		if err != nil {
			return src, false, pp.errorAt(p.plus("path"), "cannot make "+quote(value)+" absolute: "+err.Error(), "")
		}
		src.URL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	}
	if subdirectory != "" {
		src.URL += "#subdirectory=" + subdirectory
	}
	return src, true, nil
}

// optionalString is the string at key of table e (at p); "" when absent.
func (pp *pyproject) optionalString(p tomlPath, e map[string]any, key string) (string, error) {
	raw, ok := e[key]
	if !ok {
		return "", nil
	}
	s, ok := raw.(string)
	if !ok {
		return "", pp.errorAt(p.plus(key), key+" must be a string", "")
	}
	return s, nil
}

func (pp *pyproject) uvIndexNames() []string {
	var names []string
	for _, ix := range pp.f.UVIndexes {
		if ix.Name != "" {
			names = appendNew(names, ix.Name)
		}
	}
	return names
}

// declares reports whether the project requires name anywhere: in its dependencies,
// any extra or any dependency group, chosen or not (uv's lock covers them all). A
// group's entries are read as far as they parse: the groups not chosen are not
// checked (PEP 735), and an entry that does not parse declares nothing.
func (pp *pyproject) declares(name string) bool {
	for _, r := range pp.declared {
		if r.Key() == name {
			return true
		}
	}
	for _, e := range pp.extras {
		for _, r := range e.reqs {
			if r.Key() == name {
				return true
			}
		}
	}
	for _, g := range pp.groups {
		list, _ := g.list.([]any)
		for _, item := range list {
			text, ok := item.(string)
			if !ok {
				continue
			}
			if r, err := pep508.ParseRequirement(text); err == nil && r.Key() == name {
				return true
			}
		}
	}
	return false
}
