package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/compat"
	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/reqfile"
)

func newCheckCommand(stdout, stderr io.Writer) *cobra.Command {
	f := &inputFlags{}
	format := newFormatFlag("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "check [FILE...]",
		Short: "Check that the requirements install consistently on the target",
		Long: `Check resolves the requirements for the target and prints a one-line verdict,
or, when no set of versions works, the numbered chain of facts that proves it,
followed by hints.

FILE is a requirements file, a pyproject.toml or a PEP 751 pylock.toml
(default requirements.txt). A file in which every requirement is pinned with
== (a lock), and a pylock.toml, is verified as it is: the pins must be
consistent, complete (every dependency pinned) and their hashes must match
files the index has for the target. A target Python outside the
requires-python of a pyproject.toml or pylock.toml is a conflict.

The target comes from the flags, then depsolve.toml or [tool.depsolve] in
pyproject.toml, then the target a pylock.toml records, then --base-image or
the Dockerfile, then --detect; Python and platform default to ` + defaultPython + `
and ` + defaultPlatform + `.

Exit status: 0 consistent, 1 conflict, 2 bad input or usage,
3 index, network or cache failure.`,
		Example: `  # Will these requirements install on an H100 host with driver 550?
  depsolve check requirements.txt --python 3.11.9 --driver 550.54.15 --gpu H100

  # The target of a container image, and the GPUs of this machine
  depsolve check --base-image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 --detect

  # Verify a lock made by depsolve lock, for CI (JSON on stdout)
  depsolve check requirements.lock --format json

  # Verify a PEP 751 lock on the target it records
  depsolve check pylock.toml`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			u := newUI(stdout, stderr, f.noColor, f.quiet)
			err := runCheck(cmd.Context(), u, f, format.value, args)
			var status exitStatus
			if err != nil && format.value == "json" && !errors.As(err, &status) {
				return failJSON(u, nil, err)
			}
			return err
		},
	}
	f.registerSources(cmd.Flags())
	f.registerTarget(cmd.Flags())
	f.registerOutput(cmd.Flags())
	format.register(cmd, "output `FORMAT`: text, or json (one object on stdout)")
	completeTargetFlags(cmd)
	return cmd
}

func runCheck(ctx context.Context, u *ui, f *inputFlags, format string, args []string) error {
	in, err := loadInputs(u, f, args)
	if err != nil {
		return err
	}
	s, err := openSession(ctx, u, f, in.files, true)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		if format == "json" {
			return failJSON(u, s.target, err)
		}
		return err
	}
	for _, n := range s.target.Notes {
		u.note("%s", n)
	}
	target := targetSummary(s.target)
	if m := checkRequiresPython(s.target, in.files); m != nil {
		return reportConflict(u, format, s.target, m.file+" cannot be installed on "+target, m.chain, m.hints)
	}
	ix, err := s.newIndex(in.pre)
	if err != nil {
		return fail(err)
	}
	defer ix.Close()
	out, err := s.resolve(ctx, ix, in, nil)
	if err != nil {
		return fail(err)
	}
	if out.conflict != nil {
		if format == "json" {
			r := newReport("conflict", s.target)
			r.setConflict(out.conflict.Text(), out.hints)
			if err := r.write(u); err != nil {
				return err
			}
		} else {
			printConflict(u, "the requirements cannot all be met for "+target, explanation(u, out.conflict), out.hints)
		}
		return exitStatus(exitConflict)
	}

	verify := fullyPinned(in.requirements)
	if verify || format == "json" {
		if err := s.withFiles(ctx, ix, out); err != nil {
			return fail(err)
		}
	}
	var findings []lockfile.Finding
	verified := []string{"consistent", "complete"}
	if verify {
		pins := lockPins(in.requirements)
		for _, fd := range lockfile.Verify(pins, lockPackages(out)) {
			if fd.Warning {
				u.warn("%s", findingText(in, fd))
				verified = verified[:1]
			} else {
				findings = append(findings, fd)
			}
		}
		if slices.ContainsFunc(pins, func(p lockfile.Pin) bool { return len(p.Hashes) > 0 }) {
			verified = append(verified, "hashes match the index")
		}
	}
	if len(findings) > 0 {
		return lockProblems(u, format, s.target, in, findings)
	}

	if format == "json" {
		r := newReport("ok", s.target)
		r.addPackages(out)
		return r.write(u)
	}
	if verify {
		u.printf("%s %s verified for %s: %s\n", u.green("ok:"), plural(len(in.requirements), "pin", "pins"), target, strings.Join(verified, ", "))
	} else {
		u.printf("%s %s consistent for %s\n", u.green("ok:"), plural(len(out.resolution.Packages), "package", "packages"), target)
	}
	return nil
}

// lockProblems reports a lock that does not install as it is: a conflict-style failure
// (exit 1) whose numbered lines each name the file:line to fix.
func lockProblems(u *ui, format string, t *compat.Target, in *inputs, findings []lockfile.Finding) error {
	var lines []string
	for i, fd := range findings {
		lines = append(lines, fmt.Sprintf("(%d) %s", i+1, findingText(in, fd)))
	}
	hints := []string{"run depsolve lock again to refresh the pins and their hashes for this target."}
	return reportConflict(u, format, t, fmt.Sprintf("%s does not install as pinned on %s", inputNames(in), targetSummary(t)), strings.Join(lines, "\n"), hints)
}

// reportConflict reports a conflict found without the solver, as text or as the JSON
// report, and returns exit status 1.
func reportConflict(u *ui, format string, t *compat.Target, headline, chain string, hints []string) error {
	if format == "json" {
		r := newReport("conflict", t)
		r.setConflict(chain, hints)
		if err := r.write(u); err != nil {
			return err
		}
	} else {
		printConflict(u, headline, chain, hints)
	}
	return exitStatus(exitConflict)
}

// lockPins are the requirement lines of a fully pinned file, for lockfile.Verify.
func lockPins(rs []reqfile.Requirement) []lockfile.Pin {
	var out []lockfile.Pin
	for _, r := range rs {
		v, _ := exactPin(r.Requirement)
		out = append(out, lockfile.Pin{Name: r.Key(), Version: v.String(), Origin: origin(r), Hashes: r.Hashes})
	}
	return out
}

// findingText places a finding: at its pin's file:line, or at the files checked.
func findingText(in *inputs, fd lockfile.Finding) string {
	if fd.Origin == "" {
		return inputNames(in) + ": " + fd.String()
	}
	return fd.String()
}

func inputNames(in *inputs) string {
	names := make([]string, 0, len(in.files))
	for _, f := range in.files {
		names = append(names, f.Path)
	}
	return strings.Join(names, ", ")
}
