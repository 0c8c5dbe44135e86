package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/resolver"
	"github.com/depsolve/depsolve/target"
)

// DefaultRequirements is the file Check and Lock read when given none; DefaultProject is
// the one they read when it is absent, as uv reads a project's pyproject.toml.
const (
	DefaultRequirements = "requirements.txt"
	DefaultProject      = "pyproject.toml"
)

// defaultInput is the file read when none is given: requirements.txt, else a
// pyproject.toml beside it, else requirements.txt (whose absence is then the error).
func defaultInput() string {
	if _, err := lookAt(DefaultRequirements); errors.Is(err, fs.ErrNotExist) {
		if _, err := lookAt(DefaultProject); err == nil {
			return DefaultProject
		}
	}
	return DefaultRequirements
}

// lookAt is os.Stat, told to the run's log (package runlog): what is there, or its
// absence, decides what a run reads.
func lookAt(path string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	runlog.Stat(path, fi, err)
	return fi, err
}

// inputs is what the requirement files ask for.
type inputs struct {
	files        []*reqfile.File
	requirements []reqfile.Requirement
	constraints  []reqfile.Requirement
	pre          bool
	// read is every file read for them, included ones too, even those that add no
	// requirement (an options-only -r file, a comment-only -c file).
	read []string
	// direct are the requirements that name URLs, once the target is known
	// (session.resolveDirect).
	direct *directRefs
	// skipped are the warnings of the editable requirements, which are not resolved.
	skipped []Warning
}

// WarningEditableSkipped is the code of an editable requirement (-e PATH|URL): depsolve
// neither resolves nor locks it, so nothing it needs is checked, where pip-compile
// resolves its dependencies.
const WarningEditableSkipped = "editable-skipped"

// recordingFS reads the operating system's files within reqfile's size bound, noting
// each path read.
type recordingFS struct{ read *[]string }

func (r recordingFS) ReadFile(name string) ([]byte, error) {
	if err := refuseReadOnce(name); err != nil {
		return nil, err
	}
	data, err := reqfile.ReadFile(name)
	if err == nil {
		*r.read = append(*r.read, name)
	}
	return data, err
}

func (recordingFS) Stat(name string) (fs.FileInfo, error) { return lookAt(name) }

// loadInputs parses the requirement files (positional and -r), then the -c files.
// Editable lines cannot be locked: they are left out with a warning. Lines that name
// URLs are settled once the target is known (session.resolveDirect).
func loadInputs(r Reporter, req *Request) (*inputs, error) {
	paths := req.Requirements
	defaulted := len(paths) == 0
	if defaulted {
		paths = []string{defaultInput()}
	}
	in := &inputs{pre: req.Pre}
	opts := reqfile.Options{Extras: req.Extras, Groups: req.Groups, FS: recordingFS{&in.read}}
	for _, path := range paths {
		file, err := reqfile.Parse(path, opts)
		var e *reqfile.Error
		if defaulted && errors.As(err, &e) && e.Hint == "" {
			if _, statErr := lookAt(path); errors.Is(statErr, fs.ErrNotExist) {
				e.Hint = "given no FILE, depsolve reads " + DefaultRequirements + " in the current directory, else " + DefaultProject + ": name the requirements file or pyproject.toml to read"
				if near := likelyInputs(); len(near) > 0 {
					e.Hint += "; this folder has " + strings.Join(near, ", ") + " (depsolve check " + near[0] + ")"
				}
			}
		}
		if err != nil {
			return nil, err
		}
		in.add(r, file)
		in.requirements = append(in.requirements, file.Requirements...)
		in.constraints = append(in.constraints, file.Constraints...)
		if len(file.Requirements)+len(file.Constraints)+len(file.Editables) == 0 {
			what := "requirements"
			if file.Format == reqfile.FormatPyproject {
				what = "dependencies (optional ones need --extra or --group)"
			}
			r.Warn(fmt.Sprintf("%s lists no %s: there is nothing to resolve", path, what))
		}
	}
	if err := checkSelections(req, in); err != nil {
		return nil, err
	}
	for _, path := range req.Constraints {
		file, err := reqfile.Parse(path, reqfile.Options{Constraint: true, FS: recordingFS{&in.read}})
		if err != nil {
			return nil, err
		}
		in.add(r, file)
		in.constraints = append(in.constraints, file.Requirements...)
		in.constraints = append(in.constraints, file.Constraints...)
	}
	return in, nil
}

func (in *inputs) add(r Reporter, file *reqfile.File) {
	in.files = append(in.files, file)
	for _, w := range file.Warnings {
		r.Warn(w.String())
	}
	for _, e := range file.Editables {
		in.skipped = append(in.skipped, Warning{Code: WarningEditableSkipped, Message: "skipped: " + e.Unlockable()})
	}
	if file.Pre || slices.Contains(file.AllReleases, ":all:") {
		in.pre = true
	}
}

