package reqfile

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// requirementFromLine reads the requirement part of a line as pip's
// parse_req_from_line does: a URL, a local directory or archive, or a PEP 508
// requirement. A marker follows the first ";" ("; " after a URL).
func (p *parser) requirementFromLine(s *source, l *logical, args string) (Requirement, error) {
	errAt := func(i int, msg, hint string) error { return s.errorAt(l.at(i), msg, hint) }
	sep := ";"
	if isURL(args) {
		sep = "; "
	}
	namePart := args
	var marker pep508.Marker
	if i := strings.Index(args, sep); i >= 0 {
		namePart = args[:i]
		rest := args[i+len(sep):]
		start := i + len(sep) + len(rest) - len(strings.TrimLeftFunc(rest, isPySpace))
		if text := strings.TrimFunc(rest, isPySpace); text != "" {
			m, err := pep508.ParseMarker(text)
			if err != nil {
				off, msg := syntaxError(err)
				return Requirement{}, errAt(start+off, "invalid marker: "+msg, "")
			}
			marker = m
		}
	}
	lead := len(namePart) - len(strings.TrimLeftFunc(namePart, isPySpace))
	name := strings.TrimFunc(namePart, isPySpace)
	r := Requirement{Pos: s.pos(l.at(lead))}

	link := ""
	if isURL(name) {
		link = name
	} else {
		path, extras, extrasAt := stripExtras(name)
		path = filepath.Clean(path)
		switch {
		case looksLikePath(name) && !namedURLRequirement(name) && p.isDir(path):
			// A NAME @ URL line is not looked at as a folder (pip would, but only a folder
			// named like the whole line could match): the path looked at would be the URL,
			// credentials and all, which the run's record (package runlog) keeps.
			if !p.installable(path) {
				return r, errAt(lead, "directory "+quote(name)+" is not installable: it has neither setup.py nor pyproject.toml", "")
			}
			link = fileURL(path)
		case isArchive(path) && !namedURLRequirement(name):
			if _, err := p.opts.FS.Stat(path); err != nil {
				p.warn(s.warningAt(l.at(lead), quote(name)+" looks like a file name, but the file does not exist"))
			}
			link = fileURL(path)
		}
		if link != "" && extras != "" {
			req, err := pep508.ParseRequirement("placeholder" + strings.ToLower(extras))
			if err != nil {
				off, msg := syntaxError(err)
				return r, errAt(lead+extrasAt+off-len("placeholder"), "invalid extras: "+msg, "")
			}
			r.Extras = req.Extras
		}
	}
	if link != "" {
		r.URL, r.Marker = link, marker
		if file := linkFilename(link); strings.HasSuffix(file, ".whl") {
			project, version, problem := parseWheelFilename(file)
			if problem != "" {
				return r, errAt(lead, quote(file)+" is not a valid wheel file name: "+problem, "")
			}
			spec, err := pep440.ParseSpecifierSet("==" + version)
			if err != nil {
				return r, errAt(lead, quote(file)+" is not a valid wheel file name: "+err.Error(), "")
			}
			r.Name, r.Specifier = project, spec
			return r, nil
		}
		if isURL(link) {
			egg, err := eggFragment(link)
			if err != "" {
				return r, errAt(lead, err, "")
			}
			r.Name = egg
		}
		return r, nil
	}

	req, err := pep508.ParseRequirement(name)
	if err != nil {
		off, msg := syntaxError(err)
		hint := ""
		switch {
		case strings.ContainsRune(name, '/') || strings.ContainsRune(name, filepath.Separator):
			if _, err := p.opts.FS.Stat(filepath.Clean(name)); err != nil {
				hint = "it looks like a path, but nothing is there"
			} else {
				hint = "it looks like a path: to include a requirements file, write -r before it"
			}
		case strings.Contains(name, "=") && !strings.ContainsAny(name, "<>!~") && !strings.Contains(name, "=="):
			hint = "'=' is not a version operator: did you mean '=='?"
		}
		return r, errAt(lead+off, "invalid requirement: "+msg, hint)
	}
	r.Requirement = req
	if !marker.IsEmpty() {
		r.Marker = marker
	}
	return r, nil
}

