package reqfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/redact"
)

// Requirement is one requirement with where it was written.
type Requirement struct {
	pep508.Requirement
	Pos      Position // where the requirement starts
	Hashes   []string // "sha256:…" (lower-case hex), in the order written
	Editable bool
	Line     string // the requirement as written (before ${NAME} expansion, credentials masked), for messages
}

// Unnamed reports a requirement that names no project: a URL or local path with
// no wheel file name and no #egg= fragment to take a name from.
func (r Requirement) Unnamed() bool { return r.Name == "" }

// Unlockable says why depsolve cannot pin r, or returns "" when it can.
func (r Requirement) Unlockable() string {
	where := Position{File: r.Pos.File, Line: r.Pos.Line}
	switch {
	case r.Editable:
		return fmt.Sprintf("%s (%s) is editable: depsolve cannot lock it; install it after the lock", r.Line, where)
	case r.Unnamed():
		return fmt.Sprintf("%s (%s) names no project: depsolve cannot resolve it without building it; "+
			"write it as NAME @ URL, or add #egg=NAME to the URL", r.Line, where)
	}
	return ""
}

// File is what one requirements file (with the files it includes) or one
// pyproject.toml asks for.
type File struct {
	Path string // as given to Parse

	Requirements []Requirement
	Constraints  []Requirement // from -c files: they restrict versions, they add nothing
	Editables    []Requirement // -e lines: kept, reported as not lockable (see Requirement.Unlockable)

	// IndexURL is the last --index-url, "" if none. As in pip, it replaces every
	// index named before it, the command line's included; ExtraIndexURLs holds only
	// the --extra-index-url options after it.
	IndexURL       string
	ExtraIndexURLs []string
	NoIndex        bool // --no-index: pip then ignores every index URL, before and after
	FindLinks      []string
	TrustedHosts   []string

	Pre           bool     // --pre: pre-releases of every project are candidates
	AllReleases   []string // --all-releases: ":all:" or PEP 503 names
	OnlyFinal     []string // --only-final: ":all:" or PEP 503 names
	OnlyBinary    []string // --only-binary: ":all:" or PEP 503 names
	NoBinary      []string // --no-binary: ":all:" or PEP 503 names
	PreferBinary  bool
	RequireHashes bool

	// From pyproject.toml and pylock.toml only.
	RequiresPython    pep440.SpecifierSet // [project] requires-python (pylock: requires-python); empty if absent
	RequiresPythonPos Position            // where RequiresPython is written
	Tool              *Table              // [tool.depsolve], nil if absent

	Warnings []Warning
}

// FS is what Parse reads files through. Paths are as written in the files,
// joined to the including file's directory; relative ones are relative to the
// working directory.
type FS interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
}

type osFS struct{}

