package reqfile

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/redact"
)

// pylockName is the file name PEP 751 gives a lock file: pylock.toml, or
// pylock.NAME.toml for one of several.
var pylockName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^pylock\.([^.]+\.)?toml$`) })

// IsPylock reports whether path names a PEP 751 lock file, which Parse reads as
// the pins it holds.
func IsPylock(path string) bool {
	base := filepath.Base(path)
	// The prefix check spares the usual inputs (requirements.txt) compiling the rule.
	return strings.HasPrefix(base, "pylock.") && pylockName().MatchString(base)
}

type pylock struct {
	s     *source
	index tomlIndex
	f     *File
	// install is what the lock is installed with, which its markers read.
	install *LockSelection
}

// parsePylock reads a PEP 751 lock file as its pins: one "name==version" requirement
// per [[packages]] entry, with the hashes of every file the entry lists, its marker,
// and its position (the entry's name). A package from a VCS, a directory or an
// archive URL becomes a URL requirement. When every package that names an index
// names the same one, it is File.IndexURL, as a requirements lock's --index-url
// would be; several are a Warning. requires-python is File.RequiresPython;
// [tool.depsolve], where depsolve records the target, is File.Tool. Each pin's Lock
// is the selection it is installed with: opts.Extras, and opts.Groups or, when none
// is given, the lock's default-groups (PEP 751).
func parsePylock(path string, opts Options) (*File, error) {
	s, doc, err := readTOML(path, opts)
	if err != nil {
		return nil, err
	}
	pl := &pylock{s: s, index: indexTOML(s.text), f: &File{Path: path, Format: FormatPylock},
		install: &LockSelection{Extras: slices.Clone(opts.Extras), Groups: slices.Clone(opts.Groups)}}
	if err := pl.read(doc); err != nil {
		return nil, err
	}
	return pl.f, nil
}

func (pl *pylock) errorAt(p tomlPath, msg, hint string) *Error {
	if len(p) == 0 {
		return &Error{Pos: Position{File: pl.s.path}, Msg: msg, Hint: hint}
	}
	return pl.s.errorAt(pl.index.locate(p), msg, hint)
}

// stringAt returns the source offset of byte off of the string value at p.
func (pl *pylock) stringAt(p tomlPath, value string, off int) int {
	v, ok := pl.index.value(p)
	if !ok || v.quote == "" {
		return pl.index.locate(p)
	}
	decoded, offsets, ok := decodeTOMLString(pl.s.text, v.start)
	if !ok || decoded != value {
		return v.start
	}
	return offsets[min(max(off, 0), len(offsets)-1)]
}

// str reads the optional string at key of table (at path p); ok is false when
// the key is absent.
func (pl *pylock) str(table map[string]any, p tomlPath, key string) (string, bool, error) {
	raw, present := table[key]
	if !present {
		return "", false, nil
	}
	s, isString := raw.(string)
	if !isString {
		return "", false, pl.errorAt(p.plus(key), key+" must be a string", "")
	}
	return s, true, nil
}

func (pl *pylock) read(doc map[string]any) error {
	version, ok, err := pl.str(doc, nil, "lock-version")
	if err != nil {
		return err
	}
	if !ok {
		return pl.errorAt(nil, "no lock-version: this is not a PEP 751 lock file",
			"a pylock.toml starts with lock-version = \"1.0\"; give depsolve the requirements or the pyproject.toml instead")
	}
	if major, _, _ := strings.Cut(version, "."); major != "1" {
		return pl.errorAt(tomlPath{"lock-version"}, "lock-version "+quote(version)+" is not understood: depsolve reads lock-version 1.x (PEP 751)", "")
	}
	if text, ok, err := pl.str(doc, nil, "requires-python"); err != nil {
		return err
	} else if ok {
		spec, err := pep440.ParseSpecifierSet(text)
		if err != nil {
			return pl.errorAt(tomlPath{"requires-python"}, "invalid requires-python: "+err.Error(), "")
		}
		pl.f.RequiresPython = spec
		pl.f.RequiresPythonPos = pl.s.pos(pl.index.locate(tomlPath{"requires-python"}))
	}
	if err := pl.defaultGroups(doc); err != nil {
		return err
	}
	if raw, ok := doc["packages"]; ok {
		list, ok := asTables(raw)
		if !ok {
			return pl.errorAt(tomlPath{"packages"}, "packages must be an array of tables ([[packages]])", "")
		}
		var indexes []string
		secondAt := 0 // where a second index is named
		for i, pkg := range list {
			r, err := pl.pin(tomlPath{"packages", i}, pkg)
			if err != nil {
				return err
			}
			pl.f.Requirements = append(pl.f.Requirements, r)
			index, ok, err := pl.str(pkg, tomlPath{"packages", i}, "index")
			if err != nil {
				return err
			}
			if ok && !contains(indexes, index) {
				indexes = append(indexes, index)
				if len(indexes) == 2 {
					secondAt = pl.index.locate(tomlPath{"packages", i, "index"})
				}
			}
		}
		switch len(indexes) {
		case 0:
		case 1:
			pl.f.IndexURL = indexes[0]
		default:
			pl.f.Warnings = append(pl.f.Warnings, pl.s.warningAt(secondAt,
				fmt.Sprintf("the packages come from %d indexes (%s); each is looked up in the indexes given to depsolve (--index-url, --extra-index-url, depsolve.toml), not in its own: give those the lock was made with",
					len(indexes), redact.Text(strings.Join(indexes, ", ")))))
		}
	}
	t, err := depsolveTable(pl.s, pl.index, doc)
	if err != nil {
		return err
	}
	pl.f.Tool = t
	return nil
}

// pin reads one [[packages]] entry.
func (pl *pylock) pin(p tomlPath, pkg map[string]any) (Requirement, error) {
	name, ok, err := pl.str(pkg, p, "name")
	if err != nil {
		return Requirement{}, err
	}
	if !ok || !pep508.ValidName(name) {
		return Requirement{}, pl.errorAt(p.plus("name"), "a package needs a valid name", "")
	}
	at := pl.index.locate(p.plus("name"))
	r := Requirement{Pos: pl.s.pos(at), Line: redact.Text(pl.s.lineText(at)), Lock: pl.install}
	r.Name = name

	if text, ok, err := pl.str(pkg, p, "marker"); err != nil {
		return r, err
	} else if ok {
		m, err := pep508.ParseMarker(text)
		if err != nil {
			off, msg := syntaxError(err)
			return r, pl.s.errorAt(pl.stringAt(p.plus("marker"), text, off), "invalid marker: "+msg, "")
		}
		r.Marker = m
	}

	link, err := pl.directSource(p, pkg)
	if err != nil {
		return r, err
	}
	version, hasVersion, err := pl.str(pkg, p, "version")
	if err != nil {
		return r, err
	}
	if link != "" {
		r.URL = link
		if _, ok := pkg["archive"]; ok {
			// The archive's hash is the file's, checked when depsolve reads it, as pip
			// checks a NAME @ URL line's --hash.
			r.Files, err = pl.archiveFile(p, pkg)
			for _, f := range r.Files {
				r.Hashes = append(r.Hashes, f.Hashes...)
			}
		}
		return r, err
	}
	if !hasVersion {
		return r, pl.errorAt(p.plus("name"), "package "+quote(name)+" has no version and no vcs, directory or archive source", "")
	}
	if _, err := pep440.Parse(version); err != nil {
		return r, pl.errorAt(p.plus("version"), quote(version)+" is not a valid version", "")
	}
	spec, err := pep440.ParseSpecifierSet("==" + version)
	if err != nil {
		return r, pl.errorAt(p.plus("version"), quote(version)+" is not a valid version", "")
	}
	r.Specifier = spec
	r.Files, err = pl.files(p, pkg)
	for _, f := range r.Files {
		r.Hashes = append(r.Hashes, f.Hashes...)
	}
	return r, err
}

// directSource returns the URL of a package that does not come from an index (PEP
// 751 vcs, directory and archive tables), or "".
func (pl *pylock) directSource(p tomlPath, pkg map[string]any) (string, error) {
	for _, kind := range []string{"vcs", "directory", "archive"} {
		raw, ok := pkg[kind]
		if !ok {
			continue
		}
		table, ok := raw.(map[string]any)
		if !ok {
			return "", pl.errorAt(p.plus(kind), kind+" must be a table", "")
		}
		tp := p.plus(kind)
		url, hasURL, err := pl.str(table, tp, "url")
		if err != nil {
			return "", err
		}
		path, hasPath, err := pl.str(table, tp, "path")
		if err != nil {
			return "", err
		}
		switch {
		case hasURL:
		case hasPath:
			if !filepath.IsAbs(path) { // PEP 751: relative to the lock file
				path = filepath.Join(filepath.Dir(pl.s.path), filepath.FromSlash(path))
			}
			url = fileURL(path)
		default:
			return "", pl.errorAt(tp, kind+" needs a url or a path", "")
		}
		if kind == "vcs" {
			vcs, _, err := pl.str(table, tp, "type")
			if err != nil {
				return "", err
			}
			commit, _, err := pl.str(table, tp, "commit-id")
			if err != nil {
				return "", err
			}
			url = vcs + "+" + url
			if commit != "" {
				url += "@" + commit
			}
		}
		return url, nil
	}
	return "", nil
}

// archiveFile is the file of a package's archive table, with its hashes; none when
// the table lists no hashes.
func (pl *pylock) archiveFile(p tomlPath, pkg map[string]any) ([]LockedFile, error) {
	table, _ := pkg["archive"].(map[string]any)
	if _, ok := table["hashes"]; !ok {
		return nil, nil
	}
	return pl.fileHashes(p, pkg, []tomlPath{p.plus("archive")})
}

// files lists every file of a package (its wheels, then its sdist) with its hashes,
// "algorithm:hex" in algorithm name order. The digests of the algorithms pip checks
// must be hexadecimal of their length: no file can match another.
func (pl *pylock) files(p tomlPath, pkg map[string]any) ([]LockedFile, error) {
	var files []tomlPath
	if raw, ok := pkg["wheels"]; ok {
		list, ok := asTables(raw)
		if !ok {
			return nil, pl.errorAt(p.plus("wheels"), "wheels must be an array of tables", "")
		}
		for i := range list {
			files = append(files, p.plus("wheels", i))
		}
	}
	if _, ok := pkg["sdist"]; ok {
		files = append(files, p.plus("sdist"))
	}
	return pl.fileHashes(p, pkg, files)
}

// fileHashes reads the file entries at files (paths below the package at p): each
// one's name and hashes, "algorithm:hex" in algorithm name order.
func (pl *pylock) fileHashes(p tomlPath, pkg map[string]any, files []tomlPath) ([]LockedFile, error) {
	var out []LockedFile
	for _, fp := range files {
		file, ok := lookup(pkg, fp[len(p):]).(map[string]any)
		if !ok {
			return nil, pl.errorAt(fp, "a file entry must be a table", "")
		}
		name, err := pl.fileName(fp, file)
		if err != nil {
			return nil, err
		}
		lf := LockedFile{Name: name, Pos: pl.s.pos(pl.index.locate(fp.plus("hashes"))).LineOnly()}
		table, ok := file["hashes"].(map[string]any)
		if !ok {
			return nil, pl.errorAt(fp.plus("hashes"), "a file needs a hashes table, such as hashes = { sha256 = \"…\" }", "")
		}
		algos := make([]string, 0, len(table))
		for algo := range table {
			algos = append(algos, algo)
		}
		sort.Strings(algos)
		for _, algo := range algos {
			hp := fp.plus("hashes", algo)
			digest, ok := table[algo].(string)
			if !ok {
				return nil, pl.errorAt(hp, "a hash must be a string of hexadecimal digits", "")
			}
			if size := hashDigits[strings.ToLower(algo)]; size > 0 && (len(digest) != size || strings.Trim(strings.ToLower(digest), "0123456789abcdef") != "") {
				return nil, pl.errorAt(hp, fmt.Sprintf("a %s digest has %d hexadecimal digits, found %s", algo, size, quote(digest)), "")
			}
			lf.Hashes = append(lf.Hashes, strings.ToLower(algo)+":"+strings.ToLower(digest))
		}
		out = append(out, lf)
	}
	return out, nil
}

// fileName is a file entry's name, else the last segment of its url or path, as PEP
// 751 lets an entry leave the name out.
func (pl *pylock) fileName(fp tomlPath, file map[string]any) (string, error) {
	for _, key := range []string{"name", "url", "path"} {
		v, ok, err := pl.str(file, fp, key)
		if err != nil || !ok {
			if err != nil {
				return "", err
			}
			continue
		}
		if key == "url" {
			v, _, _ = strings.Cut(v, "#")
			v, _, _ = strings.Cut(v, "?")
		}
		return v[strings.LastIndex(v, "/")+1:], nil
	}
	return "", nil
}

// lookup follows a path of keys and indices below a decoded TOML value.
func lookup(v any, p tomlPath) any {
	for _, e := range p {
		switch e := e.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[e]
		case int:
			list, _ := asTables(v)
			if e >= len(list) {
				return nil
			}
			v = list[e]
		}
	}
	return v
}

// asTables reads an array of tables, written as [[key]] or as an array of inline
// tables.
func asTables(v any) ([]map[string]any, bool) {
	switch v := v.(type) {
	case []map[string]any:
		return v, true
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, item := range v {
			t, ok := item.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, t)
		}
		return out, true
	}
	return nil, false
}

// defaultGroups reads default-groups, the dependency groups installed when none is
// chosen (PEP 751), into the selection when opts chose none.
func (pl *pylock) defaultGroups(doc map[string]any) error {
	raw, ok := doc["default-groups"]
	if !ok {
		return nil
	}
	list, ok := raw.([]any)
	groups := make([]string, 0, len(list))
	for _, item := range list {
		name, isString := item.(string)
		if !isString {
			ok = false
			break
		}
		groups = append(groups, name)
	}
	if !ok {
		return pl.errorAt(tomlPath{"default-groups"}, "default-groups must be an array of dependency group names", "")
	}
	if len(pl.install.Groups) == 0 {
		pl.install.Groups = groups
	}
	return nil
}