// unresolvable reports a requirement the resolver cannot take from an index.
func unresolvable(r reqfile.Requirement) error {
	switch {
	case r.Unnamed():
		return r.Error("the requirement names no project",
			"depsolve never builds packages to learn their name: write it as NAME @ URL, or add #egg=NAME to the URL")
	case r.URL != "":
		return r.Error("direct URL references (NAME @ URL) are not resolved from an index",
			"pin the project by version (NAME==VERSION) and give the index or --find-links folder that has it")
	}
	return nil
}

// fileProblem says in words why path cannot be read (err may be nil for a directory).
func fileProblem(path string, err error) string {
	if fi, statErr := lookAt(path); statErr == nil && fi.IsDir() {
		return path + " is a directory, not a file"
	}
	var pe *fs.PathError
	switch {
	case err == nil:
		return "cannot read " + path
	case errors.Is(err, fs.ErrNotExist):
		return path + " does not exist"
	case errors.As(err, &pe):
		return "cannot read " + path + ": " + pe.Err.Error()
	}
	return "cannot read " + path + ": " + err.Error()
}

// origin is where a requirement was written, as explanations and "# via" cite it: its
// line.
func origin(r reqfile.Requirement) reqfile.Position { return r.Pos.LineOnly() }

func resolverRequirements(rs []reqfile.Requirement) []resolver.Requirement {
	out := make([]resolver.Requirement, 0, len(rs))
	for _, r := range rs {
		out = append(out, resolver.Requirement{Requirement: r.Requirement, Origin: origin(r), Lock: r.Lock})
	}
	return out
}

// Sourced is one setting and where it came from: "flag --index-url", a file's path
// or file:line, "$PIP_INDEX_URL", "default".
type Sourced struct {
	Value  string
	Origin string
}

// IndexSettings is where packages come from, merged from every source: flags, then the
// requirement files' own options (as pip reads them), then depsolve.toml and
// [tool.depsolve], then PIP_INDEX_URL and PIP_EXTRA_INDEX_URL, then PyPI.
type IndexSettings struct {
	IndexURL     Sourced
	ExtraIndex   []Sourced
	FindLinks    []Sourced
	NoIndex      bool
	Strategy     Sourced
	TrustedHosts []string
	OnlyBinary   []string
	NoBinary     []string
	// Pinned are the indexes projects are taken from alone ([tool.uv.sources] NAME =
	// { index = ... }), by project.
	Pinned map[string]Sourced
}

func mergeIndexes(req *Request, files []*reqfile.File, configs []*target.Config) IndexSettings {
	var s IndexSettings
	// The default index: the first source that names one.
	candidates := []Sourced{{req.IndexURL, "flag --index-url"}}
	for i := len(files) - 1; i >= 0; i-- { // pip: the last --index-url wins
		uvDefault, _, _ := uvIndexSettings(files[i])
		candidates = append(candidates, Sourced{files[i].IndexURL, files[i].Path}, uvDefault)
	}
	for _, c := range configs {
		candidates = append(candidates, Sourced{c.IndexURL.Text, c.IndexURL.Origin.String()})
	}
	// White space is not part of a URL: the variable may hold a secret read with its line
	// break, and a blank one is as good as unset.
	candidates = append(candidates, Sourced{strings.TrimSpace(runlog.Getenv("PIP_INDEX_URL")), "$PIP_INDEX_URL"},
		Sourced{index.DefaultIndexURL, "default"})
	for _, c := range candidates {
		if c.Value != "" {
			s.IndexURL = Sourced{withoutMaskedCredentials(c.Value), c.Origin}
			break
		}
	}

	// Extra indexes: those of the first of flags, config and environment that gives
	// any, then every requirement file's (pip adds a file's to the command line's).
	var extra []Sourced
	for _, u := range req.ExtraIndexURLs {
		extra = append(extra, Sourced{u, "flag --extra-index-url"})
	}
	for _, c := range configs {
		if extra != nil {
			break
		}
		for _, v := range c.ExtraIndexURLs {
			extra = append(extra, Sourced{v.Text, v.Origin.String()})
		}
	}
	if extra == nil {
		for _, u := range envList("PIP_EXTRA_INDEX_URL") {
			extra = append(extra, Sourced{u, "$PIP_EXTRA_INDEX_URL"})
		}
	}
	for _, file := range files {
		for _, u := range file.ExtraIndexURLs {
			extra = append(extra, Sourced{u, file.Path})
		}
		_, uvExtra, _ := uvIndexSettings(file)
		extra = append(extra, uvExtra...)
	}
	s.ExtraIndex = dedupe(extra)

	// find-links: every source's, flags first.
	var links []Sourced
	for _, l := range req.FindLinks {
		links = append(links, Sourced{l, "flag --find-links"})
	}
	for _, file := range files {
		for i, l := range file.FindLinks {
			links = append(links, Sourced{l, file.FindLinksAt[i].LineOnly().String()})
		}
		_, _, uvFlat := uvIndexSettings(file)
		links = append(links, uvFlat...)
	}
	for _, c := range configs {
		for _, v := range c.FindLinks {
			links = append(links, Sourced{v.Text, v.Origin.String()})
		}
	}
	s.FindLinks = dedupe(links)

	s.NoIndex = req.NoIndex
	s.TrustedHosts = slices.Clone(req.TrustedHosts)
	// The binary selections edit one another in order, as pip's do (":none:" empties
	// what came before): the configuration first, then the files, then the flags, so
	// that the higher source has the last word.
	noBuild := req.NoBuild
	for _, c := range slices.Backward(configs) {
		for _, v := range c.OnlyBinary {
			s.OnlyBinary = append(s.OnlyBinary, v.Text)
		}
		for _, v := range c.NoBinary {
			s.NoBinary = append(s.NoBinary, v.Text)
		}
		noBuild = noBuild || c.NoBuild.On
	}
	for _, file := range files {
		s.NoIndex = s.NoIndex || file.NoIndex
		s.TrustedHosts = append(s.TrustedHosts, file.TrustedHosts...)
		s.OnlyBinary = append(s.OnlyBinary, file.OnlyBinary...)
		s.NoBinary = append(s.NoBinary, file.NoBinary...)
	}
	s.OnlyBinary = append(s.OnlyBinary, req.OnlyBinary...)
	s.NoBinary = append(s.NoBinary, req.NoBinary...)
	if noBuild {
		s.OnlyBinary = append(s.OnlyBinary, ":all:")
	}

	s.Strategy = Sourced{target.FirstIndex, "default"}
	if req.IndexStrategy != "" {
		s.Strategy = Sourced{req.IndexStrategy, "flag --index-strategy"}
	} else {
		for _, c := range configs {
			if c.IndexStrategy.Known() {
				s.Strategy = Sourced{c.IndexStrategy.Text, c.IndexStrategy.Origin.String()}
				break
			}
		}
	}
	return s
}

