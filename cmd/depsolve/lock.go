package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/reqfile"
)

type lockFlags struct {
	output          string
	noHashes        bool
	upgrade         bool
	upgradePackages []string
}

func newLockCommand(stdout, stderr io.Writer) *cobra.Command {
	f := &inputFlags{}
	lf := &lockFlags{}
	format := newFormatFlag("requirements", "requirements", "pylock")
	cmd := &cobra.Command{
		Use:   "lock [FILE...] [-o OUT]",
		Short: "Write a pinned, hashed lockfile for the target",
		Long: `Lock resolves the requirements for the target and writes every pin, with the
sha256 of each file of that version usable on the target and "# via" notes,
in a requirements file pip installs with --require-hashes (pip-compile's
format), or with --format pylock in a PEP 751 pylock.toml.

Re-running keeps the pins of an existing OUT that are still allowed; --upgrade
moves them all to the newest allowed versions, --upgrade-package NAME one.
OUT is replaced atomically, and the same inputs give the same bytes. Index
credentials are never written: URLs are recorded with them masked.

OUT keeps its permissions; a new OUT gets 0644 less the umask. A symbolic link
is written through: the file it leads to is replaced, the link stays. OUT is
refused, before anything is resolved, when it is read-only (no write
permission for its owner: make it writable first) or when it is a file the
lock is made from: a requirements or constraints file, one they include, the
configuration (depsolve.toml, pyproject.toml) or the Dockerfile.

Exit status: 0 locked, 1 conflict (OUT untouched), 2 bad input or usage,
3 index, network or cache failure, 130 interrupted (Ctrl-C: OUT
untouched).`,
		Example: `  # requirements.txt -> requirements.lock, for a container on H100s
  depsolve lock --base-image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 --driver 550.54.15 --gpu H100

  # A PEP 751 lock from pyproject.toml, with the "cuda" extra
  depsolve lock pyproject.toml --extra cuda --format pylock -o pylock.toml

  # Move only torch to its newest allowed version
  depsolve lock -o requirements.lock --upgrade-package torch

  # Print the lock instead of writing it
  depsolve lock -o - --no-hashes`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			u := newUI(stdout, stderr, f.noColor, f.quiet)
			return runLock(cmd.Context(), u, f, lf, format.value, commandLine(cmd, args), args)
		},
	}
	f.registerSources(cmd.Flags())
	f.registerTimeout(cmd.Flags())
	f.registerTarget(cmd.Flags())
	f.registerOutput(cmd.Flags())
	cmd.Flags().StringVarP(&lf.output, "output", "o", "", "write the lock to `OUT` (default requirements.lock, or pylock.toml with --format pylock; - for stdout)")
	notInLockHeader(cmd.Flags(), "output")
	cmd.Flags().BoolVar(&lf.noHashes, "no-hashes", false, "leave out the --hash lines (requirements format)")
	cmd.Flags().BoolVarP(&lf.upgrade, "upgrade", "U", false, "ignore the pins of an existing OUT: take the newest allowed versions")
	cmd.Flags().StringArrayVarP(&lf.upgradePackages, "upgrade-package", "P", nil, "let `NAME` move from its pin in an existing OUT (repeatable)")
	format.register(cmd, "lockfile `FORMAT`: requirements (pip-compile style) or pylock (PEP 751)")
	completeTargetFlags(cmd)
	return cmd
}

// defaultOutput is where lock writes, by format, without -o.
var defaultOutput = map[string]string{"requirements": "requirements.lock", "pylock": "pylock.toml"}