// editable reads the value of -e as pip's parse_editable does: NAME @ URL, a local
// project directory, or a VCS URL with #egg=NAME.
func (p *parser) editable(s *source, l *logical, o option) (Requirement, error) {
	errAt := func(msg, hint string) error { return s.errorAt(l.at(o.valueAt), msg, hint) }
	text := o.value
	r := Requirement{Editable: true, Pos: s.pos(l.at(o.valueAt))}
	link := ""
	if req, err := pep508.ParseRequirement(text); err == nil && req.URL != "" {
		r.Requirement = req
		link = req.URL
	} else {
		path, extras, extrasAt := stripExtras(text)
		link = text
		// A URL (-e git+https://…) is not looked at as a folder, as a NAME @ URL line is
		// not: the path looked at would be the URL, credentials and all, which the run's
		// record (package runlog) keeps.
		if !isURL(path) && p.isDir(filepath.Clean(path)) {
			path = fileURL(filepath.Clean(path))
		}
		if strings.HasPrefix(strings.ToLower(path), "file:") {
			link = path
			if extras != "" {
				req, err := pep508.ParseRequirement("placeholder" + strings.ToLower(extras))
				if err != nil {
					off, msg := syntaxError(err)
					return r, s.errorAt(l.at(o.valueAt+extrasAt+off-len("placeholder")), "invalid extras: "+msg, "")
				}
				r.Extras = req.Extras
			}
		} else {
			for _, vcs := range []string{"bzr", "git", "hg", "svn"} {
				if strings.HasPrefix(strings.ToLower(link), vcs+":") {
					link = vcs + "+" + link
					break
				}
			}
		}
		if isURL(link) || strings.HasPrefix(link, "file:") {
			egg, problem := eggFragment(link)
			if problem != "" {
				return r, errAt(problem, "")
			}
			r.Name = egg
		}
	}
	r.URL = link
	if !isVCS(urlScheme(link)) && !strings.HasPrefix(link, "file:") {
		return r, errAt(quote(text)+" is not a valid editable requirement: expected a path to a local project directory or a VCS URL",
			"VCS URLs begin with "+strings.Join(vcsSchemes[:5], ", ")+" or another VCS scheme")
	}
	if r.Name == "" && !strings.HasPrefix(link, "file:") {
		return r, errAt("cannot tell the project name of "+quote(text), "write NAME @ URL, or add #egg=NAME to the URL")
	}
	return r, nil
}

// syntaxError returns where the caret goes in the parsed text, and the message.
// pep508 puts the caret of "expected a version after 'OP'" on the operator; the
// version was expected after it and the whitespace that follows it, so the caret
// goes there.
func syntaxError(err error) (offset int, msg string) {
	var se *pep508.SyntaxError
	if !errors.As(err, &se) {
		return 0, err.Error()
	}
	offset = se.Offset
	if rest, ok := strings.CutPrefix(se.Msg, "expected a version after '"); ok && offset >= 0 && offset <= len(se.Input) {
		if op := strings.TrimSuffix(rest, "'"); op != "" && strings.HasPrefix(se.Input[offset:], op) {
			offset += len(op)
			for offset < len(se.Input) && (se.Input[offset] == ' ' || se.Input[offset] == '\t') {
				offset++
			}
		}
	}
	return offset, se.Msg
}

func (p *parser) isDir(path string) bool { return isDirectory(p.opts.FS, path) }

