package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/reqfile"
)

// LockFormat is the format of a lockfile.
type LockFormat string

const (
	// Requirements is pip-compile's format: a requirements file with --hash options
	// and "# via" notes, installed with pip install --require-hashes.
	Requirements LockFormat = "requirements"
	// Pylock is PEP 751's pylock.toml.
	Pylock LockFormat = "pylock"
)

// DefaultOutput is where a lock of the format goes when LockRequest.Output is "".
func (f LockFormat) DefaultOutput() string {
	if f == Pylock {
		return "pylock.toml"
	}
	return "requirements.lock"
}

// LockRequest is a Request to write a lock.
type LockRequest struct {
	Request
	Format LockFormat // "" is Requirements
	// Output is the file to write; "" for Format.DefaultOutput(), "-" for none (the
	// lock is only returned). An existing Output keeps its pins where they are still
	// allowed, unless Upgrade; UpgradePackages may move from theirs.
	Output          string
	Upgrade         bool
	UpgradePackages []UpgradePackage
	NoHashes        bool   // leave out the --hash options (Requirements)
	Command         string // the command the lock's header records as having made it
}

// UpgradePackage is pip-compile's --upgrade-package NAME[==VERSION]: the package may move
// from its pin in an existing lock; to Version, when it is set. A package the solution
// does not hold is a *RequestError: the name is likely misspelt.
type UpgradePackage struct {
	Name    string // PEP 503-normalized
	Version string // "" for the newest allowed
}

// Locked is what Lock did: the verdict, and where the lock went.
type Locked struct {
	Verdict
	Output  string // the file written, or "-"
	Content []byte // the lock; nil for a conflict
	// Changes are the pins that differ from those of the existing Output, by name; nil
	// when there was none to compare with.
	Changes []Change
}

// Change is a pin that a re-lock added, removed or moved.
type Change struct {
	Name     string
	Old, New string // versions; Old "" for an added pin, New "" for a removed one
	Kind     ChangeKind
}

// ChangeKind is how a pin changed, as uv's summary words it.
type ChangeKind string

const (
	Added      ChangeKind = "added"
	Removed    ChangeKind = "removed"
	Upgraded   ChangeKind = "upgraded"
	Downgraded ChangeKind = "downgraded"
)