// checkBinarySelections checks the values of --only-binary and --no-binary as pip does.
func checkBinarySelections(req *Request) error {
	for _, sel := range []struct {
		flag   string
		values []string
	}{{"--only-binary", req.OnlyBinary}, {"--no-binary", req.NoBinary}} {
		for _, v := range sel.values {
			for _, name := range strings.Split(v, ",") {
				if err := target.CheckBinaryValue(strings.TrimSpace(name)); err != nil {
					return &target.InputError{Flag: sel.flag, Msg: err.Error()}
				}
			}
		}
	}
	return nil
}

// checkTrustedHosts checks the values of --trusted-host: a host, or HOST:PORT. A lock's
// header repeats the command, so a line break in one was refused only once the lock was
// resolved, as a failure to write it (exit 3), not as the bad flag it is.
func checkTrustedHosts(req *Request) error {
	for _, h := range req.TrustedHosts {
		if h == "" || strings.ContainsFunc(h, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			return &target.InputError{Flag: "--trusted-host", Msg: fmt.Sprintf("%q: want a host name, or HOST:PORT", h)}
		}
	}
	return nil
}

func dedupe(list []Sourced) []Sourced {
	var out []Sourced
	seen := map[string]bool{}
	for _, s := range list {
		s.Value = withoutMaskedCredentials(s.Value)
		if !seen[s.Value] {
			seen[s.Value] = true
			out = append(out, s)
		}
	}
	return out
}

// withoutMaskedCredentials drops user information that is only a mask: a lockfile
// records its index URLs redacted, and sending the mask as a user name would fail where
// ~/.netrc has the real credentials.
func withoutMaskedCredentials(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	name := u.User.Username()
	pass, _ := u.User.Password()
	if (name == redact.Mask || name == "") && (pass == "" || pass == redact.Mask) ||
		name != "" && pass == redact.Mask {
		u.User = nil
		return u.String()
	}
	return raw
}

// envList splits a PIP_EXTRA_INDEX_URL-style value: whitespace-separated, as pip reads it.
func envList(name string) []string { return strings.Fields(runlog.Getenv(name)) }

// paths are the input files' paths, in the order read.
func (in *inputs) paths() []string {
	out := make([]string, 0, len(in.files))
	for _, f := range in.files {
		out = append(out, f.Path)
	}
	return out
}

// likelyInputs are the files of the current folder that look like what a check reads
// (depsolve init writes requirements.in and requirements.lock), sorted, a few at most.
func likelyInputs() []string {
	runlog.Unrepeatable("a hint listed the current folder")
	var out []string
	for _, pattern := range []string{"requirements*.lock", "pylock*.toml", "requirements*.in", "requirements*.txt", "constraints*.txt"} {
		names, _ := filepath.Glob(pattern)
		out = append(out, names...)
	}
	return out[:min(len(out), 4)]
}