func runLock(ctx context.Context, u *ui, f *inputFlags, lf *lockFlags, format, command string, args []string) error {
	out := lf.output
	if out == "" {
		out = defaultOutput[format]
	}
	upgrade := map[string]bool{}
	for _, name := range lf.upgradePackages {
		if !projectName.MatchString(name) {
			return usageError{err: fmt.Errorf("--upgrade-package %q: want a project name", name), command: "depsolve lock"}
		}
		upgrade[pep508.NormalizeName(name)] = true
	}

	if err := checkOutput(out); err != nil {
		return err
	}
	in, err := loadInputs(u, f, args)
	if err != nil {
		return err
	}
	s, err := openSession(ctx, u, f, in.files, true)
	if err != nil {
		return err
	}
	if err := checkNotRead(out, format, in, f, s); err != nil {
		return err
	}
	var preferred map[string]pep440.Version
	if !lf.upgrade && out != "-" {
		if preferred, err = existingPins(out, format); err != nil {
			u.warn("%s: %v; its pins are not kept", out, err)
		}
		for name := range upgrade {
			delete(preferred, name)
		}
	}

	for _, n := range s.target.Notes {
		u.note("%s", n)
	}
	target := targetSummary(s.target)
	ix, err := s.newIndex(in.pre)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := s.resolve(ctx, ix, in, preferred)
	if err != nil {
		return err
	}
	if res.conflict != nil {
		printConflict(u, "the requirements cannot all be met for "+target, explanation(u, res.conflict), res.hints)
		return exitStatus(exitConflict)
	}
	if err := s.withFiles(ctx, ix, res); err != nil {
		return err
	}

	l := &lockfile.Lock{
		Command:  command,
		Target:   targetFields(s.target),
		NoIndex:  s.indexes.NoIndex,
		Packages: lockPackages(res),
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
	var b bytes.Buffer
	if format == "pylock" {
		err = lockfile.WritePylock(&b, l)
	} else {
		err = lockfile.WriteRequirements(&b, l, lockfile.RequirementsOptions{NoHashes: lf.noHashes})
	}
	if err != nil {
		return err
	}
	if out == "-" {
		u.print(b.String())
	} else if err := lockfile.WriteFileAtomic(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	if !u.quiet {
		printLockSummary(u, res, out, target)
	}
	return nil
}

// checkOutput fails early, before anything is resolved, when the lock could not be
// written to path: a directory, or a file in a folder that does not exist.
func checkOutput(path string) error {
	if path == "-" {
		return nil
	}
	fail := func(format string, args ...any) error {
		return usageError{err: fmt.Errorf("-o %s: "+format, append([]any{path}, args...)...)}
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fail("that is a directory; give a file path, such as %s", filepath.Join(path, "requirements.lock"))
	}
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fail("the directory %s does not exist; create it first", dir)
	case err != nil:
		return fail("%s", fileProblem(dir, err))
	case !fi.IsDir():
		return fail("%s is not a directory", dir)
	}
	switch err := lockfile.CheckReplaceable(path); {
	case errors.Is(err, lockfile.ErrReadOnly):
		return fail("the file is read-only: depsolve does not replace a file marked so; make it writable (chmod u+w %s) or write elsewhere", path)
	case errors.Is(err, lockfile.ErrNotRegular):
		return fail("not a regular file; give a file path, or - for stdout")
	case err != nil:
		return fail("%v", errors.Unwrap(err))
	}
	return nil
}

// checkNotRead fails when the lock would replace a file it was made from: a requirement
// or constraint file (included ones too, even one that only sets options), the
// configuration (depsolve.toml, or the pyproject.toml whose [tool.depsolve] is read), or
// the Dockerfile. Files are compared as files, not as paths: ./a, a symbolic link to a
// and a hard link to it are all a.
func checkNotRead(out, format string, in *inputs, f *inputFlags, s *session) error {
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
	if f.config != "" {
		files = append(files, read{f.config, "the configuration (--config)"})
	} else {
		// target.LoadConfigs reads both, whether or not pyproject.toml has [tool.depsolve].
		files = append(files, read{"depsolve.toml", "the configuration"}, read{"pyproject.toml", "the configuration"})
	}
	if s.target.Dockerfile.Known() {
		files = append(files, read{s.target.Dockerfile.Text, "the Dockerfile"})
	}
	for _, r := range files {
		if fi, err := os.Stat(r.path); err == nil && os.SameFile(fi, fo) {
			advice := "write the lock to another file"
			if fi, err := os.Stat(defaultOutput[format]); err != nil || !os.SameFile(fi, fo) {
				advice += ", such as " + defaultOutput[format]
			}
			return usageError{err: fmt.Errorf("-o %s: that is %s, read as %s: the lock would replace it; %s", out, r.path, r.as, advice)}
		}
	}
	return nil
}

// projectName is the syntax of a project name (PEP 508).
var projectName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)