// Lock resolves the requirements of req for its target and writes every pin with the
// sha256 of each of its files usable on the target. Output is replaced atomically, and
// only once the lock is complete: a conflict (Status Conflict), an error or a cancelled
// ctx leave it untouched. It is refused, before anything is resolved, when it cannot be
// written or is a file the lock is made from.
func Lock(ctx context.Context, req LockRequest) (Locked, error) {
	r := req.reporter()
	if req.Format == "" {
		req.Format = Requirements
	}
	if req.Format != Requirements && req.Format != Pylock {
		return Locked{}, &RequestError{Err: fmt.Errorf("lock format %q: want %s or %s", req.Format, Requirements, Pylock)}
	}
	if strings.ContainsFunc(req.Command, unicode.IsControl) {
		// The header repeats the command, a line of the lock each line of it: refused
		// now, not once the lock is resolved (lockfile refuses to write it).
		return Locked{}, &RequestError{Err: fmt.Errorf("the command holds a control character, such as a line break in a flag's value (%q), and the lock's header repeats it: give the value without it", redact.Text(req.Command))}
	}
	if req.NoHashes && req.Format == Pylock {
		return Locked{}, &RequestError{Err: errors.New("--no-hashes leaves out the --hash lines of a requirements lock; a pylock.toml records the sha256 of each file, as PEP 751 requires: give one of them")}
	}
	out := Locked{Output: req.Output}
	if out.Output == "" {
		out.Output = req.Format.DefaultOutput()
	}
	if req.Format == Requirements && reqfile.IsPylock(out.Output) {
		return out, &RequestError{Err: fmt.Errorf("-o %s: a file of that name is a PEP 751 lock, read as TOML (by depsolve check and pip), and the lock's format is requirements: give --format pylock, or another name such as requirements.lock", out.Output)}
	}
	if err := checkOutput(lockOutput(out.Output, req.Format)); err != nil {
		return out, err
	}
	if req.Format == Pylock && out.Output != "-" && !reqfile.IsPylock(out.Output) {
		r.Warn(fmt.Sprintf("-o %s: PEP 751 names a lock pylock.toml or pylock.NAME.toml; installers may not read %s as one", out.Output, filepath.Base(out.Output)))
	}
	in, err := loadInputs(r, &req.Request)
	if err != nil {
		return out, err
	}
	s, err := openSession(ctx, &req.Request, in.files, true)
	if err != nil {
		return out, err
	}
	defer s.close()
	out.Target, out.Inputs, out.Warnings = s.target, in.paths(), s.lockOverrides
	if err := checkNotRead(lockOutput(out.Output, req.Format), in, s); err != nil {
		return out, err
	}
	var previous, preferred map[string]pep440.Version
	if out.Output != "-" {
		if previous, err = existingPins(out.Output, req.Format); err != nil {
			r.Warn(fmt.Sprintf("%s: %v; its pins are not kept", out.Output, err))
		}
	}
	if !req.Upgrade && previous != nil {
		preferred = maps.Clone(previous)
	}
	for _, u := range req.UpgradePackages {
		delete(preferred, u.Name)
		if u.Version != "" {
			rq, err := pep508.ParseRequirement(u.Name + "==" + u.Version)
			if err != nil {
				return out, &RequestError{Err: fmt.Errorf("--upgrade-package %s==%s: %w", u.Name, u.Version, err)}
			}
			in.constraints = append(in.constraints, reqfile.Requirement{Requirement: rq, Pos: reqfile.Position{File: "--upgrade-package"}, Line: u.Name + "==" + u.Version})
		}
	}

	s.announce()
	ix, err := s.newIndex(in.pre)
	if err != nil {
		return out, err
	}
	defer ix.Close()
	res, err := s.resolve(ctx, ix, in, preferred)
	if err != nil {
		return out, err
	}
	if res.conflict != nil {
		s.conflicted(res, &out.Verdict)
		return out, nil
	}
	if err := checkUpgrades(req.UpgradePackages, res.packages); err != nil {
		return out, err
	}
	if err := s.withFiles(ctx, ix, res); err != nil {
		return out, err
	}
	if !req.NoHashes {
		if err := s.hashDirectWheels(ctx, ix, res.packages); err != nil {
			return out, err
		}
	}
	if previous != nil {
		out.Changes = changes(previous, res.packages)
	}
	if err := s.settle(ctx, ix, res, &out.Verdict); err != nil {
		return out, err
	}
	if out.Status != OK {
		return out, nil
	}

	l := &lockfile.Lock{
		Command:    req.Command,
		Target:     s.lockFields(),
		NoIndex:    s.indexes.NoIndex,
		OnlyBinary: s.indexes.OnlyBinary,
		NoBinary:   s.indexes.NoBinary,
		Packages:   lockPackages(res.packages),
	}
	if strings.TrimSuffix(s.indexes.IndexURL.Value, "/") != strings.TrimSuffix(index.DefaultIndexURL, "/") {
		l.IndexURL = s.indexes.IndexURL.Value
	}
	for _, e := range s.indexes.ExtraIndex {
		l.ExtraIndexURLs = append(l.ExtraIndexURLs, e.Value)
	}
	for _, fl := range s.indexes.FindLinks {
		l.FindLinks = append(l.FindLinks, fl.Value)
	}
	if err := relativeLocalFiles(l.Packages, res.packages, out.Output); err != nil {
		return out, err
	}
	lockSizes(l, out.Sizes)
	var b bytes.Buffer
	if req.Format == Pylock {
		err = lockfile.WritePylock(&b, l)
	} else {
		err = lockfile.WriteRequirements(&b, l, lockfile.RequirementsOptions{NoHashes: req.NoHashes})
	}
	if err != nil {
		return out, err
	}
	if out.Output != "-" {
		if err := lockfile.WriteFileAtomic(out.Output, b.Bytes(), 0o644); err != nil {
			return out, err
		}
	}
	out.Content = b.Bytes()
	return out, nil
}

// checkUpgrades refuses an --upgrade-package that names no package of the solution, as a
// typo would: it would otherwise change nothing, silently.
func checkUpgrades(upgrades []UpgradePackage, packages []Package) error {
	for _, u := range upgrades {
		if !slices.ContainsFunc(packages, func(p Package) bool { return p.Name == u.Name }) {
			return &RequestError{Err: fmt.Errorf("--upgrade-package %s: %s is not in the solution; name a package the lock pins", u.Name, u.Name)}
		}
	}
	return nil
}