func (osFS) ReadFile(name string) ([]byte, error)  { return os.ReadFile(name) }
func (osFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// Options control Parse.
type Options struct {
	// LookupEnv expands ${NAME}; nil means os.LookupEnv.
	LookupEnv func(name string) (string, bool)
	// FS reads files; nil means the operating system's.
	FS FS
	// Constraint parses a requirements file as a constraints file (pip's -c).
	Constraint bool
	// Extras and Groups select a pyproject.toml's [project.optional-dependencies]
	// and [dependency-groups] to include besides [project] dependencies.
	Extras []string
	Groups []string
}

// Parse reads a requirements file, or a pyproject.toml or a PEP 751 lock file
// (pylock.toml, pylock.NAME.toml) when the file is named so.
func Parse(path string, opts Options) (*File, error) {
	if opts.LookupEnv == nil {
		opts.LookupEnv = os.LookupEnv
	}
	if opts.FS == nil {
		opts.FS = osFS{}
	}
	base := filepath.Base(path)
	if base == "pyproject.toml" {
		return parsePyproject(path, opts)
	}
	if IsPylock(path) {
		return parsePylock(path, opts)
	}
	p := &parser{
		opts: opts,
		f:    &File{Path: path},
		sets: map[string]map[string]bool{},
	}
	if err := p.parseFile(path, opts.Constraint, nil, nil); err != nil {
		return nil, err
	}
	p.f.NoBinary = p.sorted("--no-binary")
	p.f.OnlyBinary = p.sorted("--only-binary")
	p.f.AllReleases = p.sorted("--all-releases")
	p.f.OnlyFinal = p.sorted("--only-final")
	return p.f, nil
}

// parser holds what pip accumulates across the lines and files of one parse.
type parser struct {
	opts Options
	f    *File
	// sets holds the name sets that --no-binary, --only-binary, --all-releases
	// and --only-final edit, by option name.
	sets map[string]map[string]bool
	// extraIndexAt is where the kept --extra-index-url options were given.
	extraIndexAt []Position
	noIndexAt    Position
}

func (p *parser) sorted(option string) []string {
	var out []string
	for name := range p.sets[option] {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func (p *parser) warn(w Warning) { p.f.Warnings = append(p.f.Warnings, w) }

// frame is a file being read, and the line of its -r or -c being followed.
type frame struct {
	path string
	line int
}

// includedBy locates the -r or -c option that names a file.
type includedBy struct {
	s   *source
	l   *logical
	opt option
}

func (p *parser) parseFile(path string, constraint bool, stack []frame, from *includedBy) error {
	data, err := p.opts.FS.ReadFile(path)
	if err != nil {
		kind := "requirements file"
		if constraint {
			kind = "constraints file"
		}
		msg, hint := readFailure(p.opts.FS, kind, path, err)
		if from == nil {
			return &Error{Pos: Position{File: path}, Msg: msg, Hint: hint}
		}
		if errors.Is(err, fs.ErrNotExist) {
			hint = "a path after " + from.opt.spelled + " is relative to the file that names it"
		}
		return from.s.errorAt(from.l.at(from.opt.valueAt), msg, hint)
	}
	text, derr := decode(path, data)
	if derr != nil {
		return derr
	}
	s := newSource(path, text, true)
	stack = append(stack[:len(stack):len(stack)], frame{path: filepath.Clean(path)})
	for _, l := range splitLogical(s, p.opts.LookupEnv, p.warn) {
		stack[len(stack)-1].line = s.pos(l.at(0)).Line
		if err := p.handleLine(s, &l, constraint, stack); err != nil {
			return err
		}
	}
	return nil
}

// readFailure explains why the file kind (such as "requirements file") at path
// cannot be read, in words rather than Go's "open PATH: …", and what to do.
func readFailure(fsys FS, kind, path string, err error) (msg, hint string) {
	what := strings.TrimSpace(kind + " " + path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return what + " does not exist", ""
	case isDirectory(fsys, path):
		return what + " is a directory, not a file", "name the file inside it, such as " + filepath.Join(path, "requirements.txt") + " or " + filepath.Join(path, "pyproject.toml")
	case errors.Is(err, fs.ErrPermission):
		return "cannot read " + what + ": permission denied", ""
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "cannot read " + what + ": " + err.Error(), ""
}

func isDirectory(fsys FS, path string) bool {
	fi, err := fsys.Stat(path)
	return err == nil && fi.IsDir()
}

// breakArgs splits a logical line as pip's break_args_options does: the
// requirement is everything before the first space-separated word that starts
// with "-"; the options are the rest. It returns the index where the options
// start (len(text) when there are none) and the requirement's length.
func breakArgs(text string) (argsLen, optStart int) {
	for i := 0; i < len(text); i++ {
		if text[i] == '-' && (i == 0 || text[i-1] == ' ') {
			return max(i-1, 0), i
		}
	}
	return len(text), len(text)
}

func (p *parser) handleLine(s *source, l *logical, constraint bool, stack []frame) error {
	errAt := func(i int, msg, hint string) error { return s.errorAt(l.at(i), msg, hint) }
	warnAt := func(i int, msg string) { p.warn(s.warningAt(l.at(i), msg)) }

	argsLen, optStart := breakArgs(l.text)
	args := l.text[:argsLen]
	words, serr := shellSplit(l.text[optStart:], optStart)
	if serr != nil {
		return errAt(serr.at, serr.msg, "expected "+serr.expected)
	}
	opts, stray, oerr := parseOptions(words)
	if oerr != nil {
		return errAt(oerr.at, oerr.msg, oerr.hint)
	}
	var (
		hashes                       []string
		editables, includes, globals []option
		perRequirementOnly           []option
	)
	for _, o := range opts {
		switch {
		case o.name() == "--hash":
			h, err := checkHash(o)
			if err != nil {
				return errAt(err.at, err.msg, err.hint)
			}
			hashes = append(hashes, h)
			perRequirementOnly = append(perRequirementOnly, o)
		case o.name() == "--config-settings":
			if !strings.Contains(o.value, "=") {
				return errAt(o.valueAt, o.spelled+" needs KEY=VALUE, found "+quote(o.value), "")
			}
			perRequirementOnly = append(perRequirementOnly, o)
		case o.spec.kind == optFormat:
			// pip edits these sets from any line, a requirement's included.
			if err := p.applyFormat(o); err != nil {
				return errAt(err.at, err.msg, err.hint)
			}
		case o.name() == "--use-feature":
			if !contains(useFeatures, o.value) {
				return errAt(o.valueAt, "unknown --use-feature value "+quote(o.value), "pip 26.2 accepts "+strings.Join(useFeatures, ", "))
			}
		case o.name() == "--editable":
			editables = append(editables, o)
		case o.name() == "--requirement" || o.name() == "--constraint":
			includes = append(includes, o)
		default:
			globals = append(globals, o)
		}
	}
	for _, w := range stray {
		warnAt(w.start, quote(w.text)+" is ignored: pip ignores words among the options that are not options or their values")
	}
	ignored := func(list []option, why string) {
		for _, o := range list {
			warnAt(o.at, o.spelled+" is ignored "+why)
		}
	}

	switch {
	case args != "":
		if len(editables) > 0 {
			return errAt(editables[0].at, "-e cannot follow a requirement on the same line", "write -e VALUE on a line of its own")
		}
		ignored(includes, "on a requirement line: pip reads included files only from a line of their own")
		ignored(globals, "on a requirement line: pip applies it only on a line of its own")
		r, err := p.requirementFromLine(s, l, args)
		if err != nil {
			return err
		}
		r.Hashes = hashes
		rawLen, _ := breakArgs(l.raw)
		r.Line = redact.Text(l.raw[:rawLen])
		return p.add(s, l, r, constraint)

	case len(editables) > 0:
		ignored(editables[1:], "after the first -e of a line: pip installs only the first")
		ignored(includes, "on a line with -e: pip reads included files only from a line of their own")
		ignored(globals, "on a line with -e: pip applies it only on a line of its own")
		for _, o := range perRequirementOnly {
			if o.name() == "--hash" {
				warnAt(o.at, o.spelled+" is ignored on an editable requirement: pip checks no hashes for editables")
			}
		}
		e := editables[0]
		if constraint {
			return errAt(e.at, "editable requirements are not allowed in a constraints file", "move the -e line to a requirements file")
		}
		r, err := p.editable(s, l, e)
		if err != nil {
			return err
		}
		r.Line = redact.Text(l.raw)
		p.f.Editables = append(p.f.Editables, r)
		return nil

	case len(includes) > 0:
		// pip follows the first -r of the line, else its first -c.
		inc := includes[0]
		for _, o := range includes {
			if o.name() == "--requirement" {
				inc = o
				break
			}
		}
		for _, o := range includes {
			if o != inc {
				warnAt(o.at, o.spelled+" is ignored: pip follows only one -r or -c per line (the first -r, else the first -c)")
			}
		}
		ignored(globals, "on a line that includes a file: pip ignores the other options of that line")
		ignored(perRequirementOnly, "on a line that includes a file")
		return p.include(s, l, inc, stack)
	}

	for _, o := range perRequirementOnly {
		warnAt(o.at, o.spelled+" is ignored on a line without a requirement, as pip ignores it")
	}
	p.applyGlobals(s, l, globals)
	return nil
}

func (p *parser) add(s *source, l *logical, r Requirement, constraint bool) error {
	if !constraint {
		p.f.Requirements = append(p.f.Requirements, r)
		return nil
	}
	// pip's new resolver rejects these forms of constraint (check_invalid_constraint_type).
	if r.Unnamed() {
		return s.errorAt(l.at(0), "a constraint must name a project: "+quote(r.Line)+" names none",
			"constrain a named project (NAME @ URL, or NAME==VERSION)")
	}
	if len(r.Extras) > 0 {
		i := strings.Index(l.text, "[")
		return s.errorAt(l.at(max(i, 0)), "a constraint cannot have extras",
			"remove the extras: constraints apply to the project whatever extras are requested")
	}
	p.f.Constraints = append(p.f.Constraints, r)
	return nil
}

// applyGlobals applies the finder options of a line without a requirement, in the
// order pip's handle_option_line does.
func (p *parser) applyGlobals(s *source, l *logical, opts []option) {
	pos := func(o option) Position { return s.pos(l.at(o.at)) }
	var index *option
	var findLinks []option
	for i, o := range opts {
		switch o.name() {
		case "--no-index":
			if !p.f.NoIndex {
				p.noIndexAt = pos(o)
			}
			p.f.NoIndex = true
			p.f.IndexURL, p.f.ExtraIndexURLs, p.extraIndexAt = "", nil, nil
		case "--index-url":
			index = &opts[i]
		case "--find-links":
			findLinks = append(findLinks, o)
		case "--trusted-host":
			p.f.TrustedHosts = appendNew(p.f.TrustedHosts, o.value)
		case "--pre":
			p.f.Pre = true
		case "--prefer-binary":
			p.f.PreferBinary = true
		case "--require-hashes":
			p.f.RequireHashes = true
		}
	}
	if index != nil {
		if p.f.NoIndex {
			p.warn(Warning{pos(*index), index.spelled + " is ignored: --no-index was given at " + p.noIndexAt.String()})
		} else {
			for _, at := range p.extraIndexAt {
				p.warn(Warning{pos(*index), fmt.Sprintf("this %s drops the --extra-index-url given at %s: pip keeps only the indexes named after the last --index-url", index.spelled, at)})
			}
			p.f.IndexURL, p.f.ExtraIndexURLs, p.extraIndexAt = index.value, nil, nil
		}
	}
	for _, o := range opts {
		if o.name() != "--extra-index-url" {
			continue
		}
		if p.f.NoIndex {
			p.warn(Warning{pos(o), o.spelled + " is ignored: --no-index was given at " + p.noIndexAt.String()})
			continue
		}
		if !contains(p.f.ExtraIndexURLs, o.value) {
			p.f.ExtraIndexURLs = append(p.f.ExtraIndexURLs, o.value)
			p.extraIndexAt = append(p.extraIndexAt, pos(o))
		}
	}
	for i, o := range findLinks {
		if i > 0 {
			p.warn(Warning{pos(o), o.spelled + " is ignored: pip uses only the first --find-links of a line"})
			continue
		}
		p.f.FindLinks = appendNew(p.f.FindLinks, p.findLinksPath(s.path, o.value))
	}
}

// findLinksPath resolves a relative --find-links path against the file's directory
// when something is there, as pip does; otherwise it is left relative to the working
// directory.
func (p *parser) findLinksPath(file, value string) string {
	if urlScheme(value) != "" || filepath.IsAbs(value) {
		return value
	}
	joined := filepath.Join(filepath.Dir(file), value)
	if _, err := p.opts.FS.Stat(joined); err == nil {
		return joined
	}
	return value
}

// applyFormat edits one of the name sets as pip's FormatControl and ReleaseControl
// handle_mutual_excludes do: ":all:" replaces the set (and empties its opposite),
// ":none:" empties it, names are added to it and removed from its opposite.
func (p *parser) applyFormat(o option) *optionError {
	if strings.HasPrefix(o.value, "-") {
		return &optionError{o.at, o.spelled + " needs a value: :all:, :none: or project names separated by commas", ""}
	}
	opposite := map[string]string{
		"--no-binary": "--only-binary", "--only-binary": "--no-binary",
		"--all-releases": "--only-final", "--only-final": "--all-releases",
	}[o.name()]
	target := p.set(o.name())
	other := p.set(opposite)
	values := strings.Split(o.value, ",")
	for {
		i := indexOf(values, ":all:")
		if i < 0 {
			break
		}
		clear(other)
		clear(target)
		target[":all:"] = true
		values = values[i+1:]
		if !contains(values, ":none:") {
			return nil
		}
	}
	for _, v := range values {
		if v == ":none:" {
			clear(target)
			continue
		}
		name := pep508.NormalizeName(v)
		delete(other, name)
		target[name] = true
	}
	return nil
}

func (p *parser) set(option string) map[string]bool {
	if p.sets[option] == nil {
		p.sets[option] = map[string]bool{}
	}
	return p.sets[option]
}

// include follows a -r or -c option.
func (p *parser) include(s *source, l *logical, o option, stack []frame) error {
	errAt := func(msg, hint string) error { return s.errorAt(l.at(o.valueAt), msg, hint) }
	target := o.value
	switch urlScheme(target) {
	case "":
	case "file":
		path, ok := fileURLPath(target)
		if !ok {
			return errAt("cannot read "+quote(target)+" as a local path", "write the path itself")
		}
		target = path
	default:
		return errAt("depsolve does not download requirements files: "+target,
			"download it and give "+o.spelled+" its local path")
	}
	if filepath.Base(target) == "pyproject.toml" || IsPylock(target) {
		return errAt(o.spelled+" cannot read "+filepath.Base(target)+": pip would read it as a requirements file",
			"give it to depsolve as an input file of its own")
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(s.path), target)
	}
	key := filepath.Clean(target)
	for i, fr := range stack {
		if fr.path != key {
			continue
		}
		var chain []string
		for _, g := range stack[i:] {
			chain = append(chain, fmt.Sprintf("%s:%d", g.path, g.line))
		}
		chain = append(chain, key)
		return errAt("requirements files include each other in a cycle: "+strings.Join(chain, " -> "),
			"remove one of the -r or -c lines of the cycle")
	}
	nested := o.name() == "--constraint" // pip: -r in a constraints file still names requirements
	return p.parseFile(target, nested, stack, &includedBy{s, l, o})
}

func appendNew(list []string, v string) []string {
	if contains(list, v) {
		return list
	}
	return append(list, v)
}

func contains(list []string, v string) bool { return indexOf(list, v) >= 0 }

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

// quote quotes s for a message, as Python's repr would.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