// existingPins reads the pins of a lock written earlier, to keep them where they are still
// allowed. A missing file has none.
func existingPins(path, format string) (map[string]pep440.Version, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if format == "pylock" {
		data, err := reqfile.ReadFile(path)
		if err != nil {
			return nil, err
		}
		l, err := lockfile.ReadPylock(data)
		if err != nil {
			return nil, err
		}
		pins := map[string]pep440.Version{}
		for _, p := range l.Packages {
			if v, err := pep440.Parse(p.Version); err == nil {
				pins[pep508.NormalizeName(p.Name)] = v
			}
		}
		return pins, nil
	}
	file, err := reqfile.Parse(path, reqfile.Options{LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		return nil, err
	}
	return preferredFrom(file.Requirements), nil
}

// lockPackages is the solution in lockfile's model.
func lockPackages(out *outcome) []lockfile.Package {
	var pkgs []lockfile.Package
	for _, p := range out.resolution.Packages {
		lp := lockfile.Package{Name: p.Name, Version: p.Version.String(), Via: p.Via}
		for i, f := range out.files[p.Name] {
			if i == 0 {
				lp.Index = f.Index
			}
			lf := lockfile.File{Name: f.Filename, URL: f.URL, SHA256: f.SHA256, Size: f.Size}
			if !f.UploadTime.IsZero() {
				lf.UploadTime = f.UploadTime.UTC().Format("2006-01-02T15:04:05Z07:00")
			}
			lp.Files = append(lp.Files, lf)
		}
		pkgs = append(pkgs, lp)
	}
	return pkgs
}

// printLockSummary tells, on stderr, what was locked and what it weighs: the download
// size of the set (the file an installer takes for each pin) and its five largest pins.
func printLockSummary(u *ui, out *outcome, path, target string) {
	type weight struct {
		name string
		size int64
	}
	var total int64
	var weights []weight
	unknown := 0
	for _, p := range out.resolution.Packages {
		f, ok := out.installFile(p.Name)
		if !ok || f.Size == 0 {
			unknown++
			continue
		}
		total += f.Size
		weights = append(weights, weight{p.Name + " " + p.Version.String(), f.Size})
	}
	sort.Slice(weights, func(i, j int) bool {
		if weights[i].size != weights[j].size {
			return weights[i].size > weights[j].size
		}
		return weights[i].name < weights[j].name
	})
	where := path
	if path == "-" {
		where = "stdout"
	}
	u.errorf("%s %s for %s into %s\n", u.green("locked"), plural(len(out.resolution.Packages), "package", "packages"), target, where)
	size := "download size " + humanBytes(total)
	if unknown > 0 {
		size += fmt.Sprintf(" (%s of unknown size)", plural(unknown, "package", "packages"))
	}
	var largest []string
	for i, w := range weights {
		if i == 5 {
			break
		}
		largest = append(largest, w.name+" "+humanBytes(w.size))
	}
	if len(largest) > 0 {
		size += "; largest: " + strings.Join(largest, ", ")
	}
	u.errorf("%s\n", size)
}

// commandLine is the command as a lock's header records it: the subcommand, its
// arguments, then the flags that can change the lock, in name order, so the same inputs
// give the same header however the flags were ordered. A flag is left out when it holds
// its default (--offline=false, --format requirements) or is marked notInLockHeader
// (--cache-dir, --offline, -o, -q …): the same lock made on two machines has the same
// bytes.
func commandLine(cmd *cobra.Command, args []string) string {
	parts := []string{cmd.CommandPath()}
	parts = append(parts, quoteAll(args)...)
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if _, omit := fl.Annotations[omitFromHeader]; omit || fl.Value.String() == fl.DefValue {
			return
		}
		switch fl.Value.Type() {
		case "bool":
			parts = append(parts, "--"+fl.Name)
		case "stringArray":
			values, _ := cmd.Flags().GetStringArray(fl.Name)
			for _, v := range values {
				parts = append(parts, "--"+fl.Name, shellQuote(v))
			}
		default:
			parts = append(parts, "--"+fl.Name, shellQuote(fl.Value.String()))
		}
	})
	return strings.Join(parts, " ")
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = shellQuote(a)
	}
	return out
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