// installable is pip's is_installable_dir.
func (p *parser) installable(dir string) bool {
	for _, f := range []string{"pyproject.toml", "setup.py"} {
		if fi, err := p.opts.FS.Stat(filepath.Join(dir, f)); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}

// fileURL is pip's path_to_url: the absolute path as a file: URL.
func fileURL(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// fileURLPath returns the local path of a file: URL.
func fileURLPath(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host != "" && u.Host != "localhost" {
		return "", false
	}
	if u.Opaque != "" {
		p, err := url.PathUnescape(u.Opaque)
		return filepath.FromSlash(p), err == nil && p != ""
	}
	return filepath.FromSlash(u.Path), u.Path != ""
}

// urlScheme returns the scheme Python's urlsplit finds in s, lower-cased, or "".
func urlScheme(s string) string {
	i := strings.IndexByte(s, ':')
	if i <= 0 || !('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return ""
	}
	for _, c := range []byte(s[:i]) {
		if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return ""
		}
	}
	return strings.ToLower(s[:i])
}

// vcsSchemes are the URL schemes of pip's VCS backends.
var vcsSchemes = []string{
	"git+http", "git+https", "git+ssh", "git+git", "git+file",
	"hg+file", "hg+http", "hg+https", "hg+ssh", "hg+static-http",
	"svn+ssh", "svn+http", "svn+https", "svn+svn", "svn+file",
	"bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp", "bzr+file",
}

func isVCS(scheme string) bool { return contains(vcsSchemes, scheme) }

// isURL is pip's is_url.
func isURL(s string) bool {
	switch scheme := urlScheme(s); scheme {
	case "http", "https", "file", "ftp":
		return true
	default:
		return isVCS(scheme)
	}
}

// looksLikePath is pip's _looks_like_path.
func looksLikePath(name string) bool {
	return strings.ContainsRune(name, '/') || strings.ContainsRune(name, filepath.Separator) || strings.HasPrefix(name, ".")
}

// namedURLRequirement reports "name @ …" where an archive name would otherwise make
// pip read the line as a local file.
func namedURLRequirement(name string) bool {
	before, _, found := strings.Cut(name, "@")
	return found && !looksLikePath(before)
}

// stripExtras splits "path[extra,…]" as pip's strip_extras does (the regular
// expression ^(.+)(\[[^\]]+\])$). It returns the extras with their brackets and
// where they start.
func stripExtras(s string) (path, extras string, at int) {
	if !strings.HasSuffix(s, "]") {
		return s, "", 0
	}
	for i := len(s) - 2; i >= 1; i-- {
		switch s[i] {
		case ']':
			return s, "", 0
		case '[':
			if i < len(s)-2 {
				return strings.TrimRightFunc(s[:i], isPySpace), s[i:], i
			}
		}
	}
	return s, "", 0
}

var archiveExtensions = []string{".zip", ".whl", ".tar.bz2", ".tbz", ".tar.gz", ".tgz", ".tar", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"}

// isArchive is pip's is_archive_file.
func isArchive(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	dot := strings.LastIndexByte(base, '.')
	if dot <= 0 || strings.Trim(base[:dot], ".") == "" {
		return false
	}
	ext := base[dot:]
	if strings.HasSuffix(base[:dot], ".tar") {
		ext = ".tar" + ext
	}
	return contains(archiveExtensions, ext)
}

// linkFilename is pip's Link.filename: the unescaped last segment of the URL's path.
func linkFilename(link string) string {
	rest := link
	if i := strings.IndexAny(rest, "#?"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			rest = rest[j:]
		} else {
			rest = ""
		}
	}
	rest = strings.TrimRight(rest, "/")
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	if u, err := url.PathUnescape(name); err == nil {
		return u
	}
	return name
}

// parseWheelFilename is packaging's parse_wheel_filename, for the name and
// version. It returns what is wrong, or "".
func parseWheelFilename(file string) (name, version, problem string) {
	dashes := strings.Count(file, "-")
	if dashes != 4 && dashes != 5 {
		return "", "", "expected NAME-VERSION(-BUILD)-PYTHON-ABI-PLATFORM.whl"
	}
	parts := strings.SplitN(file, "-", dashes-1)
	if strings.Contains(parts[0], "__") || strings.IndexFunc(parts[0], func(r rune) bool {
		return r != '_' && r != '.' && !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) >= 0 {
		return "", "", fmt.Sprintf("%s is not a valid project name", quote(parts[0]))
	}
	v, err := pep440.Parse(parts[1])
	if err != nil {
		return "", "", fmt.Sprintf("%s is not a valid version", quote(parts[1]))
	}
	if dashes == 5 && (parts[2] == "" || parts[2][0] < '0' || parts[2][0] > '9') {
		return "", "", fmt.Sprintf("build tag %s does not start with a digit", quote(parts[2]))
	}
	return pep508.NormalizeName(parts[0]), v.String(), ""
}

// eggFragment returns the project name of a URL's #egg= fragment, as pip's
// Link.egg_fragment does (the first "#egg=" or "&egg=", up to the next "&").
func eggFragment(link string) (name, problem string) {
	for i := 0; i+5 <= len(link); i++ {
		if (link[i] == '#' || link[i] == '&') && strings.HasPrefix(link[i+1:], "egg=") {
			value := link[i+5:]
			if j := strings.IndexByte(value, '&'); j >= 0 {
				value = value[:j]
			}
			if !pep508.ValidName(value) {
				return "", "the #egg= fragment " + quote(value) + " is not a valid project name"
			}
			return value, ""
		}
	}
	return "", ""
}