// changes compares the pins of the previous lock with the solution, by name.
func changes(previous map[string]pep440.Version, packages []Package) []Change {
	var out []Change
	now := map[string]bool{}
	for _, p := range packages {
		now[p.Name] = true
		old, ok := previous[p.Name]
		switch {
		case !ok:
			out = append(out, Change{Name: p.Name, New: p.Version.String(), Kind: Added})
		case p.Version.Compare(old) > 0:
			out = append(out, Change{Name: p.Name, Old: old.String(), New: p.Version.String(), Kind: Upgraded})
		case p.Version.Compare(old) < 0:
			out = append(out, Change{Name: p.Name, Old: old.String(), New: p.Version.String(), Kind: Downgraded})
		}
	}
	for name, old := range previous {
		if !now[name] {
			out = append(out, Change{Name: name, Old: old.String(), Kind: Removed})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// An output is a file a run writes once it has its answer: lock's -o, size's --html.
type output struct {
	flag, path string
	what       string // "lock", "report": what would replace the file
	suggest    string // a file name the advice proposes: "requirements.lock"
}

func lockOutput(path string, format LockFormat) output {
	return output{flag: "-o", path: path, what: "lock", suggest: format.DefaultOutput()}
}

// fail is a RequestError about o: "-o PATH: ...".
func (o output) fail(format string, args ...any) error {
	return &RequestError{Err: fmt.Errorf("%s %s: "+format, append([]any{o.flag, o.path}, args...)...)}
}

// checkOutput fails early, before anything is resolved, when o could not be written: a
// directory, or a file in a folder that does not exist.
func checkOutput(o output) error {
	path := o.path
	switch {
	case path == "-" && o.flag == "-o":
		return nil
	case path == "-":
		// Not stdout, as lock's -o - is: the report would be a file named "-".
		return o.fail("- is no file name here: the report is written to a file, and the table to stdout; give a file path, such as %s", o.suggest)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return o.fail("that is a directory; give a file path, such as %s", filepath.Join(path, o.suggest))
	}
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return o.fail("the directory %s does not exist; create it first", dir)
	case err != nil:
		return o.fail("%s", fileProblem(dir, err))
	case !fi.IsDir():
		return o.fail("%s is not a directory", dir)
	}
	var folder *lockfile.FolderError
	switch err := lockfile.CheckReplaceable(path); {
	case errors.As(err, &folder):
		return o.fail("%v; write the %s elsewhere", folder, o.what)
	case errors.Is(err, lockfile.ErrReadOnly):
		return o.fail("the file is read-only: depsolve does not replace a file marked so; make it writable (chmod u+w %s) or write elsewhere", path)
	case errors.Is(err, lockfile.ErrNotRegular) && o.flag == "-o":
		return o.fail("not a regular file; give a file path, or - for stdout")
	case errors.Is(err, lockfile.ErrNotRegular):
		return o.fail("not a regular file; give a file path")
	case err != nil:
		return o.fail("%v", errors.Unwrap(err))
	}
	return nil
}

// checkNotRead fails when o would replace a file the answer is made from: a requirement
// or constraint file (included ones too, even one that only sets options), the
// configuration (depsolve.toml, or the pyproject.toml whose [tool.depsolve] is read), or
// the Dockerfile. Files are compared as files, not as paths: ./a, a symbolic link to a
// and a hard link to it are all a.
func checkNotRead(o output, in *inputs, s *session) error {
	out := o.path
	if out == "-" {
		return nil
	}
	fo, err := os.Stat(out)
	if err != nil {
		return nil // not there yet: it cannot have been read
	}
	type read struct{ path, as string }
	var files []read
	for _, p := range in.read {
		files = append(files, read{p, "an input"})
	}
	if s.req.Config != "" {
		files = append(files, read{s.req.Config, "the configuration (--config)"})
	} else {
		// target.LoadConfigs reads both, whether or not pyproject.toml has [tool.depsolve].
		files = append(files, read{"depsolve.toml", "the configuration"}, read{"pyproject.toml", "the configuration"})
	}
	if s.target.Dockerfile.Known() {
		files = append(files, read{s.target.Dockerfile.Text, "the Dockerfile"})
	}
	for _, r := range files {
		if fi, err := os.Stat(r.path); err == nil && os.SameFile(fi, fo) {
			advice := "write the " + o.what + " to another file"
			if fi, err := os.Stat(o.suggest); err != nil || !os.SameFile(fi, fo) {
				advice += ", such as " + o.suggest
			}
			return o.fail("that is %s, read as %s: the %s would replace it; %s", r.path, r.as, o.what, advice)
		}
	}
	return nil
}

// existingPins reads the pins of a lock written earlier, to keep them where they are still
// allowed. A missing file has none. Both formats are read as inputs are: a pylock.toml
// by reqfile's PEP 751 reader, the one depsolve has.
func existingPins(path string, format LockFormat) (map[string]pep440.Version, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	file, err := reqfile.Parse(path, reqfile.Options{Pylock: format == Pylock, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		return nil, err
	}
	return preferredFrom(file.Requirements), nil
}

// hashDirectWheels gives the wheel of each NAME @ URL pin whose requirement names no
// hash (no --hash, no #sha256=) the SHA-256 of the file, read whole: the lock writes a
// --hash for it, as for every other pin, where pip's hash-checking mode, on as soon as
// one line has a hash, refuses the line without one.
func (s *session) hashDirectWheels(ctx context.Context, ix *index.Index, packages []Package) error {
	for i := range packages {
		p := &packages[i]
		if p.DirectURL == "" || p.Unverified || len(p.Files) != 1 || p.Files[0].SHA256 != "" {
			continue
		}
		sum, size, err := ix.DirectWheelHash(ctx, p.DirectURL)
		if err != nil {
			return s.explain(err)
		}
		p.Files[0].SHA256 = sum
		if p.Files[0].Size == 0 {
			p.Files[0].Size = size
		}
	}
	return nil
}
