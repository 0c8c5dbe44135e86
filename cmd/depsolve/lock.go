package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

type lockFlags struct {
	output          string
	noHashes        bool
	upgrade         bool
	upgradePackages []string
}

func newLockCommand(stdout, stderr io.Writer, flags lazyFlags) *cobra.Command {
	f := &inputFlags{}
	pf := &policyFlags{}
	lf := &lockFlags{}
	format := newFormatFlag("requirements", "requirements", "pylock")
	cmd := &cobra.Command{
		Use:   "lock [FILE...] [-o OUT]",
		Short: "Write a pinned, hashed lockfile for the target",
		Long: `Lock resolves the requirements for the target and writes every pin, with the
sha256 of each file of that version usable on the target, "# via" notes and
what its file weighs ("# size:"; the totals in the header), in a requirements file pip installs with --require-hashes (pip-compile's
format), or with --format pylock in a PEP 751 pylock.toml.

Re-running keeps the pins of an existing OUT that are still allowed; --upgrade
moves them all to the newest allowed versions, --upgrade-package NAME one, and
--upgrade-package NAME==VERSION moves it to VERSION (pip-compile's -P); a NAME
the solution does not hold is an error. A re-lock then lists on stderr the
pins it added, removed, upgraded and downgraded, as uv lock does.
OUT is replaced atomically, and the same inputs give the same bytes. Index
credentials are never written: URLs are recorded with them masked.

A pin with no wheel for the target is a warning (sdist-only): the image build
would compile it, or fail. --only-binary NAMES and --no-binary NAMES take
pip's values (:all:, :none:, project names); --no-build is uv's (wheels only,
for every project). Each is also a depsolve.toml key (only-binary, no-binary,
no-build = true), and pip's two are read in requirement files too.

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
			u, err := f.ui(cmd, stdout, stderr)
			if err != nil {
				return err
			}
			if err := pf.contradiction(cmd); err != nil {
				return err
			}
			return runLock(cmd.Context(), u, f, pf, lf, format.value, commandLine(cmd, args), args)
		},
	}
	flags[cmd] = func() {
		f.registerResolve(cmd.Flags())
		pf.register(cmd.Flags())
		cmd.Flags().Lookup("quiet").Usage = "print nothing but the lock with -o -, and the explanation on conflict"
		cmd.Flags().Lookup("fleet").Usage = "lock every target of the policy's fleet `NAME`, each into its own -o file (repeatable)"
		cmd.Flags().Lookup("all-fleets").Usage = "lock every target of every fleet the policy names"
		cmd.Flags().StringVarP(&lf.output, "output", "o", "", "write the lock to `OUT` (default requirements.lock, or pylock.toml with --format pylock; - for stdout)")
		notInLockHeader(cmd.Flags(), "output")
		cmd.Flags().BoolVar(&lf.noHashes, "no-hashes", false, "leave out the --hash lines (requirements format)")
		cmd.Flags().BoolVarP(&lf.upgrade, "upgrade", "U", false, "ignore the pins of an existing OUT: take the newest allowed versions")
		repeatable(cmd.Flags(), &lf.upgradePackages, "upgrade-package", "P", "let `NAME` move from its pin in an existing OUT, to VERSION with NAME==VERSION, as pip-compile's -P (repeatable)")
		format.register(cmd, "lockfile `FORMAT`: requirements (pip-compile style) or pylock (PEP 751)")
		completeTargetFlags(cmd)
	}
	return cmd
}

func runLock(ctx context.Context, u *ui, f *inputFlags, pf *policyFlags, lf *lockFlags, format, command string, args []string) error {
	req := engine.LockRequest{
		Request:  f.request(args),
		Format:   engine.LockFormat(format),
		Output:   lf.output,
		Upgrade:  lf.upgrade,
		NoHashes: lf.noHashes,
		Command:  command,
	}
	req.Reporter = u
	req.Sizes = true
	for _, spec := range lf.upgradePackages {
		name, version, pinned := strings.Cut(spec, "==")
		if !pep508.ValidName(name) || pinned && !isVersion(version) {
			return usageError{err: fmt.Errorf("--upgrade-package %q: want a project name, or NAME==VERSION", spec), command: "depsolve lock"}
		}
		req.UpgradePackages = append(req.UpgradePackages, engine.UpgradePackage{Name: pep508.NormalizeName(name), Version: version})
	}
	if err := pf.apply(&req.Request); err != nil {
		return err
	}
	if pf.fleetRun() {
		return runFleetLock(ctx, u, req, pf.fleets)
	}
	l, err := engine.Lock(ctx, req)
	if err != nil {
		return err
	}
	return printLocked(u, l)
}

// printLocked tells what a lock did: the conflict, or what was locked.
func printLocked(u *ui, l engine.Locked) error {
	target := targetSummary(l.Target)
	if l.Conflict != nil {
		printConflict(u, "the requirements cannot all be met for "+target, explanation(u, l.Conflict), l.Hints)
		return exitStatus(exitConflict)
	}
	if len(l.Violations) > 0 {
		printConflict(u, "the solution breaks your platform's policy on "+target, violationsText(l.Violations), l.Hints)
		return exitStatus(exitConflict)
	}
	if l.OverBudget() {
		printOverBudget(u, l.Verdict, target)
		return exitStatus(exitConflict)
	}
	if l.Output == "-" {
		u.print(string(l.Content))
	}
	if !u.quiet {
		printLockSummary(u, l)
		printChanges(u, l.Changes)
	}
	return nil
}

// printChanges tells, on stderr, how the pins moved from those of the lock replaced, one
// line each, as uv's lock does: "Upgraded numpy v1.26.3 -> v1.26.4".
func printChanges(u *ui, changes []engine.Change) {
	for _, c := range changes {
		switch c.Kind {
		case engine.Added:
			u.errorf("Added %s v%s\n", c.Name, c.New)
		case engine.Removed:
			u.errorf("Removed %s v%s\n", c.Name, c.Old)
		case engine.Upgraded:
			u.errorf("Upgraded %s v%s -> v%s\n", c.Name, c.Old, c.New)
		case engine.Downgraded:
			u.errorf("Downgraded %s v%s -> v%s\n", c.Name, c.Old, c.New)
		}
	}
}

// isVersion reports whether s is a PEP 440 version, as --upgrade-package NAME==VERSION takes.
func isVersion(s string) bool {
	_, err := pep440.Parse(s)
	return err == nil
}

// printLockSummary tells, on stderr, what was locked and, in one line built from the
// size report, what it weighs and its largest pins.
func printLockSummary(u *ui, l engine.Locked) {
	where := l.Output
	if where == "-" {
		where = "stdout"
	}
	u.errorf("%s %s for %s into %s\n", u.green("locked"), plural(len(l.Packages), "package", "packages"), targetSummary(l.Target), where)
	if l.Sizes != nil {
		u.errorf("%s%s\n", l.Sizes.Summary(), largestSummary(l.Sizes))
	}
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
			for _, v := range fl.Value.(pflag.SliceValue).GetSlice() {
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
